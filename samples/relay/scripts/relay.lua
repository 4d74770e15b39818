-- relay.lua — one script, three parcels (relay-1, relay-2, relay-3): each
-- lights its lamp while a baton passes, adds its name to the baton's path
-- and hands it on east; the last one sends it home to the clock tower.
local me = parcel.name()
local n = tonumber(me:match("^relay%-(%d+)$"))
local lamp_until = -1
local passed = 0

local function next_hop()
  local east = "relay-" .. (n + 1)
  if world.parcel(east) then return east end
  return "clock-tower"
end

function on_load()
  tiles.fill(0, 0, 8, 5, "floor")
  entities.spawn("runner", 0, 2, "r", {carried = 0})
end

function on_message(from, msg)
  if type(msg) ~= "table" or msg.kind ~= "baton" then return end
  msg.path[#msg.path + 1] = me
  messages.send(next_hop(), msg)
  passed = passed + 1
  entities.set("runner", "carried", passed)
  entities.move("runner", 7, 2)
  tiles.set(4, 2, "lamp")
  lamp_until = world.tick() + 3
end

function on_tick(t)
  if t == lamp_until then
    tiles.set(4, 2, "floor")
    entities.move("runner", 0, 2)
  end
end
