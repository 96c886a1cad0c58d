-- wrk: POST a new awards application per request, multipart as the apply page sends it: the
-- JSON part `application` (a distinct applicant, email and title each time, so nothing is a
-- duplicate) and one attachment of BENCH_FILE_BYTES (1 MiB unless given), a PDF by its first
-- bytes. The file's bytes are built once; each request joins them to its own JSON part.
-- BENCH_SKIP: number from there (a later run in the same sitting makes new applications).
local counter = tonumber(os.getenv("BENCH_SKIP") or "0")
local thread_id = 0
local size = tonumber(os.getenv("BENCH_FILE_BYTES") or "1048576")
local boundary = "forumopsbench7f3a9c2e"
local categories = {"environment", "innovation", "influence"}

local head = "%PDF-1.4\n"
local line = "0 0 612 792 re f % ho so du thi giai thuong giao duc tieu bieu\n"
local pdf = head .. string.rep(line, math.ceil(size / #line)):sub(1, size - #head)

local before_json = "--" .. boundary .. "\r\n" ..
  'Content-Disposition: form-data; name="application"\r\nContent-Type: application/json\r\n\r\n'
local after_json = "\r\n--" .. boundary .. "\r\n" ..
  'Content-Disposition: form-data; name="attachments"; filename="ho-so-du-thi.pdf"\r\n' ..
  "Content-Type: application/pdf\r\n\r\n" .. pdf .. "\r\n--" .. boundary .. "--\r\n"
local headers = {["Content-Type"] = "multipart/form-data; boundary=" .. boundary}

function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

function request()
  counter = counter + 1
  local n = thread_id * 100000000 + counter
  local application = string.format(
    '{"applicant":{"kind":"unit","name":"Trường THPT Nguyễn Trãi %d","organisation":"Trường THPT Nguyễn Trãi %d",' ..
    '"province":"Tỉnh %d","email":"truong%d@truong.edu.vn"},"category":"%s","title":"Mô hình trường học hạnh phúc %d",' ..
    '"summary":"Nhà trường xây dựng môi trường học tập an toàn, thân thiện; hồ sơ số %d.","consent":true,"language":"vi"}',
    n, n, n % 63, n, categories[n % 3 + 1], n, n)
  return wrk.format("POST", nil, headers, before_json .. application .. after_json)
end

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors_status=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.errors.status, latency:percentile(50), latency:percentile(99)))
end
