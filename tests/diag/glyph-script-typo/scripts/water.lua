function on_tick() end
