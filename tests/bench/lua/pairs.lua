-- pairs: iteration over tables with string keys
local t = {}
for i = 1, 2000 do t["key" .. i] = i end
local sum = 0
for r = 1, 7500 do
  for k, v in pairs(t) do sum = sum + v + #k end
end
print(sum)
