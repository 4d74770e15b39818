-- expect: fuel-table-move.lua:3: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
table.move({}, 1, 1e15, 2)
