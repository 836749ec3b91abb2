#!/usr/bin/env bash
# cockpit.sh — latency of GET /api/v1/cockpit (the command-centre big screen,
# #4) for the district, a street and a community, over a demo database grown
# to CASES generated cases (default 1,000,000; gen_cases.c closes most of the
# old ones, as a real city would). Run by hand; loopback only; cleans up.
#   CASES=3000000 bench/cockpit.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=${CASES:-1000000}
BUILD=${BUILD:-build}
TMP=$(mktemp -d /tmp/gg-cockpitbench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
make -s BUILD="$BUILD" "$BUILD/gridgov" >/dev/null
cc -O2 -o "$TMP/gen" bench/gen_cases.c -lsqlite3
"$BUILD/gridgov" demo --db "$TMP/g.db" >/dev/null 2>&1
NOW=$(date +%s)
TODAY=$((NOW / 86400))
"$TMP/gen" "$TMP/g.db" "$CASES" $((TODAY - 365)) "$TODAY" $((NOW * 1000000)) | tail -1
sqlite3 "$TMP/g.db" "SELECT 'cases ' || count(*) || ', open ' || sum(closed_at IS NULL) FROM gcase"
GG_BUILD="$BUILD" timeout 600 python3 - "$TMP/g.db" <<'PY'
import statistics, sys, time
sys.path.insert(0, "tests/api")
import gg
srv = gg.Server(db=sys.argv[1])
try:
    print(f"{'caller':12s} {'place':>6s} {'open':>8s} {'median ms':>9s} {'max ms':>8s}")
    for user, place in (("command", 1), ("street1", 2), ("community01", 3)):
        s, ts = srv.login(user), []
        for _ in range(9):
            t = time.time()
            st, body = s.get(f"/api/v1/cockpit?place_id={place}")
            ts.append((time.time() - t) * 1000)
            assert st == 200, body
        print(f"{user:12s} {place:6d} {body['open']['total']:8d} {statistics.median(ts):9.1f} {max(ts):8.1f}")
finally:
    srv.stop()
PY
