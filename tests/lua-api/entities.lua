-- entities.lua — the entities module: spawn, move, remove, find, properties.
local c = require("check")

function on_load()
  c.eq(c.list(entities.list()), "stone", "world-file entities come first")
  c.eq(entities.prop("stone", "weight"), "3", "world-file attributes are strings")
  c.eq(entities.spawn("bird", 4, 4, "v", {speed = 2, tame = true}), "bird")
  c.eq(entities.prop("bird", "speed"), 2)
  c.eq(entities.prop("bird", "tame"), true)
  local e = entities.get("bird")
  c.eq(e.x, 4); c.eq(e.y, 4); c.eq(e.glyph, "v"); c.eq(e.props.speed, 2)
  c.eq(entities.get("nobody"), nil)
  entities.move("bird", 1, 1)
  c.eq(c.list(entities.at(1, 1)), "stone,bird")
  entities.set("bird", "speed", 2.5)
  entities.set("bird", "tame", nil)
  c.eq(entities.prop("bird", "speed"), 2.5)
  c.eq(entities.prop("bird", "tame"), nil)
  c.eq(c.list(entities.find("speed")), "bird")
  c.eq(c.list(entities.find("weight", "3")), "stone")
  c.eq(#entities.find("weight", 3), 0, "a string is not a number")
  c.eq(entities.exists("bird"), true)
  c.eq(entities.count(), 2); c.eq(entities.limit(), 8)
  entities.remove("bird")
  c.eq(entities.exists("bird"), false)
  c.fails("entities.spawn: parcel 'a' already has an entity named 'stone'",
    function() entities.spawn("stone", 0, 0) end)
  c.fails("entities.spawn: 'a b' is not a valid entity name (letters, digits, '_', "
    .. "'.', '-'; at most 64 bytes)", function() entities.spawn("a b", 0, 0) end)
  c.fails("entities.spawn: (0, 8) is outside parcel 'a' (x 0..7, y 0..7)",
    function() entities.spawn("x", 0, 8) end)
  c.fails("entities.spawn: the glyph must be one character, not 'ab'",
    function() entities.spawn("x", 0, 0, "ab") end)
  c.fails("entities.spawn: a property must be nil, a boolean, a number or a string, "
    .. "not function", function() entities.spawn("x", 0, 0, "x", {f = print}) end)
  c.fails("entities.move: no entity named 'lamp' in parcel 'a'",
    function() entities.move("lamp", 0, 0) end)
  c.fails("entities.remove: no entity named 'lamp' in parcel 'a'",
    function() entities.remove("lamp") end)
  c.fails("entities.set: a property must be nil, a boolean, a number or a string, "
    .. "not table", function() entities.set("stone", "k", {}) end)
  for i = 2, 8 do entities.spawn("e" .. i, i - 1, 0) end
  c.fails("entities.spawn: parcel 'a' is at its entity budget (8)",
    function() entities.spawn("one-too-many", 0, 0) end)
end

function on_tick(t)
  if t == 1 then
    c.eq(entities.count(), 8)
    entities.remove("e2")
    entities.spawn("ghost", 0, 0)
    error("undo this handler")
  end
  if t == 2 then
    c.eq(entities.exists("e2"), true, "a failed handler's removal is undone")
    c.eq(entities.exists("ghost"), false, "and its spawn")
    log.info("ok entities")
  end
end
