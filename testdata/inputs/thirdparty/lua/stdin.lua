-- Reads stdin line by line: word frequencies, sorted by count then word.
local freq, total, lines = {}, 0, 0
for line in io.lines() do
  lines = lines + 1
  for w in line:lower():gmatch("%a+") do
    freq[w] = (freq[w] or 0) + 1
    total = total + 1
  end
end
local list = {}
for w, c in pairs(freq) do list[#list + 1] = { w = w, c = c } end
table.sort(list, function(a, b) return a.c > b.c or (a.c == b.c and a.w < b.w) end)
print("lines", lines, "words", total, "distinct", #list)
for i = 1, math.min(15, #list) do print(string.format("%-12s %d", list[i].w, list[i].c)) end
print(io.read("l"), io.read("a") == "")
