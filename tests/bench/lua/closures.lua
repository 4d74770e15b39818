-- closures: making and calling closures, upvalues
local function counter()
  local n = 0
  return function(k) n = n + k return n end
end
local div = tonumber(arg and arg[1]) or 1  -- divides the work
local total = 0
for i = 1, 1200000 // div do
  local c = counter()
  for j = 1, 10 do total = total + c(j) end
end
print(total)
