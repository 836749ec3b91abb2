"""Bad input at every layer — JSON, fields, HTTP framing, sizes, rates,
connections, slow clients — is answered with the error shape
{"error":{"code","message","field"}} and the right status, within bounded
time, and the server keeps serving afterwards.

What the server guarantees where libmicrohttpd decides (learnt by these
tests, and asserted as such):
  * A declared Content-Length over the body limit is refused with 413 right
    after the headers, before a byte of the body is read; the connection is
    then closed (the client may see its upload fail with EPIPE/ECONNRESET,
    which is why these tests read the answer before sending the body).
  * A chunked body has no declared size: it is read up to the limit, the
    rest (up to 8 MiB in all) is read and dropped, and then 413 is answered
    and the connection closed. libmicrohttpd cannot queue a response in the
    middle of an upload, so a chunked body past 8 MiB gets its connection
    closed without an answer.
  * A body that keeps arriving after the body deadline (GG_BODY_TIMEOUT) is
    read, dropped and answered 408; a body that stalls gets no answer and its
    connection is closed by the idle timeout (GG_IDLE_TIMEOUT).
  * A request line or headers past the connection's memory (about 52 KiB)
    are refused by libmicrohttpd itself: 414/431 with its own HTML body,
    connection closed; below that, the server's JSON 414 (URL over 4096
    bytes, query included, counted as sent) and 431 (headers over 16 KiB).
  * libmicrohttpd keeps a record (about 64 bytes) per query argument in that
    memory; when they do not fit (several hundred arguments, possible even
    within 4096 bytes) libmicrohttpd 0.9.75 neither answers nor closes, and
    the connection ends at the idle timeout like any silent client.
  * Bytes that never make a request line are waited on (idle timeout);
    malformed request lines are closed or answered 400/505 by
    libmicrohttpd with its own HTML body. Two Content-Length headers are
    not refused: libmicrohttpd uses one of them.
"""
import json
import re
import socket
import time
import unittest

from gg import Server, error_of, stop_clean

P = "/api/v1/places"


def parse_response(data):
    """(status, headers (lower-case names), body) of the first response in data, or None."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.split(b"\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0])
    if not m:
        return None
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower().decode()] = v.strip().decode("latin-1")
    status = int(m.group(1))
    n = 0 if status < 200 else int(headers.get("content-length", len(body)))
    return status, headers, body[:n]


class Raw:
    """One client socket for cases http.client cannot make (or would retry)."""

    def __init__(self, srv, timeout=10):
        self.s = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout)
        self.buf = b""

    def send(self, data):
        """Send; False if the server had already closed or reset the connection."""
        try:
            self.s.sendall(data)
            return True
        except (BrokenPipeError, ConnectionResetError):
            return False

    def response(self, timeout=10):
        """Read one response; None if the connection closed (or timed out) without one."""
        self.s.settimeout(timeout)
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = parse_response(self.buf)
            if r and len(r[2]) >= int(r[1].get("content-length", 0)):
                head_len = self.buf.index(b"\r\n\r\n") + 4
                self.buf = self.buf[head_len + len(r[2]):]
                return r
            try:
                chunk = self.s.recv(65536)
            except socket.timeout:
                return None
            except ConnectionResetError:
                return parse_response(self.buf)
            if not chunk:
                return parse_response(self.buf)
            self.buf += chunk
        return None

    def closed(self, timeout=3):
        """Whether the server closes this connection within timeout seconds."""
        self.s.settimeout(timeout)
        try:
            return self.s.recv(65536) == b""
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def close(self):
        self.s.close()


def head_for(method, path, headers=(), body_len=None, ctype="application/json"):
    h = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    if ctype:
        h.append(f"Content-Type: {ctype}")
    if body_len is not None:
        h.append(f"Content-Length: {body_len}")
    h += list(headers)
    return ("\r\n".join(h) + "\r\n\r\n").encode()


def chunked(data, size=65536):
    out = [b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size]) for i in range(0, len(data), size)]
    return b"".join(out) + b"0\r\n\r\n"


class InputShared(unittest.TestCase):
    """Cases that need only the default limits: one server for all."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.s = cls.srv.login("admin")
        st, roots = cls.s.get(P)
        cls.district = roots["items"][0]
        st, streets = cls.s.get(f"{P}/{cls.district['id']}/children")
        cls.street = streets["items"][0]

    @classmethod
    def tearDownClass(cls):
        cls.s.close()
        stop_clean(unittest.TestCase(), cls.srv)

    def tearDown(self):
        # whatever the case did, a fresh connection is still served
        st, body = self.srv.anon().get("/healthz")
        self.assertEqual((st, body.get("status")), (200, "ok"), body)

    def auth_headers(self):
        return [f"Cookie: gg_session={self.s.cookie}", f"X-CSRF-Token: {self.s.csrf}"]

    def post_raw(self, raw, path=P, ctype="application/json", **kw):
        """POST raw bytes on the session's keep-alive connection; the answer and its time."""
        h = {"Content-Type": ctype}
        t0 = time.time()
        st, body = self.s.request("POST", path, raw=raw, headers=h, **kw)
        return st, body, time.time() - t0

    def bad(self, raw, status, code, field=None, **kw):
        st, body, took = self.post_raw(raw, **kw)
        self.assertEqual(st, status, body)
        e = error_of(body)
        self.assertEqual(e["code"], code, e)
        self.assertEqual(e["field"], field, e)
        self.assertLess(took, 2.0)
        return e

    def valid(self, **fields):
        b = {"parent_id": self.street["id"], "kind": "community", "name": "输入测试"}
        b.update(fields)
        return b

    # ---- JSON syntax and shape ----

    def test_malformed_json(self):
        for raw in (b'{"kind": ', b"{kind: 1}", b"{'kind': 'x'}", b'{"a":1,}', b"nul", b"{}}",
                    b'{"a" 1}', b'{"a":01}', b'{"a":NaN}', b'{"a":"\\x"}', b"\xef\xbb\xbf{}"):
            with self.subTest(raw=raw):
                self.bad(raw, 400, "invalid_json")

    def test_truncated_json(self):
        full = json.dumps(self.valid()).encode()
        for cut in (1, 10, len(full) // 2, len(full) - 1):
            with self.subTest(cut=cut):
                self.bad(full[:cut], 400, "invalid_json")

    def test_empty_body(self):
        for raw in (b"", b"   ", b"\r\n\t "):
            with self.subTest(raw=raw):
                self.bad(raw, 400, "invalid_json")

    def test_wrong_content_type(self):
        body = json.dumps(self.valid()).encode()
        for ct in ("text/plain", "application/x-www-form-urlencoded", "application/jsonp",
                   "application/json-seq", "json", ""):
            with self.subTest(ct=ct):
                self.bad(body, 415, "unsupported_media_type", ctype=ct)
        c = Raw(self.srv)  # no Content-Type header at all
        c.send(head_for("POST", P, self.auth_headers(), body_len=len(body), ctype=None) + body)
        st, h, rb = c.response()
        self.assertEqual((st, error_of(json.loads(rb))["code"]), (415, "unsupported_media_type"))
        c.close()
        for ct in ("application/json; charset=utf-8", "Application/JSON", "application/json;charset=UTF-8"):
            with self.subTest(ok=ct):
                st, p, _ = self.post_raw(json.dumps(self.valid(name=ct[:20])).encode(), ctype=ct)
                self.assertEqual(st, 201, p)

    def test_top_level_not_an_object(self):
        for raw in (b"[]", b'[{"kind":"street"}]', b'"x"', b"1", b"null", b"true"):
            with self.subTest(raw=raw):
                self.bad(raw, 400, "invalid_json")

    def test_duplicate_keys(self):
        self.bad(b'{"kind":"community","kind":"community","name":"x"}', 400, "invalid_json")

    # ---- fields ----

    def test_wrong_types(self):
        cases = [({"name": 5}, "name"), ({"name": None}, "name"), ({"name": ["x"]}, "name"),
                 ({"kind": {"a": 1}}, "kind"), ({"kind": True}, "kind"), ({"code": 630105001001},
                 "code"), ({"subtype": 1}, "subtype"), ({"dedicated_kind": []}, "dedicated_kind")]
        for fields, field in cases:
            with self.subTest(fields=fields):
                self.bad(json.dumps(self.valid(**fields)).encode(), 422, "invalid_type", field)
        # an id has its own word: any wrong shape is not an id
        for v in (True, [1], {"id": 1}, "abc", "0", "-1", 0, -5, 1.5, "01", "1" * 19):
            with self.subTest(parent_id=v):
                self.bad(json.dumps(self.valid(parent_id=v)).encode(), 422, "invalid_id", "parent_id")
        self.bad(json.dumps({"name": "x"}).encode(), 422, "missing_field", "kind")
        st, p = self.s.patch(f"{P}/{self.street['id']}", {"version": "1"})
        self.assertEqual((st, error_of(p)["code"], error_of(p)["field"]), (422, "invalid_type", "version"))
        st, p = self.s.patch(f"{P}/{self.street['id']}", {"version": 1.0})
        self.assertEqual((st, error_of(p)["code"], error_of(p)["field"]), (422, "invalid_type", "version"))

    def test_unknown_fields(self):
        for extra in ("zzz", "id", "Kind", "parent", "name ", "名字"):
            with self.subTest(extra=extra):
                self.bad(json.dumps(self.valid(**{extra: 1})).encode(), 422, "unknown_field", extra)
        # an empty key is unknown too (an empty field name reads as null)
        st, body, _ = self.post_raw(json.dumps(self.valid(**{"": 1})).encode())
        self.assertEqual((st, error_of(body)["code"]), (422, "unknown_field"), body)

    def test_invalid_utf8(self):
        for bad in (b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\x80", b"\xe4\xb8", b"\xf4\x90\x80\x80",
                    b"a\x00b"):
            with self.subTest(bytes=bad):
                self.bad(b'{"kind":"community","name":"' + bad + b'"}', 400, "invalid_encoding")
        # a lone surrogate written as an escape is not a character either
        self.bad(b'{"kind":"community","name":"\\ud800"}', 400, "invalid_json")
        # CJK is fine: 64 code points in 192 bytes
        st, p, _ = self.post_raw(json.dumps(self.valid(name="区" * 64), ensure_ascii=False).encode())
        self.assertEqual((st, p.get("name")), (201, "区" * 64), p)

    def test_nul_in_string(self):
        self.bad(json.dumps(self.valid(name="a\u0000b")).encode(), 422, "invalid_value", "name")
        self.bad(json.dumps(self.valid(code="\u0000" * 9)).encode(), 422, "invalid_value", "code")
        self.bad(b'{"kind":"community","name":"x","a\\u0000b":1}', 400, "invalid_json")
        st, p = self.s.patch(f"{P}/{self.street['id']}", {"name": "\u0000"})
        self.assertEqual((st, error_of(p)["field"]), (422, "name"), p)

    def test_deep_nesting_is_refused_fast(self):
        for raw in (b"[" * 10000 + b"]" * 10000,
                    b'{"a":' * 10000 + b"1" + b"}" * 10000,
                    b'{"name":' + b"[" * 100000,
                    b"[" * 1000000):
            with self.subTest(size=len(raw)):
                e = self.bad(raw, 400, "invalid_json")
                self.assertIn("deep", e["message"])
        # brackets inside strings (escaped quotes too) are not nesting
        name = '\\"' + "[{" * 40
        self.bad(json.dumps(self.valid(name="")).encode().replace(b'"name": ""', b'"name": "' + name.encode() + b'"'),
                 422, "invalid_length", "name")
        # 32 levels are allowed by the parser; the field table then refuses the key
        self.bad(b'{"x":' + b"[" * 31 + b"]" * 31 + b"}", 422, "unknown_field", "x")
        self.bad(b'{"x":' + b"[" * 32 + b"]" * 32 + b"}", 400, "invalid_json")

    def test_huge_numbers(self):
        for num in (b"1e400", b"-1e400", b"99999999999999999999999", b"-99999999999999999999999",
                    b"9223372036854775808"):
            with self.subTest(num=num):
                self.bad(b'{"kind":"community","name":"x","parent_id":' + num + b"}", 400, "invalid_json")
        # fits, but is no id
        self.bad(b'{"kind":"community","name":"x","parent_id":1e308}', 422, "invalid_id", "parent_id")
        self.bad(b'{"kind":"community","name":"x","parent_id":9223372036854775807}', 422,
                 "invalid_reference", "parent_id")
        st, p = self.s.patch(f"{P}/{self.street['id']}", raw=b'{"version":99999999999999999999}')
        self.assertEqual((st, error_of(p)["code"]), (400, "invalid_json"), p)
        st, p = self.s.patch(f"{P}/{self.street['id']}", {"version": 2 ** 40})
        self.assertEqual((st, error_of(p)["code"], error_of(p)["field"]), (422, "out_of_range", "version"))

    def test_overlong_strings(self):
        for fields, field in (({"name": "x" * 65}, "name"), ({"name": "区" * 65}, "name"),
                              ({"name": ""}, "name"), ({"kind": "k" * 33}, "kind"),
                              ({"code": "1" * 24}, "code"), ({"subtype": "s" * 33}, "subtype"),
                              ({"name": "x" * 100000}, "name")):
            with self.subTest(field=field, n=len(next(iter(fields.values())))):
                self.bad(json.dumps(self.valid(**fields)).encode(), 422, "invalid_length", field)

    # ---- HTTP framing and sizes ----

    def test_body_over_limit_with_content_length(self):
        for n in (1024 * 1024 + 1, 50 * 1024 * 1024, 2 ** 62):
            with self.subTest(n=n):
                c = Raw(self.srv)
                t0 = time.time()
                c.send(head_for("POST", P, self.auth_headers(), body_len=n))
                st, h, body = c.response()
                self.assertEqual(st, 413, body)
                self.assertEqual(error_of(json.loads(body))["code"], "body_too_large")
                self.assertEqual(h.get("connection", "").lower(), "close")
                self.assertTrue(c.closed())
                self.assertLess(time.time() - t0, 3)
                c.close()
        # also without credentials: the size is checked before anything else reads the body
        c = Raw(self.srv)
        c.send(head_for("POST", P, body_len=2 * 1024 * 1024))
        self.assertEqual(c.response()[0], 413)
        c.close()

    def test_body_at_limit_is_read(self):
        """Exactly 1 MiB is allowed (and then refused for what it says, not its size)."""
        pad = 1024 * 1024 - len(json.dumps(self.valid(name="")).encode())
        raw = json.dumps(self.valid(name="x" * pad)).encode()
        self.assertEqual(len(raw), 1024 * 1024)
        self.bad(raw, 422, "invalid_length", "name")
        c = Raw(self.srv)
        c.send(head_for("POST", P, self.auth_headers(), body_len=len(raw) + 1) + raw + b"}")
        self.assertEqual(c.response()[0], 413)
        c.close()

    def test_chunked_body(self):
        # a small chunked body is fine
        raw = json.dumps(self.valid(name="分块")).encode()
        c = Raw(self.srv)
        c.send(head_for("POST", P, self.auth_headers() + ["Transfer-Encoding: chunked"]) + chunked(raw, 7))
        st, h, body = c.response()
        self.assertEqual(st, 201, body)
        # over the limit: read, dropped, then 413 and the connection closed
        big = json.dumps(self.valid(name="x" * (2 * 1024 * 1024))).encode()
        t0 = time.time()
        c.send(head_for("POST", P, self.auth_headers() + ["Transfer-Encoding: chunked"]) + chunked(big))
        r = c.response()
        self.assertIsNotNone(r, "no answer to an oversized chunked body")
        st, h, body = r
        self.assertEqual(st, 413, body)
        self.assertEqual(error_of(json.loads(body))["code"], "body_too_large")
        self.assertTrue(c.closed())
        self.assertLess(time.time() - t0, 5)
        c.close()

    def test_chunked_body_far_over_limit_is_cut_off(self):
        """Past 8 MiB of chunked body the server stops reading and closes (413 or no answer)."""
        c = Raw(self.srv, timeout=20)
        t0 = time.time()
        ok = c.send(head_for("POST", P, self.auth_headers() + ["Transfer-Encoding: chunked"]))
        block = chunked(b"x" * (1 << 20))[:-5]  # one 1 MiB chunk, no terminator
        sent = 0
        while ok and sent < 64:
            ok = c.send(block)
            sent += 1
        self.assertFalse(ok, "the server read 64 MiB of a refused body")
        self.assertLessEqual(sent, 16)
        r = c.response(timeout=3)
        self.assertTrue(r is None or r[0] == 413, r)
        self.assertLess(time.time() - t0, 10)
        c.close()

    def test_url_too_long(self):
        for url in ("/" + "a" * 4096, P + "?x=" + "a" * 4100, P + "?" + "&".join(["k=vvvvvvvvvv"] * 400),
                    "/healthz?" + "%41" * 1400):
            with self.subTest(n=len(url)):
                st, body = self.srv.anon().get(url)
                self.assertEqual(st, 414, body)
                self.assertEqual(error_of(body)["code"], "uri_too_long")
        st, body = self.srv.anon().get("/" + "a" * 4095)
        self.assertEqual(st, 404, body)
        # a URL at the limit with a hundred query arguments is served
        q = "&".join(f"k{i}={'v' * 30}" for i in range(100))
        q += "&z=" + "v" * (4096 - len("/healthz?") - len(q) - 3)
        self.assertEqual(len("/healthz?" + q), 4096)
        st, body = self.srv.anon().get("/healthz?" + q)
        self.assertEqual(st, 200, body)
        # past the limit within the connection's memory: the server's 414
        c = Raw(self.srv)
        c.send(b"GET /" + b"a" * 30000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        r = c.response()
        self.assertEqual(r and r[0], 414, r)
        self.assertEqual(error_of(json.loads(r[2]))["code"], "uri_too_long")
        c.close()
        # far past the connection's memory: libmicrohttpd answers 414 itself
        c = Raw(self.srv)
        c.send(b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        r = c.response()
        self.assertEqual(r and r[0], 414, r)
        c.close()

    def test_headers_too_large(self):
        many = [f"X-Pad-{i}: {'v' * 100}" for i in range(200)]
        one = ["X-Big: " + "v" * 17000]
        for hdrs in (many, one):
            c = Raw(self.srv)
            c.send(head_for("GET", "/healthz", hdrs, ctype=None))
            st, h, body = c.response()
            self.assertEqual(st, 431, body)
            self.assertEqual(error_of(json.loads(body))["code"], "headers_too_large")
            c.close()
        # just under the limit is fine
        c = Raw(self.srv)
        c.send(head_for("GET", "/healthz", ["X-Pad: " + "v" * 15000], ctype=None))
        self.assertEqual(c.response()[0], 200)
        c.close()
        # past the connection's memory: libmicrohttpd's own 431, connection closed
        for hdrs in (["X-Big: " + "v" * 70000], [f"X-{i}: v" for i in range(10000)]):
            c = Raw(self.srv)
            c.send(head_for("GET", "/healthz", hdrs, ctype=None))
            r = c.response()
            self.assertEqual(r and r[0], 431, r)
            self.assertTrue(c.closed())
            c.close()

    def test_malformed_http(self):
        for data in (b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
                     b"POST /api/v1/places HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                     b"POST /api/v1/places HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                     b"GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n",
                     b"GET /healthz\r\n\r\n", b"\x00\x01\x02\r\n\r\n"):
            with self.subTest(data=data[:30]):
                # libmicrohttpd answers these itself (400/505, HTML) or just
                # closes; bytes that never make a request line wait for more
                c = Raw(self.srv, timeout=5)
                c.send(data)
                r = c.response(timeout=1)
                self.assertTrue(r is None or 400 <= r[0] < 600, r)
                c.close()
        # an unknown method on a known URL is a 405 with Allow
        c = Raw(self.srv)
        c.send(b"BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        st, h, body = c.response()
        self.assertEqual((st, h.get("allow")), (405, "GET"), body)
        c.close()

    def test_expect_continue_over_limit(self):
        """A client that waits for 100-continue is refused before it sends the body."""
        c = Raw(self.srv)
        c.send(head_for("POST", P, self.auth_headers() + ["Expect: 100-continue"], body_len=5 << 20))
        st, h, body = c.response()
        self.assertEqual(st, 413, body)
        c.close()
        raw = json.dumps(self.valid(name="继续")).encode()
        c = Raw(self.srv)
        c.send(head_for("POST", P, self.auth_headers() + ["Expect: 100-continue"], body_len=len(raw)))
        st, h, body = c.response()
        self.assertEqual(st, 100)
        c.send(raw)
        st, h, body = c.response()
        self.assertEqual(st, 201, body)
        c.close()

    # ---- methods and keep-alive ----

    def test_head(self):
        st, body = self.s.get("/healthz")
        n = len(json.dumps(body, separators=(",", ":")))
        st, body = self.s.request("HEAD", "/healthz")
        self.assertEqual((st, body), (200, ""))
        self.assertEqual(int(self.s.last_headers["content-length"]), n)
        st, body = self.s.request("HEAD", f"{P}/{self.street['id']}")
        self.assertEqual((st, body), (200, ""))
        st, body = self.s.request("HEAD", f"{P}/99999999")
        self.assertEqual((st, body), (404, ""))

    def test_405_has_allow(self):
        for method, url, allow in (("POST", "/healthz", {"GET"}), ("DELETE", P, {"GET", "POST"}),
                                   ("PUT", f"{P}/1", {"GET", "PATCH"}),
                                   ("GET", f"{P}/1/move", {"POST"}),
                                   ("PATCH", "/api/v1/session", {"GET", "POST", "DELETE"})):
            with self.subTest(method=method, url=url):
                st, body = self.s.request(method, url, raw=b"{}")
                self.assertEqual(st, 405, body)
                self.assertEqual(error_of(body)["code"], "method_not_allowed")
                got = {m.strip() for m in self.s.last_headers["allow"].split(",")}
                self.assertEqual(got, allow)

    def metric(self, name, via):
        st, text = via.get("/metrics")
        self.assertEqual(st, 200)
        m = re.search(rf"^{name} (\d+)$", text, re.M)
        return int(m.group(1))

    def test_keep_alive_many_requests(self):
        s = self.srv.login("admin")
        s.get("/healthz")
        sock = s.c.sock
        port = sock.getsockname()[1]
        probe = self.srv.anon()  # one connection of its own for /metrics, open throughout
        before = self.metric("gridgov_http_connections", probe)
        statuses = []
        for i in range(50):
            k = i % 5
            if k == 0:
                r = s.get("/healthz")
            elif k == 1:
                r = s.post(P, {"parent_id": self.street["id"], "kind": "community", "name": f"长连接{i}"})
            elif k == 2:
                r = s.post(P, raw=b"{oops")
            elif k == 3:
                r = s.get(f"{P}/99999999")
            else:
                r = s.request("HEAD", f"{P}/{self.street['id']}")
            statuses.append(r[0])
            self.assertIs(s.c.sock, sock, f"reconnected at request {i}")
            self.assertNotEqual(s.last_headers.get("connection", "").lower(), "close")
        self.assertEqual(statuses, [200, 201, 400, 404, 200] * 10)
        self.assertEqual(s.c.sock.getsockname()[1], port)
        self.assertLessEqual(self.metric("gridgov_http_connections", probe), before)
        s.close()
        probe.close()


class InputLimits(unittest.TestCase):
    """Cases that need a server of their own, started with tighter limits."""

    def test_rate_limit_per_address(self):
        srv = Server(env={"GG_RATE_LIMIT": "5"})
        try:
            a = srv.anon()
            t0 = time.time()
            res = [a.get("/healthz") + (dict(a.last_headers),) for _ in range(30)]
            took = time.time() - t0
            ok = [r for r in res if r[0] == 200]
            limited = [r for r in res if r[0] == 429]
            self.assertEqual(len(ok) + len(limited), 30, [r[0] for r in res])
            self.assertGreater(len(limited), 0)
            # a burst of twice the rate, then the rate
            self.assertLessEqual(len(ok), 10 + 5 * took + 1)
            self.assertGreaterEqual(len(ok), 10)
            st, body, h = limited[0]
            self.assertEqual(error_of(body)["code"], "rate_limited")
            retry = int(h["retry-after"])
            self.assertTrue(1 <= retry <= 60, retry)
            time.sleep(retry)
            st, body = a.get("/healthz")
            self.assertEqual(st, 200, body)
            # a refused POST with a body is answered too, not left hanging
            for _ in range(20):
                st, body = a.post(P, {"kind": "district", "name": "x", "code": "110101"})
                if st == 429:
                    break
            self.assertEqual(st, 429, body)
            self.assertEqual(error_of(body)["code"], "rate_limited")
            stop_clean(self, srv)
        finally:
            srv.cleanup()

    def test_too_many_connections(self):
        srv = Server(env={"GG_MAX_CONNS": "5"})
        idle = []
        try:
            idle = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(8)]
            r = None
            for _ in range(50):  # the server counts a connection once it has accepted it
                c = Raw(srv)
                c.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                r = c.response()
                c.close()
                if r and r[0] == 429:
                    break
                time.sleep(0.05)
            self.assertEqual(r and r[0], 429, r)
            st, h, body = r
            self.assertEqual(error_of(json.loads(body))["code"], "too_many_connections")
            self.assertIn("retry-after", h)
            self.assertEqual(h.get("connection", "").lower(), "close")
            for s in idle:
                s.close()
            idle = []
            for _ in range(50):
                c = Raw(srv)
                c.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                r = c.response()
                c.close()
                if r and r[0] == 200:
                    break
                time.sleep(0.05)
            self.assertEqual(r and r[0], 200, r)
            stop_clean(self, srv)
        finally:
            for s in idle:
                s.close()
            srv.cleanup()

    def test_slow_body(self):
        srv = Server(env={"GG_BODY_TIMEOUT": "1", "GG_IDLE_TIMEOUT": "3"})
        try:
            s = srv.login("admin")
            auth = [f"Cookie: gg_session={s.cookie}", f"X-CSRF-Token: {s.csrf}"]
            body = json.dumps({"kind": "district", "name": "慢", "code": "110101"}).encode()
            # the rest arrives after the deadline: 408, nothing written
            c = Raw(srv)
            c.send(head_for("POST", P, auth, body_len=len(body)) + body[:10])
            time.sleep(2)
            c.send(body[10:])
            r = c.response()
            self.assertIsNotNone(r)
            st, h, rb = r
            self.assertEqual(st, 408, rb)
            self.assertEqual(error_of(json.loads(rb))["code"], "request_timeout")
            self.assertTrue(c.closed())
            c.close()
            # a body that stalls gets no answer: libmicrohttpd cannot answer
            # mid-upload; the idle timeout closes the connection
            c = Raw(srv)
            t0 = time.time()
            c.send(head_for("POST", P, auth, body_len=len(body)) + body[:10])
            self.assertTrue(c.closed(timeout=8), "a stalled body held its connection")
            self.assertLess(time.time() - t0, 6)
            c.close()
            # the same for a query whose arguments do not fit the connection's
            # memory: answered (414/431) or closed by the idle timeout, never held
            for q in (b"&".join([b"k=v"] * 1000), b"&" * 40000):
                c = Raw(srv)
                t0 = time.time()
                c.send(b"GET /healthz?" + q + b" HTTP/1.1\r\nHost: x\r\n\r\n")
                r = c.response(timeout=8)
                self.assertTrue(r is None or r[0] in (414, 431), r)
                self.assertTrue(r is not None or c.closed(timeout=1))
                self.assertLess(time.time() - t0, 6)
                c.close()
            # nothing of either was written: the code is still free
            st, p = s.post(P, {"kind": "district", "name": "快", "code": "110101"})
            self.assertEqual(st, 201, p)
            # the body deadline is not the idle timeout: a keep-alive connection
            # idle for longer than it is still served
            c = Raw(srv)
            raw = json.dumps({"kind": "district", "name": "长", "code": "110102"}).encode()
            c.send(head_for("POST", P, auth, body_len=len(raw)) + raw)
            self.assertEqual(c.response()[0], 201)
            time.sleep(2)
            c.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            r = c.response()
            self.assertEqual(r and r[0], 200, r)
            c.close()
            stop_clean(self, srv)
        finally:
            srv.cleanup()


if __name__ == "__main__":
    unittest.main()
