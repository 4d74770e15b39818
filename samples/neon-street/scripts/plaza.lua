-- plaza.lua — the covered plaza: the fountain ripples, the busker plays for
-- tips, and the plaza collects the Street's rent.
local ring = {{7, 1}, {12, 1}, {7, 4}, {12, 4}}
local songs = {"blue-monday", "neon-lullaby", "rain-on-chrome"}
local rent = 0

function on_message(from, msg)
  -- rent comes as transfers only; messages here are notes from outside
  if type(msg) == "string" then log.info("note for the plaza:", msg) end
end

function on_interact(avatar, entity)
  if entity == "busker" then
    local song = rng.pick(songs)
    entities.set("busker", "song", song)
    economy.transfer("@busker", 2, "tip from " .. avatar)
    log.info("busker plays", song, "for", avatar)
  elseif entity == "fountain" then
    log.info(avatar, "throws a coin into the fountain")
  end
end

function on_tick(t)
  -- ripple: the corners of the pool fill and drain in turn
  local phase = (t // 4) % 2 == 0
  for _, p in ipairs(ring) do tiles.set(p[1], p[2], phase and "puddle" or "floor") end
  -- the busker wanders along the south side
  if t % 5 == 0 then entities.move("busker", 2 + rng.int(0, 15), 4) end
  local bal = economy.balance()
  if bal ~= rent then
    entities.set("fountain", "coins", bal)
    rent = bal
  end
end
