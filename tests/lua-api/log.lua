-- log.lua — log lines go to the trace; values shown without addresses.
function on_load()
  log.info("plain", 1, 2.5, true, nil, {}, print)
  log.warn("two\nlines")
  log.error("tab\there")
end

function on_tick(t)
  if t == 3 then log.info("ok log") end
end
