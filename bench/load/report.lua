-- Shared by the wrk scripts: done() prints one JSON line the harness reads (wrk's own --latency table has no p95).
local report = {}

function report.done(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
  io.write(string.format(
    '\nWRK_JSON {"requests":%d,"seconds":%.3f,"rps":%.2f,"errors":%d,"non2xx":%d,"p50":%.3f,"p90":%.3f,"p95":%.3f,"p99":%.3f,"max":%.3f,"mean":%.3f}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), failed, errors.status,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000))
end

return report
