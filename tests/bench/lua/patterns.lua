-- patterns: find, match, gmatch and gsub
local text = ("the quick brown fox jumps over the lazy dog 12345 "):rep(200)
local div = tonumber(arg and arg[1]) or 1  -- divides the work
local n = 0
for r = 1, 1200 // div do
  for w in text:gmatch("%a+") do n = n + #w end
  n = n + select(2, text:gsub("o", "0"))
  local a, b = text:find("lazy dog (%d+)", r)
  n = n + (a or 0)
  n = n + #(text:match("(%d+)%s*$") or "")
end
print(n)
