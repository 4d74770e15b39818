-- digits.lua — write a number into tiles with the palette's digit glyphs
-- ("0".."9"), right-aligned in `width` tiles starting at (x, y).
local digits = {}

function digits.show(n, x, y, width)
  local s = tostring(n)
  s = string.rep("0", width - #s) .. s
  for i = 1, width do tiles.set(x + i - 1, y, s:sub(i, i)) end
end

return digits
