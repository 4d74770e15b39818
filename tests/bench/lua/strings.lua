-- strings: building strings with .., string.format and table.concat
local n = 0
for r = 1, 60 do
  local parts = {}
  for i = 1, 20000 do
    parts[#parts + 1] = "item" .. i .. ":" .. string.format("%05d", i * r % 99991)
  end
  local s = table.concat(parts, ",")
  n = n + #s + #s:upper():sub(1, 100)
end
print(n)
