-- expect: loop-tostring-error.lua:5: (error object is a table value)
-- limits: --instructions 1000000
-- the host never calls __tostring on an error object
local e = setmetatable({}, {__tostring = function() while true do end end})
error(e)
