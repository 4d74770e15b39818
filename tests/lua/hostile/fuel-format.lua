-- expect: fuel-format.lua:4: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local f = ("%%"):rep(1e5)
while true do f:format() end
