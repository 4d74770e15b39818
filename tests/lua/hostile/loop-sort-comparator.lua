-- expect: loop-sort-comparator.lua:4: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local t = {3, 2, 1}
table.sort(t, function(a, b) while true do end end)
