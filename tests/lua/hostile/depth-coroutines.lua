-- expect: depth-coroutines.lua:8: C stack overflow
-- limits:
local function nest()
  local ok, e = coroutine.resume(coroutine.create(nest))
  error(e, 0)
end
local ok, e = pcall(nest)
error(e)
