-- wrk script: signed-in clients reading the order list (several filters) and order pages.
-- PATHS_FILE lists one path per line; SESSION is the session cookie's value.
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
local cookie = "sessionid=" .. os.getenv("SESSION")

request = function()
  local path = paths[math.random(#paths)]
  return wrk.format("GET", path, { ["Cookie"] = cookie, ["Host"] = "127.0.0.1" })
end

done = function(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d errors=%d rps=%.1f p50=%.0fms p95=%.0fms p99=%.0fms max=%.0fms\n",
    summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
