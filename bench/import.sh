#!/usr/bin/env bash
# bench/import.sh — the residents import (issue 5) at scale: ROWS generated
# residents as .csv and as .xlsx, each imported into a fresh copy of the demo
# database with `gridgov import residents` (all_or_nothing: every row checked,
# then written in batches through the writer), then the CSV once more (every
# row unchanged). Prints rows per second and peak memory (max RSS of the
# process, from /usr/bin/time, and the importer's own duplicate set), and as
# the floor the same rows as plain SQLite INSERTs (no validation, no sealing,
# no blind index, no households), batched like the importer.
#
# Optionally (HTTP=1) the CSV once more over HTTP: POST /api/v1/imports,
# run, poll until done.
#
# Settings (environment):
#   ROWS=1000000          residents generated
#   BATCH=500             rows per transaction of the SQLite floor (the importer's batch)
#   PLACE=630105001001001 the grid the rows go to (a demo place code)
#   FORMATS="csv xlsx"    which files to generate and import with the CLI
#   HTTP=0                1: also import the CSV over HTTP
#   BENCH_TMP=/tmp        where the temp dir goes (~1 GB for a million rows)
#   BUILD=build           build directory (make BUILD=...)
# Everything lives in one temp dir removed on exit; every wait is bounded.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROWS=${ROWS:-1000000}
BATCH=${BATCH:-500}
PLACE=${PLACE:-630105001001001}
HTTP=${HTTP:-0}
FORMATS=${FORMATS:-csv xlsx}
has() { case " $FORMATS " in *" $1 "*) return 0 ;; esac; return 1; }
BENCH_TMP=${BENCH_TMP:-${TMPDIR:-/tmp}}
BUILD=${BUILD:-$ROOT/build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
BIN=$BUILD/gridgov
SERVER_THREADS=${SERVER_THREADS:-$(nproc)}
DEMO_PASSWORD=${DEMO_PASSWORD:-gridgov-demo-2026}

die() { echo "import-bench: $*" >&2; exit 1; }
[[ "$ROWS" =~ ^[0-9]+$ ]] || die "ROWS must be a whole number"
[[ "$BATCH" =~ ^[1-9][0-9]*$ ]] || die "BATCH must be a positive number"
[ -x "$BIN" ] || die "$BIN not found: make BUILD=$BUILD first"
[ -x /usr/bin/time ] || die "/usr/bin/time not found (Debian: apt-get install time)"
command -v cc >/dev/null || die "cc not found"

. "$ROOT/bench/lib.sh"
bench_tmpdir "$BENCH_TMP" gg-import-bench

cc -std=c11 -O2 -Wall -Wextra -o "$TMP/gen_residents" "$ROOT/bench/gen_residents.c" \
  $(pkg-config --cflags --libs xlsxwriter sqlite3) 2>"$TMP/cc.log" || { cat "$TMP/cc.log" >&2; die "cc failed"; }

"$BIN" demo --db "$TMP/demo.db" >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; die "gridgov demo failed"; }

for f in csv xlsx; do
  if has $f || { [ $f = csv ] && [ "$HTTP" = 1 ]; }; then
    t0=$(date +%s.%N)
    "$TMP/gen_residents" $f "$TMP/residents.$f" "$ROWS" || die "$f generation failed"
    t1=$(date +%s.%N)
    printf 'generated %s rows as %s: %s MiB in %.1f s\n' "$ROWS" $f \
      "$(( $(stat -c %s "$TMP/residents.$f") >> 20 ))" "$(echo "$t1 - $t0" | bc)"
  fi
done

fresh_db() { # a copy of the demo database and of its key file (the demo has residents)
  rm -f "$TMP"/run.*
  cp "$TMP/demo.db" "$TMP/run.db"
  local k
  for k in key db.key; do # <db>.key with the extension replaced (or, before, appended)
    [ ! -f "$TMP/demo.$k" ] || cp -p "$TMP/demo.$k" "$TMP/run.$k"
  done
}

import_one() { # label file
  /usr/bin/time -v -o "$TMP/time.txt" timeout 7200 \
    "$BIN" import residents "$2" "$PLACE" all_or_nothing --db "$TMP/run.db" >"$TMP/out.txt" 2>"$TMP/err.txt" ||
    { cat "$TMP/err.txt" "$TMP/out.txt" >&2; die "import of $2 failed"; }
  local rss
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time.txt")
  printf '%-12s %s peak_rss=%s MiB\n' "$1" "$(cat "$TMP/out.txt")" "$((rss / 1024))"
}

echo "--- gridgov import residents (CLI, all_or_nothing, into $PLACE)"
if has csv; then
  fresh_db
  import_one csv "$TMP/residents.csv"
  import_one csv-again "$TMP/residents.csv"
  printf 'database after %s rows (and the demo): %s MiB\n' "$ROWS" "$(( $(stat -c %s "$TMP/run.db") >> 20 ))"
fi
if has xlsx; then
  fresh_db
  import_one xlsx "$TMP/residents.xlsx"
fi

echo "--- the floor: plain SQLite INSERTs of the same rows, $BATCH a transaction (WAL, synchronous=FULL)"
"$TMP/gen_residents" sqlite "$TMP/raw.db" "$ROWS" "$BATCH"

if [ "$HTTP" = 1 ]; then
  echo "--- over HTTP: POST /api/v1/imports, run, poll"
  command -v curl >/dev/null || die "curl not found"
  fresh_db
  start_server "$TMP/run.db"
  login admin
  # the grid's id (walking down the tree from the district would take a request per level)
  gid=$(sqlite3 "$TMP/run.db" "select id from place where code='$PLACE'")
  [ -n "$gid" ] || die "no place $PLACE"
  h0=$(date +%s.%N)
  id=$(curl -sS -m 600 -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: text/csv' \
    --data-binary "@$TMP/residents.csv" "$GG/api/v1/imports?place_id=$gid" | sed -n 's/^{"id":"\([0-9a-f]*\)".*/\1/p')
  [ -n "$id" ] || die "upload failed"
  h1=$(date +%s.%N)
  curl -sS -m 30 -o /dev/null -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
    --data '{"mode":"all_or_nothing"}' "$GG/api/v1/imports/$id/run"
  state=""
  for _ in $(seq 14400); do
    state=$(curl -sS -m 30 -H "Cookie: $COOKIE" "$GG/api/v1/imports/$id")
    case "$state" in *'"state":"done"'* | *'"state":"failed"'*) break ;; esac
    sleep 0.5
  done
  h2=$(date +%s.%N)
  rss=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$GG_PID/status")
  printf 'http        upload %.1f s, run %.1f s, %.0f rows/s; server peak_rss=%s MiB; %s\n' \
    "$(echo "$h1 - $h0" | bc)" "$(echo "$h2 - $h1" | bc)" "$(echo "$ROWS / ($h2 - $h1)" | bc -l)" "$rss" \
    "$(echo "$state" | sed -n 's/.*\("rows_read":[0-9]*,"inserted":[0-9]*,"updated":[0-9]*,"unchanged":[0-9]*,"rejected":[0-9]*\).*/\1/p')"
  stop "$GG_PID"
  GG_PID=""
fi
