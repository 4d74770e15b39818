-- board.lua — the market board: on every chime it asks each stall for a
-- quote, and once all have answered it buys one crate from the cheapest
-- (ties go to the first asked) and shows the price on the board.
local digits = require("digits")
local stalls = {"stall-a", "stall-b", "stall-c"}
local quotes, waiting = {}, 0
local best = nil

function on_load() digits.show(0, 2, 2, 4) end

local function buy()
  local pick
  for _, s in ipairs(stalls) do
    if quotes[s] and (not pick or quotes[s] < quotes[pick]) then pick = s end
  end
  if economy.balance() < quotes[pick] then
    log.warn("board cannot afford", pick, "at", quotes[pick])
    return
  end
  economy.transfer(pick, quotes[pick], "crate")
  messages.send(pick, {kind = "buy", price = quotes[pick]})
  best = quotes[pick]
  digits.show(best, 2, 2, 4)
  log.info("board buys from", pick, "at", best)
end

function on_message(from, msg)
  if type(msg) ~= "table" then return end
  if msg.kind == "chime" then
    quotes, waiting = {}, #stalls
    for _, s in ipairs(stalls) do messages.send(s, {kind = "quote?", hour = msg.hour}) end
  elseif msg.kind == "quote" and waiting > 0 then
    quotes[from] = msg.price
    waiting = waiting - 1
    if waiting == 0 then buy() end
  end
end

function on_enter(avatar)
  log.info("board to", avatar .. ":", best and ("crates at " .. best) or "no trades yet")
end
