-- wrk script: requests one URL, or a list of paths in turn (args: file, number of threads),
-- counts the answers by status and prints the run's figures as one JSON object.
local threads = {}
local started = 0

function setup(thread)
  thread:set("number", started)
  started = started + 1
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  if args[1] then
    paths = {}
    for line in io.lines(args[1]) do
      if #line > 0 then table.insert(paths, line) end
    end
    -- Each thread takes every n-th path from its own start, so no two ask for the same one.
    stride = tonumber(args[2]) or 1
    position = number
  end
end

function request()
  if paths then
    local path = paths[(position % #paths) + 1]
    position = position + stride
    return wrk.format("GET", path)
  end
  return wrk.request()
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  io.write(string.format(
    '{"requests": %d, "requests_per_second": %.2f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, '
      .. '"max_ms": %.2f, "errors": %d, "timeouts": %d, "statuses": {%s}}\n',
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors, summary.errors.timeout, table.concat(parts, ", ")))
end
