-- zones.lua — run as parcel q, whose zone allows scripts only: every write
-- fails with an error naming the zone and the call; reads still work.
local c = require("check")

function on_load()
  local z = "zone 'quiet' does not allow "
  c.fails("tiles.set: " .. z .. "tiles (parcel 'q')", function() tiles.set(0, 0, "#") end)
  c.fails("tiles.fill: " .. z .. "tiles (parcel 'q')",
    function() tiles.fill(0, 0, 1, 1, "#") end)
  c.fails("entities.spawn: " .. z .. "entities (parcel 'q')",
    function() entities.spawn("x", 0, 0) end)
  c.fails("entities.move: " .. z .. "entities (parcel 'q')",
    function() entities.move("x", 0, 0) end)
  c.fails("entities.remove: " .. z .. "entities (parcel 'q')",
    function() entities.remove("x") end)
  c.fails("entities.set: " .. z .. "entities (parcel 'q')",
    function() entities.set("x", "k", 1) end)
  c.fails("messages.send: " .. z .. "messages (parcel 'q')",
    function() messages.send("a", 1) end)
  c.fails("economy.transfer: " .. z .. "economy (parcel 'q')",
    function() economy.transfer("a", 1) end)
  c.eq(parcel.allows("tiles"), false)
  c.eq(parcel.allows("scripts"), true)
  c.eq(tiles.get(0, 0), ".")
  c.eq(economy.balance(), 0)
  log.info("ok zones")
end
