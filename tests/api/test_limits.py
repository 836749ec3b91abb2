"""Limits a client can run into, each answered with a clear error: the
per-route body caps of the route table (src/api/routes.c: a boundary 4 MiB,
a boundary import 8 MiB, a residents import GG_IMPORT_MAX_BODY = 200 MiB)
refused from the declared Content-Length alone, and bodies over the default
1 MiB read on those routes; the map's 2,000-feature cap (`truncated`); the
residents export's filters refusing junk values by name; the import job
table (64 jobs: the oldest finished one makes room); and `gridgov import
residents` on the command line (usage, mode, unknown place, unreadable file,
rejected rows, re-import)."""
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

from gg import BIN, Server, demo_db, error_of, stop_clean
from test_geo import BOX, fc, feature, square
from test_import import HEAD, csv_bytes, person
from test_input import Raw, head_for

MiB = 1 << 20


class Limits(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.admin = cls.srv.login("admin")
        st, roots = cls.admin.get("/api/v1/places")
        [district] = [p for p in roots["items"] if p["code"] == "630105"]
        cls.district = district["id"]
        st, kids = cls.admin.get(f"/api/v1/places/{cls.district}/subtree?kind=grid&limit=1")
        assert st == 200, kids
        cls.grid = kids["items"][0]["id"]

    @classmethod
    def tearDownClass(cls):
        cls.admin.close()
        stop_clean(unittest.TestCase(), cls.srv)

    def auth(self):
        return [f"Cookie: gg_session={self.admin.cookie}", f"X-CSRF-Token: {self.admin.csrf}"]

    def declared(self, method, path, n, ctype="application/json"):
        """Send only the head of a request declaring n body bytes; (status, body)."""
        c = Raw(self.srv)
        try:
            c.send(head_for(method, path, self.auth(), body_len=n, ctype=ctype))
            r = c.response()
            self.assertIsNotNone(r, f"no answer to {method} {path} declaring {n} bytes")
            st, h, body = r
            return st, h, body, c.closed()
        finally:
            c.close()

    # ---- per-route body caps ----

    ROUTE_CAPS = (
        ("PUT", "/api/v1/places/{grid}/boundary", 4 * MiB, "application/json"),
        ("POST", "/api/v1/boundaries/import", 8 * MiB, "application/json"),
        ("POST", "/api/v1/imports?place_id={grid}", 200 * MiB, "text/csv"),
    )

    def test_route_body_cap_over_is_413(self):
        for method, path, cap, ctype in self.ROUTE_CAPS:
            path = path.format(grid=self.grid)
            with self.subTest(route=f"{method} {path}"):
                st, h, body, closed = self.declared(method, path, cap + 1, ctype)
                self.assertEqual(st, 413, body)
                self.assertEqual(error_of(json.loads(body))["code"], "body_too_large")
                self.assertEqual(h.get("connection", "").lower(), "close")
                self.assertTrue(closed)

    def test_route_body_cap_above_the_default_is_read(self):
        """A body over the default 1 MiB but under the route's cap is read and
        judged for what it says (bad JSON; a good CSV), not refused for its size."""
        rows = [HEAD] + [person(i) for i in range(100)]
        big_csv = csv_bytes(rows + [["填充" * 8] + r[1:] for r in rows[1:]] * 120)
        self.assertGreater(len(big_csv), MiB)
        bodies = {"application/json": (b"{" + b" " * (MiB + 100), 400), "text/csv": (big_csv, 201)}
        for method, path, cap, ctype in self.ROUTE_CAPS:
            path = path.format(grid=self.grid)
            data, want = bodies[ctype]
            with self.subTest(route=f"{method} {path}"):
                c = Raw(self.srv)
                try:
                    c.send(head_for(method, path, self.auth(), body_len=len(data), ctype=ctype) + data)
                    r = c.response(timeout=30)
                finally:
                    c.close()
                self.assertIsNotNone(r)
                st, h, body = r
                self.assertEqual(st, want, body[:300])
                if want >= 400:
                    self.assertEqual(error_of(json.loads(body))["code"], "invalid_json")

    # ---- the map's feature cap ----

    def dense_grids(self, g, n, d=2e-5):
        """Cut grid g down to a d x d square in its middle and lay n new sibling
        grids of d x d beside it (a 42-wide block): their features, and the block's bbox."""
        st, b = self.admin.get(f"/api/v1/places/{g['id']}/boundary")
        self.assertEqual(st, 200, b)
        ring = b["geometry"]["coordinates"][0][:-1]
        cx, cy = sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
        feats = []
        for k in range(n + 1):
            x0, y0 = cx + (k % 42 - 21) * d, cy + (k // 42 - 21) * d
            if k == 0:
                pid = g["id"]
            else:
                st, new = self.admin.post("/api/v1/places", {"parent_id": g["parent_id"], "kind": "grid",
                                                            "name": f"密集网格{k}"})
                self.assertEqual(st, 201, new)
                pid = new["id"]
            feats.append(feature(pid, square(x0, y0, x0 + d * 0.9, y0 + d * 0.9)))
        return feats, (cx - 22 * d, cy - 22 * d, cx + 22 * d, cy + (n // 42 - 20) * d)

    def test_map_boundaries_truncated_at_the_cap(self):
        """Over 2,000 grids in the box: 2,000 features, truncated, limit 2000.
        Two demo grids of two communities each make room for 900 new grids
        (a community has at most 999 grid codes)."""
        st, grids = self.admin.get(f"/api/v1/places/{self.district}/subtree?kind=grid&limit=200")
        self.assertEqual(st, 200, grids)
        by_parent = {}
        for g in grids["items"][1:]:
            by_parent.setdefault(g["parent_id"], g)
        boxes, all_feats = [], []
        for g in list(by_parent.values())[:2]:
            feats, box = self.dense_grids(g, 900)
            boxes.append(box)
            all_feats += feats
        # one import of 1,802 features (each feature's stored children are
        # read: that once reserved room for 20,000 rows per feature, 503)
        st, body = self.admin.post("/api/v1/boundaries/import", fc(*all_feats))
        self.assertEqual(st, 200, body)
        st, b = self.admin.get(f"/api/v1/map/boundaries?level=grid&bbox={BOX}")
        self.assertEqual(st, 200, b)
        self.assertEqual((len(b["features"]), b["truncated"], b["limit"]), (2000, True, 2000))
        self.assertEqual(len({f["id"] for f in b["features"]}), 2000)
        # one dense block alone holds 901 (and maybe demo grids at its edge): under the cap
        st, b = self.admin.get("/api/v1/map/boundaries?level=grid&bbox=" + ",".join(map(str, boxes[0])))
        self.assertEqual(st, 200, b)
        self.assertFalse(b["truncated"])
        self.assertGreaterEqual(len(b["features"]), 901)
        self.assertLess(len(b["features"]), 2000)

    # ---- the residents export's filters ----

    def test_export_filter_junk(self):
        base = f"/api/v1/residents/export?place_id={self.grid}"
        for q, field in (("residence=elsewhere", "residence"), ("tag=nobody", "tag"),
                         ("level=9", "level"), ("sex=x", "sex"),
                         ("age_min=-1", "age_min"), ("age_max=151", "age_max"),
                         ("age_min=abc", "age_min"), ("household_id=0", "household_id"),
                         ("house_id=1x", "house_id"), ("q=" + "x" * 65, "q"),
                         ("q=%FF", "q"), ("format=pdf", "format")):
            with self.subTest(q=q):
                st, e = self.admin.get(f"{base}&{q}")
                self.assertEqual((st, error_of(e)["code"], e["error"]["field"]),
                                 (400, "invalid_parameter", field))

    # ---- the import job table ----

    def test_import_table_keeps_64_jobs_evicting_the_oldest(self):
        data = csv_bytes([HEAD] + [person(i) for i in range(2)])
        ids = []
        for _ in range(65):
            st, up = self.admin.request("POST", f"/api/v1/imports?place_id={self.grid}", raw=data,
                                        headers={"Content-Type": "text/csv"})
            self.assertEqual(st, 201, up)
            ids.append(up["id"])
        self.assertEqual(len(set(ids)), 65)
        st, e = self.admin.get(f"/api/v1/imports/{ids[0]}")
        self.assertEqual((st, error_of(e)["code"]), (404, "not_found"))
        for i in ids[1:]:
            st, j = self.admin.get(f"/api/v1/imports/{i}")
            self.assertEqual((st, j["state"]), (200, "ready"), j)


class CliImport(unittest.TestCase):
    """`gridgov import residents FILE PLACE_CODE [MODE]` against a demo database."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="gg-cli-import-")
        cls.db = demo_db(cls.dir)
        con = sqlite3.connect(cls.db)
        try:
            [cls.grid_code] = con.execute("SELECT code FROM place WHERE kind = 'grid' ORDER BY id LIMIT 1").fetchone()
        finally:
            con.close()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def run_import(self, *args):
        return subprocess.run([BIN, "import", *args, "--db", self.db], capture_output=True, text=True,
                              timeout=120)

    def write(self, name, data):
        p = os.path.join(self.dir, name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def test_refusals(self):
        good = self.write("good.csv", csv_bytes([HEAD] + [person(i) for i in range(3)]))
        for args, rc, said in (((), 2, "usage: import residents"),
                               (("residents", good), 2, "usage: import residents"),
                               (("households", good, "x"), 2, "usage: import residents"),
                               (("residents", good, self.grid_code, "maybe"), 2, "keep_good or all_or_nothing"),
                               (("residents", good, "999999999999"), 1, "no place has the code 999999999999"),
                               (("residents", os.path.join(self.dir, "absent.csv"), self.grid_code), 1,
                                "gridgov import:")):
            with self.subTest(args=args):
                p = self.run_import(*args)
                self.assertEqual(p.returncode, rc, p.stderr)
                self.assertIn(said, p.stderr)

    def test_rejected_rows_all_or_nothing_then_keep_good(self):
        bad = ["坏行", "男", "1985-01-01", "123", "", "户籍", "汉族"]
        path = self.write("mixed.csv", csv_bytes([HEAD] + [person(i) for i in range(3)] + [bad]))
        report = ('row,column,code,message\n5,"身份证号",invalid_id_number,')
        p = self.run_import("residents", path, self.grid_code)   # all_or_nothing by default
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn(report, p.stderr)
        self.assertIn("nothing was imported (all_or_nothing) (rows_rejected)", p.stderr)
        self.assertIn("inserted=0 ", p.stdout)
        for inserted, unchanged in ((3, 0), (0, 3)):   # keep_good, then again: nothing changes
            p = self.run_import("residents", path, self.grid_code, "keep_good")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn(report, p.stderr)
            self.assertRegex(p.stdout, rf"rows=4 inserted={inserted} updated=0 unchanged={unchanged} rejected=1 ")
