"""Live case events (#4): GET /api/v1/events as server-sent events — an event
per committed step, only to subscribers who may see the case, resume with
Last-Event-ID, heartbeat, the cap on streams, streams ending on SIGTERM, and
offline exactly-once (client_key) for reports and photos."""
import json
import os
import re
import socket
import time
import unittest

from gg import DEMO_PASSWORD, Server, error_of

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
       b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
       b"\x00\x00IEND\xaeB`\x82")


class Stream:
    """A raw SSE client on its own socket: reads events as they come."""

    def __init__(self, srv, session, headers=None, path="/api/v1/events"):
        self.sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        h = {"Host": "x", "Accept": "text/event-stream", "Cookie": "gg_session=" + session.cookie}
        h.update(headers or {})
        req = f"GET {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n"
        self.sock.sendall(req.encode())
        self.buf = b""
        self.head = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            self.buf += chunk
        self.head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        self.text = ""
        self.closed = False
        if self.head.startswith(b"HTTP/1.1 200"):
            self._dechunk()

    def status(self):
        return int(self.head.split(b" ", 2)[1])

    def _pump(self, timeout):
        self.sock.settimeout(timeout)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return
        if not chunk:
            self.closed = True
            return
        self.buf += chunk
        self._dechunk()

    def _dechunk(self):
        """Move what is complete out of the chunked transfer encoding into text."""
        while True:
            m = re.match(rb"([0-9a-fA-F]+)\r\n", self.buf)
            if not m:
                return
            n = int(m.group(1), 16)
            end = m.end() + n + 2
            if len(self.buf) < end:
                return
            self.text += self.buf[m.end():m.end() + n].decode()
            self.buf = self.buf[end:]
            if n == 0:
                self.closed = True
                return

    def events(self):
        out = []
        for block in self.text.split("\n\n")[:-1]:
            ev = {}
            for line in block.split("\n"):
                if line.startswith("id: "):
                    ev["id"] = line[4:]
                elif line.startswith("data: "):
                    ev["data"] = json.loads(line[6:])
                elif line.startswith("event: "):
                    ev["event"] = line[7:]
            if "data" in ev:
                out.append(ev)
        return out

    def wait_for(self, pred, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline and not self.closed:
            found = [e for e in self.events() if pred(e)]
            if found:
                return found
            self._pump(0.2)
        return [e for e in self.events() if pred(e)]

    def wait_closed(self, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline and not self.closed:
            self._pump(0.2)
        return self.closed

    def close(self):
        self.sock.close()


class EventsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.res = cls.srv.login("resident1")
        st, me = cls.res.get("/api/v1/session")
        cls.place = me["user"]["place_ids"][0]
        st, cats = cls.res.get("/api/v1/categories?kind=event")
        cls.cat = [c["id"] for c in cats["items"] if c["code"] == "city_appearance"][0]

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def report(self, session=None, **extra):
        body = {"kind": "event", "category_id": self.cat, "place_id": self.place, "title": "路灯不亮"}
        body.update(extra)
        return (session or self.res).post("/api/v1/cases", body)

    def test_created_case_reaches_who_may_see_it(self):
        cmd = self.srv.login("command")
        other = self.srv.login("resident2")
        s_cmd, s_res, s_other = Stream(self.srv, cmd), Stream(self.srv, self.res), Stream(self.srv, other)
        try:
            self.assertEqual(s_cmd.status(), 200)
            self.assertIn(b"text/event-stream", s_cmd.head)
            st, case = self.report(title="井盖缺失")
            self.assertEqual(st, 201, case)
            mine = lambda e: e["data"]["id"] == case["id"]
            for s in (s_cmd, s_res):
                [ev] = s.wait_for(mine)
                d = ev["data"]
                self.assertEqual((d["kind"], d["state"], d["action"], d["version"], d["place_id"]),
                                 ("event", "reported", "open", 1, case["place_id"]))
                self.assertEqual(ev["id"], d["flow_id"])
                self.assertRegex(d["at"], r"^\d{4}-\d\d-\d\dT")
            # another resident's stream never carries it (seen by then: same commit)
            self.assertEqual([e for e in s_other.wait_for(mine, timeout=1)], [])
        finally:
            for s in (s_cmd, s_res, s_other):
                s.close()

    def test_action_is_an_event(self):
        grid = self.srv.login("grid001")
        st, case = self.report(title="垃圾满溢")
        self.assertEqual(st, 201, case)
        st, got = grid.get(f"/api/v1/cases/{case['id']}")
        if st != 200 or "accept" not in [a["action"] for a in got["allowed_actions"]]:
            self.skipTest("grid001 does not hold resident1's grid")
        s = Stream(self.srv, self.res)
        try:
            st, acted = grid.post(f"/api/v1/cases/{case['id']}/actions/accept", {"note": "已受理"})
            self.assertEqual(st, 200, acted)
            [ev] = s.wait_for(lambda e: e["data"]["id"] == case["id"])
            self.assertEqual((ev["data"]["action"], ev["data"]["state"], ev["data"]["version"]),
                             ("accept", acted["state"], acted["version"]))
        finally:
            s.close()

    def test_refused_write_is_no_event(self):
        s = Stream(self.srv, self.res)
        try:
            st, body = self.report(category_id="999999")
            self.assertEqual(st, 422, body)
            st, case = self.report(title="之后的一件")
            self.assertEqual(st, 201)
            evs = s.wait_for(lambda e: e["data"]["id"] == case["id"])
            self.assertEqual(len(evs), 1)
            self.assertEqual(len(s.events()), 1)  # nothing for the refused one
        finally:
            s.close()

    def test_resume_with_last_event_id(self):
        st, a = self.report(title="第一件")
        s = Stream(self.srv, self.res)
        try:
            st, b = self.report(title="第二件")
            [ev_b] = s.wait_for(lambda e: e["data"]["id"] == b["id"])
        finally:
            s.close()
        st, c = self.report(title="第三件")  # while disconnected
        last = str(int(ev_b["id"]) - 1)
        s2 = Stream(self.srv, self.res, headers={"Last-Event-ID": last})
        try:
            got = s2.wait_for(lambda e: e["data"]["id"] == c["id"])
            self.assertEqual(len(got), 1)
            ids = [e["data"]["id"] for e in s2.events()]
            self.assertIn(b["id"], ids)
            self.assertNotIn(a["id"], ids)
        finally:
            s2.close()
        # ?once=true with ?after=: the pending steps, then the end
        s3 = Stream(self.srv, self.res, path=f"/api/v1/events?once=true&after={last}")
        try:
            self.assertTrue(s3.wait_closed())
            self.assertEqual([e["data"]["id"] for e in s3.events()], [b["id"], c["id"]])
        finally:
            s3.close()

    def test_bad_query_is_400(self):
        # as documented (once: true/false, after: a flow id); was read as absent
        for q, field in (("once=yes", "once"), ("once=1", "once"), ("after=abc", "after"), ("after=-3", "after")):
            with self.subTest(q=q):
                st, body = self.res.get(f"/api/v1/events?{q}")
                self.assertEqual((st, error_of(body)["code"], error_of(body)["field"]),
                                 (400, "invalid_parameter", field))

    def test_anonymous_is_refused(self):
        st, body = self.srv.anon().get("/api/v1/events")
        self.assertEqual(st, 401)
        self.assertEqual(error_of(body)["code"], "unauthenticated")


class StreamCapTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server(env={"GG_MAX_EVENT_STREAMS": "4"})
        cls.res = cls.srv.login("resident1")
        st, me = cls.res.get("/api/v1/session")
        cls.place = me["user"]["place_ids"][0]
        st, cats = cls.res.get("/api/v1/categories?kind=event")
        cls.cat = cats["items"][0]["id"]

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def test_cap_on_streams(self):
        streams = []
        try:
            for _ in range(12):
                s = Stream(self.srv, self.res)
                streams.append(s)
                if s.status() == 429:
                    break
            self.assertEqual(streams[-1].status(), 429)
            self.assertIn(b"Retry-After", streams[-1].head)
        finally:
            for s in streams:
                s.close()
        # closed streams are given back (the server notices at the next write)
        deadline = time.time() + 30
        while time.time() < deadline:
            self.res.post("/api/v1/cases", {"kind": "event", "category_id": self.cat, "place_id": self.place, "title": "唤醒"})  # an event makes the server write to each stream
            s = Stream(self.srv, self.res)
            ok = s.status() == 200
            s.close()
            if ok:
                break
            time.sleep(0.5)
        self.assertTrue(ok)


class HeartbeatAndShutdownTest(unittest.TestCase):
    def test_heartbeat_and_sigterm_ends_streams(self):
        srv = Server()
        try:
            s = Stream(srv, srv.login("command"))
            try:
                t0 = time.time()
                deadline = t0 + 25
                while time.time() < deadline and ": heartbeat" not in s.text:
                    s._pump(0.5)
                self.assertIn(": heartbeat", s.text)
                t0 = time.time()
                srv.proc.send_signal(15)
                self.assertTrue(s.wait_closed(10))
                srv.proc.wait(timeout=15)
                self.assertLess(time.time() - t0, 10)  # did not wait the 15 s drain grace
                self.assertEqual(srv.proc.returncode, 0)
            finally:
                s.close()
        finally:
            srv.cleanup()


class ClientKeyTest(unittest.TestCase):
    """Offline exactly-once: the same report resent with its key is one case."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Server()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def setUp(self):
        self.res = self.srv.login("resident1")
        st, me = self.res.get("/api/v1/session")
        self.place = me["user"]["place_ids"][0]
        st, cats = self.res.get("/api/v1/categories?kind=event")
        self.cat = cats["items"][0]["id"]

    def body(self, key, **kw):
        b = {"kind": "event", "category_id": self.cat, "place_id": self.place, "title": "离线上报",
             "client_key": key}
        b.update(kw)
        return b

    def count_mine(self, session):
        st, page = session.get("/api/v1/cases?mine=reported&limit=200")
        return len(page["items"])

    def test_same_key_same_case(self):
        key = "6f1c2a9e-1111-4c7b-9a53-0d1e2f3a4b5c"
        before = self.count_mine(self.res)
        st, a = self.res.post("/api/v1/cases", self.body(key))
        self.assertEqual(st, 201, a)
        st, b = self.res.post("/api/v1/cases", self.body(key, title="改了标题也一样"))
        self.assertEqual(st, 200, b)
        self.assertEqual(a["id"], b["id"])
        self.assertEqual(b["title"], "离线上报")
        self.assertEqual(self.count_mine(self.res), before + 1)
        st, flow = self.res.get(f"/api/v1/cases/{a['id']}/flow")
        self.assertEqual([f["action"] for f in flow["items"]], ["open"])
        # another key: another case; no key: always a new case
        st, c = self.res.post("/api/v1/cases", self.body("other-key-1"))
        self.assertEqual(st, 201)
        self.assertNotEqual(c["id"], a["id"])

    def test_key_is_per_reporter(self):
        key = "shared-key-2222"
        st, a = self.res.post("/api/v1/cases", self.body(key))
        self.assertEqual(st, 201)
        other = self.srv.login("resident2")
        st, me = other.get("/api/v1/session")
        b = self.body(key)
        b["place_id"] = me["user"]["place_ids"][0]
        st, c = other.post("/api/v1/cases", b)
        self.assertEqual(st, 201, c)
        self.assertNotEqual(a["id"], c["id"])

    def test_bad_keys(self):
        for key, code in (("", "invalid_length"), ("x" * 65, "invalid_length"), ("有中文", "invalid_value"),
                          ("a b", "invalid_value"), (12, "invalid_type")):
            with self.subTest(key=key):
                st, body = self.res.post("/api/v1/cases", self.body(key))
                self.assertEqual(st, 422, body)
                self.assertEqual(error_of(body)["field"], "client_key")

    def test_photo_upload_is_idempotent(self):
        st, case = self.res.post("/api/v1/cases", self.body("photo-key-3333"))
        self.assertEqual(st, 201)
        boundary = "ggboundary"
        form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
                f"Content-Type: image/png\r\n\r\n").encode() + PNG + f"\r\n--{boundary}--\r\n".encode()
        h = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        url = f"/api/v1/cases/{case['id']}/attachments"
        st, a = self.res.request("POST", url, raw=form, headers=h)
        self.assertEqual(st, 201, a)
        st, b = self.res.request("POST", url, raw=form, headers=h)
        self.assertEqual(st, 200, b)
        self.assertEqual(a["id"], b["id"])
        st, lst = self.res.get(url)
        self.assertEqual(len(lst["items"]), 1)
        # the same bytes as the photo after handling: another photo
        phase = f"--{boundary}\r\nContent-Disposition: form-data; name=\"phase\"\r\n\r\nafter\r\n".encode()
        st, c = self.res.request("POST", url, raw=phase + form, headers=h)
        self.assertEqual(st, 201, c)
        self.assertNotEqual(c["id"], a["id"])

    def test_survives_restart(self):
        key = "restart-key-4444"
        st, a = self.res.post("/api/v1/cases", self.body(key))
        self.assertEqual(st, 201)
        self.srv.stop()
        srv2 = Server(db=self.srv.db)
        try:
            s = srv2.login("resident1")
            st, b = s.post("/api/v1/cases", self.body(key))
            self.assertEqual(st, 200, b)
            self.assertEqual(a["id"], b["id"])
        finally:
            srv2.stop()
            self.srv.cleanup()
            type(self).srv = Server()


if __name__ == "__main__":
    unittest.main()
