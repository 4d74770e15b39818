-- tables: constructors, length, the table library, sorting, metatables
local t = {10, 20, 30, nil, 50, x = 1, ["y z"] = 2, [1.5] = 3}
print(#{1, 2, 3}, t[5], t.x, t["y z"], t[1.5], select("#", table.unpack({1, 2, 3})))
local a = {}
for i = 1, 10 do table.insert(a, i * i) end
table.insert(a, 1, 0)
print(table.concat(a, " "), table.remove(a), table.remove(a, 1), #a)
print(table.concat(table.move({1, 2, 3}, 1, 3, 2), ","), table.pack(1, nil, 3).n)
local words = {"pear", "apple", "fig", "banana", "cherry", "date"}
table.sort(words)
print(table.concat(words, " "))
table.sort(words, function(x, y) return #x < #y or (#x == #y and x < y) end)
print(table.concat(words, " "))
local nums = {}
for i = 1, 200 do nums[i] = (i * 37) % 101 end
table.sort(nums, function(x, y) return x > y end)
print(nums[1], nums[2], nums[100], nums[200])
local keys = {}
for k in pairs({b = 1, a = 2, c = 3, d = 4}) do keys[#keys + 1] = k end
table.sort(keys)
print(table.concat(keys, ","))
for i, v in ipairs({"x", "y", nil, "z"}) do print(i, v) end
local V = {}
V.__index = V
V.__add = function(p, q) return setmetatable({x = p.x + q.x}, V) end
V.__eq = function(p, q) return p.x == q.x end
V.__lt = function(p, q) return p.x < q.x end
V.__le = function(p, q) return p.x <= q.x end
V.__tostring = function(p) return "V(" .. p.x .. ")" end
V.__len = function(p) return p.x end
V.__call = function(p, k) return p.x * k end
V.__concat = function(p, q) return tostring(p) .. "&" .. tostring(q) end
V.__unm = function(p) return setmetatable({x = -p.x}, V) end
V.__index = function(_, k) return "missing " .. k end
local p, q = setmetatable({x = 1}, V), setmetatable({x = 2}, V)
print(tostring(p + q), p == q, p < q, p <= q, #q, q(10), p .. q, tostring(-p), p.foo)
local log = {}
local proxy = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = k; rawset(t, k, v) end})
proxy.a = 1; proxy.a = 2; proxy.b = 3
print(table.concat(log, ","), rawget(proxy, "a"), rawlen({1, 2}), rawequal(p, p))
print(getmetatable(setmetatable({}, {__metatable = "locked"})))
print(pcall(setmetatable, setmetatable({}, {__metatable = 1}), {}))
print(next({}), type(next), select(-1, 1, 2, 3), select(2, "a", "b", "c"))
