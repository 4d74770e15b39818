-- world.lua — the world module: name, seed, tick, sizes, other parcels.
local c = require("check")

function on_load()
  c.eq(world.name(), "api-test", "name")
  c.eq(world.seed(), 7, "seed")
  c.eq(world.tick(), 0, "tick during on_load")
  local w, h = world.size()
  c.eq(w, 32, "width in tiles"); c.eq(h, 16, "height in tiles")
  local pw, ph = world.parcel_size()
  c.eq(pw, 8, "parcel width"); c.eq(ph, 8, "parcel height")
  c.eq(world.parcels(), 5, "parcel count")
  local b = world.parcel("b")
  c.eq(b.name, "b"); c.eq(b.x, 8); c.eq(b.y, 0); c.eq(b.w, 8); c.eq(b.h, 8)
  c.eq(b.owner, "ben"); c.eq(b.zone, "open")
  local wide = world.parcel("wide")
  c.eq(wide.w, 16, "a 2x1 parcel is 16 tiles wide"); c.eq(wide.y, 8)
  c.eq(world.parcel("idle").owner, nil, "no owner")
  c.eq(world.parcel("nowhere"), nil, "unknown parcel")
  c.fails("world.parcel: the parcel name must be a string, not number",
    function() return world.parcel(3) end)
end

function on_tick(t)
  c.eq(world.tick(), t, "tick during on_tick")
  if t == 3 then log.info("ok world") end
end
