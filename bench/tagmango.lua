-- Distinct TagMango course completions: every request a new (courseId, email) pair, so every one
-- is a new event that must be stored durably (no duplicate short-cuts).
local next_thread = 1
local run = os.getenv("RUN_TAG") or tostring(os.time())

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

local n = 0
function request()
  n = n + 1
  local body = string.format(
    '{"name":"Bench Learner","email":"l%s-%d-%d@example.com","phone":5511999990000,' ..
    '"course":"Bench course","courseId":"c%d","lastProgressOn":"2023-11-20T18:30Z"}',
    run, tid, n, n % 97)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
