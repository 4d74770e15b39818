-- expect: fuel-rep-loop.lua:4: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
while true do
  local s = ("x"):rep(1e6)
end
