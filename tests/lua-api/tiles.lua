-- tiles.lua — the tiles module: get, set, fill within the own parcel only.
local c = require("check")

function on_load()
  c.eq(tiles.get(0, 0), ".", "palette entry 0 where there is no layout")
  c.eq(tiles.name(0, 0), "floor")
  c.eq(tiles.solid(0, 0), false)
  tiles.set(0, 0, "#")
  c.eq(tiles.get(0, 0), "#", "set by glyph")
  c.eq(tiles.solid(0, 0), true)
  tiles.set(1, 0, "water")
  c.eq(tiles.get(1, 0), "~", "set by palette name")
  tiles.fill(2, 2, 3, 2, "+")
  c.eq(tiles.count("+"), 6, "fill wrote 3x2 tiles")
  c.eq(tiles.get(4, 3), "+"); c.eq(tiles.get(5, 3), ".")
  local w, h = tiles.size()
  c.eq(w, 8); c.eq(h, 8)
  tiles.set(7, 7, "#")
  c.fails("tiles.set: (8, 0) is outside parcel 'a' (x 0..7, y 0..7)",
    function() tiles.set(8, 0, "#") end)
  c.fails("tiles.set: (-1, 0) is outside parcel 'a' (x 0..7, y 0..7)",
    function() tiles.set(-1, 0, "#") end)
  c.fails("tiles.get: (0, 9223372036854775807) is outside parcel 'a' (x 0..7, y 0..7)",
    function() return tiles.get(0, math.maxinteger) end)
  c.fails("tiles.set: x must be an integer, not a fraction",
    function() tiles.set(1.5, 0, "#") end)
  c.fails("tiles.set: y must be an integer, not nil",
    function() tiles.set(1) end)
  c.fails("tiles.set: x must be an integer, not a fraction",
    function() tiles.set(0/0, 0, "#") end)
  c.fails("tiles.set: 'lava' is neither a glyph nor a name in the palette",
    function() tiles.set(0, 0, "lava") end)
  c.fails("tiles.set: the tile must be a string, not table",
    function() tiles.set(0, 0, {}) end)
  c.fails("tiles.fill: 4x1 at (5, 0) does not fit in parcel 'a' (8x8)",
    function() tiles.fill(5, 0, 4, 1, "#") end)
  c.fails("tiles.fill: 0x1 at (0, 0) does not fit in parcel 'a' (8x8)",
    function() tiles.fill(0, 0, 0, 1, "#") end)
end

function on_tick(t)
  if t == 1 then
    c.eq(tiles.get(0, 0), "#", "writes of on_load were kept")
    tiles.set(3, 3, "~")
    error("undo this handler")
  end
  if t == 2 then
    c.eq(tiles.get(3, 3), "+", "a failed handler's writes are discarded")
    log.info("ok tiles")
  end
end
