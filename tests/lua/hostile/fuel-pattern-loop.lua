-- expect: fuel-pattern-loop.lua:5: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local s = ("a"):rep(1000)
while true do
  s:find(".-b")
end
