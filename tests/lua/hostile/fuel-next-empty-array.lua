-- expect: fuel-next-empty-array.lua:6: instruction budget exhausted (call limit 10000000)
-- limits: --instructions 10000000 --memory 256MiB
-- next over an array part of 2^20 emptied slots scans them all in one call
local t = {} for i = 1, 2^20 do t[i] = true end
for i = 1, 2^20 - 1 do t[i] = nil end
while true do next(t) end
