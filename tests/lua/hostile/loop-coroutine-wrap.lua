-- expect: loop-coroutine-wrap.lua:4: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local f = coroutine.wrap(function()
  while true do coroutine.yield() end
end)
while true do f() end
