-- diag: 3:3
local t = {}
  t.go()
