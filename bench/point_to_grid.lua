-- bench/point_to_grid.lua — wrk script for bench/point_to_grid.sh: each
-- request asks GET /api/v1/map/locate for a random point of the box
-- GG_BOX = "west,south,east,north" (the benchmark district); at the end the
-- answers are summed per status ("status:" line: 200 found, 404 outside).

local box = {}
for v in (os.getenv("GG_BOX") or "102,36,103,37"):gmatch("[^,]+") do box[#box + 1] = tonumber(v) end
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  statuses = {}
end

function request()
  local lon = box[1] + math.random() * (box[3] - box[1])
  local lat = box[2] + math.random() * (box[4] - box[2])
  return wrk.format("GET", string.format("/api/v1/map/locate?lat=%.7f&lon=%.7f", lat, lon))
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for k, v in pairs(s or {}) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do parts[#parts + 1] = k .. "=" .. v end
  table.sort(parts)
  io.write("status: " .. table.concat(parts, " ") .. "\n")
end
