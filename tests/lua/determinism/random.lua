-- math.random starts from the world seed; randomseed(n) repeats too
local a = {}
for i = 1, 10 do a[#a + 1] = math.random(1000) end
print(table.concat(a, " "), math.random())
math.randomseed(42)
local b = {}
for i = 1, 10 do b[#b + 1] = math.random(1, 6) end
print(table.concat(b, " "))
