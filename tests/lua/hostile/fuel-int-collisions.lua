-- expect: fuel-int-collisions.lua:7: instruction budget exhausted (call limit 10000000)
-- limits: --instructions 10000000 --memory 256MiB
-- integer keys that all fall on one chain of the hash part (size 4096,
-- keys modulo 4095); inserting and looking up walk the chain
local t = {}
for i = 1, 3000 do t[i * 4095] = true end
while true do local _ = t[4095 * 4095] end
