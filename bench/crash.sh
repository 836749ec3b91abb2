#!/usr/bin/env bash
# bench/crash.sh — the long crash test: 100 cycles (or CYCLES) of "drive
# concurrent case creations and actions, SIGKILL the server at a random
# moment, restart it on the same database, check that every acknowledged
# write is there and nothing unacknowledged is half there, integrity_check
# ok". The checks are tests/api/test_crash.py's (a short run of it is in
# `make test`); this runs that file as a script. Run by hand; it prints one
# line per cycle and ends with "cycles N, writes verified N, problems N".
#
# Everything listens on 127.0.0.1, lives in temp dirs removed at the end,
# and every wait is bounded (a cycle that hangs is reported as a problem).
# Settings (environment):
#   CYCLES=100    cycles to run
#   SEED=         random seed for the kill moments (default: random)
#   BUILD=build   build directory (make BUILD=...); SANITIZE=address,undefined
#                 builds and uses build-san unless BUILD is given
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CYCLES=${CYCLES:-100}
SEED=${SEED:-}
if [ -n "${SANITIZE:-}" ]; then BUILD=${BUILD:-build-san}; else BUILD=${BUILD:-build}; fi

cd "$ROOT"
make --no-print-directory BUILD="$BUILD" ${SANITIZE:+SANITIZE=$SANITIZE} "$BUILD/gridgov" >/dev/null
export GG_BUILD="$ROOT/$BUILD"
case "$BUILD" in /*) export GG_BUILD="$BUILD" ;; esac

args=(--cycles "$CYCLES")
[ -n "$SEED" ] && args+=(--seed "$SEED")
cd tests/api
exec timeout --signal=INT $((CYCLES * 90 + 120)) python3 test_crash.py "${args[@]}"
