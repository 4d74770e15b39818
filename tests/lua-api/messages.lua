-- messages.lua — messages to other parcels: delivered next tick, in order.
local c = require("check")
local got = {}

function on_load()
  messages.send("b", "first")
  messages.send("b", {n = 1, list = {1, 2.5, "three"}, nested = {deep = {true}}})
  c.eq(messages.sent(), 2); c.eq(messages.limit(), 16)
  c.fails("messages.send: no parcel named 'mars'", function() messages.send("mars", 1) end)
  c.fails("messages.send: cannot send a function", function() messages.send("b", print) end)
  c.fails("messages.send: cannot send a function",
    function() messages.send("b", {f = print}) end)
  local loop = {}; loop.self = loop
  c.fails("messages.send: the message nests tables deeper than 8 (or holds a cycle)",
    function() messages.send("b", loop) end)
  c.fails("messages.send: the message is larger than 4096 bytes",
    function() messages.send("b", string.rep("x", 5000)) end)
  c.eq(messages.sent(), 2, "refused messages are not counted")
end

function on_message(from, value)
  if from == nil then return end -- the events file's message
  got[#got + 1] = value
  c.eq(from, "b")
end

function on_tick(t)
  if t == 1 then c.eq(#got, 0, "b answers during tick 1, delivered at tick 2") end
  if t == 2 then
    c.eq(#got, 2)
    c.eq(got[1].echo, "first"); c.eq(got[1].tick, 1)
    local v = got[2].echo
    c.eq(v.n, 1); c.eq(v.list[2], 2.5); c.eq(v.list[3], "three")
    c.eq(math.type(v.n), "integer"); c.eq(v.nested.deep[1], true)
    log.info("ok messages")
  end
  if t == 3 then
    for i = 1, 16 do messages.send("idle", i) end
    messages.send("idle", 17) -- over the cap: the handler fails
  end
end
