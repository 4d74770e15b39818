-- noodles.lua — Mei's noodle bar: sells noodles to the other shops and
-- serves bowls to avatars who ask the cook (scripts/cook.lua).
local shop = require("shop")
local price = 12
served = 0 -- global: the cook's script shares this state

function on_load()
  log.info("noodle bar open; a bowl is", price)
end

function on_message(from, msg)
  if type(msg) ~= "table" then return end
  if msg.kind == "order" then
    shop.serve(from, msg, function(item)
      if item ~= "noodles" or msg.paid < price then return nil end
      served = served + 1
      return "a steaming bowl"
    end)
  end
end

function on_tick(t)
  shop.rent(t, 50, 5)
  -- The bar closes for a while every 100 ticks.
  shop.neon(t % 100 < 80)
end
