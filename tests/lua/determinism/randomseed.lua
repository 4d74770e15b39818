-- math.randomseed() without a seed: a fresh state each call, the same in
-- every run (stock Lua would read the clock)
local x, y = math.randomseed()
local a = math.random(0)
print(x, y, a)
math.randomseed(x, y)
print(math.random(0) == a, math.randomseed())
