-- stall.lua — one script for three stalls: quote a price when the board
-- asks (each stall draws its own numbers: rng depends on the parcel), and
-- count the crates sold on the stall's sign.
local sold = 0

function on_message(from, msg)
  if type(msg) ~= "table" then return end
  if msg.kind == "quote?" then
    messages.send(from, {kind = "quote", price = rng.int(10, 40)})
  elseif msg.kind == "buy" then
    sold = sold + 1
    entities.set("sign", "sold", sold)
    entities.set("sign", "last_price", msg.price)
  end
end
