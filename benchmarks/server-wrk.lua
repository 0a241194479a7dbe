-- wrk script of benchmarks/server.sh: counts non-200 answers and prints the latency percentiles the benchmark
-- reports (p50, p95, p99; wrk's own --latency table has no p95).
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  errors = 0
end

response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

done = function(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("errors") end
  local seconds = summary.duration / 1e6
  io.write(string.format("requests: %d in %.1f s = %.1f requests/s; non-200 answers: %d; socket errors: %d\n",
    summary.requests, seconds, summary.requests / seconds, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("latency: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
