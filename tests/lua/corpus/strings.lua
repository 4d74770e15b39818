-- strings: the string library, patterns, formatting
local s = "Hello, World! 123 abc"
print(#s, s:upper(), s:lower(), s:reverse(), s:sub(2, 5), s:sub(-3), s:sub(10, 2))
print(s:byte(1, 3), string.char(72, 105), s:rep(2, "|"), ("x"):rep(0))
print(s:find("World"), s:find("o", 6), s:find("%d+"), s:find(".", 1, true), s:find("xyz"))
print(s:match("(%a+), (%a+)"), s:match("%d+"), s:match("()ll()"))
print(s:gsub("o", "0"), s:gsub("%w+", "<%0>", 2), s:gsub("(%w+)", string.upper))
print(("abc"):gsub("", "-"), ("hello world"):gsub("o", {o = "O"}), ("abc"):gsub("%w", "%%"))
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do io_write = nil; print(k, v) end
print(("THE (quick) fox"):find("%((%a+)%)"), ("f(a(b)c)"):match("%b()"))
print(("  trim me  "):match("^%s*(.-)%s*$"), ("key = value"):match("^(%w+)%s*=%s*(%w+)$"))
print(("THE (quick) fox"):gsub("%f[%a]%a+", function(w) return w:lower() end))
print(string.format("%-5s|%5s|%.2s|%q", "ab", "cd", "xyz", 'a "quoted"\n string\0'))
print(string.format("%s %s %s", nil, true, 12.5), string.format("%c%c", 76, 117))
print(("x"):rep(3, ", "), table.concat({1, 2, 3}, "-"), table.concat({}, "x"))
print(pcall(string.rep), pcall(("x").bad))
print(string.pack("i4", 100):byte(1, -1))
print(string.unpack("i4", string.pack("i4", -2)), string.packsize("i4i8"))
print(utf8.char(72, 228, 8364, 128512), utf8.len("häll€"), utf8.codepoint("häll€", 1, -1))
for p, c in utf8.codes("aé€") do print(p, c) end
print(utf8.offset("aé€", 3), utf8.len("\xff"), utf8.charpattern)
print("a" < "b", "abc" < "abd", "Z" < "a", "" < "a", "a\0b" < "a\0c")
print(tostring(nil), tostring(false), tostring(12), tostring(1.5), tostring("s"))
