-- expect: loop-coroutine-pcall.lua:5: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local co = coroutine.wrap(function()
  while true do
    pcall(coroutine.yield)
  end
end)
while true do pcall(co) end
