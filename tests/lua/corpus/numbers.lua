-- numbers: integer and float rules, conversions, arithmetic corner cases
print(1, 1.0, -0.0, 1e100, 2^53, 2^63, math.maxinteger, math.mininteger)
print(7 // 2, 7.0 // 2, -7 // 2, 7 % -3, -7 % 3, 7.5 % 2, 1 / 0, -1 / 0)
print(math.maxinteger + 1 == math.mininteger, math.mininteger // -1)
print(3 / 2, 4 / 2, 3 | 5, 3 & 5, 3 ~ 5, ~0, 1 << 63, 1 << 64, -1 >> 1)
print(math.type(1), math.type(1.0), math.type("1"), math.tointeger(3.0), math.tointeger(3.5))
print("10" + 1, "3.5" * 2, 10 .. "", 2^0.5, math.floor(-3.5), math.ceil(-3.5))
print(tonumber("0x10"), tonumber("  12  "), tonumber("1e2"), tonumber("z", 36), tonumber("10", 2))
print(tonumber(""), tonumber("1e"), tonumber("0x"), tonumber(" - 1"))
print(string.format("%d %5.2f %g %x %X %o %e", 42, 3.14159, 1e20, 255, 255, 8, 12345.678))
print(string.format("%q", 1/3), string.format("%q", math.mininteger), string.format("%a", 1.0))
print(math.abs(math.mininteger), math.fmod(7, 3), math.fmod(-7, 3), math.ult(1, -1))
print(1 == 1.0, 0.1 + 0.2 == 0.3, 0.1 + 0.2, 100000000000000, 1e15, 123456789012345678)
local t = {}
t[1.0] = "a"; t[2] = "b"; t[2^53] = "c"
print(t[1], t[2.0], #t, t[2^53 | 0])
print(pcall(function() return 1 // 0 end))
print(pcall(function() return 1 % 0 end))
print(math.max(1, 2.5, -1), math.min(3), pcall(math.max))
-- integers written as text: every digit count, both signs, both ends, and
-- a run of mixed magnitudes (a linear congruential sequence, which wraps)
local w, p = {}, 1
for _ = 1, 19 do
  w[#w + 1] = p - 1; w[#w + 1] = p; w[#w + 1] = -p; w[#w + 1] = 1 - p
  p = p * 10
end
w[#w + 1] = math.maxinteger; w[#w + 1] = math.mininteger
w[#w + 1] = math.mininteger + 1; w[#w + 1] = 1 << 62; w[#w + 1] = -(1 << 62)
local x = 12345
for i = 1, 200 do
  x = x * 6364136223846793005 + 1442695040888963407
  w[#w + 1] = x >> (i % 64)
  w[#w + 1] = x
end
print(table.concat(w, " "))
print(tostring(-0) .. "|" .. 0 .. "|" .. tostring(math.mininteger) .. "|" .. #tostring(x))
