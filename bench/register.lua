-- wrk: POST a new, unique registration per request, spread over the forum's points.
-- BENCH_SKIP: number from there (a later run in the same sitting makes new people, not repeats).
-- BENCH_RATE: registrations start on a timetable of this many per second (as bench/scan.lua);
--   the most any started late is printed as lag_ms.
local counter = tonumber(os.getenv("BENCH_SKIP") or "0")
local thread_id = 0
local points = tonumber(os.getenv("BENCH_POINTS") or "600")
local rate = tonumber(os.getenv("BENCH_RATE") or "")
lag = 0  -- a global: done() reads it from the thread with thread:get
local threads = {}

function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
  threads[#threads + 1] = thread
end

if rate then
  local ffi = require("ffi")
  ffi.cdef[[
    typedef struct { long tv_sec; long tv_nsec; } forumops_timespec;
    int clock_gettime(int clock, forumops_timespec *now);
  ]]
  local now_buffer = ffi.new("forumops_timespec")
  local function now_ms()
    ffi.C.clock_gettime(1, now_buffer)  -- CLOCK_MONOTONIC
    return tonumber(now_buffer.tv_sec) * 1000 + tonumber(now_buffer.tv_nsec) / 1e6
  end
  local interval, slot = 1000 / rate, nil

  function delay()
    local now = now_ms()
    slot = slot and slot + interval or now
    if now - slot > lag then lag = now - slot end
    return math.max(0, math.floor(slot - now + 0.5))
  end
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
  local lag = 0
  for _, thread in ipairs(threads) do lag = math.max(lag, thread:get("lag") or 0) end
  io.write(string.format("BENCH requests=%d errors_status=%d p50_us=%d p99_us=%d lag_ms=%d\n",
    summary.requests, summary.errors.status, latency:percentile(50), latency:percentile(99), lag))
end
