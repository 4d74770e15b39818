-- expect: loop-coroutine.lua:3: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local co = coroutine.create(function() while true do end end)
print(coroutine.resume(co))
print("survived")
