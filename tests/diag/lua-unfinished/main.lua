-- diag: 3
local t = {
