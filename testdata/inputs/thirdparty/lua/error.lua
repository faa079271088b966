-- An uncaught runtime error after some output: exit status 1 and a message on stderr.
local t = {}
for i = 1, 100 do t[i] = i * i end
print("sum of squares", (function() local s = 0 for _, v in ipairs(t) do s = s + v end return s end)())
local function deep(n) if n == 0 then return nil + 1 end return deep(n - 1) end
deep(20)
