-- fountain.lua: the crier walks.
function on_tick()
  entities.move("crire", 2, 1)
end
