-- Closures, upvalues, varargs, metatables, simple objects, recursion, goto; ends with os.exit(7).
local function counter(start, step)
  local n = start
  return function() n = n + step; return n end, function() return n end
end
local inc, get = counter(10, 3)
inc(); inc()
print(get(), inc(), get())
local fns = {}
for i = 1, 5 do fns[i] = function(x) return x * i end end
local acc = {}
for i, f in ipairs(fns) do acc[i] = f(i + 1) end
print(table.concat(acc, " "))
local function compose(...)
  local fs = table.pack(...)
  return function(x)
    for i = fs.n, 1, -1 do x = fs[i](x) end
    return x
  end
end
print(compose(function(x) return x + 1 end, function(x) return x * 2 end, math.abs)(-20))
local function va(...) return select("#", ...), ... end
print(va(nil, 2, nil))
local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({ x = x, y = y }, Vec) end
function Vec.__add(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
function Vec.__eq(a, b) return a.x == b.x and a.y == b.y end
function Vec.__tostring(v) return "(" .. v.x .. ", " .. v.y .. ")" end
function Vec.__lt(a, b) return a:len() < b:len() end
function Vec:len() return math.sqrt(self.x * self.x + self.y * self.y) end
local a, b = Vec.new(3, 4), Vec.new(1, 2)
print(tostring(a + b), a == Vec.new(3, 4), b < a, a:len(), string.format("%.6f", (a + b):len()))
local Animal = {}
Animal.__index = Animal
function Animal.new(name, sound) return setmetatable({ name = name, sound = sound }, Animal) end
function Animal:speak() return self.name .. " says " .. self.sound end
local Dog = setmetatable({}, { __index = Animal })
Dog.__index = Dog
function Dog.new(name) local d = Animal.new(name, "woof"); return setmetatable(d, Dog) end
function Dog:fetch() return self.name .. " fetches" end
local d = Dog.new("rex")
print(d:speak(), d:fetch(), getmetatable(d) == Dog)
local memo = setmetatable({}, { __mode = "k" })
local function fib(n)
  if n < 2 then return n end
  local m = memo[n]
  if m then return m end
  m = fib(n - 1) + fib(n - 2)
  memo[n] = m
  return m
end
print(fib(80), fib(90))
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end
print(ack(2, 300), ack(3, 5))
local proxy = setmetatable({}, {
  __index = function(_, k) return k .. "!" end,
  __newindex = function(t, k, v) rawset(t, k, v * 2) end,
  __call = function(self, x) return x + 100 end,
  __len = function() return 99 end,
  __concat = function(x, y) return "cat" end,
})
proxy.z = 21
print(proxy.hello, proxy.z, proxy(1), #proxy, proxy .. "x")
local i = 1
::top::
if i < 4 then io.write("goto", i, " "); i = i + 1; goto top end
print()
local chunk = load("local a, b = ... return a * b + 1")
print(chunk(6, 7), load("return 2^0.5")())
io.stdout:write("exiting with 7\n")
os.exit(7)
