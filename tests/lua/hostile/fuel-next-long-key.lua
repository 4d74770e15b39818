-- expect: fuel-next-long-key.lua:6: instruction budget exhausted (call limit 10000000)
-- limits: --instructions 10000000 --memory 256MiB
local a = string.rep("x", 15e6)
local b = string.rep("x", 15e6)
local t = {[a] = true}
while true do next(t, b) end
