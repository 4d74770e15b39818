-- tostring and %p show serial numbers, never host addresses
local t, f, co = {}, function() end, coroutine.create(print)
print(tostring(t), tostring(f), tostring(co), tostring(print))
print(string.format("%p %p %p", t, f, "a string"))
print(tostring(setmetatable({}, {__name = "Thing"})))
