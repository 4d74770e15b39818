-- cook.lua — the noodle bar's cook: an avatar who talks to the cook gets a
-- bowl on the counter (at most three wait there) and a loyalty credit.
-- Entity scripts share their parcel's state, so this adds a handler with
-- events.on instead of defining on_interact itself.
local bowls = 0

events.on("interact", function(avatar, entity)
  if entity ~= "cook" then return end
  bowls = bowls + 1
  local name = "bowl-" .. bowls
  entities.spawn(name, 1 + (bowls - 1) % 3, 2, "u", {for_ = avatar})
  if bowls > 3 then entities.remove("bowl-" .. (bowls - 3)) end
  served = served + 1
  entities.set("cook", "served", served)
  economy.transfer("@" .. avatar, 1, "loyalty")
  log.info("cook serves", avatar)
end)
