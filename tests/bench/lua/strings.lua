-- strings: building strings with .., string.format and table.concat
local div = tonumber(arg and arg[1]) or 1  -- divides the work
local n = 0
for r = 1, 60 // div do
  local parts = {}
  for i = 1, 20000 do
    parts[#parts + 1] = "item" .. i .. ":" .. string.format("%05d", i * r % 99991)
  end
  local s = table.concat(parts, ",")
  n = n + #s + #s:upper():sub(1, 100)
end
print(n)
