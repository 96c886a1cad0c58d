-- wrk: one scan per request, each with a distinct ticket (QR payload or code), from the device of its point.
-- BENCH_SCANS names a file of lines "path<TAB>device token<TAB>ticket[<TAB>session]" (the session the
--   scanner works in: sent as the scan's `session` when there is one).
-- BENCH_SKIP: start after this many lines (tickets an earlier run used).
-- BENCH_RATE: scans start on a timetable of this many per second, as people arriving at the doors:
--   a free connection takes the next start time and waits for it; when every connection is busy,
--   the start times that pass are taken late, each as soon as a connection is free (people queue).
--   The most any scan started late is printed as lag_ms: near 0 while the system keeps up.
local lines = {}
local counter = tonumber(os.getenv("BENCH_SKIP") or "0")
local rate = tonumber(os.getenv("BENCH_RATE") or "")
lag = 0  -- a global: done() reads it from the thread with thread:get
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  for line in io.lines(os.getenv("BENCH_SCANS")) do
    local path, token, ticket, session = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)\t?([^\t]*)")
    lines[#lines + 1] = {path, token, ticket, session}
  end
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
  local item = lines[(counter - 1) % #lines + 1]
  local body
  if item[4] ~= "" then
    body = string.format('{"ticket":"%s","scan_id":"bench-%d","session":"%s"}', item[3], counter, item[4])
  else
    body = string.format('{"ticket":"%s","scan_id":"bench-%d"}', item[3], counter)
  end
  return wrk.format("POST", item[1], {["Content-Type"] = "application/json",
                                      ["Authorization"] = "Bearer " .. item[2]}, body)
end

function done(summary, latency, requests)
  local lag = 0
  for _, thread in ipairs(threads) do lag = math.max(lag, thread:get("lag") or 0) end
  io.write(string.format("BENCH requests=%d errors_status=%d p50_us=%d p99_us=%d lag_ms=%d\n",
    summary.requests, summary.errors.status, latency:percentile(50), latency:percentile(99), lag))
end
