-- fountain.lua: sends word to the square.
function on_tick()
  messages.send("sqare", "hello")
end
