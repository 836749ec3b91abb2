"""Residents export (issue 5): CSV (BOM, text-safe ID numbers and phones)
and .xlsx (every cell text), masked for every role unless the caller holds
the reveal permission and states a purpose (then audited), refused out of
scope, and re-importing an unmasked export changes nothing."""
import io
import re
import time
import unittest
import zipfile
from urllib.parse import quote

from gg import Server, error_of
from test_import import HEAD, csv_bytes, id_number

FULL = HEAD + ["文化程度", "政治面貌", "工作单位", "户籍地址", "现住址", "与户主关系", "户号", "重点人群", "备注"]


def row(i):
    male = i % 2 == 0
    n = id_number(i, male, year=1960)
    return [f"导出{i}", "男" if male else "女", f"{n[6:10]}-{n[10:12]}-{n[12:14]}", n, f"1391234{i:04d}",
            "户籍" if i % 3 else "流动人口", "汉族", "本科", "中共党员" if i % 2 else "群众", "城北五金厂",
            "青海省西宁市城北区朝阳西路1号", "西宁市城北区小桥大街2号", "户主" if i % 2 == 0 else "配偶",
            f"H{i // 2:04d}", "独居老人、残疾人" if i % 4 == 0 else "", f"备注{i}"]


class Export(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.admin = cls.srv.login("admin")
        st, me = cls.admin.get("/api/v1/session")
        cls.admin_id = me["user"]["id"]
        st, roots = cls.admin.get("/api/v1/places")
        [district] = [p for p in roots["items"] if p["code"] == "630105"]
        st, s = cls.admin.post("/api/v1/places", {"parent_id": district["id"], "kind": "street", "name": "导出街道"})
        st, c = cls.admin.post("/api/v1/places", {"parent_id": s["id"], "kind": "community", "name": "导出社区"})
        cls.community = c["id"]
        cls.grid = cls.fresh_grid()
        cls.rows = [row(i) for i in range(12)]
        cls.do_import(cls.admin, cls.grid, csv_bytes([FULL] + cls.rows), "all_or_nothing", expect_inserted=12)
        # the grid worker's own grid gets a few too (as the admin)
        gw = cls.srv.login("grid001")
        st, me = gw.get("/api/v1/session")
        cls.gw_grid = me["user"]["place_ids"][0]
        cls.do_import(cls.admin, cls.gw_grid, csv_bytes([FULL] + [row(50 + i) for i in range(3)]), "keep_good")

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    @classmethod
    def fresh_grid(cls):
        st, g = cls.admin.post("/api/v1/places", {"parent_id": cls.community, "kind": "grid", "name": "导出网格"})
        assert st == 201, g
        return g["id"]

    @classmethod
    def do_import(cls, s, place, data, mode, expect_inserted=None):
        st, up = s.request("POST", f"/api/v1/imports?place_id={place}", raw=data,
                           headers={"Content-Type": "application/octet-stream"})
        assert st == 201, up
        st, j = s.post(f"/api/v1/imports/{up['id']}/run", {"mode": mode})
        assert st == 202, j
        for _ in range(600):
            st, j = s.get(f"/api/v1/imports/{up['id']}")
            if j["state"] in ("done", "failed"):
                break
            time.sleep(0.05)
        assert j["state"] == "done", j
        if expect_inserted is not None:
            assert j["inserted"] == expect_inserted, j
        return j

    def raw_get(self, s, path):
        """The body as bytes (xlsx)."""
        conn = self.srv.conn()
        conn.request("GET", path, headers={"Cookie": "gg_session=" + s.cookie})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()

    def test_csv_masked_for_every_role(self):
        ids = [r[3] for r in self.rows]
        for user in ("admin", "command", "community01", "grid001"):
            s = self.srv.login(user)
            place = self.grid if user in ("admin", "command") else self.gw_grid
            st, body = s.get(f"/api/v1/residents/export?place_id={place}&format=csv")
            with self.subTest(user=user):
                self.assertEqual(st, 200, body)
                self.assertTrue(s.last_headers["content-type"].startswith("text/csv"))
                self.assertIn("attachment", s.last_headers["content-disposition"])
                self.assertTrue(body.startswith("\ufeff姓名,性别,出生日期"), body[:40])
                self.assertNotRegex(body, r'"\t\d{17}[\dX]"')      # no full ID number
                self.assertNotRegex(body, r'"\t1[3-9]\d{9}"')       # no full phone
                self.assertRegex(body, r'"\t\d{6}\*{8}\d{3}[\dX]"')   # masked, TAB-prefixed
                if place == self.grid:
                    self.assertEqual(s.last_headers["x-gridgov-rows"], "12")
                    for i in ids:
                        self.assertIn(i[:6] + "********" + i[-4:], body)
        for user in ("dept1", "member1", "resident1"):
            s = self.srv.login(user)
            st, e = s.get(f"/api/v1/residents/export?place_id={self.gw_grid}&format=csv")
            self.assertEqual((st, error_of(e)["code"]), (403, "forbidden"), user)

    def test_out_of_scope(self):
        gw = self.srv.login("grid001")
        st, e = gw.get(f"/api/v1/residents/export?place_id={self.grid}&format=csv")
        self.assertEqual((st, error_of(e)["code"]), (403, "out_of_scope"))
        st, e = self.srv.login("community01").get(f"/api/v1/residents/export?place_id={self.grid}")
        self.assertEqual((st, error_of(e)["code"]), (403, "out_of_scope"))
        st, e = self.admin.get(f"/api/v1/residents/export?place_id={self.grid}&format=pdf")
        self.assertEqual((st, error_of(e)["field"]), (400, "format"))

    def test_filters_are_the_lists(self):
        """The export reads its filters as the resident list does (one parser):
        the same rows, and the same 400 for a value that does not parse."""
        for q in ("party_member=true", "party_member=false", "sex=male", "age_min=1&age_max=150",
                  "residence=floating", "tag=elderly_alone", "q=" + quote("导出1")):
            with self.subTest(q=q):
                st, body = self.admin.get(f"/api/v1/residents/export?place_id={self.grid}&format=csv&{q}")
                self.assertEqual(st, 200, body)
                rows = int(self.admin.last_headers["x-gridgov-rows"])
                st, lst = self.admin.get(f"/api/v1/residents?place_id={self.grid}&limit=200&{q}")
                self.assertEqual(st, 200, lst)
                self.assertEqual(rows, len(lst["items"]))
        st, body = self.admin.get(f"/api/v1/residents/export?place_id={self.grid}&format=csv&party_member=true")
        self.assertEqual(self.admin.last_headers["x-gridgov-rows"], "6")   # the odd rows are 中共党员
        for q, field in (("party_member=yes", "party_member"), ("unmasked=1", "unmasked"),
                         ("age_min=151", "age_min"), ("house_id=0", "house_id"), ("sex=x", "sex")):
            with self.subTest(q=q):
                st, e = self.admin.get(f"/api/v1/residents/export?place_id={self.grid}&format=csv&{q}")
                self.assertEqual((st, error_of(e)["code"], error_of(e)["field"]), (400, "invalid_parameter", field))
                if field != "unmasked":
                    st, e = self.admin.get(f"/api/v1/residents?place_id={self.grid}&{q}")
                    self.assertEqual((st, error_of(e)["code"], error_of(e)["field"]),
                                     (400, "invalid_parameter", field))

    def test_unmasked_needs_permission_purpose_and_is_audited(self):
        st, e = self.admin.get(f"/api/v1/residents/export?place_id={self.grid}&format=csv&unmasked=true")
        self.assertEqual((st, error_of(e)["code"]), (422, "purpose_required"))
        cmd = self.srv.login("command")
        st, e = cmd.get(f"/api/v1/residents/export?place_id={self.grid}&format=csv&unmasked=true&purpose=" + quote("核查"))
        self.assertEqual((st, error_of(e)["code"]), (403, "reveal_not_allowed"))
        self.grant()
        purpose = "人口普查比对"
        st, body = self.admin.get(f"/api/v1/residents/export?place_id={self.grid}&format=csv&unmasked=true"
                                  f"&purpose={quote(purpose)}")
        self.assertEqual(st, 200, body)
        for r in self.rows:
            self.assertIn(f'"\t{r[3]}"', body)
            self.assertIn(f'"\t{r[4]}"', body)
        st, audit = self.admin.get("/api/v1/audit?record_type=resident_export")
        self.assertEqual(st, 200, audit)
        self.assertTrue(any(a.get("purpose") == purpose and a.get("record_id") == str(self.grid)
                            for a in audit["items"]), audit)

    def grant(self):
        st, body = self.admin.request("PUT", f"/api/v1/accounts/{self.admin_id}/can-reveal", {"can_reveal": True})
        self.assertEqual(st, 200, body)

    def test_round_trip_csv_and_xlsx(self):
        self.grant()
        for fmt in ("csv", "xlsx"):
            with self.subTest(fmt=fmt):
                st, hdrs, data = self.raw_get(
                    self.admin, f"/api/v1/residents/export?place_id={self.grid}&format={fmt}"
                                f"&unmasked=true&purpose=round-trip")
                self.assertEqual(st, 200, data[:300])
                if fmt == "xlsx":
                    self.assertEqual(data[:4], b"PK\x03\x04")
                    z = zipfile.ZipFile(io.BytesIO(data))
                    sheet = z.read("xl/worksheets/sheet1.xml").decode()
                    # the ID numbers are strings, never numbers
                    for c in re.findall(r'<c r="F\d+"[^>]*>', sheet):
                        self.assertIn('t="', c)
                j = self.do_import(self.admin, self.grid, data, "all_or_nothing")
                self.assertEqual((j["rows_read"], j["inserted"], j["updated"], j["unchanged"], j["rejected"]),
                                 (12, 0, 0, 12, 0), j)
        # the demo's own residents of a grid (houses under units, households, key groups) too
        st, hdrs, data = self.raw_get(
            self.admin, f"/api/v1/residents/export?place_id={self.gw_grid}&format=xlsx&unmasked=true&purpose=rt")
        self.assertEqual(st, 200, data[:300])
        n = int(hdrs["x-gridgov-rows"])
        self.assertGreater(n, 3)
        j = self.do_import(self.admin, self.gw_grid, data, "all_or_nothing")
        self.assertEqual((j["rows_read"], j["unchanged"], j["inserted"], j["updated"]), (n, n, 0, 0), j)
        # an export of the masked list does not import back (masked numbers are refused, not stored)
        st, hdrs, data = self.raw_get(self.admin, f"/api/v1/residents/export?place_id={self.grid}&format=csv")
        st, up = self.admin.request("POST", f"/api/v1/imports?place_id={self.grid}", raw=data,
                                    headers={"Content-Type": "text/csv"})
        st, j = self.admin.post(f"/api/v1/imports/{up['id']}/run", {"mode": "keep_good"})
        for _ in range(600):
            st, j = self.admin.get(f"/api/v1/imports/{up['id']}")
            if j["state"] in ("done", "failed"):
                break
            time.sleep(0.05)
        self.assertEqual((j["inserted"], j["updated"], j["rejected"]), (0, 0, 12), j)


if __name__ == "__main__":
    unittest.main()
