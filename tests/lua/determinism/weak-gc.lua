-- weak tables are strong and __gc never runs: collection is invisible
local weak = setmetatable({}, {__mode = "k"})
for i = 1, 1000 do weak[{}] = i end
local n = 0
for _ in pairs(weak) do n = n + 1 end
local ran = false
for i = 1, 100 do setmetatable({}, {__gc = function() ran = true end}) end
local junk = {}
for i = 1, 100000 do junk[i % 100] = {i} end
print(n, ran, collectgarbage)
