-- expect: escape-dofile.lua:4: attempt to call a nil value (global 'dofile')
-- limits:
assert(loadfile == nil and collectgarbage == nil)
dofile("/etc/passwd")
