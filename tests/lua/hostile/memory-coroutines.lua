-- expect: memory-coroutines.lua:5: not enough memory (limit 2097152 bytes)
-- limits: --memory 2MiB
local all = {}
while true do
  all[#all + 1] = coroutine.create(function() end)
end
