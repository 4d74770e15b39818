-- expect: fuel-pattern-gmatch.lua:4: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local s = ("ab"):rep(5e4)
for m in s:gmatch("(.-)%1%1%1c") do print(m) end
