-- expect: memory-table.lua:5: not enough memory (limit 1048576 bytes)
-- limits: --memory 1MiB
local t = {}
for i = 1, math.huge do
  t[i] = {i}
end
