-- POST the seed article as text/plain, every body unique (thread number and a counter appended), then print
-- the figures as one JSON line for bench/accept.py.
local seed_path = os.getenv("BENCH_SEED")
local key = os.getenv("BENCH_KEY") or ""
local file = assert(io.open(seed_path, "rb"))
local seed = file:read("*a")
file:close()

local threads = {}
local counter = 0
thread_tag = "0"

function setup(thread)
  thread:set("thread_tag", tostring(#threads + 1) .. "-" .. tostring(os.time()))
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "text/plain; charset=utf-8"
  wrk.headers["Authorization"] = "Bearer " .. key
end

function request()
  counter = counter + 1
  local body = seed .. "\n\n[bench " .. thread_tag .. " " .. counter .. "]\n"
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "errors_status": %d, "errors_other": %d, ' ..
    '"p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "mean_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000))
end
