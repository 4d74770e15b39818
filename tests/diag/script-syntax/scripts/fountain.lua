-- fountain.lua
function on_tick()
  entities.set("crier" "greeted", 1)
end
