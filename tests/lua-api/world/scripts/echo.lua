-- echo.lua — parcel b: sends every message back with "echo" and its tick.
function on_message(from, value)
  if from then messages.send(from, {echo = value, tick = world.tick()}) end
end
