-- bench/load_mix.lua — wrk script for bench/load.sh: a realistic mix of
-- requests from one signed-in command-centre account (district scope).
--
--   weight  request
--     25    GET  /api/v1/cases?limit=20                     list
--     25    GET  /api/v1/cases/:id                          detail (a demo case)
--     10    GET  /api/v1/cases?q=<FTS term>&limit=20        search, full text
--     10    GET  /api/v1/cases?q=<2 characters>&limit=20    search, short term
--      5    GET  /api/v1/case-metrics?place_id=..&from=..   metrics for a street, a year
--     15    POST /api/v1/cases                              create (a grid event)
--     10    POST /api/v1/cases/:id/actions/accept           accept a case this thread created
--
-- With GG_MIX=read only the reads run (same weights among them). An accept
-- needs a case this thread has created and not yet accepted (the ids come
-- from the 201 answers); when there is none, a list is sent instead.
-- Settings come from the environment (set by load.sh):
--   GG_COOKIE "gg_session=..."   GG_CSRF its CSRF token   GG_MIX all|read
--   GG_CASE_IDS, GG_GRID_IDS, GG_CATEGORY_IDS, GG_STREET_IDS  comma-separated ids
--   GG_YEAR   the year the metrics ask for
-- At the end each thread's counts (requests sent per kind, answers per
-- status) are summed and printed as "mix:" and "status:" lines.

local function ids(name)
  local v = os.getenv(name)
  assert(v and v ~= "", name .. " is not set")
  local t = {}
  for id in v:gmatch("%d+") do t[#t + 1] = id end
  assert(#t > 0, name .. " holds no id")
  return t
end

local function urlencode(s)
  return (s:gsub("[^%w%-_.~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local cookie = os.getenv("GG_COOKIE")
local csrf = os.getenv("GG_CSRF")
assert(cookie and csrf, "GG_COOKIE and GG_CSRF")
local read_only = os.getenv("GG_MIX") == "read"
local year = os.getenv("GG_YEAR") or "2026"
local cases, grids, cats, streets =
  ids("GG_CASE_IDS"), ids("GG_GRID_IDS"), ids("GG_CATEGORY_IDS"), ids("GG_STREET_IDS")
local fts_terms = { "私自开挖", "垃圾桶满溢", "占道经营", "自来水管爆裂" } -- in demo cases
local short_terms = { "垃圾", "井盖", "噪音", "积水" }

local kinds = {
  { "list", 25 }, { "detail", 25 }, { "search_fts", 10 }, { "search_2ch", 10 },
  { "metrics", 5 }, { "create", 15 }, { "accept", 10 },
}
local wheel = {} -- one entry per weight point
for _, k in ipairs(kinds) do
  if not (read_only and (k[1] == "create" or k[1] == "accept")) then
    for _ = 1, k[2] do wheel[#wheel + 1] = k[1] end
  end
end

local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

-- per thread (each wrk thread runs its own copy of this script); sent and
-- statuses are globals so that done() can read them with thread:get
sent, statuses = {}, {}
local to_accept, n = {}, 0
local get_headers = { ["Cookie"] = cookie }
local post_headers = { ["Cookie"] = cookie, ["X-CSRF-Token"] = csrf,
                       ["Content-Type"] = "application/json" }
local body_fmt = '{"kind":"event","category_id":"%s","place_id":"%s","title":"压测%s路面破损%d",' ..
  '"description":"路面破损多处，雨天积水，行人绕行。周边居民反映强烈，已现场拍照取证。",' ..
  '"urgency":"normal","source":"patrol"}'

function init(args)
  math.randomseed(os.time() + (id or 0) * 7919)
end

local function pick(t) return t[math.random(#t)] end

function request()
  local kind = pick(wheel)
  if kind == "accept" and #to_accept == 0 then kind = "list" end
  sent[kind] = (sent[kind] or 0) + 1
  if kind == "list" then
    return wrk.format("GET", "/api/v1/cases?limit=20", get_headers)
  elseif kind == "detail" then
    return wrk.format("GET", "/api/v1/cases/" .. pick(cases), get_headers)
  elseif kind == "search_fts" then
    return wrk.format("GET", "/api/v1/cases?limit=20&q=" .. urlencode(pick(fts_terms)), get_headers)
  elseif kind == "search_2ch" then
    return wrk.format("GET", "/api/v1/cases?limit=20&q=" .. urlencode(pick(short_terms)), get_headers)
  elseif kind == "metrics" then
    return wrk.format("GET", "/api/v1/case-metrics?place_id=" .. pick(streets) ..
      "&from=" .. year .. "-01-01&to=" .. year .. "-12-31", get_headers)
  elseif kind == "create" then
    n = n + 1
    return wrk.format("POST", "/api/v1/cases", post_headers,
      string.format(body_fmt, pick(cats), pick(grids), tostring(id or 0), n))
  else
    local case_id = table.remove(to_accept)
    return wrk.format("POST", "/api/v1/cases/" .. case_id .. "/actions/accept", post_headers, "{}")
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 and #to_accept < 1000 then
    local case_id = body:match('^{"id":"(%d+)"')
    if case_id then to_accept[#to_accept + 1] = case_id end
  end
end

-- done() runs in the main script: read each thread's tables back
function done(summary, latency, requests)
  local s, st = {}, {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("sent")) do s[k] = (s[k] or 0) + v end
    for k, v in pairs(t:get("statuses")) do st[k] = (st[k] or 0) + v end
  end
  local parts = {}
  for _, k in ipairs(kinds) do
    if s[k[1]] then parts[#parts + 1] = k[1] .. " " .. s[k[1]] end
  end
  io.write("mix: " .. table.concat(parts, ", ") .. "\n")
  local codes = {}
  for k in pairs(st) do codes[#codes + 1] = k end
  table.sort(codes)
  parts = {}
  for _, k in ipairs(codes) do parts[#parts + 1] = k .. " " .. st[k] end
  io.write("status: " .. table.concat(parts, ", ") .. "\n")
end
