-- expect: memory-rep.lua:3: not enough memory (limit 1048576 bytes)
-- limits: --memory 1MiB
local s = ("x"):rep(1 << 26)
