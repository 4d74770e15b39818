-- expect: loop-repeat.lua:4: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local n = 0
repeat n = n + 1 until false
