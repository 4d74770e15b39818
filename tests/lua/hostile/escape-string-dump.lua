-- expect: escape-string-dump.lua:3: attempt to call a nil value (field 'dump')
-- limits:
local b = string.dump(function() end)
