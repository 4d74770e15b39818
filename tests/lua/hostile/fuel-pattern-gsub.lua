-- expect: fuel-pattern-gsub.lua:4: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local s = ("a"):rep(1e4)
print(s:gsub("a*a*a*a*b", "x"))
