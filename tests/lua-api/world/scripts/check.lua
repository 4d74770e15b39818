-- check.lua — assertions shared by the API tests (required as "check").
local M = {}

-- got must equal want.
function M.eq(got, want, what)
  if got ~= want then
    error(string.format("%s: got %s, want %s", what or "value", tostring(got),
      tostring(want)), 2)
  end
end

-- f(...) must raise exactly `want`, located at a line of a script.
function M.fails(want, f, ...)
  local ok, err = pcall(f, ...)
  if ok then error("no error, want: " .. want, 2) end
  local where, msg = tostring(err):match("^(scripts/[%w_]+%.lua:%d+): (.*)$")
  if not where then error("error without file:line: " .. tostring(err), 2) end
  if msg ~= want then error("error: " .. msg .. "\n  want: " .. want, 2) end
end

-- The elements of a list, joined for comparing.
function M.list(t) return table.concat(t, ",") end

return M
