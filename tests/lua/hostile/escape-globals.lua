-- expect: escape-globals.lua:4: attempt to index a nil value (global 'os')
-- limits:
assert(io == nil and os == nil and debug == nil and package == nil)
os.execute("true")
