-- synth.lua — Raven's synth shop: sells soundtracks, a few of them only,
-- and refunds orders once the crate is empty.
local shop = require("shop")
local tracks = {"neon-rain", "katana-dub", "black-sun", "metaverse-blues"}
local sold = 0

function on_message(from, msg)
  if type(msg) ~= "table" then return end
  if msg.kind == "order" then
    shop.serve(from, msg, function(item)
      if item ~= "soundtrack" or sold == #tracks then return nil end
      sold = sold + 1
      return tracks[sold]
    end)
  elseif msg.kind == "delivery" then
    log.info("synth shop lunch:", msg.goods)
  end
end

function on_tick(t)
  shop.rent(t, 50, 5)
  if t % 50 == 25 then shop.order("noodle-bar", "noodles", 12) end
end
