-- functions: closures, varargs, recursion, tail calls, goto, errors
local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local c1, c2 = counter(), counter()
print(c1(), c1(), c2(), c1())
local function va(...)
  local a, b = ...
  return select("#", ...), a, b, {...}, table.pack(...).n
end
local n, a, b, t, m = va(1, nil, 3, nil)
print(n, a, b, #t >= 1, m)
print((va(1, 2)))
local function sum(...)
  local s = 0
  for _, v in ipairs({...}) do s = s + v end
  return s
end
print(sum(), sum(1), sum(1, 2, 3, 4, 5))
local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + n) end
print(loop(100000, 0))
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(fact(20), fact(21), fact(25.0))
for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then goto continue end
    print(i, j)
    ::continue::
  end
end
do
  local k = 0
  ::again::
  k = k + 1
  if k < 5 then goto again end
  print("k", k)
end
local fns = {}
for i = 1, 3 do fns[i] = function() return i end end
print(fns[1](), fns[2](), fns[3]())
print(pcall(error, "msg"), pcall(error, "msg", 0), select(2, pcall(error, {code = 1})).code)
print(pcall(error), select("#", pcall(error)))
print(xpcall(function() error("deep") end, function(m) return "handled: " .. m end))
local ok, e = pcall(function() local x = nil; return x.field end)
print(ok, e)
ok, e = pcall(function() return 1 + {} end)
print(ok, e)
ok, e = pcall(function() return #5 end)
print(ok, e)
print(select("#", assert(1, 2, 3)), pcall(assert, false), pcall(assert, nil, "custom"))
do
  local order = {}
  do
    local a <close> = setmetatable({}, {__close = function() order[#order + 1] = "a" end})
    local b <close> = setmetatable({}, {__close = function() order[#order + 1] = "b" end})
  end
  print(table.concat(order, ","))
end
local x <const> = 42
print(x, type(print), type(nil), type({}), type("s"), type(2), type(true))
print(load("return 1 + 1")(), load("syntax error here"), type(load(function() return nil end)))
local env = {y = 5}
print(load("return y", "chunk", "t", env)())
