#!/usr/bin/env bash
# bench/cases.sh — the case engine under load: (a) durable case creations per
# second over HTTP at concurrency 1, 8 and 64, with p99; (b) raw SQLite
# inserts on the same machine and disk, one row per transaction and batched,
# as the floor to compare with; (c) the metrics query for a street over a
# year with millions of cases in the database. Run by hand (not part of the
# tests); see bench/README.md.
#
# Everything listens on 127.0.0.1 only, lives in one temp dir that is removed
# on exit (trap), whatever way the script ends; every wait is bounded.
# Settings (environment):
#   DURATION=10s WARMUP=2s      each wrk run of (a), and its unmeasured warm-up (0: none)
#   CONCURRENCY="1 8 64"        connections, one wrk run each
#   WRK_THREADS=2               wrk -t (never more than the connections)
#   SERVER_THREADS=$(nproc)     gridgov --threads
#   DEMO_USER=grid001           who opens the cases (a grid worker: in their own grid)
#   RAW_SECONDS=5 RAW_BATCH=64  (b): seconds per raw run, rows per batched transaction
#   CASES=10000000              (c): cases generated into the database (0: skip (c))
#   YEAR=2026 QUERIES=200       (c): the year asked for, how many timed requests
#   STREET_USER=street1         (c): the street command account whose street is asked for
#   BENCH_TMP=/tmp              where the temp dir goes ((c) needs ~0.6 KB a case there)
#   BUILD=build                 build directory (make BUILD=...)
#   OUT_DIR=bench/out           raw wrk output is kept here (git-ignored)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
CONCURRENCY=${CONCURRENCY:-"1 8 64"}
WRK_THREADS=${WRK_THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-$(nproc)}
DEMO_USER=${DEMO_USER:-grid001}
DEMO_PASSWORD=${DEMO_PASSWORD:-gridgov-demo-2026}
RAW_SECONDS=${RAW_SECONDS:-5}
RAW_BATCH=${RAW_BATCH:-64}
CASES=${CASES:-10000000}
YEAR=${YEAR:-2026}
QUERIES=${QUERIES:-200}
STREET_USER=${STREET_USER:-street1}
BENCH_TMP=${BENCH_TMP:-${TMPDIR:-/tmp}}
BUILD=${BUILD:-$ROOT/build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
OUT_DIR=${OUT_DIR:-$ROOT/bench/out}
BIN=$BUILD/gridgov

die() { echo "cases: $*" >&2; exit 1; }
. "$ROOT/bench/lib.sh"

for tool in wrk curl cc make; do
  command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs it)"
done
[[ "$(secs "$DURATION")" =~ ^[0-9]+$ ]] || die "DURATION must look like 10s, 2m or 10"
[[ "$(secs "$WARMUP")" =~ ^[0-9]+$ ]] || die "WARMUP must look like 2s or 0"
for v in RAW_SECONDS RAW_BATCH CASES QUERIES YEAR WRK_THREADS SERVER_THREADS; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a whole number"
done
for c in $CONCURRENCY; do [[ "$c" =~ ^[1-9][0-9]*$ ]] || die "CONCURRENCY: $c is not a count"; done
[ "$QUERIES" -ge 1 ] || die "QUERIES must be at least 1"

# Local (+08:00, the demo calendar's zone) day numbers since 1970 for part (c).
NOW_S=$(date +%s)
TODAY_DAY=$(((NOW_S + 8 * 3600) / 86400))
FROM_DAY=$(($(date -u -d "$YEAR-01-01" +%s) / 86400))
TO_DAY=$(($(date -u -d "$YEAR-12-31" +%s) / 86400))
GEN_TO=$((TO_DAY < TODAY_DAY ? TO_DAY : TODAY_DAY))
if [ "$CASES" -gt 0 ]; then
  [ "$FROM_DAY" -le "$TODAY_DAY" ] || die "YEAR $YEAR has not begun: no case can be made in it yet"
  need_kb=$((CASES / 1000 * 1000 / 1024 + 2 * 1024 * 1024)) # ~1 KB a case, and 2 GB to spare
  have_kb=$(df -Pk "$BENCH_TMP" | awk 'NR == 2 {print $4}')
  [ "$have_kb" -ge "$need_kb" ] ||
    die "$BENCH_TMP has $((have_kb / 1024)) MB free; CASES=$CASES wants about $((need_kb / 1024)) MB (try a smaller CASES or another BENCH_TMP)"
fi

bench_tmpdir "$BENCH_TMP" gg-bench-cases

# ---- build: the server, and the two helpers under bench/ ----------------------------
echo "building ($BUILD)..." >&2
make -C "$ROOT" BUILD="$BUILD" "$BIN" >"$TMP/make.log" 2>&1 || { tail -30 "$TMP/make.log" >&2; die "make failed"; }
for tool in sqlite_inserts gen_cases; do
  cc -std=c11 -O2 -Wall -Wextra -o "$TMP/$tool" "$ROOT/bench/$tool.c" -lsqlite3 2>"$TMP/cc.log" ||
    { cat "$TMP/cc.log" >&2; die "cannot build bench/$tool.c (needs libsqlite3-dev)"; }
done
"$BIN" demo --db "$TMP/demo.db" >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; die "demo db failed"; }



to_ms() { # 1.23ms / 850.00us / 1.02s -> ms
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000;
    else if (v ~ /s$/) n *= 1000;
    printf "%.2f", n }'
}
pct() { to_ms "$(awk -v p="$2" '$1 == p {print $2}' "$1")"; }  # file, "50%" / "99%"
# 2xx answers per second: (requests - non-2xx) / measured seconds, from wrk's own lines
ok_rate() {
  awk '/requests in/ { n = $1; t = $4; sub(/,$/, "", t)
         if (t ~ /ms$/) t = t / 1000; else if (t ~ /m$/) t = t * 60; else t = t + 0 }
       /Non-2xx or 3xx responses:/ { bad = $5 }
       END { if (t > 0) printf "%.1f", (n - bad) / t; else print "0" }' "$1"
}
errors() { # socket errors and non-2xx answers, one short line ("" if none)
  awk '/Non-2xx or 3xx responses:/ { printf "non-2xx %s ", $5 }
       /Socket errors:/ { printf "%s ", $0 }' "$1"
}

mkdir -p "$OUT_DIR"
STAMP=$(date +%Y%m%d-%H%M%S)

# ---- (a) case creations over HTTP ---------------------------------------------------
cp "$TMP/demo.db" "$TMP/create.db"
start_server "$TMP/create.db"
login "$DEMO_USER"
[ -n "$HOME_PLACE" ] || die "$DEMO_USER has no place to open cases in"
CATS=$(curl -sS -m 10 -H "Cookie: $COOKIE" "$GG/api/v1/categories?kind=event")
CATEGORY=$(echo "$CATS" | grep -o '{"id":"[0-9]*","kind":"event","code":"city_appearance"' |
  sed 's/.*"id":"\([0-9]*\)".*/\1/' | head -1)
[ -n "$CATEGORY" ] || CATEGORY=$(echo "$CATS" | sed -n 's/^{"items":\[{"id":"\([0-9]*\)".*/\1/p')
[ -n "$CATEGORY" ] || die "no event category in the demo city"
export GG_COOKIE=$COOKIE GG_CSRF=$CSRF GG_PLACE_ID=$HOME_PLACE GG_CATEGORY_ID=$CATEGORY

# the request must work before it is timed
code=$(curl -sS -m 10 -o "$TMP/sample.json" -w '%{http_code}' -H "Cookie: $COOKIE" \
  -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
  --data "{\"kind\":\"event\",\"category_id\":\"$CATEGORY\",\"place_id\":\"$HOME_PLACE\",\"title\":\"压测样例\"}" \
  "$GG/api/v1/cases")
[ "$code" = 201 ] || { cat "$TMP/sample.json" >&2; die "POST /api/v1/cases answered $code"; }

count_cases() { # cases in the database, as the API sees them (a grid worker's own grid)
  curl -sS -m 30 -H "Cookie: $COOKIE" "$GG/api/v1/cases?limit=1" |
    sed -n 's/^{"items":\[{"id":"\([0-9]*\)".*/\1/p'
}
FIRST_ID=$(count_cases)

run_wrk() { # name connections
  local name=$1 c=$2 t=$WRK_THREADS
  [ "$t" -le "$c" ] || t=$c
  local args=(-t"$t" -c"$c" --latency -s "$ROOT/bench/cases_post.lua")
  if [ "$(secs "$WARMUP")" -gt 0 ]; then
    timeout $(($(secs "$WARMUP") + 30)) wrk "${args[@]}" -d"$WARMUP" "$GG" >/dev/null &
    WRK_PID=$!
    wait "$WRK_PID"
  fi
  timeout $(($(secs "$DURATION") + 30)) wrk "${args[@]}" -d"$DURATION" "$GG" \
    >"$OUT_DIR/$STAMP-$name.txt" &
  WRK_PID=$!
  wait "$WRK_PID"
  WRK_PID=""
}

for c in $CONCURRENCY; do
  echo "(a) POST /api/v1/cases, $c connection(s), $DURATION..." >&2
  run_wrk "create-c$c" "$c"
done
LAST_ID=$(count_cases)
stop "$GG_PID"
GG_PID=""

# ---- (b) raw SQLite on the same disk ------------------------------------------------
echo "(b) raw SQLite inserts, ${RAW_SECONDS}s each..." >&2
RAW1=$("$TMP/sqlite_inserts" "$TMP/raw1.db" 1 "$RAW_SECONDS" | awk '{print $6}')
RAWB=$("$TMP/sqlite_inserts" "$TMP/rawb.db" "$RAW_BATCH" "$RAW_SECONDS" | awk '{print $6}')
rm -f "$TMP"/raw*.db*

# ---- (c) the metrics query with CASES cases -------------------------------------------
if [ "$CASES" -gt 0 ]; then
  echo "(c) generating $CASES cases ($YEAR-01-01 .. day $GEN_TO) into a copy of the demo db..." >&2
  cp "$TMP/demo.db" "$TMP/big.db"
  GEN_OUT=$(timeout 7200 "$TMP/gen_cases" "$TMP/big.db" "$CASES" "$FROM_DAY" "$GEN_TO" \
    "$((NOW_S * 1000000))") || die "gen_cases failed"
  GEN_SECS=$(echo "$GEN_OUT" | awk '{print $6}')
  ROLLUP_ROWS=$(echo "$GEN_OUT" | awk '{print $4}')
  DB_MB=$(($(stat -c %s "$TMP/big.db") / 1024 / 1024))
  start_server "$TMP/big.db"
  login "$STREET_USER"
  [ -n "$HOME_PLACE" ] || die "$STREET_USER has no street"
  Q="$GG/api/v1/case-metrics?place_id=$HOME_PLACE&from=$YEAR-01-01&to=$YEAR-12-31"
  code=$(curl -sS -m 120 -o "$TMP/metrics.json" -w '%{http_code} %{time_total}' -H "Cookie: $COOKIE" "$Q")
  [ "${code%% *}" = 200 ] || { cat "$TMP/metrics.json" >&2; die "GET $Q answered $code"; }
  COLD_MS=$(awk -v t="${code#* }" 'BEGIN {printf "%.2f", t * 1000}')
  STREET_REPORTED=$(sed -n 's/.*"reported":\([0-9]*\).*/\1/p' "$TMP/metrics.json")
  # QUERIES sequential requests on one keep-alive connection; curl times each
  { echo 'silent'
    echo "header = \"Cookie: $COOKIE\""
    for _ in $(seq "$QUERIES"); do echo "url = \"$Q\""; echo 'output = "/dev/null"'; done
  } >"$TMP/curl.cfg"
  timeout 600 curl -K "$TMP/curl.cfg" -w '%{http_code} %{time_total}\n' >"$TMP/times.txt"
  bad=$(awk '$1 != 200' "$TMP/times.txt" | wc -l)
  [ "$bad" -eq 0 ] || die "$bad metrics requests did not answer 200"
  sort -n -k2 "$TMP/times.txt" | awk '{printf "%.2f\n", $2 * 1000}' >"$TMP/ms.txt"
  n=$(wc -l <"$TMP/ms.txt")
  at() { sed -n "$(awk -v n="$n" -v p="$1" 'BEGIN { i = int(n * p / 100 + 0.999); if (i < 1) i = 1; print i }')p" "$TMP/ms.txt"; }
  M_P50=$(at 50)
  M_P99=$(at 99)
  M_MAX=$(tail -1 "$TMP/ms.txt")
  stop "$GG_PID"
  GG_PID=""
  rm -f "$TMP"/big.db*
fi

# ---- report ---------------------------------------------------------------------------
echo
echo "cases: nproc $(nproc), gridgov --threads $SERVER_THREADS, wrk $DURATION per run" \
  "(after $WARMUP warm-up), disk $(df -P "$BENCH_TMP" | awk 'NR == 2 {print $1}')"
printf '%-44s %6s %10s %9s %9s  %s\n' "what" conn "per s" "p50 ms" "p99 ms" "errors"
for c in $CONCURRENCY; do
  f=$OUT_DIR/$STAMP-create-c$c.txt
  printf '%-44s %6s %10s %9s %9s  %s\n' "POST /api/v1/cases (201 after COMMIT)" "$c" \
    "$(ok_rate "$f")" "$(pct "$f" 50%)" "$(pct "$f" 99%)" "$(errors "$f")"
done
printf '%-44s %6s %10s\n' "raw SQLite insert, 1 row per COMMIT" 1 "$RAW1"
printf '%-44s %6s %10s\n' "raw SQLite insert, $RAW_BATCH rows per COMMIT" 1 "$RAWB"
for c in $CONCURRENCY; do
  f=$OUT_DIR/$STAMP-create-c$c.txt
  awk -v g="$(ok_rate "$f")" -v r="$RAW1" -v c="$c" \
    'BEGIN { printf "ratio gridgov/raw (1 row per COMMIT), %s conn: %.2f\n", c, (r > 0 ? g / r : 0) }'
done
if [ -n "$FIRST_ID" ] && [ -n "$LAST_ID" ]; then
  echo "cases opened during (a), counted in the database: $((LAST_ID - FIRST_ID)) (warm-ups included)"
fi
if [ "$CASES" -gt 0 ]; then
  echo
  echo "metrics: GET /api/v1/case-metrics for $STREET_USER's street, $YEAR-01-01..$YEAR-12-31;" \
    "$CASES generated cases + the demo's ($ROLLUP_ROWS rollup rows written, db ${DB_MB} MB," \
    "generated in ${GEN_SECS}s)"
  printf '%-44s %10s %9s %9s %9s %9s\n' "what" requests "cold ms" "p50 ms" "p99 ms" "max ms"
  printf '%-44s %10s %9s %9s %9s %9s\n' "street metrics ($STREET_REPORTED cases reported)" \
    "$n" "$COLD_MS" "$M_P50" "$M_P99" "$M_MAX"
fi
echo "raw wrk output: $OUT_DIR/$STAMP-create-c*.txt"
