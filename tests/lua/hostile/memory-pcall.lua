-- expect: memory-pcall.lua:5: not enough memory (limit 1048576 bytes)
-- limits: --memory 1MiB
local t = {}
local ok = pcall(function()
  for i = 1, math.huge do t[i] = {} end
end)
print("survived", ok)
