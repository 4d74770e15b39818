-- expect: escape-string-metatable.lua:3: attempt to index a boolean value
-- limits:
getmetatable("").__index.upper = function() return "pwned" end
