-- String operations: patterns, gsub with functions and tables, formatting, packing, utf8.
local text = "The quick brown fox jumps over the lazy dog; the dog sleeps."
print(#text, text:upper(), text:lower():rep(2, "|"))
print(text:find("fox"), text:find("d%a+"), text:match("(%a+) dog"))
local count = 0
for word in text:gmatch("%a+") do count = count + #word end
print("letters in words", count)
print((text:gsub("%w+", function(w) return w:reverse() end)))
print((text:gsub("(%w+) (%w+)", "%2 %1", 3)))
print((text:gsub("%a+", { the = "THE", dog = "cat" })))
print(string.format("%5d|%-5d|%05.1f|%x|%X|%o|%q|%s|%10.3s|", 42, -7, 3.14159, 255, 48879, 8, 'a "q"\n', nil, "abcdef"))
print(string.format("%.14g %.3e %g %g %a", 1 / 3, 123456.789, 1e300 * 10, -0.0, 1.0))
print(("x"):rep(0), ("ab"):rep(3, ","), ("hello"):sub(2, -2), ("hello"):sub(-3), ("hello"):byte(1, -1))
print(string.char(72, 105, 33), ("%d items"):format(3), tostring(12):len())
local packed = string.pack("<i4 >i8 z s2 d", -2, 1 << 40, "zero", "str", 2.5)
print(#packed, string.unpack("<i4 >i8 z s2 d", packed))
local hex = packed:gsub(".", function(c) return string.format("%02x", c:byte()) end)
print(hex)
local u = "héllo wörld ✓"
print(utf8.len(u), #u, utf8.char(72, 228, 8364, 128512))
for p, c in utf8.codes("aé✓") do io.write(p, ":", c, " ") end
print()
local parts = {}
for k, v in string.gmatch("a=1, b=22, ccc=333", "(%w+)=(%w+)") do parts[#parts + 1] = k .. "->" .. v end
print(table.concat(parts, " "))
-- Build a long string piece by piece and hash it with a simple checksum.
local buf = {}
for i = 1, 2000 do buf[i] = string.format("%04d:%s", i, ("abc"):rep(i % 5)) end
local s = table.concat(buf, ";")
local h = 0
for i = 1, #s do h = (h * 31 + s:byte(i)) % 4294967296 end
print(#s, h, s:sub(1, 40), s:sub(-30))
print(math.maxinteger, math.mininteger, 7 // 2, -7 // 2, 7 % -3, 2 ^ 10, 10 / 4, 3 | 5, 6 & 3, 1 << 62, ~0)
print(math.tointeger(3.0), 3 == 3.0, math.type(1), math.type(1.0), math.type("1"), 0x7fffffffffffffff + 1)
print(tostring(1e15), tostring(1e16), 2^53 + 1, string.format("%.0f", 2^63), math.floor(-3.5), math.ceil(-3.5))
