-- methods: method calls through a metatable's __index
local Point = {}
Point.__index = Point
function Point.new(x, y) return setmetatable({x = x, y = y}, Point) end
function Point:add(o) return Point.new(self.x + o.x, self.y + o.y) end
function Point:len2() return self.x * self.x + self.y * self.y end
local p, d = Point.new(0, 0), Point.new(1, 2)
local div = tonumber(arg and arg[1]) or 1  -- divides the work
local acc = 0
for i = 1, 3000000 // div do
  p = p:add(d)
  acc = acc + p:len2() % 13
end
print(p.x, p.y, acc)
