-- calls: recursive function calls
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
-- arg[1]: divide the work by about this much (fib(n-1) is fib(n)/1.618)
local div = tonumber(arg and arg[1]) or 1
print(fib(35 - math.floor(math.log(div, 1.618) + 0.5)))
