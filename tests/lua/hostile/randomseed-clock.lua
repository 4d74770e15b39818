-- expect: randomseed-clock.lua:3: bad argument #1 to 'randomseed' (number expected, got no value)
-- limits:
math.randomseed()
