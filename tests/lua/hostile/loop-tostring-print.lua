-- expect: loop-tostring-print.lua:3: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local t = setmetatable({}, {__tostring = function() while true do end end})
print(t)
