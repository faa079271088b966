-- Tables: arrays, sorting with comparators, string keys (a fixed hash seed makes pairs() order
-- reproducible), nested tables, table library functions, integer/float keys.
math.randomseed(42)
local t = {}
for i = 1, 5000 do t[i] = math.random(1, 100000) end
table.sort(t)
print(t[1], t[2500], t[5000], #t)
local people = {}
local names = { "ada", "bob", "cy", "dee", "eve", "fay", "gus", "hal", "ivy", "jo" }
for i, n in ipairs(names) do people[i] = { name = n, age = (i * 37) % 50 + 10 } end
table.sort(people, function(a, b)
  if a.age ~= b.age then return a.age > b.age end
  return a.name < b.name
end)
for _, p in ipairs(people) do io.write(p.name, "=", p.age, " ") end
print()
local counts = {}
for w in ("one two three two three three four four four four"):gmatch("%a+") do
  counts[w] = (counts[w] or 0) + 1
end
for k, v in pairs(counts) do io.write(k, ":", v, " ") end
print()
local keys = {}
for k in pairs(counts) do keys[#keys + 1] = k end
table.sort(keys)
print(table.concat(keys, ","))
local q = { 1, 2, 3 }
table.insert(q, 4)
table.insert(q, 1, 0)
print(table.remove(q), table.remove(q, 1), table.concat(q, " "), select("#", table.unpack(q)))
print(table.concat(table.move({ 1, 2, 3, 4, 5 }, 2, 4, 1, {}), "-"), table.pack(1, nil, 3).n)
local grid = {}
for y = 1, 30 do
  grid[y] = {}
  for x = 1, 30 do grid[y][x] = (x * y) % 7 end
end
local sum = 0
for y = 1, 30 do for x = 1, 30 do sum = sum + grid[y][x] * grid[x][y] end end
print("grid", sum)
local mixed = { [1] = "a", [2.0] = "b", [3] = "c", x = 1, [-1] = "neg" }
print(#mixed, mixed[2], mixed[-1], rawlen(mixed), next({}))
-- A big associative table with string keys, then deletion while traversing.
local big = {}
for i = 1, 20000 do big["k" .. i] = i end
local total, n = 0, 0
for k, v in pairs(big) do
  total = total + v
  n = n + 1
  if v % 3 == 0 then big[k] = nil end
end
local left = 0
for _ in pairs(big) do left = left + 1 end
print(total, n, left)
local firsts = {}
for k, v in pairs(big) do
  firsts[#firsts + 1] = k
  if #firsts == 8 then break end
end
print(table.concat(firsts, " "))
collectgarbage()
print(collectgarbage("count") > 0)
