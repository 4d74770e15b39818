-- expect: loop-while.lua:3: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
while true do end
