-- clock.lua — the clock tower: ten ticks make an hour. On the hour it
-- shows the time on its face, tells the market board, and starts a baton
-- along the relays; the baton comes back with the path it took.
-- A message "ring" from outside (the events file) rings the bell at once.
local digits = require("digits")
local hour = 0

local function chime(why)
  digits.show(hour, 3, 2, 2)
  messages.send("market-board", {kind = "chime", hour = hour})
  messages.send("relay-1", {kind = "baton", hour = hour, sent = world.tick(),
    path = {parcel.name()}})
  entities.set("bell", "rung", world.tick())
  log.info("bell", why, "hour", hour)
end

function on_load() digits.show(hour, 3, 2, 2) end

function on_message(from, msg)
  if from == nil and msg == "ring" then
    chime("rung by hand at")
  elseif type(msg) == "table" and msg.kind == "baton" then
    log.info("baton of hour", msg.hour, "back after", world.tick() - msg.sent,
      "ticks via", table.concat(msg.path, " > "))
  end
end

function on_tick(t)
  if t % 10 == 0 then
    hour = (hour + 1) % 24
    chime("chimes")
  end
end
