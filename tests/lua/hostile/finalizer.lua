-- expect: finalizer.lua:7: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
-- __gc on tables is ignored: the finalizer never runs, not even at exit
for i = 1, 100 do
  setmetatable({}, {__gc = function() while true do end end})
end
while true do end
