-- coroutines: create, resume, yield, wrap, status, errors, generators
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "done", 99
end)
print(coroutine.status(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, "x", "y"))
print(coroutine.status(co), coroutine.resume(co))
local function gen(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i) end
  end)
end
local s = 0
for v in gen(100) do s = s + v end
print(s)
local bad = coroutine.create(function() error("inside") end)
print(coroutine.resume(bad))
print(coroutine.status(bad))
print(pcall(coroutine.wrap(function() error("wrapped") end)))
print(coroutine.isyieldable(), coroutine.running() ~= nil)
local inner = coroutine.wrap(function()
  print("isyieldable", coroutine.isyieldable())
  local t = coroutine.wrap(function() coroutine.yield(1); coroutine.yield(2) end)
  coroutine.yield(t() + t())
end)
print(inner())
local function producer()
  return coroutine.create(function()
    for _, w in ipairs({"alpha", "beta", "gamma"}) do coroutine.yield(w) end
  end)
end
local p = producer()
while true do
  local ok, w = coroutine.resume(p)
  if not w then break end
  print(ok, w)
end
local c2 = coroutine.create(function() coroutine.yield() end)
coroutine.resume(c2)
print(coroutine.close(c2), coroutine.status(c2))
