-- economy.lua — the ledger: balances, transfers from the own account only.
local c = require("check")

function on_load()
  c.eq(economy.account(), "a")
  c.eq(economy.balance(), 1000)
  c.eq(economy.balance("b"), 500)
  c.eq(economy.balance("@ann"), 0, "identities start empty")
  c.eq(economy.supply(), 1500)
  c.eq(economy.transfer("b", 100, "rent"), 900)
  c.eq(economy.transfer("@ann", 50), 850)
  c.eq(economy.balance(), 850, "the own balance moves at once")
  c.eq(economy.balance("b"), 500, "others' balances move when the tick ends")
  c.fails("economy.transfer: parcel 'a' has 850, not enough to pay 851",
    function() economy.transfer("b", 851) end)
  c.fails("economy.transfer: the amount must be positive, not 0",
    function() economy.transfer("b", 0) end)
  c.fails("economy.transfer: the amount must be positive, not -5",
    function() economy.transfer("b", -5) end)
  c.fails("economy.transfer: the amount must be an integer, not a fraction",
    function() economy.transfer("b", 1.5) end)
  c.fails("economy.transfer: parcel 'a' cannot pay itself",
    function() economy.transfer("a", 1) end)
  c.fails("economy.transfer: no account 'mars' (a parcel's name, or @identity)",
    function() economy.transfer("mars", 1) end)
  c.fails("economy.transfer: '@' is not a valid identity account",
    function() economy.transfer("@", 1) end)
  c.fails("economy.balance: no account 'mars' (a parcel's name, or @identity)",
    function() return economy.balance("mars") end)
end

function on_tick(t)
  if t == 1 then
    c.eq(economy.balance("b"), 600); c.eq(economy.balance("@ann"), 50)
    c.eq(economy.balance(), 850)
    economy.transfer("b", 800)
    error("undo this handler")
  end
  if t == 2 then
    c.eq(economy.balance(), 850, "a failed handler's transfer is undone")
    c.eq(economy.balance("b"), 600)
    log.info("ok economy")
  end
end
