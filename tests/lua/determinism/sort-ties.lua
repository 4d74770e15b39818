-- sorting with ties: the order of equal elements is the same in every run
local t = {}
for i = 1, 5000 do t[i] = {key = i % 7, id = i} end
table.sort(t, function(a, b) return a.key < b.key end)
local out = {}
for i = 1, 5000, 97 do out[#out + 1] = t[i].id end
print(table.concat(out, " "))
