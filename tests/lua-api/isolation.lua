-- isolation.lua — a script tries to reach another parcel's land, entities,
-- money or API state, and fails every time.
local c = require("check")

function on_load()
  -- Parcel b lies at tiles x 8..15 of the world; coordinates are parcel-relative.
  c.fails("tiles.set: (8, 0) is outside parcel 'a' (x 0..7, y 0..7)",
    function() tiles.set(8, 0, "#") end)
  c.fails("tiles.fill: 9x1 at (0, 0) does not fit in parcel 'a' (8x8)",
    function() tiles.fill(0, 0, 9, 1, "#") end)
  c.fails("tiles.fill: 9223372036854775807x1 at (7, 0) does not fit in parcel 'a' (8x8)",
    function() tiles.fill(7, 0, math.maxinteger, 1, "#") end)
  c.fails("tiles.set: x must be an integer, not a fraction",
    function() tiles.set(math.huge, 0, "#") end)
  -- b's entity "lamp" cannot be named from here
  c.fails("entities.move: no entity named 'lamp' in parcel 'a'",
    function() entities.move("lamp", 0, 0) end)
  c.fails("entities.set: no entity named 'lamp' in parcel 'a'",
    function() entities.set("lamp", "on", false) end)
  c.eq(entities.get("lamp"), nil)
  -- there is no way to name the account a transfer is paid from
  economy.transfer("@mallory", 1, "b")
  c.eq(economy.balance("b"), 500)
  -- replacing a module only changes this parcel's own globals
  tiles.set = function() end
  world = nil
  c.eq(debug, nil); c.eq(io, nil); c.eq(os, nil); c.eq(package, nil)
  log.info("ok isolation")
end
