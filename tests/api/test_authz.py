"""The authorization matrix: every route of the route table (`gridgov routes`),
called by every role and by an anonymous client, on an object inside the
caller's scope and on one outside it.

    anonymous            401 unauthenticated (public and loopback routes: served)
    role not listed      403 forbidden, in scope or not
    listed, in scope     served: 2xx (or the validation error the entry names)
    listed, out of scope 403 out_of_scope

MATRIX below says how to call each route. A route in the table without an
entry here fails test_every_route_has_an_entry: a new route needs its row.

The out-of-scope objects are chosen to be near misses: the sibling whose id
begins with the caller's own place id (grid 4 vs grid 44, community 3 vs 327),
so that a scope check comparing path prefixes without the closing '/' fails.
Writes act on objects made fresh for each call, so the order does not matter.
"""
import itertools
import subprocess
import unittest

from gg import BIN, DEMO_PASSWORD, ROLE_USERS, Server, Session, error_of

SCOPED_ADMIN = "matrix.admin"     # an administrator over street 1 (小桥大街街道), made here
PASSWORD = "matrix-password-2026"
UNSCOPED_RULES = {"none", "self", "caller's scope roots", "filtered to caller's scope"}


def route_table():
    out = subprocess.run([BIN, "routes"], check=True, capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        if not line.strip():
            continue
        # method, pattern, roles, scope rule (and, after them, columns this test does not use)
        method, pattern, roles, rule = line.split("\t")[:4]
        rows[(method, pattern)] = (set(roles.split(",")), rule)
    return rows


class Entry:
    """How to call one route.

    build(fx, place) -> (path, body): a valid request whose object lies at (or
        is) place, for the caller's in-scope and out-of-scope place alike.
    extra_out(fx, in_place, out_place) -> [(path, body)]: more requests that
        must be out of scope (a second scope reference, e.g. in the body).
    extra_in(fx, in_place) -> [(path, body)]: more requests that are in scope.
    ok: the statuses that count as served for an in-scope call.
    fresh_session: call on a new session of the caller (the call ends or
        replaces the session it is made on).
    """

    def __init__(self, build, scoped, extra_out=None, extra_in=None, ok=None, fresh_session=False):
        self.build, self.scoped = build, scoped
        self.extra_out, self.extra_in = extra_out, extra_in
        self.ok = ok
        self.fresh_session = fresh_session


def fixed(path, body=None):
    return Entry(lambda fx, p: (path, body), scoped=False)


def place_route(suffix):
    return Entry(lambda fx, p: (f"/api/v1/places/{p}{suffix}", None), scoped=True)


def login_body(fx, p):
    if fx.username == SCOPED_ADMIN:
        return "/api/v1/session", {"username": SCOPED_ADMIN, "password": PASSWORD}
    return "/api/v1/session", {"username": fx.username or "resident1", "password": DEMO_PASSWORD}


def place_create(fx, p):
    return "/api/v1/places", {"parent_id": p, "kind": "compound", "name": fx.uniq("小区")}


def district_create(fx, in_p, out_p):
    # no parent: a new top-level place, which only a global scope covers
    return [("/api/v1/places", {"kind": "district", "code": "630199", "name": fx.uniq("区")})]


def place_move(fx, p):
    node = fx.fresh_place(fx.fresh_place(p), "building")
    return f"/api/v1/places/{node}/move", {"parent_id": fx.fresh_place(p)}


def place_move_out(fx, in_p, out_p):
    node = fx.fresh_place(fx.fresh_place(in_p), "building")
    return [(f"/api/v1/places/{node}/move", {"parent_id": fx.fresh_place(out_p)})]


def place_activate(fx, p):
    pid = fx.fresh_place(p)
    st, body = fx.admin.post(f"/api/v1/places/{pid}/deactivate")
    assert st == 200, (st, body)
    return f"/api/v1/places/{pid}/activate", None


def account_create(fx, p):
    return "/api/v1/accounts", {"username": fx.uniq("matrix.new."), "display_name": "矩阵新用户",
                                "role": "gridworker", "password": PASSWORD, "place_ids": [p]}


def account_update_out(fx, in_p, out_p):
    return [(f"/api/v1/accounts/{fx.acct_at[in_p]}", {"place_ids": [out_p]}),
            (f"/api/v1/accounts/{fx.acct_at[in_p]}", {"place_ids": [in_p, out_p]})]


def dept_account(fx, p):
    # an account without places lies where its unit is
    return [(f"/api/v1/accounts/{fx.dept_at[p]}", None)]


def key_revoke(fx, p):
    acct = fx.acct_at[p]
    st, key = fx.admin.post(f"/api/v1/accounts/{acct}/api-keys", {"name": "to revoke"})
    assert st == 201, (st, key)
    return f"/api/v1/accounts/{acct}/api-keys/{key['id']}", None


MATRIX = {
    ("GET", "/healthz"): fixed("/healthz"),
    ("GET", "/metrics"): fixed("/metrics"),
    ("GET", "/api/v1/version"): fixed("/api/v1/version"),
    ("GET", "/api/v1/roles"): fixed("/api/v1/roles"),

    ("POST", "/api/v1/session"): Entry(login_body, scoped=False, fresh_session=True),
    ("GET", "/api/v1/session"): fixed("/api/v1/session"),
    ("DELETE", "/api/v1/session"): Entry(lambda fx, p: ("/api/v1/session", None), scoped=False,
                                         fresh_session=True),
    # a wrong current password: proves the call got past authorization without
    # changing the password (which would end the caller's other sessions)
    ("POST", "/api/v1/session/password"): Entry(
        lambda fx, p: ("/api/v1/session/password",
                       {"current_password": "not-the-password", "new_password": PASSWORD}),
        scoped=False, ok={422}),

    ("GET", "/api/v1/places"): fixed("/api/v1/places"),
    ("POST", "/api/v1/places"): Entry(place_create, scoped=True, extra_out=district_create),
    ("GET", "/api/v1/places/:id"): place_route(""),
    ("PATCH", "/api/v1/places/:id"): Entry(
        lambda fx, p: (f"/api/v1/places/{fx.fresh_place(p)}", {"name": fx.uniq("改名小区")}), scoped=True),
    ("GET", "/api/v1/places/:id/children"): place_route("/children"),
    ("GET", "/api/v1/places/:id/subtree"): place_route("/subtree"),
    ("GET", "/api/v1/places/:id/history"): place_route("/history"),
    ("POST", "/api/v1/places/:id/move"): Entry(place_move, scoped=True, extra_out=place_move_out),
    ("POST", "/api/v1/places/:id/deactivate"): Entry(
        lambda fx, p: (f"/api/v1/places/{fx.fresh_place(p)}/deactivate", None), scoped=True),
    ("POST", "/api/v1/places/:id/activate"): Entry(place_activate, scoped=True),

    ("GET", "/api/v1/units"): fixed("/api/v1/units"),
    ("POST", "/api/v1/units"): Entry(
        lambda fx, p: ("/api/v1/units", {"name": fx.uniq("矩阵单位"), "kind": "other", "place_id": p}),
        scoped=True),
    ("GET", "/api/v1/units/:id"): Entry(lambda fx, p: (f"/api/v1/units/{fx.unit_at[p]}", None), scoped=True),
    ("PATCH", "/api/v1/units/:id"): Entry(
        lambda fx, p: (f"/api/v1/units/{fx.unit_at[p]}", {"name": fx.uniq("改名单位")}), scoped=True),

    ("GET", "/api/v1/accounts"): fixed("/api/v1/accounts"),
    ("POST", "/api/v1/accounts"): Entry(account_create, scoped=True),
    ("GET", "/api/v1/accounts/:id"): Entry(
        lambda fx, p: (f"/api/v1/accounts/{fx.acct_at[p]}", None), scoped=True,
        extra_out=lambda fx, i, o: dept_account(fx, o), extra_in=dept_account),
    ("PATCH", "/api/v1/accounts/:id"): Entry(
        lambda fx, p: (f"/api/v1/accounts/{fx.acct_at[p]}", {"display_name": fx.uniq("改名")}),
        scoped=True, extra_out=account_update_out),
    ("POST", "/api/v1/accounts/:id/password"): Entry(
        lambda fx, p: (f"/api/v1/accounts/{fx.acct_at[p]}/password", {"password": PASSWORD}), scoped=True),
    ("GET", "/api/v1/accounts/:id/api-keys"): Entry(
        lambda fx, p: (f"/api/v1/accounts/{fx.acct_at[p]}/api-keys", None), scoped=True),
    ("POST", "/api/v1/accounts/:id/api-keys"): Entry(
        lambda fx, p: (f"/api/v1/accounts/{fx.acct_at[p]}/api-keys", {"name": "matrix"}), scoped=True),
    ("DELETE", "/api/v1/accounts/:id/api-keys/:key_id"): Entry(key_revoke, scoped=True),
}


class Fixture:
    """The demo city plus what the matrix needs, made by the global admin."""

    def __init__(self, srv):
        self.srv = srv
        self.admin = srv.login("admin")
        self.counter = itertools.count(1)
        self.username = None
        a = self.admin
        st, roots = a.get("/api/v1/places")
        assert st == 200, roots
        [district] = [p["id"] for p in roots["items"] if p["code"] == "630105"]
        street1 = self.child(district, "630105001")
        community1 = self.child(street1, "630105001001")
        self.grid_in = self.child(community1, "630105001001001")
        self.street1 = street1
        # a second district, outside every scope but the global one
        st, d2 = a.post("/api/v1/places", {"kind": "district", "code": "630104", "name": "城中区"})
        assert st == 201, d2
        grid_d2 = self.fresh_place(self.fresh_place(self.fresh_place(d2["id"], "street"), "community"), "grid")
        near_grid = self.near_sibling(self.grid_in)                     # grid 44
        near_community_grid = self.first_child(self.near_sibling(community1))  # a grid of community 327
        other_street_grid = self.first_child(self.first_child(self.near_sibling(street1)))
        # where each caller's scope ends; None: a global scope has no outside
        self.out_place = {
            "anonymous": grid_d2,
            "admin": None,
            "command": grid_d2,
            "department": grid_d2,           # dept1's unit sits on the district
            "community": near_community_grid,
            "gridworker": near_grid,
            "member": near_grid,
            "resident": near_grid,
            SCOPED_ADMIN: other_street_grid,
        }
        st, body = a.post("/api/v1/accounts", {"username": SCOPED_ADMIN, "display_name": "街道管理员",
                                               "role": "admin", "password": PASSWORD, "place_ids": [street1]})
        assert st == 201, body
        self.unit_at, self.acct_at, self.dept_at = {}, {}, {}
        for p in {self.grid_in, grid_d2, near_grid, near_community_grid, other_street_grid}:
            st, u = a.post("/api/v1/units", {"name": f"矩阵单位{p}", "kind": "other", "place_id": p})
            assert st == 201, u
            self.unit_at[p] = u["id"]
            self.acct_at[p] = self.account(f"matrix.acct.{p}", "gridworker", place_ids=[p])
            self.dept_at[p] = self.account(f"matrix.dept.{p}", "department", unit_id=u["id"])
        self.sessions = {}

    def account(self, username, role, **kw):
        body = {"username": username, "display_name": username, "role": role, "password": PASSWORD}
        body.update(kw)
        st, acc = self.admin.post("/api/v1/accounts", body)
        assert st == 201, acc
        return acc["id"]

    def uniq(self, prefix):
        return f"{prefix}{next(self.counter)}"

    def child(self, parent, code):
        st, kids = self.admin.get(f"/api/v1/places/{parent}/children?limit=200")
        assert st == 200, kids
        [pid] = [p["id"] for p in kids["items"] if p["code"] == code]
        return pid

    def first_child(self, parent):
        st, kids = self.admin.get(f"/api/v1/places/{parent}/children?limit=1")
        assert st == 200 and kids["items"], kids
        return kids["items"][0]["id"]

    def near_sibling(self, pid):
        """A sibling of pid, preferably one whose id begins with pid's."""
        st, me = self.admin.get(f"/api/v1/places/{pid}")
        assert st == 200, me
        st, kids = self.admin.get(f"/api/v1/places/{me['parent_id']}/children?limit=200")
        others = [p["id"] for p in kids["items"] if p["id"] != pid]
        near = [o for o in others if o.startswith(pid)]
        return (near or others)[0]

    def fresh_place(self, parent, kind="compound"):
        st, p = self.admin.post("/api/v1/places", {"parent_id": parent, "kind": kind, "name": self.uniq(kind)})
        assert st == 201, p
        return p["id"]

    def session(self, who, fresh=False):
        """who: 'anonymous', a role of ROLE_USERS, or SCOPED_ADMIN."""
        if who == "anonymous":
            return Session(self.srv)
        user = SCOPED_ADMIN if who == SCOPED_ADMIN else ROLE_USERS[who]
        pw = PASSWORD if who == SCOPED_ADMIN else DEMO_PASSWORD
        if fresh:
            return self.srv.login(user, pw)
        if who not in self.sessions:
            self.sessions[who] = self.srv.login(user, pw)
        return self.sessions[who]


CALLERS = ["anonymous", *ROLE_USERS, SCOPED_ADMIN]


class Matrix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.table = route_table()
        cls.srv = Server()
        cls.fx = Fixture(cls.srv)

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def test_every_route_has_an_entry(self):
        missing = sorted(set(self.table) - set(MATRIX))
        self.assertEqual(missing, [], "routes without a row in MATRIX (tests/api/test_authz.py)")
        gone = sorted(set(MATRIX) - set(self.table))
        self.assertEqual(gone, [], "MATRIX rows for routes the server no longer has")

    def test_callers_are_who_we_think(self):
        fx = self.fx
        for who in CALLERS[1:]:
            st, me = fx.session(who).get("/api/v1/session")
            self.assertEqual(st, 200, me)
            self.assertEqual(me["user"]["role"], "admin" if who == SCOPED_ADMIN else who)
            self.assertEqual(me["user"]["global_scope"], who == "admin")

    def check_route(self, key):
        self.assertIn(key, self.table, f"{key} is in MATRIX but not in the route table")
        method, pattern = key
        roles, rule = self.table[key]
        entry = MATRIX[key]
        self.assertEqual(entry.scoped, rule not in UNSCOPED_RULES,
                         f"MATRIX says scoped={entry.scoped} but the route's rule is {rule!r}")
        public = "public" in roles
        loopback = "loopback" in roles  # the tests always call from 127.0.0.1
        fx = self.fx
        for who in CALLERS:
            role = "admin" if who == SCOPED_ADMIN else who
            fx.username = None if who == "anonymous" else (SCOPED_ADMIN if who == SCOPED_ADMIN else ROLE_USERS[who])
            out_p = fx.out_place[who]
            calls = [("in", *entry.build(fx, fx.grid_in))]
            if entry.extra_in:
                calls += [("in", *c) for c in entry.extra_in(fx, fx.grid_in)]
            if entry.scoped and out_p is not None:
                calls.append(("out", *entry.build(fx, out_p)))
                if entry.extra_out:
                    calls += [("out", *c) for c in entry.extra_out(fx, fx.grid_in, out_p)]
            for where, path, body in calls:
                s = fx.session(who, fresh=entry.fresh_session)
                st, resp = s.request(method, path, body)
                with self.subTest(caller=who, where=where, path=path, body=body):
                    if public or loopback:
                        self.assert_served(entry, st, resp)
                    elif who == "anonymous":
                        self.assert_error(st, resp, 401, "unauthenticated")
                    elif role not in roles:
                        self.assert_error(st, resp, 403, "forbidden")
                    elif where == "in":
                        self.assert_served(entry, st, resp)
                    else:
                        self.assert_error(st, resp, 403, "out_of_scope")

    def assert_served(self, entry, st, resp):
        if entry.ok:
            self.assertIn(st, entry.ok, resp)
        else:
            self.assertTrue(200 <= st < 300, f"{st} {resp}")

    def assert_error(self, st, resp, status, code):
        self.assertEqual(st, status, resp)
        self.assertEqual(error_of(resp)["code"], code, resp)


def _name(key):
    method, pattern = key
    slug = pattern.strip("/").replace("/", "_").replace(":", "").replace("-", "_") or "root"
    return f"test_route_{method}_{slug}"


for _key in MATRIX:
    setattr(Matrix, _name(_key), lambda self, k=_key: self.check_route(k))


class ScopedLists(unittest.TestCase):
    """List endpoints return exactly the caller's in-scope objects."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.fx = fx = Fixture(cls.srv)
        # an account reaching outside street 1 (one place in, one out) and one
        # whose unit lies outside
        outside = fx.out_place[SCOPED_ADMIN]
        fx.account("matrix.span", "gridworker", place_ids=[fx.grid_in, outside])
        fx.account("matrix.span.dept", "department", unit_id=fx.unit_at[outside], place_ids=[fx.grid_in])

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def all_items(self, s, path):
        items, cursor = [], ""
        while True:
            sep = "&" if "?" in path else "?"
            st, page = s.get(f"{path}{sep}limit=50{cursor}")
            self.assertEqual(st, 200, page)
            items += page["items"]
            if not page["next_cursor"]:
                return items
            cursor = "&cursor=" + page["next_cursor"]

    def subtree_ids(self, root):
        ids = {p["id"] for p in self.all_items(self.fx.admin, f"/api/v1/places/{root}/subtree?include_inactive=true")}
        return ids | {root}

    def check_lists(self, user, root, lists):
        fx = self.fx
        inside = self.subtree_ids(root)
        s = self.srv.login(user)
        units_all = self.all_items(fx.admin, "/api/v1/units")
        unit_place = {u["id"]: u["place_id"] for u in units_all}

        def unit_in(u):
            return u["place_id"] in inside

        def account_in(a):
            if a["global_scope"]:
                return False
            if a["place_ids"]:
                return all(p in inside for p in a["place_ids"])
            return a["unit_id"] is not None and unit_place[a["unit_id"]] in inside

        if "places" in lists:
            roots = self.all_items(s, "/api/v1/places")
            self.assertEqual([p["id"] for p in roots], [root])
        if "units" in lists:
            got = self.all_items(s, "/api/v1/units")
            for u in got:
                self.assertTrue(unit_in(u), f"{user} sees unit {u} outside its scope")
            want = [u["id"] for u in units_all if unit_in(u)]
            self.assertEqual([u["id"] for u in got], want)
            self.assertTrue(want)
        if "accounts" in lists:
            got = self.all_items(s, "/api/v1/accounts")
            for acc in got:
                self.assertTrue(account_in(acc), f"{user} sees account {acc} outside its scope")
                # whatever the list shows, the account's own URL shows too
                st, body = s.get(f"/api/v1/accounts/{acc['id']}")
                self.assertEqual(st, 200, body)
            want = [acc["id"] for acc in self.all_items(fx.admin, "/api/v1/accounts") if account_in(acc)]
            self.assertEqual([acc["id"] for acc in got], want)
            names = {acc["username"] for acc in got}
            self.assertIn("street1", names)
            self.assertIn("grid001", names)
            self.assertIn(f"matrix.dept.{fx.grid_in}", names)
            self.assertNotIn("matrix.span", names)
            self.assertNotIn("admin", names)
            self.assertNotIn("dept1", names)

    def test_street_command_lists(self):
        self.check_lists("street1", self.fx.street1, {"places", "units", "accounts"})

    def test_district_command_lists(self):
        st, me = self.fx.admin.get("/api/v1/places")
        district = [p["id"] for p in me["items"] if p["code"] == "630105"][0]
        inside = self.subtree_ids(district)
        s = self.srv.login("command")
        for u in self.all_items(s, "/api/v1/units"):
            self.assertIn(u["place_id"], inside, u)
        for acc in self.all_items(s, "/api/v1/accounts"):
            self.assertFalse(acc["global_scope"], acc)
            self.assertTrue(acc["place_ids"] or acc["unit_id"], acc)
            for p in acc["place_ids"]:
                self.assertIn(p, inside, acc)

    def test_community_and_grid_lists(self):
        st, me = self.srv.login("community01").get("/api/v1/session")
        self.check_lists("community01", me["user"]["place_ids"][0], {"places", "units"})
        self.check_lists("grid001", self.fx.grid_in, {"places", "units"})

    def test_department_lists(self):
        # dept1 has no places: its unit's place (the district) is its scope
        st, unit = self.fx.admin.get("/api/v1/units/1")
        self.assertEqual(st, 200, unit)
        self.check_lists("dept1", unit["place_id"], {"places", "units"})


if __name__ == "__main__":
    unittest.main()
