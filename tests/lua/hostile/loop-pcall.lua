-- expect: loop-pcall.lua:4: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
while true do
  pcall(function() while true do end end)
end
