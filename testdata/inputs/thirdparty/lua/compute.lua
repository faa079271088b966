-- A longer CPU workload (spectral norm, n-body steps, string building, a sieve) for
-- checkpoints at random moments. Size from the first argument.
local size = tonumber(arg[1]) or 100
local function A(i, j)
  local ij = i + j - 1
  return 1.0 / (ij * (ij - 1) * 0.5 + i)
end
local function Av(x, y, N)
  for i = 1, N do
    local a = 0
    for j = 1, N do a = a + x[j] * A(i, j) end
    y[i] = a
  end
end
local function Atv(x, y, N)
  for i = 1, N do
    local a = 0
    for j = 1, N do a = a + x[j] * A(j, i) end
    y[i] = a
  end
end
local function AtAv(x, y, t, N) Av(x, t, N); Atv(t, y, N) end
local N = size
local u, v, t = {}, {}, {}
for i = 1, N do u[i] = 1 end
for _ = 1, 10 do AtAv(u, v, t, N); AtAv(v, u, t, N) end
local vBv, vv = 0, 0
for i = 1, N do
  local ui, vi = u[i], v[i]
  vBv = vBv + ui * vi; vv = vv + vi * vi
end
print(string.format("spectral norm %0.9f", math.sqrt(vBv / vv)))
local limit = size * 500
local sieve, primes = {}, 0
for i = 2, limit do
  if not sieve[i] then
    primes = primes + 1
    for j = i * i, limit, i do sieve[j] = true end
  end
end
print("primes below", limit, primes)
local parts = {}
for i = 1, size * 20 do parts[#parts + 1] = string.format("%x", i * 2654435761 % 4294967296) end
local s = table.concat(parts)
local h = 5381
for i = 1, #s, 3 do h = (h * 33 + s:byte(i)) % 2147483647 end
print("string", #s, h)
local bodies = {}
for i = 1, 5 do bodies[i] = { x = i, y = i * 0.5, z = -i, vx = 0, vy = 0.1 * i, vz = 0, m = i } end
for _ = 1, size * 10 do
  for i = 1, #bodies do
    local bi = bodies[i]
    for j = i + 1, #bodies do
      local bj = bodies[j]
      local dx, dy, dz = bi.x - bj.x, bi.y - bj.y, bi.z - bj.z
      local d2 = dx * dx + dy * dy + dz * dz + 0.01
      local mag = 0.001 / (d2 * math.sqrt(d2))
      bi.vx = bi.vx - dx * bj.m * mag; bj.vx = bj.vx + dx * bi.m * mag
      bi.vy = bi.vy - dy * bj.m * mag; bj.vy = bj.vy + dy * bi.m * mag
      bi.vz = bi.vz - dz * bj.m * mag; bj.vz = bj.vz + dz * bi.m * mag
    end
  end
  for _, b in ipairs(bodies) do b.x = b.x + 0.001 * b.vx; b.y = b.y + 0.001 * b.vy; b.z = b.z + 0.001 * b.vz end
end
for i, b in ipairs(bodies) do print(string.format("body %d %.9f %.9f %.9f", i, b.x, b.y, b.z)) end
