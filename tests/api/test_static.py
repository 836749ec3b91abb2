"""The built web UI served from a directory (#4): media types, cache headers,
client routes answered with index.html, /api/ never falling back, no path
traversal (plain, encoded, symlinks), ETag revalidation."""
import os
import tempfile
import shutil
import unittest

from gg import Server, error_of


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


class StaticTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="gg-web-")
        cls.web = os.path.join(cls.tmp, "dist")
        write(os.path.join(cls.web, "index.html"), "<!doctype html><title>网格</title>".encode())
        write(os.path.join(cls.web, "assets", "index-3f2a1b.js"), b"console.log(1)")
        write(os.path.join(cls.web, "assets", "index-3f2a1b.mjs"), b"export{}")
        write(os.path.join(cls.web, "assets", "index-3f2a1b.css"), b"body{}")
        write(os.path.join(cls.web, "assets", "index-3f2a1b.js.map"), b"{}")
        write(os.path.join(cls.web, "assets", "font-1.woff2"), b"wOF2")
        write(os.path.join(cls.web, "sw.js"), b"self.x=1")
        write(os.path.join(cls.web, "manifest.webmanifest"), b"{}")
        write(os.path.join(cls.web, "icon.svg"), b"<svg/>")
        write(os.path.join(cls.web, "icon-192.png"), b"\x89PNG")
        write(os.path.join(cls.web, "favicon.ico"), b"\0\0")
        write(os.path.join(cls.web, ".secret"), b"hidden")
        write(os.path.join(cls.tmp, "outside.txt"), b"top secret")
        os.symlink(os.path.join(cls.tmp, "outside.txt"), os.path.join(cls.web, "link.txt"))
        os.symlink(os.path.join(cls.web, "icon.svg"), os.path.join(cls.web, "inside.svg"))
        cls.srv = Server(env={"GG_WEB_DIR": cls.web})

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def get(self, path, headers=None):
        s = self.srv.anon()
        st, body = s.get(path, headers=headers or {})
        h = s.last_headers
        s.close()
        return st, body, h

    def test_media_types(self):
        cases = {
            "/": "text/html", "/index.html": "text/html",
            "/assets/index-3f2a1b.js": "text/javascript",
            "/assets/index-3f2a1b.mjs": "text/javascript",
            "/assets/index-3f2a1b.css": "text/css",
            "/assets/index-3f2a1b.js.map": "application/json",
            "/assets/font-1.woff2": "font/woff2",
            "/sw.js": "text/javascript",
            "/manifest.webmanifest": "application/manifest+json",
            "/icon.svg": "image/svg+xml", "/icon-192.png": "image/png",
            "/favicon.ico": "image/x-icon",
        }
        for path, mime in cases.items():
            with self.subTest(path=path):
                st, body, h = self.get(path)
                self.assertEqual(st, 200, body)
                self.assertTrue(h["content-type"].startswith(mime), h["content-type"])
                self.assertEqual(h.get("x-content-type-options"), "nosniff")

    def test_cache_headers(self):
        st, _, h = self.get("/assets/index-3f2a1b.js")
        self.assertEqual(h["cache-control"], "public, max-age=31536000, immutable")
        for path in ("/", "/index.html", "/sw.js", "/manifest.webmanifest", "/cases/12"):
            with self.subTest(path=path):
                st, _, h = self.get(path)
                self.assertEqual(st, 200)
                self.assertEqual(h["cache-control"], "no-cache")

    def test_client_routes_get_index(self):
        for path in ("/login", "/cases/12", "/phone/report", "/cockpit/", "/a/b/c"):
            with self.subTest(path=path):
                st, body, h = self.get(path)
                self.assertEqual(st, 200)
                self.assertIn("网格", body)
                self.assertTrue(h["content-type"].startswith("text/html"))

    def test_missing_file_with_extension_is_404(self):
        for path in ("/assets/nope-1234.js", "/nope.png", "/x/y.css"):
            with self.subTest(path=path):
                st, body, _ = self.get(path)
                self.assertEqual(st, 404)
                self.assertEqual(error_of(body)["code"], "not_found")

    def test_api_never_falls_back(self):
        for path in ("/api/v1/nope", "/api/v2/cases", "/api/", "/api"):
            with self.subTest(path=path):
                st, body, h = self.get(path)
                self.assertEqual(st, 404, body)
                self.assertTrue(h["content-type"].startswith("application/json"))
                self.assertEqual(error_of(body)["code"], "not_found")

    def test_no_traversal(self):
        for path in ("/../outside.txt", "/assets/../../outside.txt", "/%2e%2e/outside.txt",
                     "/%2e%2e%2foutside.txt", "/assets/%2e%2e/%2e%2e/outside.txt",
                     "/..%5coutside.txt", "/%252e%252e/outside.txt", "/.secret",
                     "/link.txt", "//etc/passwd"):
            with self.subTest(path=path):
                raw = self.srv.raw(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
                self.assertNotIn(b"top secret", raw)
                self.assertNotIn(b"hidden", raw)
                status = int(raw.split(b" ", 2)[1]) if raw else 0
                self.assertIn(status, (400, 404), raw[:200])

    def test_symlink_inside_is_served(self):
        st, body, _ = self.get("/inside.svg")
        self.assertEqual(st, 200)
        self.assertEqual(body, "<svg/>")

    def test_etag_revalidation(self):
        st, _, h = self.get("/assets/index-3f2a1b.css")
        self.assertEqual(st, 200)
        self.assertIn("etag", h)
        self.assertIn("last-modified", h)
        st, body, h2 = self.get("/assets/index-3f2a1b.css", {"If-None-Match": h["etag"]})
        self.assertEqual(st, 304)
        self.assertEqual(body, "")
        st, _, _ = self.get("/assets/index-3f2a1b.css", {"If-None-Match": 'W/"other"'})
        self.assertEqual(st, 200)

    def test_head(self):
        raw = self.srv.raw(b"HEAD /assets/index-3f2a1b.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                           timeout=3)
        head = raw.split(b"\r\n\r\n")[0]
        self.assertIn(b" 200 ", raw.split(b"\r\n")[0])
        self.assertIn(b"Content-Length: 14", head)
        self.assertNotIn(b"console.log", raw)

    def test_large_file_is_served_whole(self):
        # sent from the open file: no size cap (was a silent 404 over 32 MiB)
        data = bytes(range(256)) * (33 * 4096 + 1)
        write(os.path.join(self.web, "assets", "big-1.wasm"), data)
        conn = self.srv.conn()
        conn.request("GET", "/assets/big-1.wasm")
        r = conn.getresponse()
        body = r.read()
        conn.close()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.getheader("Content-Length"), str(len(data)))
        self.assertEqual(body, data)

    def test_post_to_a_page_is_not_served(self):
        s = self.srv.anon()
        st, body = s.post("/login", {})
        self.assertEqual(st, 404)


class NoWebDirTest(unittest.TestCase):
    def test_missing_dir_keeps_json_404(self):
        srv = Server(env={"GG_WEB_DIR": "/nonexistent/dist"})
        try:
            st, body = srv.anon().get("/login")
            self.assertEqual(st, 404)
            self.assertEqual(error_of(body)["code"], "not_found")
        finally:
            srv.cleanup()


if __name__ == "__main__":
    unittest.main()
