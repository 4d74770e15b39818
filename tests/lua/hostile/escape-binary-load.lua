-- expect: escape-binary-load.lua:4: attempt to load a binary chunk (mode is 't')
-- limits:
local f, msg = load("\27Lua\84\0", "x", "b")
error(msg)
