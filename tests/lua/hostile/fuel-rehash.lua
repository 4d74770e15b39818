-- expect: fuel-rehash.lua:7: instruction budget exhausted (call limit 10000000)
-- limits: --instructions 10000000 --memory 256MiB
-- 2^18 - 1 live keys: every fresh key fills the table (the one removed
-- before stays as a dead key), so every insert rehashes it
local t = {} for i = 1, 2^18 - 1 do t[i + 0.5] = true end
local k = 0.25
while true do k = k + 1 t[k] = true t[k] = nil end
