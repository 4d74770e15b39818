-- loops: numeric for loops, integer and float arithmetic
local div = tonumber(arg and arg[1]) or 1  -- divides the work
local s, f = 0, 0.0
for i = 1, 60000000 // div do
  s = s + i % 7
  f = f + i * 0.5
end
print(s, f)
