-- tables, functions and coroutines as keys hash by serial, not address
local t, keys = {}, {}
for i = 1, 100 do
  local k = (i % 3 == 0) and function() return i end
         or (i % 3 == 1) and {i} or coroutine.create(function() end)
  keys[k] = i
  t[#t + 1] = k
end
local out = {}
for k, v in pairs(keys) do out[#out + 1] = v end
print(table.concat(out, " "))
local set = {[print] = 1, [string.find] = 2, [math.max] = 3, [pairs] = 4, [next] = 5}
out = {}
for k, v in pairs(set) do out[#out + 1] = v end
print(table.concat(out, " "))
