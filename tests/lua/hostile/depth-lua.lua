-- expect: depth-lua.lua:3: stack overflow (limit 1000 nested calls)
-- limits:
local function f(n) return 1 + f(n + 1) end
print(pcall(f, 1))
