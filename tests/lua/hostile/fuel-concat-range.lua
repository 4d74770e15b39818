-- expect: fuel-concat-range.lua:3: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
print(table.concat({}, "", 1, 1e15))
