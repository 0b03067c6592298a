-- wrk script for bench/intake.py: each request is a complaint with its own marker; every reference returned
-- and every failure is written to the output file when the run ends.
-- Arguments (after --): run prefix, API key, output file, path to post to.

local threads = {}

function setup(thread)
  thread:set("number", #threads + 1)
  table.insert(threads, thread)
end

local BODY = '{"kind": "complaint", "description": "%s: the recycling was not collected and the crew left litter '
  .. 'in the street.", "service_area": "waste-recycling", "commitments": ["HAR-03"], "resident": {"name": '
  .. '"Bench Resident", "email": "bench@example.com", "reply_by": "email"}}'

function init(args)
  prefix = args[1] .. "-" .. number .. "-"
  output = args[3]
  path = args[4] or "/api/v1/feedback"
  sent, refs, fails = 0, {}, {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. args[2]
end

function request()
  sent = sent + 1
  return wrk.format(nil, path, nil, string.format(BODY, prefix .. string.format("%06d", sent)))
end

function response(status, headers, body)
  if status == 201 then
    table.insert(refs, string.match(body, '"reference":%s*"([^"]+)"'))
  else
    fails[tostring(status)] = (fails[tostring(status)] or 0) + 1
  end
end

function done(summary, latency, requests)
  local out = io.open(threads[1]:get("output"), "w")
  local e = summary.errors
  out:write(string.format("seconds %f\n", summary.duration / 1e6))
  out:write(string.format("p50 %f\n", latency:percentile(50) / 1e3))
  out:write(string.format("p95 %f\n", latency:percentile(95) / 1e3))
  out:write(string.format("socket %d\n", e.connect + e.read + e.write + e.timeout))
  for _, thread in ipairs(threads) do
    for _, ref in ipairs(thread:get("refs")) do out:write("ref " .. ref .. "\n") end
    for status, count in pairs(thread:get("fails")) do out:write("fail " .. status .. " " .. count .. "\n") end
  end
  out:close()
end
