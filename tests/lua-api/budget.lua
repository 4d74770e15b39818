-- budget.lua — a handler that runs out of instructions after writing keeps
-- nothing of what it wrote; the parcel carries on at the next tick.
function on_tick(t)
  if t == 1 then
    tiles.set(0, 0, "#")
    entities.spawn("doomed", 1, 1)
    economy.transfer("b", 10)
    messages.send("b", "never")
    log.info("never logged")
    while true do end
  end
  if t == 2 then
    assert(tiles.get(0, 0) == ".")
    assert(not entities.exists("doomed"))
    assert(economy.balance() == 1000)
    log.info("ok budget")
  end
end
