-- expect: fuel-byte-unpack.lua:4: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local s = ("x"):rep(1e6)
while true do local a = select("#", s:byte(1, -1)) end
