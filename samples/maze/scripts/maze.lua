-- maze.lua — carves a maze from the seed, then a runner solves it, four
-- steps a tick, by keeping its right hand on the wall, leaving a trail. When it
-- reaches the exit, a new maze is carved. Avatars who come in wander it.
--
-- Shows: rng (the maze depends only on the seed and the tick it is carved
-- at), tiles.fill/set/get, entities as moving pieces, the parcel's budget.

local W, H = parcel.size()          -- 33 x 33 tiles: 16 x 16 cells
local CW, CH = (W - 1) // 2, (H - 1) // 2
local dirs = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}} -- east, south, west, north
local runner = {x = 1, y = 1, heading = 1, steps = 0}
local level = 0

local function open(x, y)
  return x >= 0 and y >= 0 and x < W and y < H and not tiles.solid(x, y)
end

-- Recursive backtracking with an explicit stack (no deep Lua recursion).
local function carve()
  tiles.fill(0, 0, W, H, "wall")
  local seen = {[0] = true}
  local stack = {{0, 0}}
  tiles.set(1, 1, "floor")
  while #stack > 0 do
    local cx, cy = stack[#stack][1], stack[#stack][2]
    local options = {}
    for _, d in ipairs(dirs) do
      local nx, ny = cx + d[1], cy + d[2]
      if nx >= 0 and ny >= 0 and nx < CW and ny < CH and not seen[ny * CW + nx] then
        options[#options + 1] = {nx, ny, d}
      end
    end
    if #options == 0 then
      stack[#stack] = nil
    else
      local o = rng.pick(options)
      seen[o[2] * CW + o[1]] = true
      tiles.set(2 * cx + 1 + o[3][1], 2 * cy + 1 + o[3][2], "floor")
      tiles.set(2 * o[1] + 1, 2 * o[2] + 1, "floor")
      stack[#stack + 1] = {o[1], o[2]}
    end
  end
  tiles.set(W - 2, H - 2, "exit")
end

local function new_level()
  level = level + 1
  carve()
  runner.x, runner.y, runner.heading, runner.steps = 1, 1, 1, 0
  if entities.exists("runner") then entities.move("runner", 1, 1)
  else entities.spawn("runner", 1, 1, "@") end
  entities.set("runner", "level", level)
  log.info("level", level, "carved at tick", world.tick())
end

-- One step of the right-hand rule: turn right if open, else straight,
-- else left, else back.
local function step()
  for _, turn in ipairs({1, 0, -1, 2}) do
    local h = (runner.heading - 1 + turn) % 4 + 1
    local nx, ny = runner.x + dirs[h][1], runner.y + dirs[h][2]
    if open(nx, ny) then
      if tiles.get(runner.x, runner.y) == "." then tiles.set(runner.x, runner.y, "trail") end
      runner.x, runner.y, runner.heading = nx, ny, h
      runner.steps = runner.steps + 1
      entities.move("runner", nx, ny)
      return
    end
  end
end

function on_load() new_level() end

function on_enter(avatar)
  if not entities.exists(avatar) then entities.spawn(avatar, 1, 1, "a") end
end

function on_leave(avatar)
  if entities.exists(avatar) then entities.remove(avatar) end
end

-- Avatars wander: a random open neighbour each tick.
local function wander(name)
  local e = entities.get(name)
  local d = rng.pick(dirs)
  if open(e.x + d[1], e.y + d[2]) then entities.move(name, e.x + d[1], e.y + d[2]) end
end

-- The runner takes up to four steps a tick.
function on_tick()
  for _ = 1, 4 do
    step()
    if tiles.get(runner.x, runner.y) == "X" then
      log.info("runner solved level", level, "in", runner.steps, "steps")
      new_level()
      break
    end
  end
  for _, a in ipairs(parcel.avatars()) do wander(a) end
end
