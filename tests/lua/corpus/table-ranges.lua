-- the charges keep Lua's own errors for bad ranges
print(pcall(table.move, {}, 1, math.maxinteger, 2))
print(pcall(table.unpack, {}, 1, math.maxinteger))
print(pcall(table.concat, {}, "", 1, math.maxinteger))
print(pcall(table.concat, {}, "", math.mininteger, math.maxinteger))
local t = setmetatable({}, {__len = function() return math.mininteger end})
print(pcall(table.insert, t, 2, "x"), pcall(table.remove, t, 1))
print(pcall(table.unpack, t), pcall(table.concat, t))
-- strings order by bytes, NULs included
print("a\0b" < "a\0c", "a\0" < "a", "a" < "a\0", ("\0"):rep(3) .. "x" > ("\0"):rep(3))
-- load: the globals as _ENV when none is given, the mode honoured
x = 42
print(load("return x")(), pcall(load, "return 1", "c", "b"))
print(load("return 1", "=c", "b"))
print(pcall(load))
-- a reader function
local parts, i = {"return ", "1 ", "+ 2"}, 0
print(load(function() i = i + 1 return parts[i] end)())
print(select("#", math.randomseed(7)))
print(rawequal(("x"):rep(100), ("x"):rep(100)), next({[("k"):rep(50)] = 1}, ("k"):rep(50)))
