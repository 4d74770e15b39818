-- expect: fuel-call-chain.lua:5: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local t = setmetatable({}, {})
getmetatable(t).__call = t
t()
