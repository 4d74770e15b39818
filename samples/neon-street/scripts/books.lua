-- books.lua — Ng's bookstall: a small, poor shop; buys lunch from the
-- noodle bar when it can afford it, and pays rent when it can.
local shop = require("shop")

function on_message(from, msg)
  if type(msg) == "table" and msg.kind == "delivery" then
    log.info("bookstall lunch:", msg.goods)
  end
end

function on_tick(t)
  shop.rent(t, 50, 5)
  if t % 30 == 0 then shop.order("noodle-bar", "noodles", 12) end
end
