-- arcade.lua — Hiro's arcade: buys soundtracks for its cabinets from the
-- synth shop, keeps a high score per cabinet, and pays prizes to avatars
-- who beat it.
local shop = require("shop")
local next_cabinet = 1

function on_load()
  for _, c in ipairs({"cabinet-1", "cabinet-2"}) do entities.set(c, "high", 1000) end
end

function on_interact(avatar, entity)
  if not entity:match("^cabinet%-") then return end
  local score = rng.int(0, 2000)
  if score > entities.prop(entity, "high") then
    entities.set(entity, "high", score)
    entities.set(entity, "champion", avatar)
    economy.transfer("@" .. avatar, 3, "prize on " .. entity)
    log.info(avatar, "beats", entity, "with", score)
  end
end

function on_message(from, msg)
  if type(msg) ~= "table" then return end
  if msg.kind == "delivery" then
    local cab = "cabinet-" .. next_cabinet
    entities.set(cab, "track", msg.goods)
    next_cabinet = next_cabinet % 2 + 1
    log.info("arcade plays", msg.goods, "on", cab)
  elseif msg.kind == "refund" then
    log.warn("arcade: no more", msg.item, "for sale")
  end
end

function on_tick(t)
  shop.rent(t, 50, 5)
  if t % 35 == 0 then shop.order("synth-shop", "soundtrack", 30) end
  shop.neon(#parcel.avatars() > 0 or t % 2 == 0)
end
