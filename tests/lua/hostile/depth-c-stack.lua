-- expect: depth-c-stack.lua:4: C stack overflow
-- limits:
local t = setmetatable({}, {})
getmetatable(t).__index = function(t, k) return t[k] end
print(t.x)
