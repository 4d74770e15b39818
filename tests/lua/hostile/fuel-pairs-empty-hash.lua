-- expect: fuel-pairs-empty-hash.lua:6: instruction budget exhausted (call limit 10000000)
-- limits: --instructions 10000000 --memory 256MiB
-- pairs over 2^17 emptied hash nodes (2^19 in the issue) scans them all in one call
local t = {} for i = 1, 2^17 do t["k" .. i] = true end
for i = 2, 2^17 do t["k" .. i] = nil end
while true do for k in pairs(t) do end end
