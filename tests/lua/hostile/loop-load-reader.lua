-- expect: loop-load-reader.lua:3: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
print(load(function() return " " end))
