"""Smoke: the demo city serves, every demo login works, the basic shapes hold."""
import unittest

from gg import ROLE_USERS, Server, error_of


class Smoke(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def test_healthz(self):
        st, body = self.srv.anon().get("/healthz")
        self.assertEqual(st, 200)
        self.assertEqual(body["status"], "ok")

    def test_every_demo_login(self):
        for role, user in ROLE_USERS.items():
            s = self.srv.login(user)
            st, me = s.get("/api/v1/session")
            self.assertEqual(st, 200, me)
            self.assertEqual(me["user"]["username"], user)
            self.assertEqual(me["user"]["role"], role)
            s.close()

    def test_demo_city_shape(self):
        s = self.srv.login("admin")
        st, roots = s.get("/api/v1/places")
        self.assertEqual(st, 200)
        self.assertEqual([p["code"] for p in roots["items"]], ["630105"])
        district = roots["items"][0]
        self.assertEqual(district["region"], "630105")
        st, streets = s.get(f"/api/v1/places/{district['id']}/children")
        self.assertEqual(len(streets["items"]), 6)
        st, grids = s.get(f"/api/v1/places/{district['id']}/subtree?kind=grid&limit=200")
        n = len(grids["items"])
        while grids["next_cursor"]:
            st, grids = s.get(f"/api/v1/places/{district['id']}/subtree?kind=grid&limit=200&cursor={grids['next_cursor']}")
            n += len(grids["items"])
        self.assertEqual(n, 400)
        st, comms = s.get(f"/api/v1/places/{district['id']}/subtree?kind=community&limit=200")
        self.assertEqual(len(comms["items"]), 40)
        self.assertTrue(all(c["region"] == "630105" and c["code"].startswith("630105")
                            for c in comms["items"]))

    def test_scoped_roots_are_paged(self):
        s = self.srv.login("street1")
        st, body = s.get("/api/v1/places?limit=1")
        self.assertEqual(st, 200, body)
        self.assertEqual(len(body["items"]), 1)
        self.assertEqual(body["items"][0]["kind"], "street")
        self.assertIsNone(body["next_cursor"])
        st, body = s.get("/api/v1/places?limit=0")
        self.assertEqual(st, 400)
        self.assertEqual(error_of(body)["field"], "limit")

    def test_dispatch_targets_include_the_departments_above(self):
        """Community staff list only their own units, but may dispatch to the
        district's departments: ?targets=true lists those too (and nothing
        from a sibling community)."""
        admin = self.srv.login("admin")
        st, every = admin.get("/api/v1/units?limit=200")
        places = {}
        for u in every["items"]:
            st, pl = admin.get(f"/api/v1/places/{u['place_id']}")
            places[u["id"]] = pl
        c = self.srv.login("community01")
        st, me = c.get("/api/v1/session")
        st, own = c.get("/api/v1/units?limit=200")
        st, targets = c.get("/api/v1/units?limit=200&targets=true")
        self.assertEqual(st, 200, targets)
        own_ids = {u["id"] for u in own["items"]}
        target_ids = {u["id"] for u in targets["items"]}
        district = {u for u, pl in places.items() if pl["kind"] == "district"}
        self.assertTrue(district)
        self.assertTrue(own_ids <= target_ids)
        self.assertTrue(district <= target_ids, (district, target_ids))
        self.assertFalse(district & own_ids)
        st, body = c.get("/api/v1/units?targets=maybe")
        self.assertEqual((st, error_of(body)["field"]), (400, "targets"))

    def test_next_cursor_is_null_exactly_when_done(self):
        """Every list: a page that ends at the last item carries no cursor, so a
        client never fetches an empty page (the demo city has 6 units)."""
        s = self.srv.login("admin")
        st, all_units = s.get("/api/v1/units?limit=200")
        n = len(all_units["items"])
        self.assertEqual((n, all_units["next_cursor"]), (6, None))
        st, page = s.get(f"/api/v1/units?limit={n}")
        self.assertEqual((len(page["items"]), page["next_cursor"]), (n, None))
        st, first = s.get(f"/api/v1/units?limit={n - 1}")
        self.assertIsNotNone(first["next_cursor"])
        st, rest = s.get(f"/api/v1/units?limit={n - 1}&cursor={first['next_cursor']}")
        self.assertEqual((len(rest["items"]), rest["next_cursor"]), (1, None))
        for path in ("/api/v1/accounts?limit=2", "/api/v1/places/2/history?limit=1"):
            st, page = s.get(path)
            self.assertEqual(st, 200, page)
            total = len(page["items"])
            while page["next_cursor"]:
                st, page = s.get(f"{path}&cursor={page['next_cursor']}")
                self.assertTrue(page["items"], f"{path}: a cursor led to an empty page")
                total += len(page["items"])
            self.assertGreater(total, 0)

    def test_unknown_route_is_json_404(self):
        st, body = self.srv.anon().get("/api/v1/nothing-here")
        self.assertEqual(st, 404)
        self.assertEqual(error_of(body)["code"], "not_found")


if __name__ == "__main__":
    unittest.main()
