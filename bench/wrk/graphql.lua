-- wrk script: POST GraphQL request bodies read from a file (one JSON
-- document per line, used in turn), with an optional bearer token. A reply
-- that is not 200, or a 200 that carries GraphQL errors, is a failure.
-- At the end prints one JSON line: requests per second, latency
-- percentiles in milliseconds, requests and failures.

local bodies = {}
for line in io.lines(os.getenv("BENCH_BODIES")) do
  bodies[#bodies + 1] = line
end
local token = os.getenv("BENCH_TOKEN") or ""
-- PostGraphile takes the city from a header (see bench/postgraphile).
local tenant = os.getenv("BENCH_TENANT_HEADER") or ""

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

-- Globals, one set per thread: done() reads each thread's failures.
next_body = 1
failures = 0
function init(args)
  next_body = math.random(#bodies)
  failures = 0
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  local headers = { ["Content-Type"] = "application/json" }
  if token ~= "" then
    headers["Authorization"] = "Bearer " .. token
  end
  if tenant ~= "" then
    headers["x-tenant"] = tenant
  end
  return wrk.format("POST", "/graphql", headers, body)
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
  end
  failed = failed + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    '{"rps": %.1f, "p50_ms": %.3f, "p99_ms": %.3f, "requests": %d, "errors": %d}\n',
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.requests,
    failed
  ))
end
