-- expect: finalizer.lua:3: __gc metamethods are not available
-- limits:
setmetatable({}, {__gc = function() while true do end end})
