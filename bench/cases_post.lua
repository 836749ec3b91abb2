-- bench/cases_post.lua — wrk script for bench/cases.sh: every request opens
-- a new case, POST /api/v1/cases with a valid body (a grid event in the
-- signed-in grid worker's own grid), the session cookie and its CSRF token.
-- Settings come from the environment (set by cases.sh):
--   GG_COOKIE    "gg_session=..."      GG_CSRF   the session's CSRF token
--   GG_PLACE_ID  the grid's id         GG_CATEGORY_ID  an event category
-- Each wrk thread numbers its own requests, so titles differ.

local cookie = os.getenv("GG_COOKIE")
local csrf = os.getenv("GG_CSRF")
local place = os.getenv("GG_PLACE_ID")
local category = os.getenv("GG_CATEGORY_ID")
assert(cookie and csrf and place and category, "GG_COOKIE, GG_CSRF, GG_PLACE_ID, GG_CATEGORY_ID")

wrk.method = "POST"
wrk.path = "/api/v1/cases"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = cookie
wrk.headers["X-CSRF-Token"] = csrf

local fmt = '{"kind":"event","category_id":"' .. category .. '","place_id":"' .. place .. '",' ..
  '"title":"压测小区垃圾桶满溢%d","description":"小区东门垃圾桶满溢多时未清运，周边散落生活垃圾，' ..
  '气味较大。周边居民反映强烈，已现场拍照取证。","address":"城北区小桥大街街道小桥社区小桥1号小区东门",' ..
  '"lat":36.6612,"lon":101.7034,"urgency":"normal","source":"patrol"}'
local n = 0

request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format(fmt, n))
end
