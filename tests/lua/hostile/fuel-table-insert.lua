-- expect: fuel-table-insert.lua:5: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local t = {}
for i = 1, 1e4 do t[i] = i end
while true do table.insert(t, 1, 0); table.remove(t, 1) end
