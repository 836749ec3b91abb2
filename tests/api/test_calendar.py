"""Editing the working calendar (PUT /api/v1/calendar/{day}) changes the
deadlines of cases opened afterwards, survives a restart, and can be undone."""
import datetime
import unittest

from gg import Server, error_of

ZONE = datetime.timezone(datetime.timedelta(hours=8))


def days_ahead(n):
    today = datetime.datetime.now(ZONE).date()
    return [str(today + datetime.timedelta(days=i)) for i in range(1, n + 1)]


class CalendarEdits(unittest.TestCase):
    def setUp(self):
        self.srv = Server()
        self.admin = self.srv.login("admin")
        self.res = self.srv.login("resident1")
        st, cats = self.res.get("/api/v1/categories?kind=event")
        self.cat = next(c for c in cats["items"] if c["code"] == "city_appearance")
        self.assertEqual((self.cat["limit_amount"], self.cat["limit_unit"]), (3, "work_days"))
        st, me = self.res.get("/api/v1/session")
        self.place = me["user"]["place_ids"][0]

    def tearDown(self):
        self.srv.cleanup()

    def open_case(self, title):
        st, c = self.res.post("/api/v1/cases", {"kind": "event", "category_id": self.cat["id"],
                                                "place_id": self.place, "title": title})
        self.assertEqual(st, 201, c)
        return c

    def due(self, c):
        return datetime.datetime.fromisoformat(c["due_at"])

    def set_days(self, days, kind):
        for d in days:
            st, cal = self.admin.request("PUT", f"/api/v1/calendar/{d}", {"kind": kind})
            self.assertEqual(st, 200, cal)
        return cal

    def test_days_off_push_deadlines_and_survive_a_restart(self):
        before = self.open_case("编辑日历前的案件")
        off = days_ahead(14)
        cal = self.set_days(off, "off")
        for d in off:
            self.assertIn({"day": d, "kind": "off"}, cal["edits"])
        after = self.open_case("编辑日历后的案件")
        # two weeks off: the three working days can only start after them
        self.assertGreater(self.due(after) - self.due(before), datetime.timedelta(days=10))
        self.assertGreater(self.due(after).date(), datetime.date.fromisoformat(off[-1]))
        # the edit is stored: a restarted server keeps it
        self.srv.stop()
        self.srv = Server(db=self.srv.db)
        self.admin, self.res = self.srv.login("admin"), self.srv.login("resident1")
        st, cal = self.admin.get("/api/v1/calendar")
        self.assertEqual(sorted(e["day"] for e in cal["edits"] if e["kind"] == "off")[-1], off[-1])
        again = self.open_case("重启后的案件")
        self.assertGreater(self.due(again).date(), datetime.date.fromisoformat(off[-1]))
        # undone: deadlines come back to the plain calendar
        self.set_days(off, "normal")
        plain = self.open_case("恢复后的案件")
        self.assertLess(self.due(plain) - self.due(before), datetime.timedelta(days=1))

    def test_bad_edits(self):
        st, e = self.admin.request("PUT", "/api/v1/calendar/2026-02-30", {"kind": "off"})
        self.assertEqual(st, 404)
        st, e = self.admin.request("PUT", f"/api/v1/calendar/{days_ahead(1)[0]}", {"kind": "holiday"})
        self.assertEqual((st, error_of(e)["field"]), (422, "kind"))


if __name__ == "__main__":
    unittest.main()
