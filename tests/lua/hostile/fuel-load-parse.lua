-- expect: fuel-load-parse.lua:4: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
local src = "local x = 1 " .. ("-- comment\n"):rep(1e5)
while true do load(src) end
