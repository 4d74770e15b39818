-- fountain.lua: the crier greets whoever comes in.
function on_tick()
  entities.set("crier", "greeted", 1)
end
