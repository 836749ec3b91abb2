"""gg.py — what the API tests share: start the real gridgov binary on a free
loopback port over a fresh database (the demo city by default), and speak
HTTP/1.1 to it with keep-alive (http.client), sessions and CSRF handled.

    srv = Server()                 # demo city, rate limits relaxed
    s = srv.login("admin")         # a Session: .get/.post/.patch/.delete
    st, body = s.get("/api/v1/places")
    srv.stop()                     # SIGTERM, waits, returns the exit code
    stop_clean(test, srv)          # or: stop, assert exit 0, no sanitizer report,
                                   # "stopped cleanly"; then remove its directory
"""
import atexit
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

BUILD = os.environ.get("GG_BUILD", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
BIN = os.path.join(BUILD, "gridgov")
DEMO_PASSWORD = "gridgov-demo-2026"

# one demo login per role (tests/api/test_authz.py relies on these)
ROLE_USERS = {
    "admin": "admin", "command": "command", "community": "community01",
    "gridworker": "grid001", "department": "dept1", "member": "member1",
    "resident": "resident1",
}

_demo_cache = {}


def demo_db(dirpath):
    """A fresh copy of a demo database (made once per test run, then copied)."""
    if "path" not in _demo_cache:
        d = tempfile.mkdtemp(prefix="gg-demo-")
        p = os.path.join(d, "demo.db")
        # the registry's residents: 4,000 here (make run: 200,000), so copies stay small
        env = dict(os.environ, GG_DEMO_RESIDENTS=os.environ.get("GG_DEMO_RESIDENTS", "4000"))
        subprocess.run([BIN, "demo", "--db", p], check=True, capture_output=True, env=env)
        _demo_cache["path"] = p
        atexit.register(shutil.rmtree, d, True)   # the cached demo goes with the test run
    dst = os.path.join(dirpath, "gridgov.db")
    shutil.copy(_demo_cache["path"], dst)
    key = os.path.splitext(_demo_cache["path"])[0] + ".key"   # the registry's sealing key sits beside it
    if os.path.exists(key):
        shutil.copy(key, os.path.join(dirpath, "gridgov.key"))
        os.chmod(os.path.join(dirpath, "gridgov.key"), 0o600)
    return dst


class Server:
    def __init__(self, demo=True, env=None, db=None, args=()):
        self.dir = tempfile.mkdtemp(prefix="gg-test-")
        self.db = db or (demo_db(self.dir) if demo else os.path.join(self.dir, "gridgov.db"))
        e = dict(os.environ)
        e.update({"GG_RATE_LIMIT": "0", "GG_LOGIN_PER_MIN": "100000", "GG_ACCESS_LOG": "1"})
        e.update(env or {})
        self.log_path = os.path.join(self.dir, "server.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([BIN, "serve", "--db", self.db, "--listen", "127.0.0.1:0", *args],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=e)
        self.port = None
        deadline = time.time() + 30
        while time.time() < deadline:
            with open(self.log_path, "rb") as f:
                m = re.search(rb"serving http://127\.0\.0\.1:(\d+)", f.read())
            if m:
                self.port = int(m.group(1))
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not self.port:
            raise RuntimeError("server did not start:\n" + self.read_log())

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def conn(self, timeout=30):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def raw(self, data, timeout=10, read=True):
        """Send raw bytes on a new socket; return the response bytes (until close or timeout)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            s.sendall(data)
            if not read:
                return b""
            out = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    break
                if not chunk:
                    break
                out += chunk
                if b"\r\n\r\n" in out:
                    head, _, body = out.partition(b"\r\n\r\n")
                    m = re.search(rb"(?i)content-length: *(\d+)", head)
                    if m and len(body) >= int(m.group(1)):
                        break
            return out
        finally:
            s.close()

    def anon(self):
        return Session(self)

    def login(self, username, password=DEMO_PASSWORD):
        s = Session(self)
        st, body = s.post("/api/v1/session", {"username": username, "password": password})
        if st != 200:
            raise AssertionError(f"login {username}: {st} {body}")
        return s

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Session:
    """One client: a keep-alive connection, the session cookie and CSRF token."""

    def __init__(self, srv):
        self.srv = srv
        self.c = srv.conn()
        self.cookie = None
        self.csrf = None
        self.api_key = None
        self.last_headers = {}

    def request(self, method, path, body=None, headers=None, raw=None, csrf=True):
        h = {"Accept": "application/json"}
        if body is not None or raw is not None:
            h["Content-Type"] = "application/json"
        if self.cookie:
            h["Cookie"] = "gg_session=" + self.cookie
        if self.api_key:
            h["Authorization"] = "Bearer " + self.api_key
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        h.update(headers or {})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        for attempt in range(2):
            try:
                self.c.request(method, path, body=data, headers=h)
                r = self.c.getresponse()
                payload = r.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if attempt:
                    raise
                self.c.close()
                self.c = self.srv.conn()
        self.last_headers = {k.lower(): v for k, v in r.getheaders()}
        for k, v in r.getheaders():
            if k.lower() == "set-cookie" and v.startswith("gg_session="):
                self.cookie = v.split(";")[0].split("=", 1)[1] or None
        ct = self.last_headers.get("content-type", "")
        if payload and ct.startswith("application/json"):
            out = json.loads(payload)
        else:
            out = payload.decode("utf-8", "replace")
        if method == "POST" and path == "/api/v1/session" and r.status == 200:
            self.csrf = out.get("csrf_token")
        return r.status, out

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def close(self):
        self.c.close()


def stop_clean(test, srv):
    """Stop srv and check it went as it should: exit 0 (under sanitizers a leak
    or error report makes it non-zero), nothing reported, "stopped cleanly"
    logged; then remove its directory. test is the TestCase that asserts
    (unittest.TestCase() from a class or module teardown)."""
    rc = srv.stop()
    log = srv.read_log()
    srv.cleanup()
    test.assertEqual(rc, 0, log[-4000:])
    test.assertNotRegex(log, r"Sanitizer|runtime error:", log[-4000:])
    test.assertIn("stopped cleanly", log)


def error_of(body):
    """The error object of an error response, asserting its shape."""
    assert isinstance(body, dict) and set(body) == {"error"}, body
    e = body["error"]
    assert set(e) == {"code", "message", "field"}, e
    assert isinstance(e["code"], str) and isinstance(e["message"], str), e
    return e
