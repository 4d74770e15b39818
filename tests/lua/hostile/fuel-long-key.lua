-- expect: fuel-long-key.lua:7: instruction budget exhausted (call limit 10000000)
-- limits: --instructions 10000000
local a = ("x"):rep(1e7)
local b = ("x"):rep(1e7)
local t = {[b] = 1}
local n = 0
while t[a] do n = n + 1 end
