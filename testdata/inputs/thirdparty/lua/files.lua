-- Files through a preopened directory: read lines and numbers, write a new file, append,
-- seek, read it back, list what was written.
local f = assert(io.open("data/words.txt", "r"))
local lines, words, longest = 0, 0, ""
for line in f:lines() do
  lines = lines + 1
  for w in line:gmatch("%a+") do
    words = words + 1
    if #w > #longest then longest = w end
  end
end
f:close()
print("lines", lines, "words", words, "longest", longest)
local nums = assert(io.open("data/numbers.txt"))
local sum, n = 0, 0
while true do
  local x = nums:read("n")
  if not x then break end
  sum = sum + x
  n = n + 1
end
nums:close()
print("numbers", n, "sum", sum, string.format("mean %.4f", sum / n))
local out = assert(io.open("out/report.txt", "w"))
for i = 1, 200 do out:write(string.format("line %03d %s\n", i, ("*"):rep(i % 13))) end
out:close()
local app = assert(io.open("out/report.txt", "a"))
app:write("appended\n")
app:close()
local r = assert(io.open("out/report.txt", "rb"))
local size = r:seek("end")
r:seek("set", size - 30)
print("size", size, "tail", (r:read("a"):gsub("\n", "|")))
r:seek("set", 0)
print("head", r:read("l"), r:read(5), r:read("L"))
r:close()
local all = assert(io.open("data/words.txt")):read("a")
print("bytes", #all, select(2, all:gsub("\n", "")), io.type(r), (select(2, io.open("data/missing.txt"))))  -- (errno numbers differ by platform)
