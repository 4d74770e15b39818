-- rng.lua — deterministic random numbers per world seed, parcel and tick.
local c = require("check")

function on_load()
  for _ = 1, 200 do
    local n = rng.int(1, 6)
    assert(n >= 1 and n <= 6 and math.type(n) == "integer")
    local d = rng.int(3)
    assert(d >= 1 and d <= 3)
    local f = rng.float()
    assert(f >= 0 and f < 1)
  end
  c.eq(rng.int(5, 5), 5)
  c.eq(rng.chance(0), false); c.eq(rng.chance(1), true)
  c.eq(rng.pick({"only"}), "only")
  local x = rng.int(math.mininteger, math.maxinteger)
  c.eq(math.type(x), "integer")
  c.fails("rng.int: empty range 6..1", function() return rng.int(6, 1) end)
  c.fails("rng.pick: the list is empty", function() return rng.pick({}) end)
  c.fails("rng.chance: the probability must be a number, not string",
    function() return rng.chance("half") end)
end

function on_tick(t)
  log.info("roll", t, rng.int(1, 1000000), rng.int(1, 1000000))
  if t == 3 then log.info("ok rng") end
end
