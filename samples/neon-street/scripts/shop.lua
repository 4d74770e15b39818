-- shop.lua — what the shops of Neon Street share (require "shop"): orders
-- between shops paid through the ledger, deliveries by message, refunds
-- when a shop cannot deliver, and the rent every shop owes the plaza.
--
-- A buyer pays first and sends an order; the money arrives at the seller
-- when the tick ends and the order is delivered at the next tick, so the
-- seller always sees the payment before the order.
local shop = {}

-- Pay `seller` for `item` and send the order.
function shop.order(seller, item, price)
  if economy.balance() < price then
    log.warn(parcel.name(), "cannot afford", item, "from", seller)
    return false
  end
  economy.transfer(seller, price, item)
  messages.send(seller, {kind = "order", item = item, paid = price})
  return true
end

-- Answer an order: `make(item)` returns what to deliver, or nil when the
-- shop cannot; then the payment goes back.
function shop.serve(from, msg, make)
  local goods = make(msg.item)
  if goods == nil then
    economy.transfer(from, msg.paid, "refund " .. msg.item)
    messages.send(from, {kind = "refund", item = msg.item})
    return
  end
  messages.send(from, {kind = "delivery", item = msg.item, goods = goods})
end

-- Every shop pays the plaza rent every `period` ticks.
function shop.rent(t, period, amount)
  if t % period == 0 and economy.balance() >= amount then
    economy.transfer("plaza", amount, "rent")
  end
end

-- Light the two neon corners while the shop is open.
function shop.neon(on)
  local w = parcel.size()
  tiles.set(0, 0, on and "neon" or "wall")
  tiles.set(w - 1, 0, on and "neon" or "wall")
end

return shop
