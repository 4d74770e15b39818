-- expect: fuel-tonumber-base.lua:4: instruction budget exhausted (call limit 10000000)
-- limits: --instructions 10000000 --memory 256MiB
local s = ("1"):rep(3e7)
while true do tonumber(s, 16) end
