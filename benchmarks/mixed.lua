-- wrk script: mixed catalogue traffic (list, filters, search, detail).
-- The paths come from the PATHS environment variable, one per line, written
-- by benchmarks/loadtest.py from the catalogue being tested.
local paths = {}
for line in string.gmatch(os.getenv("PATHS") or "/", "[^\n]+") do
  table.insert(paths, line)
end
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

done = function(summary, latency, requests)
  io.write(string.format("p50_us %d\np95_us %d\n",
    latency:percentile(50), latency:percentile(95)))
end
