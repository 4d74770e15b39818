-- pairs: iteration over tables with string keys
local t = {}
for i = 1, 2000 do t["key" .. i] = i end
local div = tonumber(arg and arg[1]) or 1  -- divides the work
local sum = 0
for r = 1, 7500 // div do
  for k, v in pairs(t) do sum = sum + v + #k end
end
print(sum)
