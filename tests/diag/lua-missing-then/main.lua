-- diag: 3:11
local x = 1
if x == 1 print(x) end
