-- wrk: POST a new, unique registration per request, spread over the forum's points.
local counter = 0
local thread_id = 0
local points = tonumber(os.getenv("BENCH_POINTS") or "600")

function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

function request()
  counter = counter + 1
  local n = thread_id * 100000000 + counter
  local body = string.format(
    '{"full_name":"Nguyễn Thị Ánh Tuyết %d","email":"nguoi%d@truong.edu.vn","organisation":"Sở GD&ĐT",' ..
    '"attendance":"onsite","point":"P%03d","language":"vi","consent":true}', n, n, n % points)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json",
                                  ["Idempotency-Key"] = "bench-" .. n}, body)
end

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors_status=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.errors.status, latency:percentile(50), latency:percentile(99)))
end
