-- diag: 2:11
local x = = 1
