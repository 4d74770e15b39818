-- expect: loop-error-in-pcall.lua:4: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
for i = 1, math.huge do
  pcall(error, "again")
end
