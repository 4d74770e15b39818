-- Entity properties live in the host, outside the Lua heap: they count
-- against the parcel's memory cap all the same.
local n = 0
function on_tick(t)
  for i = 1, 2000 do n = n + 1 entities.set("stone", "p" .. n, ("v"):rep(500)) end
end
