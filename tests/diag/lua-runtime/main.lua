-- diag: 3:1
local n = 0
error("the boiler burst")
