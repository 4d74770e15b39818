-- expect: fuel-rep-empty.lua:3: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local s = (""):rep(1e15)
