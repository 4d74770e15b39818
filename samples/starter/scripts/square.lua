-- square.lua — the town square: the crier walks a loop around the pond,
-- greets every avatar who comes in, and the lamps glow while anyone is here.
--
-- Shows: events (on_enter, on_leave, on_interact), entities (move, set),
-- tiles (set), parcel.avatars() and log.

-- The crier's round, as tile positions inside the square (16x6).
local round = {
  {3, 2}, {4, 2}, {5, 2}, {5, 3}, {5, 4}, {6, 4}, {7, 4}, {8, 4},
  {9, 4}, {9, 3}, {9, 2}, {8, 2}, {7, 2}, {6, 2}, {5, 2}, {4, 2},
}
local step = 1
local greeted = 0
local lamps = {{3, 2}, {10, 2}}
local news = {
  "the pond froze over last winter",
  "a new shop opens on the Street",
  "the cottage has a tree in it",
}

local function light(on)
  for _, l in ipairs(lamps) do tiles.set(l[1], l[2], on and "lamp" or "floor") end
end

function on_load()
  log.info("the square opens in", world.name(), "with seed", world.seed())
  entities.set("crier", "greeted", 0)
  light(false)
end

function on_enter(avatar)
  greeted = greeted + 1
  entities.set("crier", "greeted", greeted)
  log.info("crier: welcome to the square,", avatar)
  light(true)
end

function on_leave(avatar)
  log.info("crier: farewell,", avatar)
  if #parcel.avatars() == 0 then light(false) end
end

function on_interact(avatar, entity)
  if entity == "crier" then
    log.info("crier to " .. avatar .. ": hear ye,", rng.pick(news))
  end
end

function on_tick(t)
  -- The crier takes one step every other tick.
  if t % 2 == 0 then
    step = step % #round + 1
    entities.move("crier", round[step][1], round[step][2])
  end
end
