-- expect: fuel-sort.lua:5: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000 --memory 64MiB
local t = {}
for i = 1, 2e5 do t[i] = (i * 7919) % 100003 end
while true do table.sort(t) end
