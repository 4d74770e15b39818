-- expect: loop-gsub-callback.lua:3: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
print((("x"):rep(10):gsub(".", function(c) while true do end end)))
