-- expect: fuel-load-reader.lua:5: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000 --memory 256MiB
local piece = ("x = 1\n"):rep(65536 // 6)
local n = 0
print(load(function() n = n + 1 if n < 2000 then return piece end end))
