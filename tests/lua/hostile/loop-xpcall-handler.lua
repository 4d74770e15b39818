-- expect: loop-xpcall-handler.lua:3: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local ok = xpcall(function() while true do end end, function(m) while true do end end)
print("survived", ok)
