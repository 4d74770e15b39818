-- expect: fuel-rawequal-long.lua:5: instruction budget exhausted (call limit 10000000)
-- limits: --instructions 10000000 --memory 256MiB
local a = string.rep("x", 15e6)
local b = string.rep("x", 15e6)
while true do rawequal(a, b) end
