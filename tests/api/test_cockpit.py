"""The command-centre summary (#4): GET /api/v1/cockpit?place_id= — its shape,
its counts against a recount straight from the database, and its change when
a case is opened."""
import datetime
import sqlite3
import time
import unittest

from gg import Server, error_of

CLOSES = 1 << 8  # GG_WF_F_CLOSES
TZ = datetime.timezone(datetime.timedelta(hours=8))


class CockpitTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.cmd = cls.srv.login("command")
        st, me = cls.cmd.get("/api/v1/session")
        cls.district = me["user"]["place_ids"][0]

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def db(self):
        return sqlite3.connect(f"file:{self.srv.db}?mode=ro", uri=True)

    def path_of(self, db, place_id):
        return db.execute("SELECT path FROM place WHERE id = ?", (int(place_id),)).fetchone()[0]

    def recount(self, place_id):
        db = self.db()
        try:
            path = self.path_of(db, place_id)
            upper = path[:-1] + "0"
            rng = "g.place_path >= ? AND g.place_path < ?"
            one = lambda sql, *a: db.execute(sql, (path, upper, *a)).fetchone()[0]
            out = {
                "total": one(f"SELECT count(*) FROM gcase g WHERE {rng} AND closed_at IS NULL"),
                "overdue": one(f"SELECT count(*) FROM gcase g WHERE {rng} AND closed_at IS NULL AND overdue = 1"),
                "department": one(f"SELECT count(*) FROM gcase g WHERE {rng} AND closed_at IS NULL "
                                  "AND owner_unit_id IS NOT NULL"),
            }
            for kind in ("grid", "community", "street", "district"):
                out[kind] = one(f"SELECT count(*) FROM gcase g JOIN place p ON p.id = g.owner_place_id "
                                f"WHERE {rng} AND g.closed_at IS NULL AND g.owner_unit_id IS NULL "
                                "AND p.kind = ?", kind)
            today = datetime.datetime.now(TZ).date()
            d0 = (today.replace(day=1) - datetime.date(1970, 1, 1)).days
            d1 = (today - datetime.date(1970, 1, 1)).days
            out["month_reported"] = one(f"SELECT count(*) FROM case_flow f JOIN gcase g ON g.id = f.case_id "
                                        f"WHERE {rng} AND f.action = 'open' AND f.rollup_day BETWEEN ? AND ?",
                                        d0, d1)
            out["today_reported"] = one(f"SELECT count(*) FROM case_flow f JOIN gcase g ON g.id = f.case_id "
                                        f"WHERE {rng} AND f.action = 'open' AND f.rollup_day = ?", d1)
            # a case's first closing only, as the rollups count it
            out["month_closed"] = one(
                f"SELECT count(*) FROM case_flow f JOIN gcase g ON g.id = f.case_id WHERE {rng} "
                "AND f.rollup_day BETWEEN ? AND ? AND f.id = (SELECT min(id) FROM case_flow x "
                "WHERE x.case_id = f.case_id AND ((x.flags & ?) != 0 "
                "OR (x.action = 'open' AND x.to_state = 'answered')))", d0, d1, CLOSES)  # answered at intake
            out["overdue_ids"] = [str(r[0]) for r in db.execute(
                f"SELECT id FROM gcase g WHERE {rng} AND closed_at IS NULL AND overdue = 1 "
                "ORDER BY due_at, id LIMIT 20", (path, upper))]
            streets = db.execute("SELECT id, path FROM place WHERE kind = 'street' AND path > ? AND path < ?",
                                 (path, upper)).fetchall()
            out["street_open"] = {str(i): db.execute(
                "SELECT count(*) FROM gcase WHERE place_path >= ? AND place_path < ? AND closed_at IS NULL",
                (p, p[:-1] + "0")).fetchone()[0] for i, p in streets}
            return out
        finally:
            db.close()

    def cockpit(self, session=None, place=None):
        st, body = (session or self.cmd).get(f"/api/v1/cockpit?place_id={place or self.district}")
        self.assertEqual(st, 200, body)
        return body

    def test_shape(self):
        c = self.cockpit()
        self.assertEqual(set(c), {"place", "generated_at", "open", "today", "month", "levels", "trend_day",
                                  "trend_month", "categories", "rates", "ranking", "overdue"})
        self.assertEqual(c["place"]["id"], self.district)
        self.assertEqual(c["place"]["kind"], "district")
        self.assertEqual(set(c["open"]), {"total", "green", "yellow", "red", "overdue"})
        self.assertEqual([lv["level"] for lv in c["levels"]],
                         ["grid", "community", "street", "district", "department"])
        self.assertEqual([h["hour"] for h in c["trend_day"]], list(range(24)))
        today = datetime.datetime.now(TZ).date()
        self.assertEqual(c["trend_month"][0]["day"], today.replace(day=1).isoformat())
        self.assertEqual(c["trend_month"][-1]["day"], today.isoformat())
        self.assertEqual(set(c["rates"]), {"response_rate", "resolve_rate", "satisfaction_rate",
                                           "on_time_rate", "three_rates_score"})
        for key in ("streets", "communities"):
            for row in c["ranking"][key]:
                self.assertLessEqual({"id", "name", "score", "resolve_rate", "satisfaction_rate",
                                      "on_time_rate", "open"}, set(row))
        self.assertEqual(len(c["ranking"]["streets"]), 6)
        self.assertEqual(len(c["ranking"]["communities"]), 40)
        scores = [r["score"] for r in c["ranking"]["streets"] if r["score"] is not None]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertLessEqual(len(c["overdue"]), 20)
        for o in c["overdue"]:
            self.assertEqual(set(o), {"id", "title", "place_id", "place_name", "kind", "state", "deadline",
                                      "overdue_minutes"})
            self.assertGreaterEqual(o["overdue_minutes"], 0)
        for cat in c["categories"]:
            self.assertEqual(set(cat), {"category_id", "name", "count"})

    def test_counts_match_a_recount(self):
        for place in (self.district, "2"):
            with self.subTest(place=place):
                c = self.cockpit(place=place)
                want = self.recount(place)
                o = c["open"]
                self.assertEqual(o["total"], want["total"])
                self.assertEqual(o["green"] + o["yellow"] + o["red"], o["total"])
                self.assertEqual(o["overdue"], want["overdue"])
                levels = {lv["level"]: lv["open"] for lv in c["levels"]}
                for k in ("grid", "community", "street", "district", "department"):
                    self.assertEqual(levels[k], want[k], k)
                self.assertEqual(sum(levels.values()), o["total"])
                self.assertEqual(c["month"]["reported"], want["month_reported"])
                self.assertEqual(c["month"]["closed"], want["month_closed"])
                self.assertEqual(c["today"]["reported"], want["today_reported"])
                self.assertEqual(sum(d["reported"] for d in c["trend_month"]), c["month"]["reported"])
                self.assertEqual(sum(d["closed"] for d in c["trend_month"]), c["month"]["closed"])
                self.assertEqual(c["trend_month"][-1]["reported"], c["today"]["reported"])
                self.assertEqual(sum(h["reported"] for h in c["trend_day"]), c["today"]["reported"])
                self.assertEqual([x["id"] for x in c["overdue"]], want["overdue_ids"])
                self.assertEqual({r["id"]: r["open"] for r in c["ranking"]["streets"]}, want["street_open"])
                self.assertEqual(sum(x["count"] for x in c["categories"]), c["month"]["reported"])

    def test_a_new_case_counts_at_once(self):
        before = self.cockpit()
        res = self.srv.login("resident1")
        st, me = res.get("/api/v1/session")
        st, cats = res.get("/api/v1/categories?kind=event")
        st, case = res.post("/api/v1/cases", {"kind": "event", "category_id": cats["items"][0]["id"],
                                              "place_id": me["user"]["place_ids"][0], "title": "大屏计数"})
        self.assertEqual(st, 201, case)
        # a summary may be served again for up to a second after a change (one computation
        # per place per second however many screens refetch): wait for the new one
        deadline = time.time() + 5
        after = self.cockpit()
        while after["open"]["total"] == before["open"]["total"] and time.time() < deadline:
            time.sleep(0.2)
            after = self.cockpit()
        self.assertEqual(after["open"]["total"], before["open"]["total"] + 1)
        self.assertEqual(after["today"]["reported"], before["today"]["reported"] + 1)
        self.assertEqual(after["month"]["reported"], before["month"]["reported"] + 1)
        hour = datetime.datetime.now(TZ).hour
        self.assertEqual(after["trend_day"][hour]["reported"], before["trend_day"][hour]["reported"] + 1)

    def test_scope_and_parameters(self):
        # without place_id: the caller's own place
        st, body = self.cmd.get("/api/v1/cockpit")
        self.assertEqual((st, body["place"]["id"]), (200, self.district), body)
        st, body = self.srv.login("admin").get("/api/v1/cockpit")
        self.assertEqual((st, body["place"]["kind"]), (200, "district"), body)
        for bad in ("0", "x", "99999999"):
            st, body = self.cmd.get(f"/api/v1/cockpit?place_id={bad}")
            self.assertIn(st, (400, 404, 422), body)
            self.assertEqual(error_of(body)["field"], "place_id")
        community = self.srv.login("community01")
        st, me = community.get("/api/v1/session")
        mine = me["user"]["place_ids"][0]
        c = self.cockpit(community, mine)
        self.assertEqual(c["place"]["kind"], "community")
        st, body = community.get(f"/api/v1/cockpit?place_id={self.district}")
        self.assertEqual(st, 403, body)
        st, body = self.srv.login("resident1").get(f"/api/v1/cockpit?place_id={self.district}")
        self.assertEqual(st, 403, body)


if __name__ == "__main__":
    unittest.main()
