-- expect: loop-recursive-pcall.lua:3: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local function f() pcall(f) return f() end
f()
