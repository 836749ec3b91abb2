#!/usr/bin/env bash
# list_cases.sh — latency of GET /api/v1/cases (first page of 20) for callers
# of every scope, over a demo database grown to CASES generated cases
# (default 300,000). Run by hand; loopback only; cleans up after itself.
#   CASES=1000000 bench/list_cases.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=${CASES:-300000}
BUILD=${BUILD:-build}
TMP=$(mktemp -d /tmp/gg-listbench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
make -s BUILD="$BUILD" >/dev/null
cc -O2 -o "$TMP/gen" bench/gen_cases.c -lsqlite3
"$BUILD/gridgov" demo --db "$TMP/g.db" >/dev/null 2>&1
NOW=$(date +%s)
TODAY=$((NOW / 86400))
"$TMP/gen" "$TMP/g.db" "$CASES" $((TODAY - 300)) "$TODAY" $((NOW * 1000000)) | tail -1
GG_BUILD="$BUILD" timeout 600 python3 - "$TMP/g.db" <<'PY'
import os, statistics, sys, time
from urllib.parse import quote
sys.path.insert(0, "tests/api")
import gg
srv = gg.Server(db=sys.argv[1])
try:
    print(f"{'caller':10s} {'query':34s} {'median ms':>9s} {'max ms':>8s}")
    for user, q in (("command", "limit=20"), ("command", "limit=20&open=true"),
                    ("street1", "limit=20"), ("grid001", "limit=20"),
                    ("resident1", "limit=20"), ("dept1", "limit=20&mine=owned"),
                    ("command", "limit=20&q=" + quote("井盖"))):
        s, ts = srv.login(user), []
        for _ in range(15):
            t = time.time()
            st, body = s.get("/api/v1/cases?" + q)
            ts.append((time.time() - t) * 1000)
            assert st == 200, body
        label = q.replace(quote("井盖"), "井盖")
        print(f"{user:10s} {label:34s} {statistics.median(ts):9.1f} {max(ts):8.1f}")
finally:
    srv.stop()
PY
