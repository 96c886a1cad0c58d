-- wrk: one scan per request, each with a distinct ticket (QR payload or code), from the device of its point.
-- BENCH_SCANS names a file of lines "path<TAB>device token<TAB>ticket".
-- BENCH_SKIP: start after this many lines (tickets an earlier run used).
-- BENCH_DELAY_MS: each connection waits this long between a scan's answer and its next scan.
local lines = {}
local counter = tonumber(os.getenv("BENCH_SKIP") or "0")
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "")

function init(args)
  for line in io.lines(os.getenv("BENCH_SCANS")) do
    local path, token, ticket = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)")
    lines[#lines + 1] = {path, token, ticket}
  end
end

if pause then
  function delay()
    return pause
  end
end

function request()
  counter = counter + 1
  local item = lines[(counter - 1) % #lines + 1]
  local body = string.format('{"ticket":"%s","scan_id":"bench-%d"}', item[3], counter)
  return wrk.format("POST", item[1], {["Content-Type"] = "application/json",
                                      ["Authorization"] = "Bearer " .. item[2]}, body)
end

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors_status=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.errors.status, latency:percentile(50), latency:percentile(99)))
end
