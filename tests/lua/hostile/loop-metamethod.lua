-- expect: loop-metamethod.lua:3: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local t = setmetatable({}, {__index = function(t, k) while true do end end})
print(t.x)
