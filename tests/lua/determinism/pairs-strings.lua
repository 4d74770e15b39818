-- pairs over string keys: the order depends only on the seed and history
local t = {}
for i = 1, 200 do t["k" .. i] = i end
for i = 1, 200, 3 do t["k" .. i] = nil end
local out = {}
for k, v in pairs(t) do out[#out + 1] = k end
print(table.concat(out, " "))
local g = {}
for k in pairs(_G) do g[#g + 1] = k end
print(table.concat(g, " "))
