-- expect: fuel-utf8.lua:4: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local s = ("é"):rep(1e6)
while true do utf8.len(s) end
