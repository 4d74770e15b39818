-- expect: fuel-pattern-find.lua:4: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local s = ("a"):rep(1e5)
print(s:find(".-.-.-.-b"))
