-- sort: table.sort with and without a comparator
local div = tonumber(arg and arg[1]) or 1  -- divides the work (about)
local t, seed = {}, 42
for r = 1, 6 do
  for i = 1, 100000 // div do seed = (seed * 1103515245 + 12345) % 2147483648; t[i] = seed end
  table.sort(t)
  table.sort(t, function(a, b) return a > b end)
end
print(t[1], t[#t])
