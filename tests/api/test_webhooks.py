"""Webhooks: every case step is written to the outbox in its own transaction
and delivered to a real receiver on loopback, signed, once per outbox id, in
order per case; nothing is lost while the receiver answers errors or is down,
nor when the server is killed -9 between an action and its delivery.

The receiver is http.server in a thread. It records every POST, checks the
X-Gridgov-Signature (HMAC-SHA256 of the body with the webhook's secret) and
answers 200, 500 or nothing (stopped), as a test asks. Webhooks are
registered with 'gridgov webhook add' on the server's database file, before
the server starts or while it runs. The worker runs every second
(GG_WEBHOOK_INTERVAL=1) and retries after 200 ms doubling
(GG_WEBHOOK_RETRY_BASE_MS=200) so the tests stay fast; every wait is bounded.
"""
import hashlib
import hmac
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from gg import BIN, Server, demo_db

FAST = {"GG_WEBHOOK_INTERVAL": "1", "GG_WEBHOOK_RETRY_BASE_MS": "200"}
SECRET = "test-secret-0123456789abcdef"
GRID = "4"          # resident1's grid in the demo city
CATEGORY = "1"      # an event category (市容环境)
WAIT = 30           # seconds: the bound of every wait


def wait_for(pred, timeout=WAIT, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def webhook_cli(db, *args):
    p = subprocess.run([BIN, "webhook", *args, "--db", db], capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stdout, p.stderr


def outbox(db, where="1", args=()):
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        c.row_factory = sqlite3.Row
        return [dict(r) for r in c.execute(f"SELECT * FROM outbox WHERE {where} ORDER BY id", args)]
    finally:
        c.close()


class Receiver:
    """A webhook receiver on 127.0.0.1. mode: 'ok' (200), 'fail' (500) or
    'hang' (answers only when released). One connection per request."""

    def __init__(self, secrets):
        self.secrets = secrets          # URL path -> secret
        self.lock = threading.Lock()
        self.requests = []              # every POST seen, whatever the answer
        self.mode = "ok"
        self.release = threading.Event()
        self.hung = threading.Event()   # a request is being held ('hang')
        self.port = 0
        self.httpd = None
        self.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self):
        rcv = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                secret = rcv.secrets.get(self.path, "")
                want = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
                got = self.headers.get("X-Gridgov-Signature", "")
                mode = rcv.mode
                if mode == "hang":
                    rcv.hung.set()
                    rcv.release.wait(20)
                status = 200 if mode == "ok" else 500
                rec = {"path": self.path, "status": status, "body": body,
                       "json": json.loads(body), "event": self.headers.get("X-Gridgov-Event"),
                       "delivery": int(self.headers.get("X-Gridgov-Delivery", "0")),
                       "content_type": self.headers.get("Content-Type"),
                       "sig_ok": bool(secret) and hmac.compare_digest(want, got)}
                with rcv.lock:
                    rcv.requests.append(rec)
                out = b"thanks" if status == 200 else b"try again later"
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                except OSError:
                    pass  # the client went away (a hung request after shutdown)

            def log_message(self, *a):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        """Stop listening: the server's connections are refused."""
        if self.httpd:
            self.release.set()
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def seen(self, path=None):
        with self.lock:
            return [r for r in self.requests if path is None or r["path"] == path]

    def accepted(self, path=None):
        return [r for r in self.seen(path) if r["status"] == 200]


class Webhooks(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="gg-webhook-")
        self.db = demo_db(self.dir)
        self.rcv = Receiver({"/hook": SECRET, "/accepts": SECRET + "-2", "/off": SECRET + "-3"})
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.cleanup()
        self.rcv.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def serve(self, **env):
        srv = Server(db=self.db, env={**FAST, **env})
        self.servers.append(srv)
        return srv

    def add_hook(self, path="/hook", secret=SECRET, events=None):
        args = ["add", self.rcv.url(path), "--secret", secret]
        if events:
            args += ["--events", events]
        rc, out, err = webhook_cli(self.db, *args)
        self.assertEqual(rc, 0, err)
        return int(out.split()[1])

    def open_case(self, srv, title="楼道堆物"):
        r = srv.login("resident1")
        st, k = r.post("/api/v1/cases", {"kind": "event", "category_id": CATEGORY,
                                         "place_id": GRID, "title": title})
        self.assertEqual(st, 201, k)
        return r, k["id"]

    def act(self, session, case_id, action, body=None):
        st, k = session.post(f"/api/v1/cases/{case_id}/actions/{action}", body or {})
        self.assertEqual(st, 200, k)
        return k

    def assert_signed_once_in_order(self, path="/hook"):
        """Every outbox row of the webhook delivered, each id accepted exactly
        once, signed, and a case's notifications in flow order."""
        got = self.rcv.accepted(path)
        ids = [r["delivery"] for r in got]
        self.assertEqual(len(ids), len(set(ids)), f"an outbox id was accepted twice: {ids}")
        for r in got:
            self.assertTrue(r["sig_ok"], r)
            self.assertEqual(r["content_type"], "application/json")
            self.assertEqual(r["event"], r["json"]["event"])
        by_case = {}
        for r in got:
            by_case.setdefault(r["json"]["case_id"], []).append(r)
        for case_id, rs in by_case.items():
            flow = [int(r["json"]["flow_id"]) for r in rs]
            self.assertEqual(flow, sorted(flow), f"case {case_id} out of order")
            self.assertEqual([r["delivery"] for r in rs], sorted(r["delivery"] for r in rs))
        return got

    # ---- the happy path ----

    def test_each_action_arrives_once_signed(self):
        hook = self.add_hook()
        accepts = self.add_hook("/accepts", SECRET + "-2", events="case.accept")
        off = self.add_hook("/off", SECRET + "-3")
        self.assertEqual(webhook_cli(self.db, "disable", str(off))[0], 0)
        srv = self.serve()
        resident, case_id = self.open_case(srv)
        community = srv.login("community01")
        self.act(community, case_id, "accept")
        self.act(resident, case_id, "urge")
        self.act(resident, case_id, "urge")
        want = ["case.open", "case.accept", "case.urge", "case.urge"]
        wait_for(lambda: len(self.rcv.accepted("/hook")) >= 4, what="4 deliveries")
        wait_for(lambda: len(self.rcv.accepted("/accepts")) >= 1, what="the filtered delivery")
        time.sleep(2.5)  # two more passes: nothing may come again
        got = self.assert_signed_once_in_order("/hook")
        self.assertEqual([r["event"] for r in got], want)
        self.assertEqual(len(self.rcv.seen("/hook")), 4, "no retries of what was accepted")
        self.assertEqual([r["event"] for r in self.rcv.seen("/accepts")], ["case.accept"])
        self.assertEqual(self.rcv.seen("/off"), [])
        # the payload: case, kind, states, time, actor, place
        first, second = got[0]["json"], got[1]["json"]
        self.assertEqual(first["case_id"], case_id)
        self.assertEqual(first["kind"], "event")
        self.assertIsNone(first["from"])
        self.assertEqual(first["to"], "reported")
        self.assertEqual(first["place_id"], GRID)
        self.assertRegex(first["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
        self.assertEqual((second["from"], second["to"], second["state"]),
                         ("reported", "accepted", "accepted"))
        self.assertNotEqual(first["actor_id"], second["actor_id"])
        # the delivery ids are the outbox ids; the rows say delivered after one attempt
        rows = outbox(self.db, "webhook_id = ?", (hook,))
        self.assertEqual([r["id"] for r in rows], [r["delivery"] for r in got])
        for r in rows:
            self.assertEqual((r["state"], r["attempts"]), ("delivered", 1), r)
            self.assertIsNotNone(r["delivered_at"])
        self.assertEqual(len(outbox(self.db, "webhook_id = ?", (accepts,))), 1)
        self.assertEqual(outbox(self.db, "webhook_id = ?", (off,)), [])
        rc, out, _ = webhook_cli(self.db, "list")
        self.assertEqual(rc, 0)
        line = [l for l in out.splitlines() if l.startswith(f"{hook}\t")][0].split("\t")
        self.assertEqual(line[1:6], ["active", "case.*", "0", "4", "0"])
        self.assertNotIn(SECRET, out, "list never prints secrets")

    def test_webhook_added_while_serving(self):
        srv = self.serve()
        resident, case_id = self.open_case(srv)
        self.add_hook()  # the CLI writes the same SQLite file the server is using
        self.act(resident, case_id, "urge")
        wait_for(lambda: self.rcv.accepted("/hook"), what="a delivery")
        time.sleep(1.5)
        got = self.assert_signed_once_in_order()
        # the open came before the webhook existed: only the urge is notified
        self.assertEqual([r["event"] for r in got], ["case.urge"])

    # ---- the receiver fails, then is down, then comes back ----

    def test_nothing_lost_while_receiver_fails_or_is_down(self):
        self.add_hook()
        srv = self.serve()
        self.rcv.mode = "fail"
        resident, a = self.open_case(srv, "井盖缺失")
        _, b = self.open_case(srv, "路灯不亮")
        community = srv.login("community01")
        self.act(community, a, "accept")
        self.act(resident, a, "urge")
        self.act(community, b, "accept")
        n_rows = 5

        def heads_tried(k):
            rows = outbox(self.db)
            return len(rows) == n_rows and all(r["state"] == "pending" for r in rows) and \
                len([r for r in rows if r["attempts"] >= k]) == 2 and rows  # both heads

        rows = wait_for(lambda: heads_tried(2), what="repeated failed attempts")
        self.assertEqual(self.rcv.accepted(), [])
        for r in rows:
            if r["attempts"]:
                self.assertTrue(r["last_error"].startswith("HTTP 500"), r)
                # backoff: 200 ms doubling per failure, at most +25% jitter
                bound = 1.25 * 200 * 2 ** (r["attempts"] - 1) / 1000 + 0.5
                self.assertLess(r["next_attempt_at"] / 1e6 - time.time(), bound, r)
        # the head of each case's queue is retried; the rest wait behind it
        heads = {}
        for r in rows:
            heads.setdefault(r["case_id"], r)
        for r in rows:
            if r is not heads[r["case_id"]]:
                self.assertEqual(r["attempts"], 0, r)

        # now the receiver is down: connections refused, attempts keep growing
        before = {r["id"]: r["attempts"] for r in rows}
        self.rcv.stop()
        rows = wait_for(lambda: [r for r in outbox(self.db)
                                 if r["attempts"] > before[r["id"]] and
                                 "HTTP" not in (r["last_error"] or "")],
                        what="attempts against a stopped receiver")
        self.assertTrue(all(r["state"] == "pending" for r in outbox(self.db)))
        self.act(resident, b, "urge")   # more actions while down
        n_rows += 1
        self.assertEqual(len(outbox(self.db)), n_rows)

        # back up: everything arrives, once per outbox id, in order per case
        self.rcv.mode = "ok"
        self.rcv.start()
        wait_for(lambda: len({r["delivery"] for r in self.rcv.accepted()}) >= n_rows,
                 what="the backlog to drain")
        time.sleep(1.5)
        got = self.assert_signed_once_in_order()
        self.assertEqual(len(got), n_rows)
        wait_for(lambda: all(r["state"] == "delivered" for r in outbox(self.db)),
                 what="every row recorded as delivered")
        rows = outbox(self.db)
        self.assertEqual(sorted(r["id"] for r in rows), sorted(r["delivery"] for r in got))
        self.assertTrue(all(r["state"] == "delivered" for r in rows), rows)
        self.assertEqual([r["event"] for r in got if r["json"]["case_id"] == a],
                         ["case.open", "case.accept", "case.urge"])
        self.assertEqual([r["event"] for r in got if r["json"]["case_id"] == b],
                         ["case.open", "case.accept", "case.urge"])

    def test_dead_after_max_attempts_is_kept_and_does_not_block(self):
        hook = self.add_hook()
        srv = self.serve(GG_WEBHOOK_MAX_ATTEMPTS="3")
        self.rcv.mode = "fail"
        resident, case_id = self.open_case(srv)
        row = wait_for(lambda: [r for r in outbox(self.db) if r["state"] == "dead"],
                       what="the row to go dead")[0]
        self.assertEqual(row["attempts"], 3)
        self.assertTrue(row["last_error"].startswith("HTTP 500"))
        self.assertEqual(len(self.rcv.seen()), 3)
        self.rcv.mode = "ok"
        self.act(resident, case_id, "urge")
        wait_for(lambda: self.rcv.accepted(), what="the next notification")
        time.sleep(1.5)
        self.assertEqual([r["event"] for r in self.rcv.accepted()], ["case.urge"])
        rows = outbox(self.db)
        self.assertEqual([r["state"] for r in rows], ["dead", "delivered"])
        rc, out, _ = webhook_cli(self.db, "list")
        line = [l for l in out.splitlines() if l.startswith(f"{hook}\t")][0].split("\t")
        self.assertEqual(line[3:6], ["0", "1", "1"])

    def test_a_dead_receiver_does_not_hold_up_another(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
        s.close()  # nothing listens there now: connections are refused
        rc, out, err = webhook_cli(self.db, "add", f"http://127.0.0.1:{closed_port}/gone",
                                   "--secret", SECRET)
        self.assertEqual(rc, 0, err)
        gone = int(out.split()[1])
        hook = self.add_hook()
        srv = self.serve()
        resident, case_id = self.open_case(srv)
        self.act(resident, case_id, "urge")
        self.act(resident, case_id, "urge")
        wait_for(lambda: len(self.rcv.accepted()) >= 3, what="the healthy webhook's deliveries")
        self.assert_signed_once_in_order()
        # the receiver answers before the delivery thread records it: wait for the record
        wait_for(lambda: all(r["state"] == "delivered"
                             for r in outbox(self.db, "webhook_id = ?", (hook,))),
                 what="the healthy webhook's rows recorded as delivered")
        rows = wait_for(lambda: [r for r in outbox(self.db, "webhook_id = ?", (gone,))
                                 if r["attempts"]], what="an attempt at the dead receiver")
        self.assertIn("connect", rows[0]["last_error"].lower())
        self.assertTrue(all(r["state"] == "pending"
                            for r in outbox(self.db, "webhook_id = ?", (gone,))))

    # ---- crash between the action and its delivery ----

    def test_kill9_between_action_and_delivery(self):
        self.add_hook()
        srv = self.serve()
        # the receiver holds the first POST: the server dies with it in flight,
        # before any outcome was recorded
        self.rcv.mode = "hang"
        resident, case_id = self.open_case(srv)
        wait_for(self.rcv.hung.is_set, what="the delivery to reach the receiver")
        community = srv.login("community01")
        self.act(community, case_id, "accept")
        rows = outbox(self.db)
        self.assertEqual([(r["event"], r["state"], r["attempts"]) for r in rows],
                         [("case.open", "pending", 0), ("case.accept", "pending", 0)])
        srv.proc.kill()
        srv.proc.wait(timeout=10)
        self.assertEqual(outbox(self.db), rows, "the outbox survived the crash")
        self.assertEqual(self.rcv.accepted(), [])
        self.rcv.mode = "ok"
        self.rcv.release.set()
        srv2 = self.serve()
        wait_for(lambda: len(self.rcv.accepted()) >= 2, what="delivery after restart")
        time.sleep(1.5)
        got = self.assert_signed_once_in_order()
        self.assertEqual([r["event"] for r in got], ["case.open", "case.accept"])
        self.assertEqual([r["delivery"] for r in got], [r["id"] for r in rows])
        wait_for(lambda: all(r["state"] == "delivered" for r in outbox(self.db)),
                 what="the rows recorded as delivered after restart")
        self.assertTrue(all(r["state"] == "delivered" for r in outbox(self.db)))
        self.assertEqual(srv2.stop(), 0)

    # ---- shutdown while a receiver hangs ----

    def test_shutdown_is_prompt_while_a_delivery_hangs(self):
        self.add_hook()
        srv = self.serve()
        self.rcv.mode = "hang"
        self.open_case(srv)
        wait_for(self.rcv.hung.is_set, what="the delivery to reach the receiver")
        t0 = time.time()
        self.assertEqual(srv.stop(), 0)
        self.assertLess(time.time() - t0, 6, "shutdown must not wait for the 10 s request timeout")
        self.rcv.release.set()
        rows = outbox(self.db)
        self.assertEqual([r["state"] for r in rows], ["pending"], "aborted: retried after restart")
        self.assertIn("stopped cleanly", srv.read_log())

    # ---- the CLI refuses what it must ----

    def test_cli_refuses_bad_urls_patterns_and_secrets(self):
        bad = [
            ["add", "ftp://127.0.0.1/x"],
            ["add", "file:///etc/passwd"],
            ["add", "gopher://127.0.0.1:70/"],
            ["add", "javascript:alert(1)"],
            ["add", "127.0.0.1:8080/hook"],
            ["add", "http://"],
            ["add", "http://user:pw@127.0.0.1/hook"],
            ["add", "http://127.0.0.1/a b"],
            ["add", "http://127.0.0.1/hook", "--events", "CASE.*"],
            ["add", "http://127.0.0.1/hook", "--events", "case.*;drop"],
            ["add", "http://127.0.0.1/hook", "--secret", "short"],
            ["add"],
            ["disable", "x"],
            ["frobnicate"],
            ["list", "extra"],
        ]
        for args in bad:
            rc, out, err = webhook_cli(self.db, *args)
            self.assertEqual(rc, 2, (args, out, err))
            self.assertTrue(err.strip(), args)
        rc, out, err = webhook_cli(self.db, "disable", "99")
        self.assertEqual(rc, 1, err)
        rc, out, _ = webhook_cli(self.db, "list")
        self.assertEqual(out.splitlines()[1:], [], "nothing was added")
        # without --secret one is generated and shown once
        rc, out, err = webhook_cli(self.db, "add", "https://example.invalid/hook")
        self.assertEqual(rc, 0, err)
        secret = [l.split()[1] for l in out.splitlines() if l.startswith("secret:")][0]
        self.assertGreaterEqual(len(secret), 40)
        rc, out, _ = webhook_cli(self.db, "list")
        self.assertNotIn(secret, out)
        p = subprocess.run([BIN, "webhook", "--help"], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0)
        self.assertIn("X-Gridgov-Signature", p.stdout)


if __name__ == "__main__":
    unittest.main()
