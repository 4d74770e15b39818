-- expect: loop-close.lua:5: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
do
  local x <close> = setmetatable({}, {__close = function() while true do end end})
  while true do end
end
