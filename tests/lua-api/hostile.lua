-- hostile.lua — odd and hostile uses of the API: from coroutines, through
-- metamethods, with NUL bytes in names, swallowing a cap with pcall.
local c = require("check")

function on_load()
  -- the API works from a coroutine, and its errors stay Lua errors there
  local co = coroutine.wrap(function()
    tiles.set(0, 0, "#")
    coroutine.yield(tiles.get(0, 0))
    return pcall(tiles.set, 99, 0, "#")
  end)
  c.eq(co(), "#")
  local ok = co()
  c.eq(ok, false, "an API error inside a coroutine is catchable")
  -- through a metamethod
  local t = setmetatable({}, {__index = function(_, k) return tiles.get(k, k) end})
  c.eq(t[0], "#")
  -- a NUL byte does not shorten a name
  c.fails("entities.move: no entity named 'stone' in parcel 'a'",
    function() entities.move("stone\0b", 0, 0) end)
  c.fails("economy.transfer: no account 'b' (a parcel's name, or @identity)",
    function() economy.transfer("b\0x", 1) end)
  -- replacing API functions affects only this parcel's own table
  local real = tiles.get
  tiles.get = function() return "?" end
  c.eq(tiles.get(0, 0), "?")
  tiles.get = real
  log.info("ok hostile")
end

function on_tick(t)
  if t == 1 then
    -- the 17th message of a tick fails the handler even when pcall catches it
    for i = 1, 16 do messages.send("idle", i) end
    local ok, err = pcall(messages.send, "idle", 17)
    log.info("caught:", ok, err)
    tiles.set(1, 1, "~")
  end
  if t == 2 then
    c.eq(tiles.get(1, 1), ".", "the handler that swallowed the cap was undone")
    -- deep chains of handlers end in a clean error, not a crash
    for _ = 1, 300 do events.on("leave", function() end) end
    log.info("ok chain")
  end
end
