-- expect: fuel-concat-range.lua:4: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
-- every element exists (through __index), so the range is walked
local t = setmetatable({}, {__index = function() return "x" end})
print(table.concat(t, "", 1, 1e15))
