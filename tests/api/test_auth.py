"""Sessions, login throttling, CSRF, password changes, API keys and the rules
for creating accounts.

Each test uses its own demo accounts (named in the test) so that the order of
the tests does not matter; tests that need other server settings start their
own server."""
import sqlite3
import threading
import time
import unittest

from gg import DEMO_PASSWORD, Server, Session, error_of

NEW_PASSWORD = "a-new-password-2026"


def set_cookie(s):
    """The attributes of the session cookie the last response set."""
    v = s.last_headers.get("set-cookie", "")
    parts = [p.strip() for p in v.split(";")]
    name, _, token = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        k, _, val = p.partition("=")
        attrs[k.lower()] = val
    return name, token, attrs


def with_cookie(srv, token, csrf=None):
    """A client presenting a given session cookie (and CSRF token)."""
    s = Session(srv)
    s.cookie = token
    s.csrf = csrf
    return s


def with_key(srv, key):
    s = Session(srv)
    s.api_key = key
    return s


def db_cells(path):
    """Every text or blob value of every table of the database, read-only."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for t in tables:
            for row in con.execute(f'SELECT * FROM "{t}"'):
                for v in row:
                    if isinstance(v, bytes):
                        yield t, v
                    elif isinstance(v, str):
                        yield t, v.encode()
    finally:
        con.close()


class Auth(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.admin = cls.srv.login("admin")
        cls.ids = {}
        cls.purge_thread = threading.Thread(target=cls.login_across_purge_second, daemon=True)
        cls.purge_thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def account_id(self, username):
        if username not in self.ids:
            cursor = ""
            while username not in self.ids:
                st, page = self.admin.get("/api/v1/accounts?limit=200" + cursor)
                self.assertEqual(st, 200, page)
                for a in page["items"]:
                    self.ids[a["username"]] = a["id"]
                if not page["next_cursor"]:
                    break
                cursor = "&cursor=" + page["next_cursor"]
        return self.ids[username]

    def assert_error(self, resp, status, code, field=None):
        st, body = resp
        self.assertEqual(st, status, body)
        e = error_of(body)
        self.assertEqual(e["code"], code, e)
        if field is not None:
            self.assertEqual(e["field"], field, e)
        return e

    # ---- login ----

    def test_login_ok(self):
        s = Session(self.srv)
        st, body = s.post("/api/v1/session", {"username": "grid001", "password": DEMO_PASSWORD})
        self.assertEqual(st, 200, body)
        self.assertEqual(body["user"]["username"], "grid001")
        self.assertEqual(body["user"]["role"], "gridworker")
        self.assertIsInstance(body["csrf_token"], str)
        self.assertGreaterEqual(len(body["csrf_token"]), 32)
        self.assertTrue(body["expires_at"])
        st, me = s.get("/api/v1/session")
        self.assertEqual(st, 200, me)
        self.assertEqual(me["user"]["username"], "grid001")
        self.assertEqual(me["csrf_token"], body["csrf_token"])

    def test_login_wrong_password_and_unknown_user_look_the_same(self):
        s = Session(self.srv)
        e1 = self.assert_error(s.post("/api/v1/session", {"username": "grid002", "password": "not-the-password"}),
                               401, "invalid_credentials")
        self.assertIsNone(s.cookie)
        self.assertNotIn("set-cookie", s.last_headers)
        e2 = self.assert_error(s.post("/api/v1/session", {"username": "nobody-here", "password": "not-the-password"}),
                               401, "invalid_credentials")
        self.assertEqual(e1["message"], e2["message"])
        self.assertIsNone(s.cookie)

    def test_login_disabled_account(self):
        uid = self.account_id("grid030")
        before = self.srv.login("grid030")
        st, body = self.admin.patch(f"/api/v1/accounts/{uid}", {"active": False})
        self.assertEqual(st, 200, body)
        self.assertFalse(body["active"])
        self.assert_error(Session(self.srv).post("/api/v1/session", {"username": "grid030", "password": DEMO_PASSWORD}),
                          401, "invalid_credentials")
        # the session it had before is no longer accepted
        st, body = before.get("/api/v1/session")
        self.assertEqual(st, 401, body)
        st, body = self.admin.patch(f"/api/v1/accounts/{uid}", {"active": True})
        self.assertEqual(st, 200, body)
        self.srv.login("grid030")

    def test_session_cookie_attributes(self):
        s = self.srv.login("grid003")
        name, token, attrs = set_cookie(s)
        self.assertEqual(name, "gg_session")
        self.assertIn("httponly", attrs)
        self.assertEqual(attrs.get("samesite"), "Strict")
        self.assertEqual(attrs.get("path"), "/")
        self.assertGreater(int(attrs.get("max-age", "0")), 0)
        self.assertGreaterEqual(len(token), 43)
        self.assertRegex(token, r"^[A-Za-z0-9_-]+$")
        self.assertEqual(token, s.cookie)
        # two logins never get the same token
        self.assertNotEqual(self.srv.login("grid003").cookie, token)

    def test_session_token_never_stored_in_plain(self):
        s = self.srv.login("grid004")
        token = s.cookie.encode()
        st, _ = s.get("/api/v1/session")
        self.assertEqual(st, 200)
        con = sqlite3.connect(f"file:{self.srv.db}?mode=ro", uri=True)
        try:
            n = con.execute("SELECT count(*) FROM session").fetchone()[0]
        finally:
            con.close()
        self.assertGreaterEqual(n, 1)
        for table, v in db_cells(self.srv.db):
            self.assertNotIn(token, v, f"the session token is stored in table {table}")

    def test_logout(self):
        s = self.srv.login("grid005")
        old = s.cookie
        st, body = s.delete("/api/v1/session")
        self.assertEqual(st, 204, body)
        name, token, attrs = set_cookie(s)
        self.assertEqual((name, token), ("gg_session", ""))
        self.assertEqual(attrs.get("max-age"), "0")
        self.assert_error(with_cookie(self.srv, old).get("/api/v1/session"), 401, "session_invalid")
        self.assert_error(Session(self.srv).get("/api/v1/session"), 401, "unauthenticated")

    def test_garbage_cookie_is_401(self):
        self.assert_error(with_cookie(self.srv, "x" * 43).get("/api/v1/session"), 401, "session_invalid")
        self.assert_error(with_cookie(self.srv, "short").get("/api/v1/session"), 401, "session_invalid")

    def test_login_with_a_stale_cookie(self):
        # a browser keeps sending its old cookie; signing in again must work
        s = self.srv.login("grid006")
        stale = s.cookie
        s.delete("/api/v1/session")
        s.cookie = stale
        st, body = s.post("/api/v1/session", {"username": "grid006", "password": DEMO_PASSWORD})
        self.assertEqual(st, 200, body)
        self.assertNotEqual(s.cookie, stale)
        self.assertEqual(s.get("/api/v1/session")[0], 200)

    @classmethod
    def login_across_purge_second(cls):
        # Logins now and then purge expired sessions (when the clock's second
        # is a multiple of 16). Sign in during such a second, while the other
        # tests run, keeping an older session open.
        try:
            keep = cls.srv.login("grid007")
            wait = 16 - time.time() % 16
            time.sleep(0 if wait > 15.5 else wait + 0.05)
            fresh = cls.srv.login("grid008")
            cls.purge_sessions = (keep, fresh)
        except Exception as e:  # reported by the test
            cls.purge_sessions = e

    def test_sessions_survive_other_logins(self):
        # the purge removes only expired sessions: not the older live one,
        # nor the one it was run for
        self.purge_thread.join(20)
        self.assertFalse(self.purge_thread.is_alive())
        self.assertIsInstance(self.purge_sessions, tuple, self.purge_sessions)
        for s in self.purge_sessions:
            st, body = s.get("/api/v1/session")
            self.assertEqual(st, 200, body)

    # ---- lockout and throttling ----

    def test_lockout_after_five_failures(self):
        anon = Session(self.srv)
        for i in range(5):
            self.assert_error(anon.post("/api/v1/session", {"username": "grid010", "password": f"wrong-{i}-password"}),
                              401, "invalid_credentials")
        st, body = anon.post("/api/v1/session", {"username": "grid010", "password": DEMO_PASSWORD})
        self.assertEqual(st, 429, body)
        self.assertEqual(error_of(body)["code"], "account_locked")
        retry = int(anon.last_headers["retry-after"])
        self.assertGreater(retry, 0)
        self.assertLessEqual(retry, 15 * 60 + 1)
        self.assertIsNone(anon.cookie)
        self.assert_error(anon.post("/api/v1/session", {"username": "grid010", "password": "wrong-again-password"}),
                          429, "account_locked")
        # other accounts are not affected
        self.srv.login("grid011")
        # an administrator's reset unlocks it
        uid = self.account_id("grid010")
        st, body = self.admin.post(f"/api/v1/accounts/{uid}/password", {"password": NEW_PASSWORD})
        self.assertEqual(st, 204, body)
        self.srv.login("grid010", NEW_PASSWORD)

    def test_per_address_limit(self):
        srv = Server(env={"GG_LOGIN_PER_MIN": "3"})
        try:
            anon = Session(srv)
            for _ in range(3):
                self.assert_error(anon.post("/api/v1/session", {"username": "nobody", "password": "wrong-password"}),
                                  401, "invalid_credentials")
            st, body = anon.post("/api/v1/session", {"username": "admin", "password": DEMO_PASSWORD})
            self.assertEqual(st, 429, body)
            self.assertEqual(error_of(body)["code"], "too_many_attempts")
            self.assertGreater(int(anon.last_headers["retry-after"]), 0)
            self.assertIsNone(anon.cookie)
        finally:
            srv.cleanup()

    # ---- CSRF ----

    def test_csrf_on_cookie_writes(self):
        a = self.srv.login("admin")
        good = a.csrf
        other = self.srv.login("admin").csrf  # a valid token, of another session
        n = [0]

        def unit_body():
            n[0] += 1
            return {"name": f"CSRF测试单位{n[0]}", "kind": "other", "place_id": "4"}

        for hdrs in ({}, {"X-CSRF-Token": "wrong"}, {"X-CSRF-Token": other}, {"X-CSRF-Token": ""}):
            with self.subTest(headers=hdrs):
                self.assert_error(a.post("/api/v1/units", unit_body(), csrf=False, headers=hdrs), 403, "csrf_failed")
                self.assert_error(a.patch("/api/v1/places/4", {"name": "第1网格"}, csrf=False, headers=hdrs),
                                  403, "csrf_failed")
                self.assert_error(a.delete("/api/v1/session", csrf=False, headers=hdrs), 403, "csrf_failed")
        st, unit = a.post("/api/v1/units", unit_body())
        self.assertEqual(st, 201, unit)
        st, body = a.patch(f"/api/v1/units/{unit['id']}", {"name": "CSRF测试单位改"}, headers={"X-CSRF-Token": good})
        self.assertEqual(st, 200, body)
        # DELETE: an API key revoked through a cookie session
        uid = self.account_id("grid012")
        st, key = a.post(f"/api/v1/accounts/{uid}/api-keys", {"name": "csrf"})
        self.assertEqual(st, 201, key)
        self.assert_error(a.delete(f"/api/v1/accounts/{uid}/api-keys/{key['id']}", csrf=False), 403, "csrf_failed")
        self.assertEqual(with_key(self.srv, key["key"]).get("/api/v1/session")[0], 200)
        st, body = a.delete(f"/api/v1/accounts/{uid}/api-keys/{key['id']}")
        self.assertEqual(st, 204, body)
        # the refused logout did not sign out; the accepted one does
        self.assertEqual(a.get("/api/v1/session")[0], 200)
        self.assertEqual(a.delete("/api/v1/session")[0], 204)

    def test_no_csrf_for_api_keys_and_login(self):
        st, key = self.admin.post("/api/v1/accounts/1/api-keys", {"name": "csrf-free"})
        self.assertEqual(st, 201, key)
        k = with_key(self.srv, key["key"])
        st, body = k.post("/api/v1/units", {"name": "API密钥单位", "kind": "other", "place_id": "4"})
        self.assertEqual(st, 201, body)
        st, body = k.patch(f"/api/v1/units/{body['id']}", {"name": "API密钥单位改"})
        self.assertEqual(st, 200, body)
        # login takes no CSRF token, even from a client holding a live session
        s = self.srv.login("grid013")
        st, body = s.post("/api/v1/session", {"username": "grid013", "password": DEMO_PASSWORD}, csrf=False)
        self.assertEqual(st, 200, body)

    # ---- password change ----

    def test_password_change(self):
        me = self.srv.login("grid020")
        other = self.srv.login("grid020")
        self.assert_error(me.post("/api/v1/session/password",
                                  {"current_password": "not-my-password", "new_password": NEW_PASSWORD}),
                          422, "wrong_password", "current_password")
        for weak in ("short", "aaaaaaaaaaaaaaa", "GRID020", "grid020"):
            with self.subTest(weak=weak):
                self.assert_error(me.post("/api/v1/session/password",
                                          {"current_password": DEMO_PASSWORD, "new_password": weak}),
                                  422, "weak_password", "new_password")
        # nothing changed so far
        self.assertEqual(other.get("/api/v1/session")[0], 200)
        st, body = me.post("/api/v1/session/password", {"current_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD})
        self.assertEqual(st, 204, body)
        self.assert_error(other.get("/api/v1/session"), 401, "session_invalid")
        self.assertEqual(me.get("/api/v1/session")[0], 200)
        self.srv.login("grid020", NEW_PASSWORD)
        self.assert_error(Session(self.srv).post("/api/v1/session", {"username": "grid020", "password": DEMO_PASSWORD}),
                          401, "invalid_credentials")

    # ---- API keys ----

    def test_api_keys(self):
        uid = self.account_id("grid014")
        st, key = self.admin.post(f"/api/v1/accounts/{uid}/api-keys", {"name": "工单系统"})
        self.assertEqual(st, 201, key)
        plain = key["key"]
        self.assertTrue(plain.startswith("ggk_"), key)
        self.assertGreaterEqual(len(plain), 40)
        self.assertEqual(key["account_id"], uid)
        self.assertTrue(plain.startswith(key["prefix"]))
        self.assertLess(len(key["prefix"]), len(plain))
        k = with_key(self.srv, plain)
        st, me = k.get("/api/v1/session")
        self.assertEqual(st, 200, me)
        self.assertEqual(me["user"]["username"], "grid014")
        # an API key cannot sign out
        self.assert_error(k.delete("/api/v1/session"), 400, "not_a_session")
        # the list never shows the key again
        st, body = self.admin.get(f"/api/v1/accounts/{uid}/api-keys")
        self.assertEqual(st, 200, body)
        [item] = [i for i in body["items"] if i["id"] == key["id"]]
        self.assertNotIn("key", item)
        self.assertIsNone(item["revoked_at"])
        self.assertNotIn(plain, str(body))
        self.assertNotIn(plain[4:], str(body))
        # nor does the database hold it
        for table, v in db_cells(self.srv.db):
            self.assertNotIn(plain.encode(), v, f"the API key is stored in table {table}")
        # revoke
        st, body = self.admin.delete(f"/api/v1/accounts/{uid}/api-keys/{key['id']}")
        self.assertEqual(st, 204, body)
        self.assert_error(k.get("/api/v1/session"), 401, "invalid_api_key")
        st, body = self.admin.get(f"/api/v1/accounts/{uid}/api-keys")
        [item] = [i for i in body["items"] if i["id"] == key["id"]]
        self.assertIsNotNone(item["revoked_at"])
        self.assertEqual(self.admin.delete(f"/api/v1/accounts/{uid}/api-keys/{key['id']}")[0], 404)
        # a key of another account cannot be revoked through this one
        st, key2 = self.admin.post(f"/api/v1/accounts/{uid}/api-keys", {"name": "second"})
        self.assertEqual(st, 201, key2)
        self.assertEqual(self.admin.delete(f"/api/v1/accounts/1/api-keys/{key2['id']}")[0], 404)
        self.assertEqual(with_key(self.srv, key2["key"]).get("/api/v1/session")[0], 200)

    def test_bad_bearer(self):
        for bad in ("garbage", "ggk_" + "A" * 43, "ggk_", "ggk_" + "x" * 200):
            with self.subTest(key=bad):
                st, body = with_key(self.srv, bad).get("/api/v1/session")
                self.assertEqual(st, 401, body)
                self.assertIn(error_of(body)["code"], ("invalid_api_key", "invalid_authorization"))
        s = Session(self.srv)
        for h in ("Basic YWRtaW46eA==", "Bearer", "bearer ggk_abcdefgh"):
            with self.subTest(authorization=h):
                st, body = s.get("/api/v1/session", headers={"Authorization": h})
                self.assertEqual(st, 401, body)
                self.assertIn(error_of(body)["code"], ("invalid_api_key", "invalid_authorization"))
        # a bad key is refused even where no sign-in is needed
        self.assertEqual(with_key(self.srv, "ggk_nonsense-key").get("/api/v1/version")[0], 401)

    def test_api_key_of_disabled_account(self):
        uid = self.account_id("grid015")
        st, key = self.admin.post(f"/api/v1/accounts/{uid}/api-keys", {"name": "x"})
        self.assertEqual(st, 201, key)
        k = with_key(self.srv, key["key"])
        self.assertEqual(k.get("/api/v1/session")[0], 200)
        self.assertEqual(self.admin.patch(f"/api/v1/accounts/{uid}", {"active": False})[0], 200)
        self.assert_error(k.get("/api/v1/session"), 401, "invalid_api_key")

    # ---- creating accounts ----

    def new_account(self, who, **kw):
        body = {"username": "new.user", "display_name": "新用户", "role": "gridworker",
                "password": NEW_PASSWORD, "place_ids": ["4"]}
        body.update(kw)
        body = {k: v for k, v in body.items() if v is not None}
        return who.post("/api/v1/accounts", body)

    def test_account_create_ok(self):
        st, body = self.new_account(self.admin, username="zhang.san_1")
        self.assertEqual(st, 201, body)
        self.assertEqual(body["username"], "zhang.san_1")
        self.assertEqual(body["place_ids"], ["4"])
        self.assertEqual(self.admin.last_headers["location"], f"/api/v1/accounts/{body['id']}")
        self.srv.login("zhang.san_1", NEW_PASSWORD)

    def test_account_create_rules(self):
        a = self.admin
        self.assert_error(self.new_account(a, username="grid001"), 409, "username_taken", "username")
        for bad in ("ab", "-abc", "a b", "名字abc", "x" * 65, "a/b"):
            with self.subTest(username=bad):
                st, body = self.new_account(a, username=bad)
                self.assertEqual(st, 422, body)
                self.assertEqual(error_of(body)["field"], "username")
        self.assert_error(self.new_account(a, username="u.role", role="superuser"), 422, "invalid_value", "role")
        self.assert_error(self.new_account(a, username="u.dept", role="department", place_ids=None),
                          422, "missing_field", "unit_id")
        self.assert_error(self.new_account(a, username="u.noplace", place_ids=[]), 422, "missing_field", "place_ids")
        self.assert_error(self.new_account(a, username="u.weak", password="short"), 422, "weak_password", "password")
        self.assert_error(self.new_account(a, username="u.badplace", place_ids=["999999"]), 422, "invalid_reference")
        st, body = self.new_account(a, username="u.dept.ok", role="department", place_ids=None, unit_id="1")
        self.assertEqual(st, 201, body)

    def test_scoped_admin_limits(self):
        # a scoped administrator over 小桥大街街道 (place 2)
        st, body = self.new_account(self.admin, username="street1.admin", role="admin", place_ids=["2"])
        self.assertEqual(st, 201, body)
        sa = self.srv.login("street1.admin", NEW_PASSWORD)
        self.assert_error(self.new_account(sa, username="u.global", role="admin", place_ids=None, global_scope=True),
                          403, "forbidden", "role")
        self.assert_error(self.new_account(sa, username="u.global2", role="admin", global_scope=True),
                          403, "forbidden", "role")
        self.assert_error(self.new_account(sa, username="u.outside", place_ids=["570"]), 403, "out_of_scope")
        self.assert_error(self.new_account(sa, username="u.half", place_ids=["4", "570"]), 403, "out_of_scope")
        self.assert_error(self.new_account(sa, username="u.unit", role="department", place_ids=None, unit_id="1"),
                          403, "out_of_scope")
        st, body = self.new_account(sa, username="u.inside", place_ids=["4"])
        self.assertEqual(st, 201, body)
        st, body = self.new_account(sa, username="u.subadmin", role="admin", place_ids=["3"])
        self.assertEqual(st, 201, body)
        # and it cannot touch the global administrator
        self.assert_error(sa.patch("/api/v1/accounts/1", {"display_name": "x"}), 403, "out_of_scope")
        self.assert_error(sa.post("/api/v1/accounts/1/password", {"password": NEW_PASSWORD}), 403, "out_of_scope")
        # only a global administrator makes global administrators
        st, body = self.new_account(self.admin, username="u.global3", role="admin", place_ids=None, global_scope=True)
        self.assertEqual(st, 201, body)
        self.assertTrue(body["global_scope"])


class SessionLifetime(unittest.TestCase):
    """Idle and absolute expiry, with 2-second limits."""

    def assert_expired(self, s):
        st, body = s.get("/api/v1/session")
        self.assertEqual(st, 401, body)
        self.assertEqual(error_of(body)["code"], "session_expired")

    def test_idle_expiry(self):
        srv = Server(env={"GG_SESSION_IDLE": "2"})
        try:
            idle = srv.login("grid001")
            busy = srv.login("grid002")
            t0 = time.time()
            # a session in use stays alive past the idle limit
            while time.time() < t0 + 3.2:
                st, body = busy.get("/api/v1/session")
                self.assertEqual(st, 200, body)
                time.sleep(0.4)
            self.assert_expired(idle)
            self.assertEqual(busy.get("/api/v1/session")[0], 200)
            # the browser still sends the expired cookie: signing in again works
            st, body = idle.post("/api/v1/session", {"username": "grid001", "password": DEMO_PASSWORD})
            self.assertEqual(st, 200, body)
            self.assertEqual(idle.get("/api/v1/session")[0], 200)
        finally:
            srv.cleanup()

    def test_absolute_expiry(self):
        srv = Server(env={"GG_SESSION_MAX": "2"})
        try:
            s = srv.login("grid001")
            _, _, attrs = set_cookie(s)
            self.assertEqual(attrs.get("max-age"), "2")
            t0 = time.time()
            while time.time() < t0 + 1.2:
                self.assertEqual(s.get("/api/v1/session")[0], 200)
                time.sleep(0.3)
            time.sleep(max(0.0, t0 + 2.6 - time.time()))
            self.assert_expired(s)
        finally:
            srv.cleanup()


if __name__ == "__main__":
    unittest.main()
