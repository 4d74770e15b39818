-- events.lua — the events module and the handlers the events file drives.
local c = require("check")
local seen = {}

function on_load()
  c.eq(c.list(events.list()), "load,tick", "handlers defined as globals")
  events.on("enter", function(who) seen[#seen + 1] = "enter " .. who end)
  -- a second handler for the same event runs after the first
  events.on("enter", function(who) seen[#seen + 1] = "again " .. who end)
  events.on("leave", function(who) seen[#seen + 1] = "leave " .. who end)
  events.on("interact", function(who, what) seen[#seen + 1] = who .. " uses " .. what end)
  events.on("message", function(from, text) seen[#seen + 1] = tostring(from) .. ": " .. text end)
  c.eq(c.list(events.list()), "load,tick,enter,leave,message,interact")
  events.on("leave", print)
  events.off("leave")
  c.eq(on_leave, nil, "off removes the handler")
  events.on("leave", function(who) seen[#seen + 1] = "leave " .. who end)
  c.fails("events.on: unknown event 'jump' (load, tick, enter, leave, message or interact)",
    function() events.on("jump", print) end)
  c.fails("events.on: the handler must be a function, not string",
    function() events.on("tick", "f") end)
end

function on_tick(t)
  if t == 1 then c.eq(c.list(seen), "enter ana,again ana,enter bob,again bob") end
  if t == 2 then
    c.eq(c.list(seen), "enter ana,again ana,enter bob,again bob,"
      .. "ana uses stone,leave bob,nil: hello from outside", "events in file order")
    log.info("ok events")
  end
end
