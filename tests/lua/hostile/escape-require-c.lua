-- expect: escape-require-c.lua:3: module 'io' not found
-- limits:
local io = require("io")
