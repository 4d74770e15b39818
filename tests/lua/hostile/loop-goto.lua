-- expect: loop-goto.lua:4: instruction budget exhausted (call limit 1000000)
-- limits: --instructions 1000000
::top::
goto top
