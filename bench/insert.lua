-- wrk: the ceiling endpoint, with a body of the same size as a registration.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"full_name":"Nguyễn Thị Ánh Tuyết 100000001","email":"nguoi100000001@truong.edu.vn",' ..
           '"organisation":"Sở GD&ĐT","attendance":"onsite","point":"P001","language":"vi","consent":true}'

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors_status=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.errors.status, latency:percentile(50), latency:percentile(99)))
end
