-- expect: fuel-compare-nul.lua:5: instruction budget exhausted (call limit 10000000)
-- limits: --instructions 10000000 --memory 256MiB
local a = string.rep("\0", 4e6) .. "a"
local b = string.rep("\0", 4e6) .. "b"
while true do local _ = a < b end
