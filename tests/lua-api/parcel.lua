-- parcel.lua — the parcel module: own name, bounds, owner, zone, budget, avatars.
local c = require("check")

function on_load()
  c.eq(parcel.name(), "a")
  c.eq(parcel.owner(), "ann")
  c.eq(parcel.zone(), "open")
  local x, y, w, h = parcel.bounds()
  c.eq(x, 0); c.eq(y, 0); c.eq(w, 8); c.eq(h, 8)
  local sw, sh = parcel.size()
  c.eq(sw, 8); c.eq(sh, 8)
  local b = parcel.budget()
  c.eq(b.instructions, 1000000, "instructions per tick")
  c.eq(b.memory, 1048576, "memory")
  c.eq(b.entities, 8, "entities")
  c.eq(b.messages, 16, "messages per tick")
  local u = parcel.usage()
  c.eq(u.entities, 1, "one entity from the world file")
  c.eq(u.messages, 0)
  assert(u.memory > 0 and u.memory < b.memory, "memory in use")
  c.eq(parcel.allows("tiles"), true)
  c.eq(parcel.allows("economy"), true)
  c.fails("parcel.allows: unknown capability 'flying' (scripts, tiles, entities, "
    .. "messages or economy)", function() return parcel.allows("flying") end)
  c.eq(#parcel.avatars(), 0, "nobody here yet")
end

function on_tick(t)
  if t == 1 then c.eq(c.list(parcel.avatars()), "ana,bob", "avatars in order of entry") end
  if t == 2 then c.eq(c.list(parcel.avatars()), "ana", "bob left") end
  if t == 3 then log.info("ok parcel") end
end
