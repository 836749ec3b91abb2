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
    # computed: the first call, and each call after a case step (the summary
    # cache keeps an answer until a case changes, for up to 1 s while they do)
    print(f"{'caller':12s} {'place':>6s} {'open':>8s} {'computed ms':>11s} {'cached ms':>9s}")
    res = srv.login("resident1")
    me = res.get("/api/v1/session")[1]["user"]
    cat = res.get("/api/v1/categories?kind=event")[1]["items"][0]["id"]
    for user, place in (("command", 1), ("street1", 2), ("community01", 3)):
        s, computed, cached = srv.login(user), [], []
        for i in range(5):
            res.post("/api/v1/cases", {"kind": "event", "category_id": cat,
                                       "place_id": me["place_ids"][0], "title": f"bench {i}"})
            time.sleep(1.1)
            for bucket in (computed, cached):
                t = time.time()
                st, body = s.get(f"/api/v1/cockpit?place_id={place}")
                bucket.append((time.time() - t) * 1000)
                assert st == 200, body
        print(f"{user:12s} {place:6d} {body['open']['total']:8d} {statistics.median(computed):11.1f} "
              f"{statistics.median(cached):9.1f}")
finally:
    srv.stop()
PY
