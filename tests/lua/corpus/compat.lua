-- Lua 5.4 as its own makefile builds it: LUA_COMPAT_5_3, the standard
-- libraries through require
print(math.pow(2, 10), math.log10(1000), math.atan2(1, 1) == math.atan(1, 1))
print(math.ldexp(1, 4), math.frexp(8), math.cosh(0), math.sinh(0), math.tanh(0))
local lt = {__lt = function(a, b) return a.v < b.v end}
local a, b = setmetatable({v = 1}, lt), setmetatable({v = 2}, lt)
print(a <= b, b <= a, a < b)
print(require "string" == string, require "table" == table, require "math" == math,
      require "utf8" == utf8, require "coroutine" == coroutine, require "_G" == _G)
print(pcall(require, "no.such.module") == false)
print(select("#", math.randomseed(42)), math.random(1, 100) == math.random(1, 100) or true)
