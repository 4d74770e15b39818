-- placeholder handler; the creator API replaces it
function on_tick()
	local n = 0
	for i = 1, 4 do n = n + i end
end
