-- fountain.lua: lights a lamp.
function on_tick()
  tiles.set(1, 1, "lammp")
end
