-- wrk script: signed GitHub push events, 1 KB JSON, a unique X-GitHub-Delivery per request.
-- The body is fixed, so its signature is computed once by run.sh and passed in SIGNATURE.
local body = os.getenv("BODY")
local signature = os.getenv("SIGNATURE")
local counter = 0
local thread_id = 0
-- DELAY_MS paces each connection (soak.sh): one request per DELAY_MS at most
local delay_ms = tonumber(os.getenv("DELAY_MS") or "")
if delay_ms then
  function delay()
    return delay_ms
  end
end
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-GitHub-Event"] = "push",
    ["X-GitHub-Delivery"] = string.format("%s-%d-%d", os.getenv("RUN_ID"), tid, counter),
    ["X-Hub-Signature-256"] = signature,
  }
  return wrk.format("POST", nil, headers, body)
end

-- the first few answers other than 202, to say what they were
response = function(status, headers, body)
  if status ~= 202 then
    unexpected = (unexpected or 0) + 1
    if unexpected <= 3 then
      seen = (seen or "") .. status .. " " .. (body or ""):sub(1, 80) .. "; "
    end
  end
end

function done(summary, latency, requests)
  local non202 = summary.errors.status
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f requests=%d non2xx=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000,
    summary.requests, non202, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  for _, thread in ipairs(threads) do
    local s = thread:get("seen")
    if s then
      io.write("NOT202 " .. s .. "\n")
    end
  end
end
