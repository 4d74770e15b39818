-- expect: memory-string.lua:5: not enough memory (limit 1048576 bytes)
-- limits: --memory 1MiB
local s = "x"
while true do
  s = s .. s
end
