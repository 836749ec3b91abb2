#!/usr/bin/env bash
# bench/point_to_grid.sh — point → grid lookups per second over 100,000
# grids, in process and over HTTP. Run by hand (not part of the tests); see
# bench/README.md.
#
# 1. make; `gridgov demo` into a temp dir; builds bench/point_to_grid.c
#    against the library and runs it on that database: it adds a district of
#    STREETS × COMMUNITIES × GRIDS places (default 10 × 100 × 100 = 100,000
#    grids) with exact boundaries, then prints lookups per second (wall clock
#    and per CPU second) for the R*Tree prefilter alone, the prepared-GEOS
#    path the API uses (cold and warm cache, 1 and THREADS threads) and the
#    reference (parse each candidate's GeoJSON + point-in-polygon, no cache),
#    and checks both place every point alike.
# 2. Starts `gridgov serve` on the same database (loopback, no rate limit,
#    no access log), signs in as admin, and runs wrk for DURATION against
#    GET /api/v1/map/locate with random points of the district (Lua:
#    bench/point_to_grid.lua), and against GET /api/v1/roles (signed in, no
#    work) as the reference for the HTTP stack's own cost.
# Everything lives in one temp dir removed on exit; every wait is bounded.
# Settings (environment): LOOKUPS=200000 THREADS=2 STREETS=10 COMMUNITIES=100
#   GRIDS=100 DURATION=10s WARMUP=2s WRK_THREADS=2 CONNECTIONS=16
#   SERVER_THREADS=$(nproc) HTTP=1 (0: in process only) BUILD=build
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOOKUPS=${LOOKUPS:-200000}
THREADS=${THREADS:-2}
STREETS=${STREETS:-10}
COMMUNITIES=${COMMUNITIES:-100}
GRIDS=${GRIDS:-100}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
WRK_THREADS=${WRK_THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
SERVER_THREADS=${SERVER_THREADS:-$(nproc)}
HTTP=${HTTP:-1}
BUILD=${BUILD:-build}
DEMO_PASSWORD=${DEMO_PASSWORD:-gridgov-demo-2026}
BIN=$ROOT/$BUILD/gridgov
case "$BUILD" in /*) BIN=$BUILD/gridgov ;; esac
BOX=102,36,103,37 # the benchmark district's box (bench/point_to_grid.c)

die() { echo "point_to_grid: $*" >&2; exit 1; }
. "$ROOT/bench/lib.sh"
[[ "$(secs "$DURATION")" =~ ^[0-9]+$ ]] || die "DURATION must look like 10s, 2m or 10"

bench_tmpdir "${TMPDIR:-/tmp}" gg-bench

echo "building (make BUILD=$BUILD)..." >&2
make -C "$ROOT" BUILD="$BUILD" >"$TMP/make.log" 2>&1 || { tail -30 "$TMP/make.log" >&2; die "make failed"; }
LIB=$(dirname "$BIN")/libgg.a
# shellcheck disable=SC2046
cc -O2 -std=c11 -D_GNU_SOURCE -pthread -I"$ROOT/src" -o "$TMP/point_to_grid" "$ROOT/bench/point_to_grid.c" \
  "$LIB" $(pkg-config --libs libmicrohttpd jansson sqlite3 libsodium libcurl minizip expat xlsxwriter geos) \
  -lpthread -lm || die "cannot build bench/point_to_grid.c"
"$BIN" demo --db "$TMP/bench.db" >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; die "demo db failed"; }

echo "in process: $LOOKUPS random points of $BOX" >&2
timeout 3600 "$TMP/point_to_grid" "$TMP/bench.db" "$LOOKUPS" "$THREADS" "$STREETS" "$COMMUNITIES" "$GRIDS"
[ "$HTTP" = 1 ] || exit 0
command -v wrk >/dev/null || die "wrk not found (Debian: apt-get install wrk)"

start_server "$TMP/bench.db"
login admin
code=$(curl -sS -m 10 -o "$TMP/one.json" -w '%{http_code}' -H "Cookie: $COOKIE" \
  "$GG/api/v1/map/locate?lat=36.5&lon=102.5")
[ "$code" = 200 ] || { cat "$TMP/one.json" >&2; die "locate answered $code"; }

run_wrk() { # name path [lua]
  local args=(-t"$WRK_THREADS" -c"$CONNECTIONS" --latency -H "Cookie: $COOKIE")
  [ -n "${3:-}" ] && args+=(-s "$3")
  if [ "$(secs "$WARMUP")" -gt 0 ]; then
    GG_BOX=$BOX timeout $(($(secs "$WARMUP") + 30)) wrk "${args[@]}" -d"$WARMUP" "$GG$2" >/dev/null &
    WRK_PID=$!
    wait "$WRK_PID"
  fi
  GG_BOX=$BOX timeout $(($(secs "$DURATION") + 30)) wrk "${args[@]}" -d"$DURATION" "$GG$2" >"$TMP/$1.txt" &
  WRK_PID=$!
  wait "$WRK_PID"
  WRK_PID=""
}
rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
p99() { awk '$1 == "99%" {print $2}' "$1"; }
echo "over HTTP: wrk $WRK_THREADS threads, $CONNECTIONS connections, $DURATION each" >&2
run_wrk roles /api/v1/roles
run_wrk locate /api/v1/map/locate "$ROOT/bench/point_to_grid.lua"
echo
echo "HTTP, $SERVER_THREADS server threads, wrk $WRK_THREADS threads / $CONNECTIONS connections, $DURATION; nproc $(nproc)"
printf '%-44s %10s %9s\n' request req/s p99
printf '%-44s %10.0f %9s\n' "GET /api/v1/roles (reference)" "$(rps "$TMP/roles.txt")" "$(p99 "$TMP/roles.txt")"
printf '%-44s %10.0f %9s\n' "GET /api/v1/map/locate (random points)" "$(rps "$TMP/locate.txt")" "$(p99 "$TMP/locate.txt")"
grep '^status:' "$TMP/locate.txt" || true
grep -E 'Socket errors|timeout' "$TMP/locate.txt" "$TMP/roles.txt" || true
