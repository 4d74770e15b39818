-- expect: fuel-plain-find.lua:5: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local hay = ("a"):rep(1e6)
local needle = ("a"):rep(5e5) .. "b"
print(hay:find(needle, 1, true))
