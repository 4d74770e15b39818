-- expect: fuel-long-compare.lua:5: instruction budget exhausted (call limit 10000000)
-- limits: --instructions 10000000
local a = ("x"):rep(1e7)
local b = ("x"):rep(1e7)
while a == b and not (a < b) do end
