#!/usr/bin/env bash
# bench/list_places.sh — how fast gridgov answers an authenticated list of 20
# places, next to nginx serving a small static file on the same machine, with
# the same wrk load. Run by hand (not part of the tests); see bench/README.md.
#
# Everything listens on 127.0.0.1 only, lives in one temp dir, and is stopped
# and removed on exit (trap), whatever way the script ends. Every wait is
# bounded. Settings (environment):
#   DURATION=10s  WRK_THREADS=2  CONNECTIONS=32  WARMUP=2s (0 to skip)
#   SERVER_THREADS=$(nproc)   gridgov --threads and nginx worker_processes
#   LIMIT=20  KIND=grid       the list asked of gridgov
#   STATIC_BYTES=1024         size of nginx's static file
#   OUT_DIR=bench/out         raw wrk output is kept here (git-ignored)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${DURATION:-10s}
WRK_THREADS=${WRK_THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
WARMUP=${WARMUP:-2s}
SERVER_THREADS=${SERVER_THREADS:-$(nproc)}
LIMIT=${LIMIT:-20}
KIND=${KIND:-grid}
STATIC_BYTES=${STATIC_BYTES:-1024}
OUT_DIR=${OUT_DIR:-$ROOT/bench/out}
DEMO_USER=${DEMO_USER:-admin}
DEMO_PASSWORD=${DEMO_PASSWORD:-gridgov-demo-2026}
BIN=$ROOT/build/gridgov

die() { echo "list_places: $*" >&2; exit 1; }
. "$ROOT/bench/lib.sh"

command -v wrk >/dev/null || die "wrk not found (Debian: apt-get install wrk)"
command -v curl >/dev/null || die "curl not found"

[[ "$(secs "$DURATION")" =~ ^[0-9]+$ ]] || die "DURATION must look like 10s, 2m or 10"
[[ "$(secs "$WARMUP")" =~ ^[0-9]+$ ]] || die "WARMUP must look like 2s or 0"

bench_tmpdir "${TMPDIR:-/tmp}" gg-bench


# ---- build and the demo city -------------------------------------------------
echo "building (make)..." >&2
make -C "$ROOT" >"$TMP/make.log" 2>&1 || { tail -30 "$TMP/make.log" >&2; die "make failed"; }
"$BIN" demo --db "$TMP/demo.db" >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; die "demo db failed"; }

# ---- gridgov -------------------------------------------------------------------
start_server "$TMP/demo.db"
login "$DEMO_USER"
COOKIE="Cookie: $COOKIE"

DISTRICT=$(curl -sS -m 10 -H "$COOKIE" "$GG/api/v1/places" |
  sed -n 's/^{"items":\[{"id":"\([0-9]*\)".*/\1/p')
[ -n "$DISTRICT" ] || die "cannot find the demo district"
GG_PATH="/api/v1/places/$DISTRICT/subtree?kind=$KIND&limit=$LIMIT"

# the request must work, and answer the whole page, before it is timed
code=$(curl -sS -m 10 -o "$TMP/sample.json" -w '%{http_code}' -H "$COOKIE" "$GG$GG_PATH")
[ "$code" = 200 ] || { cat "$TMP/sample.json" >&2; die "GET $GG_PATH answered $code"; }
n=$( (grep -o "\"kind\":\"$KIND\"" "$TMP/sample.json" || true) | wc -l)
[ "$n" -eq "$LIMIT" ] || die "GET $GG_PATH gave $n places, not $LIMIT"
GG_BYTES=$(wc -c <"$TMP/sample.json")

# ---- nginx -------------------------------------------------------------------------
start_nginx "$STATIC_BYTES"
NGX_PATH=/static.txt
NGX=${NGX%"$NGX_PATH"}

# ---- load ------------------------------------------------------------------------------
mkdir -p "$OUT_DIR"
STAMP=$(date +%Y%m%d-%H%M%S)

# run_wrk name url [header]: raw output to $OUT_DIR, bounded by timeout
run_wrk() {
  local name=$1 url=$2 hdr=${3:-}
  local args=(-t"$WRK_THREADS" -c"$CONNECTIONS" --latency)
  [ -n "$hdr" ] && args+=(-H "$hdr")
  if [ "$(secs "$WARMUP")" -gt 0 ]; then
    timeout $(($(secs "$WARMUP") + 30)) wrk "${args[@]}" -d"$WARMUP" "$url" >/dev/null &
    WRK_PID=$!
    wait "$WRK_PID"
  fi
  # in the background so that a signal to this script is handled at once
  timeout $(($(secs "$DURATION") + 30)) wrk "${args[@]}" -d"$DURATION" "$url" \
    >"$OUT_DIR/$STAMP-$name.txt" &
  WRK_PID=$!
  wait "$WRK_PID"
  WRK_PID=""
}

# value of wrk's "Requests/sec:" line; p99 and average latency in ms; error lines
rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
to_ms() { # 1.23ms / 850.00us / 1.02s -> ms
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000;
    else if (v ~ /s$/) n *= 1000;
    printf "%.2f", n }'
}
p99() { to_ms "$(awk '$1 == "99%" {print $2}' "$1")"; }
avg() { to_ms "$(awk '$1 == "Latency" {print $2; exit}' "$1")"; }
errors() { grep -E 'Non-2xx|Socket errors|timeout' "$1" | sed 's/^ */    /' || true; }

echo "nginx:   $DURATION of $NGX$NGX_PATH" >&2
run_wrk nginx "$NGX$NGX_PATH"
echo "gridgov: $DURATION of $GG$GG_PATH" >&2
run_wrk gridgov "$GG$GG_PATH" "$COOKIE"

N=$OUT_DIR/$STAMP-nginx.txt
G=$OUT_DIR/$STAMP-gridgov.txt
[ -n "$(rps "$N")" ] && [ -n "$(rps "$G")" ] || { cat "$N" "$G" >&2; die "cannot parse wrk output"; }

# ---- report --------------------------------------------------------------------------
echo
echo "list_places: wrk $WRK_THREADS threads, $CONNECTIONS connections, $DURATION each" \
  "(after ${WARMUP} warm-up); $SERVER_THREADS gridgov threads / nginx workers; nproc $(nproc)"
printf '%-8s %-60s %10s %9s %9s %7s\n' server request req/s "avg ms" "p99 ms" bytes
printf '%-8s %-60s %10.0f %9s %9s %7s\n' nginx "GET $NGX_PATH (static)" "$(rps "$N")" \
  "$(avg "$N")" "$(p99 "$N")" "$STATIC_BYTES"
printf '%-8s %-60s %10.0f %9s %9s %7s\n' gridgov "GET ${GG_PATH} (cookie)" "$(rps "$G")" \
  "$(avg "$G")" "$(p99 "$G")" "$GG_BYTES"
awk -v g="$(rps "$G")" -v n="$(rps "$N")" -v gp="$(p99 "$G")" -v np="$(p99 "$N")" 'BEGIN {
  printf "ratio gridgov/nginx: req/s %.3f, p99 latency %.2fx\n", g / n, (np > 0 ? gp / np : 0) }'
for f in "$N" "$G"; do
  e=$(errors "$f")
  [ -z "$e" ] || printf 'errors in %s:\n%s\n' "$(basename "$f")" "$e"
done
echo "raw wrk output: $N, $G"
