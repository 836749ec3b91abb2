#!/usr/bin/env bash
# bench/load.sh — sustained load: a realistic mix (list, detail, search, create,
# accept, metrics; bench/load_mix.lua) for DURATION against the demo city, with
# throughput, p50/p99 for the whole mix and the server's RSS every RSS_EVERY
# seconds; then a read-only mix and nginx serving a small static file on
# loopback, and the ratio of the two. Run by hand (not part of the tests); see
# bench/README.md.
#
# Everything listens on 127.0.0.1 only, lives in one temp dir that is removed
# on exit (trap), whatever way the script ends; every wait is bounded.
# Settings (environment):
#   DURATION=5m            the measured mixed run (5m, 30s, 90)
#   READ_DURATION=30s      the read-only mix run, and the nginx run
#   WARMUP=5s              unmeasured run before each (0: none)
#   WRK_THREADS=2 CONNECTIONS=16
#   SERVER_THREADS=$(nproc)   gridgov --threads and nginx worker_processes
#   RSS_EVERY=60           seconds between RSS samples during the mixed run
#   DEMO_USER=command      who signs in (the district command centre)
#   STATIC_BYTES=1024      size of nginx's file
#   BUILD=build            build directory (make BUILD=...)
#   OUT_DIR=bench/out      raw wrk output is kept here (git-ignored)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${DURATION:-5m}
READ_DURATION=${READ_DURATION:-30s}
WARMUP=${WARMUP:-5s}
WRK_THREADS=${WRK_THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
SERVER_THREADS=${SERVER_THREADS:-$(nproc)}
RSS_EVERY=${RSS_EVERY:-60}
DEMO_USER=${DEMO_USER:-command}
DEMO_PASSWORD=${DEMO_PASSWORD:-gridgov-demo-2026}
STATIC_BYTES=${STATIC_BYTES:-1024}
BUILD=${BUILD:-$ROOT/build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
OUT_DIR=${OUT_DIR:-$ROOT/bench/out}
BIN=$BUILD/gridgov
YEAR=$(TZ=Asia/Shanghai date +%Y)

die() { echo "load: $*" >&2; exit 1; }
. "$ROOT/bench/lib.sh"
for tool in wrk curl make; do
  command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs it)"
done
for v in DURATION READ_DURATION WARMUP; do
  [[ "$(secs "${!v}")" =~ ^[0-9]+$ ]] || die "$v must look like 30s, 5m or 30"
done
for v in WRK_THREADS CONNECTIONS SERVER_THREADS RSS_EVERY STATIC_BYTES; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive whole number"
done
[ "$WRK_THREADS" -le "$CONNECTIONS" ] || WRK_THREADS=$CONNECTIONS

bench_tmpdir "${TMPDIR:-/tmp}" gg-bench-load


# ---- build, the demo city, gridgov ---------------------------------------------------
echo "building ($BUILD)..." >&2
make -C "$ROOT" BUILD="$BUILD" "$BIN" >"$TMP/make.log" 2>&1 || { tail -30 "$TMP/make.log" >&2; die "make failed"; }
"$BIN" demo --db "$TMP/demo.db" >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; die "demo db failed"; }

start_server "$TMP/demo.db"
login "$DEMO_USER"
[ -n "$HOME_PLACE" ] || die "$DEMO_USER has no place"

# ids for the mix: the items' leading "id" of each list (comma-separated)
item_ids() { # path [kind]
  curl -sS -m 30 -H "Cookie: $COOKIE" "$GG$1" | grep -o "{\"id\":\"[0-9]*\",\"${2:-[a-z_]*}\"" |
    sed 's/{"id":"\([0-9]*\)".*/\1/' | head -200 | paste -sd, -
}
CASE_IDS=$(item_ids "/api/v1/cases?limit=100" kind)
GRID_IDS=$(item_ids "/api/v1/places/$HOME_PLACE/subtree?kind=grid&limit=100" parent_id)
STREET_IDS=$(item_ids "/api/v1/places/$HOME_PLACE/children" parent_id)
CATEGORY_IDS=$(item_ids "/api/v1/categories?kind=event" kind)
for v in CASE_IDS GRID_IDS STREET_IDS CATEGORY_IDS; do
  [ -n "${!v}" ] || die "no $v in the demo city as $DEMO_USER sees it"
done
export GG_COOKIE=$COOKIE GG_CSRF=$CSRF GG_CASE_IDS=$CASE_IDS GG_GRID_IDS=$GRID_IDS \
  GG_STREET_IDS=$STREET_IDS GG_CATEGORY_IDS=$CATEGORY_IDS GG_YEAR=$YEAR

# every kind of request of the mix must work before it is timed
check() { # want method path [body]
  local code
  if [ -n "${4:-}" ]; then
    code=$(curl -sS -m 10 -o "$TMP/check.json" -w '%{http_code}' -X "$2" -H "Cookie: $COOKIE" \
      -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' --data "$4" "$GG$3")
  else
    code=$(curl -sS -m 10 -o "$TMP/check.json" -w '%{http_code}' -H "Cookie: $COOKIE" "$GG$3")
  fi
  [ "$code" = "$1" ] || { head -c 600 "$TMP/check.json" >&2; echo >&2; die "$2 $3 answered $code, not $1"; }
}
check 200 GET "/api/v1/cases?limit=20"
check 200 GET "/api/v1/cases/${CASE_IDS%%,*}"
check 200 GET "/api/v1/cases?limit=20&q=%E7%A7%81%E8%87%AA%E5%BC%80%E6%8C%96"
check 200 GET "/api/v1/cases?limit=20&q=%E5%9E%83%E5%9C%BE"
check 200 GET "/api/v1/case-metrics?place_id=${STREET_IDS%%,*}&from=$YEAR-01-01&to=$YEAR-12-31"
check 201 POST /api/v1/cases \
  "{\"kind\":\"event\",\"category_id\":\"${CATEGORY_IDS%%,*}\",\"place_id\":\"${GRID_IDS%%,*}\",\"title\":\"压测样例\"}"
NEW_ID=$(sed -n 's/^{"id":"\([0-9]*\)".*/\1/p' "$TMP/check.json")
check 200 POST "/api/v1/cases/$NEW_ID/actions/accept" '{}'

# ---- load -------------------------------------------------------------------------------
mkdir -p "$OUT_DIR"
STAMP=$(date +%Y%m%d-%H%M%S)

rss_mib() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$GG_PID/status" 2>/dev/null || echo "?"; }

run_wrk() { # name duration url [wrk args...]: raw output to $OUT_DIR, bounded by timeout
  local name=$1 d=$2 url=$3
  shift 3
  local args=(-t"$WRK_THREADS" -c"$CONNECTIONS" --latency "$@")
  if [ "$(secs "$WARMUP")" -gt 0 ]; then
    timeout $(($(secs "$WARMUP") + 30)) wrk "${args[@]}" -d"$WARMUP" "$url" >/dev/null &
    WRK_PID=$!
    wait "$WRK_PID"
  fi
  timeout $(($(secs "$d") + 60)) wrk "${args[@]}" -d"$d" "$url" >"$OUT_DIR/$STAMP-$name.txt" &
  WRK_PID=$!
  wait "$WRK_PID"
  WRK_PID=""
}

# (1) the mix, RSS sampled in the background (second 0, then every RSS_EVERY s)
echo "mix: $DURATION against $GG (after $WARMUP warm-up)..." >&2
RSS_START=$(rss_mib)
(
  start=$(date +%s)
  for ((t = 0; t <= $(secs "$DURATION") + $(secs "$WARMUP") + 120; t++)); do
    if ((t % RSS_EVERY == 0)); then echo "$(($(date +%s) - start)) $(rss_mib)"; fi
    sleep 1
  done
) >"$TMP/rss.txt" &
RSS_PID=$!
T_MIX=$(date +%s)
run_wrk mix "$DURATION" "$GG" -s "$ROOT/bench/load_mix.lua"
stop "$RSS_PID"
RSS_PID=""
RSS_END=$(rss_mib)
echo "$(($(date +%s) - T_MIX)) $RSS_END" >>"$TMP/rss.txt"

# (2) the read-only mix
echo "read-only mix: $READ_DURATION..." >&2
GG_MIX=read run_wrk read "$READ_DURATION" "$GG" -s "$ROOT/bench/load_mix.lua"

# (3) nginx on loopback, its own config, one small static file
start_nginx "$STATIC_BYTES"
echo "nginx: $READ_DURATION of $NGX..." >&2
run_wrk nginx "$READ_DURATION" "$NGX"

# ---- report -------------------------------------------------------------------------------
to_ms() { # 1.23ms / 850.00us / 1.02s -> ms
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000;
    else if (v ~ /s$/) n *= 1000;
    printf "%.2f", n }'
}
rps() { awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$1"; }
pct() { to_ms "$(awk -v p="$2" '$1 == p {print $2}' "$1")"; }
total() { awk '/requests in/ {print $1}' "$1"; }
errors() { # socket errors and non-2xx answers, one short line ("" if none)
  awk '/Non-2xx or 3xx responses:/ { printf "non-2xx %s ", $5 }
       /Socket errors:/ { printf "%s ", $0 }' "$1"
}
M=$OUT_DIR/$STAMP-mix.txt
R=$OUT_DIR/$STAMP-read.txt
N=$OUT_DIR/$STAMP-nginx.txt
for f in "$M" "$R" "$N"; do [ -n "$(rps "$f")" ] || { cat "$f" >&2; die "cannot parse $f"; }; done

echo
echo "load: wrk $WRK_THREADS threads, $CONNECTIONS connections; gridgov --threads $SERVER_THREADS" \
  "(nginx workers the same); nproc $(nproc); demo city as $DEMO_USER"
printf '%-30s %9s %10s %9s %9s  %s\n' run duration "req/s" "p50 ms" "p99 ms" errors
printf '%-30s %9s %10s %9s %9s  %s\n' "gridgov mix" "$DURATION" "$(rps "$M")" "$(pct "$M" 50%)" \
  "$(pct "$M" 99%)" "$(errors "$M")"
printf '%-30s %9s %10s %9s %9s  %s\n' "gridgov read-only mix" "$READ_DURATION" "$(rps "$R")" \
  "$(pct "$R" 50%)" "$(pct "$R" 99%)" "$(errors "$R")"
printf '%-30s %9s %10s %9s %9s  %s\n' "nginx static ${STATIC_BYTES} B" "$READ_DURATION" "$(rps "$N")" \
  "$(pct "$N" 50%)" "$(pct "$N" 99%)" "$(errors "$N")"
echo "mix requests: $(total "$M"); $(grep '^mix:' "$M")"
echo "mix answers:  $(grep '^status:' "$M" | sed 's/^status: //')"
echo "read-only:    $(grep '^mix:' "$R" | sed 's/^mix: //'); $(grep '^status:' "$R")"
echo "gridgov RSS (MiB) by second of the mix run (warm-up included):" \
  "$(awk '{printf "%s%ss %s", (NR > 1 ? ", " : ""), $1, $2}' "$TMP/rss.txt")"
echo "gridgov RSS start $RSS_START MiB, end $RSS_END MiB"
awk -v g="$(rps "$R")" -v n="$(rps "$N")" 'BEGIN {
  printf "ratio gridgov read-only mix / nginx static: %.3f\n", (n > 0 ? g / n : 0) }'
echo "raw wrk output: $M, $R, $N"
