"""The grid map (issue #6) through the API: boundaries refused when broken
(self-intersecting, outside the parent, overlapping a sibling) with the
offending place and area, gaps reported, GCJ-02 converted on entry, point →
grid on interiors, shared edges, vertices and holes, import all or nothing
and export that imports back unchanged, the case layer and the heat map
capped and equal to a recount in SQLite, cases placed by their location,
the nearest service centre, and scopes.
"""
import json
import math
import os
import shutil
import sqlite3
import tempfile
import unittest

import gg
from gg import Server, error_of, stop_clean

BOX = "101.6,36.5,101.9,36.8"          # the demo city, 城北区
PI = math.pi


def wgs_to_gcj(lon, lat):
    """GCJ-02 of a WGS 84 point (the published Krasovsky-ellipsoid formula)."""
    a, ee = 6378245.0, 0.00669342162296594323
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * PI) + 20.0 * math.sin(2.0 * x * PI)) * 2.0 / 3.0
            + (20.0 * math.sin(y * PI) + 40.0 * math.sin(y / 3.0 * PI)) * 2.0 / 3.0
            + (160.0 * math.sin(y / 12.0 * PI) + 320 * math.sin(y * PI / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * PI) + 20.0 * math.sin(2.0 * x * PI)) * 2.0 / 3.0
            + (20.0 * math.sin(x * PI) + 40.0 * math.sin(x / 3.0 * PI)) * 2.0 / 3.0
            + (150.0 * math.sin(x / 12.0 * PI) + 300.0 * math.sin(x / 30.0 * PI)) * 2.0 / 3.0)
    rad = lat / 180.0 * PI
    m = 1 - ee * math.sin(rad) ** 2
    sm = math.sqrt(m)
    dlat = (dlat * 180.0) / ((a * (1 - ee)) / (m * sm) * PI)
    dlon = (dlon * 180.0) / (a / sm * math.cos(rad) * PI)
    return lon + dlon, lat + dlat


def square(x0, y0, x1, y1, holes=()):
    rings = [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]
    for hx0, hy0, hx1, hy1 in holes:
        rings.append([[hx0, hy0], [hx0, hy1], [hx1, hy1], [hx1, hy0], [hx0, hy0]])
    return {"type": "Polygon", "coordinates": rings}


def feature(place_id, geom):
    return {"type": "Feature", "properties": {"id": place_id}, "geometry": geom}


def fc(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def haversine(lon1, lat1, lon2, lat2):
    r = PI / 180
    h = (math.sin((lat2 - lat1) * r / 2) ** 2
         + math.cos(lat1 * r) * math.cos(lat2 * r) * math.sin((lon2 - lon1) * r / 2) ** 2)
    return 2 * 6371008.8 * math.asin(math.sqrt(min(1, h)))


def open_case_recount(db, bbox, now_us):
    """Open located cases in bbox by the case engine's deadline words."""
    w, s, e, n = bbox
    soon = now_us + 24 * 3600 * 1000000
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT id, CASE WHEN overdue = 1 OR (due_at IS NOT NULL AND due_at <= ?5) THEN 'overdue' "
            "WHEN due_at IS NOT NULL AND due_at < ?6 THEN 'due_soon' ELSE 'todo' END "
            "FROM gcase WHERE closed_at IS NULL AND lon BETWEEN ?1 AND ?3 AND lat BETWEEN ?2 AND ?4",
            (w, s, e, n, now_us, soon)).fetchall()
    finally:
        con.close()
    return dict(rows)


class GeoTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.a = cls.srv.login("admin")

    @classmethod
    def tearDownClass(cls):
        cls.a.close()
        stop_clean(unittest.TestCase(), cls.srv)

    # ---- helpers ----

    def put(self, pid, geom, query=""):
        return self.a.request("PUT", f"/api/v1/places/{pid}/boundary{query}", geom)

    def boundary(self, pid, s=None):
        st, f = (s or self.a).get(f"/api/v1/places/{pid}/boundary")
        self.assertEqual(st, 200, f)
        return f

    def locate(self, lon, lat, s=None, coord=""):
        return (s or self.a).get(f"/api/v1/map/locate?lat={lat!r}&lon={lon!r}{coord}")

    def children(self, pid):
        st, kids = self.a.get(f"/api/v1/places/{pid}/children?limit=200")
        self.assertEqual(st, 200, kids)
        return kids["items"]

    def demo_grid(self):
        """A demo grid, its community and a sibling grid."""
        st, roots = self.a.get("/api/v1/places")
        [d] = [p for p in roots["items"] if p["code"] == "630105"]
        street = self.children(d["id"])[1]
        comm = self.children(street["id"])[2]
        grids = [g for g in self.children(comm["id"]) if g["kind"] == "grid"]
        return grids[3], comm, grids[4]

    # ---- validation ----

    def test_broken_boundaries_are_refused_with_place_and_area(self):
        grid, comm, sib = self.demo_grid()
        own = self.boundary(grid["id"])
        # self-intersecting (a bow tie)
        c = own["properties"]["centroid"]
        bow = {"type": "Polygon", "coordinates": [[[c[0] - 1e-3, c[1] - 1e-3], [c[0] + 1e-3, c[1] + 1e-3],
                                                   [c[0] + 1e-3, c[1] - 1e-3], [c[0] - 1e-3, c[1] + 2e-3],
                                                   [c[0] - 1e-3, c[1] - 1e-3]]]}
        st, body = self.put(grid["id"], bow)
        self.assertEqual(st, 422, body)
        e = error_of(body)
        self.assertEqual(e["code"], "invalid_boundary")
        self.assertIn("Self-intersection", e["message"])
        self.assertIn(grid["code"], e["message"])
        # outside the parent: the community's box, made larger
        cb = self.boundary(comm["id"])["bbox"]
        st, body = self.put(grid["id"], square(cb[0] - 0.01, cb[1], cb[2], cb[3]))
        self.assertEqual(st, 422, body)
        e = error_of(body)
        self.assertEqual(e["code"], "outside_parent")
        self.assertIn(f"place {grid['id']}", e["message"])
        self.assertIn(grid["name"], e["message"])
        self.assertIn(f"parent {comm['id']}", e["message"])
        self.assertRegex(e["message"], r"\d+\.\d m²")
        # overlapping a sibling: the sibling's own shape
        sib_geom = self.boundary(sib["id"])["geometry"]
        st, body = self.put(grid["id"], sib_geom)
        self.assertEqual(st, 422, body)
        e = error_of(body)
        self.assertEqual(e["code"], "overlap")
        self.assertIn(f"place {sib['id']}", e["message"])
        area = float(e["message"].split("m² overlaps")[0].rsplit(" ", 2)[-2])
        self.assertAlmostEqual(area, self.boundary(sib["id"])["properties"]["area_m2"], delta=area * 0.01)
        # a community shrunk away from its grids loses them
        st, body = self.put(comm["id"], square(c[0] - 1e-3, c[1] - 1e-3, c[0] + 1e-3, c[1] + 1e-3))
        self.assertEqual(st, 422, body)
        self.assertEqual(error_of(body)["code"], "outside_parent")
        # nothing changed
        self.assertEqual(self.boundary(grid["id"])["geometry"], own["geometry"])
        self.assertEqual(self.boundary(grid["id"])["properties"]["version"], own["properties"]["version"])

    def test_gap_is_reported_then_closed(self):
        grid, comm, _ = self.demo_grid()
        own = self.boundary(grid["id"])
        c = own["properties"]["centroid"]
        small = square(round(c[0] - 1e-4, 7), round(c[1] - 1e-4, 7), round(c[0] + 1e-4, 7), round(c[1] + 1e-4, 7))
        st, body = self.put(grid["id"], small)
        self.assertEqual(st, 200, body)
        [gap] = body["gaps"]
        self.assertEqual(gap["place_id"], comm["id"])
        self.assertEqual(gap["count"], 1)  # the grid's old shape less the small square: one ring with a hole
        want = own["properties"]["area_m2"] - body["feature"]["properties"]["area_m2"]
        self.assertAlmostEqual(gap["total_m2"], want, delta=want * 0.01)
        self.assertEqual(body["feature"]["properties"]["version"], own["properties"]["version"] + 1)
        # put back: no gap left
        st, body = self.put(grid["id"], own["geometry"])
        self.assertEqual(st, 200, body)
        self.assertEqual(body["gaps"][0]["count"], 0)
        self.assertEqual(body["gaps"][0]["total_m2"], 0)
        self.assertEqual(body["feature"]["geometry"], own["geometry"])

    def test_gcj02_on_entry(self):
        # the published vector (Beijing) through this file's own formula
        g = wgs_to_gcj(116.377817, 39.911954)
        self.assertAlmostEqual(g[0], 116.38404722455657, places=9)
        self.assertAlmostEqual(g[1], 39.91334545536069, places=9)
        grid, _, _ = self.demo_grid()
        own = self.boundary(grid["id"])
        ring = own["geometry"]["coordinates"][0]
        gcj = {"type": "Polygon", "coordinates": [[list(wgs_to_gcj(x, y)) for x, y in ring]]}
        self.assertGreater(abs(gcj["coordinates"][0][0][0] - ring[0][0]), 1e-3)  # hundreds of metres apart
        st, body = self.put(grid["id"], gcj, "?coord=gcj02")
        self.assertEqual(st, 200, body)
        back = body["feature"]["geometry"]["coordinates"][0]
        self.assertEqual(len(back), len(ring))
        for (x, y), (bx, by) in zip(ring, back):
            self.assertLess(abs(x - bx), 2e-7)
            self.assertLess(abs(y - by), 2e-7)
        st, body = self.put(grid["id"], own["geometry"])
        self.assertEqual(st, 200, body)
        # a point, located from its GCJ-02 coordinates
        c = own["properties"]["centroid"]
        gx, gy = wgs_to_gcj(*c)
        st, loc = self.locate(gx, gy, coord="&coord=gcj02")
        self.assertEqual((st, loc["place_id"]), (200, grid["id"]), loc)
        self.assertGreater(haversine(gx, gy, *c), 100)  # the offset is hundreds of metres

    # ---- a map of its own: import, edges, vertices, holes ----

    def make_area(self, code):
        """A district far from the demo city, one street, one community and
        three grids: G1 west with a hole, G2 east, G3 filling G1's hole."""
        st, d = self.a.post("/api/v1/places", {"kind": "district", "code": code, "name": f"测试区{code}"})
        self.assertEqual(st, 201, d)
        st, s = self.a.post("/api/v1/places", {"parent_id": d["id"], "kind": "street", "name": "测试街道"})
        self.assertEqual(st, 201, s)
        st, c = self.a.post("/api/v1/places", {"parent_id": s["id"], "kind": "community", "name": "测试社区"})
        self.assertEqual(st, 201, c)
        gs = []
        for i in range(3):
            st, g = self.a.post("/api/v1/places", {"parent_id": c["id"], "kind": "grid", "name": f"测试网格{i + 1}"})
            self.assertEqual(st, 201, g)
            gs.append(g["id"])
        return d["id"], s["id"], c["id"], gs

    def test_import_locate_edges_holes_and_round_trip(self):
        d, s, c, (g1, g2, g3) = self.make_area("150102")
        whole = square(100, 30, 101, 31)
        hole = (100.2, 30.4, 100.3, 30.5)
        # all or nothing: G2 overlapping G1 refuses the batch, G1 included
        bad = fc(feature(d, whole), feature(s, whole), feature(c, whole),
                 feature(g1, square(100, 30, 100.5, 31)), feature(g2, square(100.4, 30, 101, 31)))
        st, body = self.a.post("/api/v1/boundaries/import", bad)
        self.assertEqual(st, 422, body)
        self.assertEqual(body["error"]["code"], "invalid_boundaries")
        report = {f["place_id"]: f for f in body["features"]}
        self.assertFalse(report[g2]["ok"])
        self.assertEqual(report[g2]["error"]["code"], "overlap")
        self.assertTrue(report[d]["ok"])
        st, _ = self.a.get(f"/api/v1/places/{d}/boundary")
        self.assertEqual(st, 404)
        good = fc(feature(d, whole), {"type": "Feature", "properties": {"code": None, "place_id": s},
                                      "geometry": whole},
                  feature(c, whole), feature(g1, square(100, 30, 100.5, 31, [hole])),
                  feature(g2, square(100.5, 30, 101, 31)), feature(g3, square(*hole)))
        st, body = self.a.post("/api/v1/boundaries/import", good)
        self.assertEqual(st, 200, body)
        self.assertEqual(body["imported"], 6)
        self.assertTrue(all(f["ok"] for f in body["features"]))
        self.assertTrue(body["gaps"])
        self.assertEqual([g["count"] for g in body["gaps"]], [0] * len(body["gaps"]))
        # interiors, the hole, a shared edge, a shared vertex, the hole's edge, outside
        cases = [((100.7, 30.2), g2), ((100.1, 30.9), g1), ((100.25, 30.45), g3),
                 ((100.5, 30.7), min(g1, g2)), ((100.5, 30.0), min(g1, g2)),
                 ((100.2, 30.45), min(g1, g3)), ((100.3, 30.5), min(g1, g3))]
        for (lon, lat), want in cases:
            for _ in range(2):  # the same answer every time
                st, loc = self.locate(lon, lat)
                self.assertEqual((st, loc.get("place_id")), (200, want), (lon, lat, loc))
        self.assertEqual([p["id"] for p in loc["path"]], [d, s, c, loc["place_id"]])
        st, body = self.locate(101.5, 30.5)
        self.assertEqual((st, error_of(body)["code"], body["error"]["field"]), (404, "outside_area", "lat"))
        # a changed boundary is seen at once (the cache keys on versions)
        st, body = self.a.post("/api/v1/boundaries/import", fc(feature(g3, square(100.2, 30.4, 100.25, 30.5))))
        self.assertEqual(st, 200, body)
        [gap] = [g for g in body["gaps"] if g["place_id"] == c]
        self.assertEqual(gap["count"], 1)  # half the hole is uncovered now
        st, body = self.locate(100.28, 30.45)
        self.assertEqual(st, 404, body)
        st, loc = self.locate(100.22, 30.45)
        self.assertEqual(loc["place_id"], g3)
        # export, import the export, export again: the same data
        st, ex = self.a.get(f"/api/v1/boundaries/export?place_id={d}")
        self.assertEqual(st, 200, ex)
        self.assertEqual(len(ex["features"]), 6)
        versions = {f["id"]: self.boundary(f["id"])["properties"]["version"] for f in ex["features"]}
        st, body = self.a.post("/api/v1/boundaries/import", ex)
        self.assertEqual(st, 200, body)
        st, ex2 = self.a.get(f"/api/v1/boundaries/export?place_id={d}")
        self.assertEqual(ex2, ex)
        for f in ex["features"]:
            self.assertEqual(self.boundary(f["id"])["properties"]["version"], versions[f["id"]] + 1)
        st, lv = self.a.get(f"/api/v1/boundaries/export?place_id={d}&level=grid")
        self.assertEqual(sorted(f["id"] for f in lv["features"]), sorted([g1, g2, g3]))

    def test_demo_export_reimports_and_is_valid(self):
        st, roots = self.a.get("/api/v1/places")
        [d] = [p for p in roots["items"] if p["code"] == "630105"]
        st, ex = self.a.get(f"/api/v1/boundaries/export?place_id={d['id']}")
        self.assertEqual(st, 200)
        self.assertEqual(len(ex["features"]), 447)
        kinds = {}
        for f in ex["features"]:
            kinds[f["properties"]["kind"]] = kinds.get(f["properties"]["kind"], 0) + 1
        self.assertEqual(kinds, {"district": 1, "street": 6, "community": 40, "grid": 400})
        # the whole demo map through every GEOS rule: no overlap, no gap
        st, body = self.a.post("/api/v1/boundaries/import", ex)
        self.assertEqual(st, 200, body)
        self.assertEqual(len(body["gaps"]), 47)
        self.assertEqual(sum(g["count"] for g in body["gaps"]), 0)

    # ---- map reads ----

    def test_map_boundaries(self):
        st, b = self.a.get(f"/api/v1/map/boundaries?level=grid&bbox={BOX}")
        self.assertEqual(st, 200, b)
        demo = [f for f in b["features"] if f["properties"]["code"].startswith("630105")]
        self.assertEqual(len(demo), 400)
        self.assertFalse(b["truncated"])
        p = demo[0]["properties"]
        self.assertEqual(set(p), {"id", "code", "name", "kind", "parent_id"})
        self.assertEqual(p["kind"], "grid")
        st, b = self.a.get(f"/api/v1/map/boundaries?level=street&bbox={BOX}")
        self.assertEqual(len([f for f in b["features"] if f["properties"]["code"].startswith("630105")]), 6)
        # a grid worker sees their own grid only
        gw = self.srv.login("grid001")
        st, b = gw.get(f"/api/v1/map/boundaries?level=grid&bbox={BOX}")
        self.assertEqual((st, len(b["features"])), (200, 1), b)
        st, me = gw.get("/api/v1/session")
        self.assertEqual(b["features"][0]["properties"]["id"], me["user"]["place_ids"][0])
        for bad in ("bbox=1,2,3", "bbox=101,36,100,37", "bbox=90,30,100,40", "bbox=101.6,36.5,101.9,36.8&level=unit"):
            st, body = self.a.get(f"/api/v1/map/boundaries?{bad}")
            self.assertEqual(st, 400, (bad, body))
            self.assertEqual(error_of(body)["code"], "invalid_parameter")

    def test_case_layer_matches_a_recount(self):
        import time
        bbox = (101.6, 36.5, 101.9, 36.8)
        for zoom in (10, 13, 15):
            now = int(time.time() * 1e6)
            st, layer = self.a.get(f"/api/v1/map/layers/cases?bbox={BOX}&zoom={zoom}")
            self.assertEqual(st, 200, layer)
            truth = open_case_recount(self.srv.db, bbox, now)
            self.assertEqual(layer["mode"], "clusters")
            self.assertEqual(layer["level"], {10: "street", 13: "community", 15: "grid"}[zoom])
            self.assertLessEqual(len(layer["features"]), layer["limit"])
            self.assertEqual(layer["total"], len(truth))
            counts = {"todo": 0, "due_soon": 0, "overdue": 0}
            for f in layer["features"]:
                p = f["properties"]
                self.assertTrue(p["cluster"])
                self.assertEqual(p["count"], sum(p["counts"].values()))
                for k in counts:
                    counts[k] += p["counts"][k]
            want = {k: sum(1 for v in truth.values() if v == k) for k in counts}
            # a deadline may pass between the two reads: allow a case or two to move
            for k in counts:
                self.assertLessEqual(abs(counts[k] - want[k]), 2, (counts, want))
            self.assertGreater(want["todo"], 0)
            self.assertGreater(want["overdue"], 0)
        # close up: the points themselves, their ids the recount's
        st, layer = self.a.get("/api/v1/map/layers/cases?bbox=101.74,36.64,101.78,36.68&zoom=17")
        self.assertEqual((st, layer["mode"]), (200, "points"), layer)
        truth = open_case_recount(self.srv.db, (101.74, 36.64, 101.78, 36.68), int(time.time() * 1e6))
        self.assertEqual(sorted(int(f["id"]) for f in layer["features"]), sorted(truth))
        f = layer["features"][0]
        self.assertEqual(set(f["properties"]), {"id", "state", "title", "kind"})
        self.assertEqual(f["geometry"]["type"], "Point")
        # one state only
        st, od = self.a.get(f"/api/v1/map/layers/cases?bbox={BOX}&zoom=10&state=overdue")
        self.assertEqual(sum(f["properties"]["counts"]["todo"] for f in od["features"]), 0)
        st, body = self.a.get(f"/api/v1/map/layers/cases?bbox={BOX}&zoom=10&state=green")
        self.assertEqual(st, 400, body)
        # a grid worker counts their grid's cases only
        gw = self.srv.login("grid001")
        st, mine = gw.get(f"/api/v1/map/layers/cases?bbox={BOX}&zoom=10")
        self.assertEqual(st, 200, mine)
        self.assertLessEqual(len(mine["features"]), 1)
        self.assertLess(mine["total"], len(truth) + 1000)

    def test_key_group_layer_matches_a_recount(self):
        con = sqlite3.connect(f"file:{self.srv.db}?mode=ro", uri=True)
        try:
            per_comm = {}
            for cid, n in con.execute(
                    "SELECT c.id, count(*) FROM resident_tag t JOIN place c ON c.kind = 'community' "
                    "AND t.place_path LIKE c.path || '%' GROUP BY c.id"):
                per_comm[cid] = n
            elderly = con.execute("SELECT count(*) FROM resident_tag WHERE tag = 6").fetchone()[0]
        finally:
            con.close()
        self.assertGreater(sum(per_comm.values()), 0)
        st, layer = self.a.get(f"/api/v1/map/layers/key-groups?bbox={BOX}&zoom=13")
        self.assertEqual(st, 200, layer)
        self.assertEqual((layer["mode"], layer["level"]), ("clusters", "community"))
        got = {int(f["properties"]["place_id"]): f["properties"]["count"] for f in layer["features"]}
        self.assertEqual(got, per_comm)
        self.assertEqual(layer["total"], sum(per_comm.values()))
        f = layer["features"][0]["properties"]
        self.assertEqual(f["count"], sum(f["counts"].values()))
        self.assertIn("elderly_alone", f["counts"])
        # one key group, by its Chinese label
        st, one = self.a.get(f"/api/v1/map/layers/key-groups?bbox={BOX}&zoom=10&tag=%E7%8B%AC%E5%B1%85%E8%80%81%E4%BA%BA")  # 独居老人
        self.assertEqual(st, 200, one)
        self.assertEqual(one["total"], elderly)
        st, body = self.a.get(f"/api/v1/map/layers/key-groups?bbox={BOX}&zoom=10&tag=nobody")
        self.assertEqual((st, error_of(body)["field"]), (400, "tag"))
        # a grid worker counts the people of their own grid only; a resident may not look
        gw = self.srv.login("grid001")
        st, mine = gw.get(f"/api/v1/map/layers/key-groups?bbox={BOX}&zoom=15")
        self.assertEqual(st, 200, mine)
        self.assertLessEqual(len(mine["features"]), 1)
        self.assertLess(mine["total"], layer["total"])
        st, body = self.srv.login("resident1").get(f"/api/v1/map/layers/key-groups?bbox={BOX}&zoom=10")
        self.assertEqual(st, 403, body)

    def test_heat_matches_a_recount(self):
        st, roots = self.a.get("/api/v1/places")
        [d] = [p for p in roots["items"] if p["code"] == "630105"]
        st, heat = self.a.get(f"/api/v1/map/heat?place_id={d['id']}&level=grid&from=2020-01-01")
        self.assertEqual(st, 200, heat)
        con = sqlite3.connect(f"file:{self.srv.db}?mode=ro", uri=True)
        try:
            per_grid = dict(con.execute(
                "SELECT g.id, count(*) FROM gcase k JOIN place g ON g.kind = 'grid' AND "
                "k.place_path LIKE g.path || '%' WHERE g.code LIKE '630105%' GROUP BY g.id").fetchall())
        finally:
            con.close()
        got = {int(f["properties"]["place_id"]): f["properties"]["count"] for f in heat["features"]}
        self.assertEqual(got, per_grid)
        self.assertEqual(heat["max"], max(per_grid.values()))
        self.assertEqual(heat["total"], sum(per_grid.values()))
        self.assertTrue(all(f["geometry"]["type"] == "Point" for f in heat["features"]))
        st, none = self.a.get(f"/api/v1/map/heat?place_id={d['id']}&from=2001-01-01&to=2001-12-31")
        self.assertEqual((st, none["total"], none["features"]), (200, 0, []))

    def test_layer_cap_holds_whatever_the_data(self):
        # a database with three times the demo's cases: 3,400 open located
        # cases, more than a layer ever ships as points
        d = tempfile.mkdtemp(prefix="gg-geo-")
        try:
            db = os.path.join(d, "big.db")
            shutil.copy(gg.demo_db(d), db)
            con = sqlite3.connect(db)
            cols = [r[1] for r in con.execute("PRAGMA table_info(gcase)") if r[1] != "id"]
            for _ in range(2):
                con.execute(f"INSERT INTO gcase ({','.join(cols)}) SELECT {','.join(cols)} FROM gcase")
            con.commit()
            con.close()
            srv = Server(db=db)
            try:
                a = srv.login("admin")
                st, layer = a.get(f"/api/v1/map/layers/cases?bbox={BOX}&zoom=18")
                self.assertEqual(st, 200, layer)
                self.assertEqual(layer["mode"], "clusters")  # too many points: per grid instead
                self.assertEqual(layer["level"], "grid")
                self.assertLessEqual(len(layer["features"]), layer["limit"])
                import time
                self.assertGreater(layer["total"], layer["limit"])
                self.assertAlmostEqual(layer["total"], len(open_case_recount(db, (101.6, 36.5, 101.9, 36.8),
                                                                            int(time.time() * 1e6))), delta=0)
                a.close()
            finally:
                srv.cleanup()
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_pois_and_nearest_centre(self):
        st, layer = self.a.get(f"/api/v1/map/layers/pois?bbox={BOX}&zoom=15&kind=service_centre")
        self.assertEqual((st, layer["mode"]), (200, "points"), layer)
        centres = layer["features"]
        self.assertEqual(len(centres), 40)  # one per community
        st, vols = self.a.get(f"/api/v1/map/layers/pois?bbox={BOX}&zoom=15&kind=volunteer")
        self.assertEqual(len(vols["features"]), 360)  # nine in ten on duty now
        st, agg = self.a.get(f"/api/v1/map/layers/pois?bbox={BOX}&zoom=11")
        self.assertEqual((agg["mode"], agg["level"], agg["total"]), ("clusters", "street", 40 + 46 + 360))
        sums = {k: sum(f["properties"]["counts"][k] for f in agg["features"])
                for k in ("service_centre", "party_org", "volunteer")}
        self.assertEqual(sums, {"service_centre": 40, "party_org": 46, "volunteer": 360})
        # a grid worker: every public place, but only the volunteers of their own grid
        st, gagg = self.srv.login("grid001").get(f"/api/v1/map/layers/pois?bbox={BOX}&zoom=11")
        self.assertEqual(st, 200, gagg)
        self.assertIn(gagg["total"], (40 + 46, 40 + 46 + 1))
        for lon, lat in ((101.76, 36.66), (101.70, 36.61), (101.83, 36.71)):
            st, near = self.a.get(f"/api/v1/map/nearest-centre?lat={lat}&lon={lon}")
            self.assertEqual(st, 200, near)
            best = min(centres, key=lambda f: haversine(lon, lat, *f["geometry"]["coordinates"]))
            self.assertEqual(near["centre"]["id"], best["id"])
            dist = haversine(lon, lat, near["centre"]["lon"], near["centre"]["lat"])
            self.assertAlmostEqual(near["distance_m"], dist, delta=0.2)
            self.assertAlmostEqual(near["walk_minutes"], dist * 1.3 / 80, delta=0.06)
            self.assertEqual(near["within_15_min"], near["walk_minutes"] <= 15)
        st, gw_vols = self.srv.login("grid001").get(f"/api/v1/map/layers/pois?bbox={BOX}&zoom=15&kind=volunteer")
        self.assertLessEqual(len(gw_vols["features"]), 1)

    # ---- cases placed by where they are ----

    def test_case_by_location(self):
        gw = self.srv.login("grid001")
        st, me = gw.get("/api/v1/session")
        mine = me["user"]["place_ids"][0]
        st, cats = gw.get("/api/v1/categories?kind=event")
        cat = cats["items"][0]["id"]
        c = self.boundary(mine, gw)["properties"]["centroid"]
        body = {"kind": "event", "category_id": cat, "title": "井盖缺失", "lat": c[1], "lon": c[0]}
        st, k = gw.post("/api/v1/cases", body)
        self.assertEqual(st, 201, k)
        self.assertEqual(k["place_id"], mine)
        self.assertEqual((k["location"]["lon"], k["location"]["lat"]), (c[0], c[1]))
        # GCJ-02 from a phone map: converted, stored as WGS 84
        gx, gy = wgs_to_gcj(*c)
        st, k = gw.post("/api/v1/cases", dict(body, lat=gy, lon=gx, coord="gcj02"))
        self.assertEqual((st, k.get("place_id")), (201, mine), k)
        self.assertLess(abs(k["location"]["lon"] - c[0]), 1e-6)
        self.assertLess(abs(k["location"]["lat"] - c[1]), 1e-6)
        # a point in someone else's grid
        grid, _, _ = self.demo_grid()
        oc = self.boundary(grid["id"])["properties"]["centroid"]
        st, err = gw.post("/api/v1/cases", dict(body, lat=oc[1], lon=oc[0]))
        self.assertEqual((st, error_of(err)["code"]), (403, "out_of_scope"), err)
        # nowhere
        st, err = gw.post("/api/v1/cases", dict(body, lat=10.0, lon=10.0))
        self.assertEqual(st, 422, err)
        self.assertEqual((error_of(err)["code"], err["error"]["field"]), ("outside_area", "lat"))
        # neither place nor location
        st, err = gw.post("/api/v1/cases", {"kind": "event", "category_id": cat, "title": "无处"})
        self.assertEqual((st, error_of(err)["field"]), (422, "place_id"))
        st, err = gw.post("/api/v1/cases", dict(body, coord="bd09"))
        self.assertEqual((st, error_of(err)["field"]), (422, "coord"))
        # place_id given: used as before, the location kept as sent
        st, k = gw.post("/api/v1/cases", dict(body, place_id=mine, lat=oc[1], lon=oc[0]))
        self.assertEqual((st, k.get("place_id")), (201, mine), k)
        # the demo's own cases lie in their grids
        con = sqlite3.connect(f"file:{self.srv.db}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT place_id, lon, lat FROM gcase WHERE id % 97 = 1 AND id < 3001").fetchall()
        finally:
            con.close()
        self.assertGreater(len(rows), 20)
        for pid, lon, lat in rows:
            st, loc = self.locate(lon, lat)
            self.assertEqual((st, int(loc["place_id"])), (200, pid))

    # ---- scope ----

    def test_out_of_scope_is_refused(self):
        comm = self.srv.login("community01")
        st, me = comm.get("/api/v1/session")
        own = me["user"]["place_ids"][0]
        grid, other_comm, _ = self.demo_grid()
        self.assertNotEqual(other_comm["id"], own)
        st, body = comm.get(f"/api/v1/places/{grid['id']}/boundary")
        self.assertEqual((st, error_of(body)["code"]), (403, "out_of_scope"))
        st, body = comm.get(f"/api/v1/boundaries/export?place_id={other_comm['id']}")
        self.assertEqual((st, error_of(body)["code"]), (403, "out_of_scope"))
        st, body = comm.get(f"/api/v1/map/heat?place_id={other_comm['id']}")
        self.assertEqual(st, 403)
        c = self.boundary(grid["id"])["properties"]["centroid"]
        st, body = self.locate(c[0], c[1], s=comm)
        self.assertEqual((st, error_of(body)["code"]), (403, "out_of_scope"))
        st, ex = comm.get(f"/api/v1/boundaries/export?place_id={own}")
        self.assertEqual(st, 200)
        self.assertEqual(len(ex["features"]), 11)  # the community and its ten grids
        # a street administrator may not import into another street
        st, body = self.a.post("/api/v1/accounts", {"username": "geo.streetadmin", "display_name": "街道管理员",
                                                    "role": "admin", "password": "geo-password-2026",
                                                    "place_ids": [own]})
        self.assertEqual(st, 201, body)
        sa = self.srv.login("geo.streetadmin", "geo-password-2026")
        g = self.boundary(grid["id"])["geometry"]
        st, body = sa.post("/api/v1/boundaries/import", fc(feature(grid["id"], g)))
        self.assertEqual((st, error_of(body)["code"]), (403, "out_of_scope"))
        st, body = sa.request("PUT", f"/api/v1/places/{grid['id']}/boundary", g)
        self.assertEqual((st, error_of(body)["code"]), (403, "out_of_scope"))

    def test_bad_geojson(self):
        grid, _, _ = self.demo_grid()
        for bad, code in ((fc(), "invalid_geojson"), ({"type": "Point", "coordinates": [1, 2]}, "invalid_geojson"),
                          ([1, 2], "invalid_json")):
            st, body = self.put(grid["id"], bad)
            self.assertEqual((st, error_of(body)["code"]), (400 if code == "invalid_json" else 422, code), body)
        st, body = self.put(grid["id"], square(101, 36, 101.1, 36.1), "?coord=mars")
        self.assertEqual((st, error_of(body)["code"]), (422, "invalid_value"))
        st, body = self.a.post("/api/v1/boundaries/import", fc(feature("999999", square(1, 1, 2, 2))))
        self.assertEqual((st, error_of(body)["code"]), (422, "invalid_reference"))
        st, body = self.a.post("/api/v1/boundaries/import", square(1, 1, 2, 2))
        self.assertEqual((st, error_of(body)["code"]), (422, "invalid_geojson"))
        # the same place twice in one import
        g = self.boundary(grid["id"])["geometry"]
        st, body = self.a.post("/api/v1/boundaries/import", fc(feature(grid["id"], g), feature(grid["id"], g)))
        self.assertEqual(st, 422, body)
        self.assertEqual(sorted(f["ok"] for f in body["features"]), [False, True])
        self.assertIn("duplicate", [f.get("error", {}).get("code") for f in body["features"]])


if __name__ == "__main__":
    unittest.main()
