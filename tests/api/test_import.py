"""Residents import (issue 5): upload, preview and mapping, the run in the
background, progress, the row-level report, the two modes, re-import,
hostile and broken files, and scope.

Every fixture is made here: CSV as text, .xlsx with zipfile (hand-written
OOXML: inline strings, numbers, a date style, formulas)."""
import base64
import io
import time
import unittest
import zipfile
from xml.sax.saxutils import escape

from gg import Server, error_of
from regkit import with_check_digit


def id_number(i, male=True, region="630105", year=1985):
    """A valid GB 11643 number, distinct per i (0..499)."""
    seq = (i * 2 + (1 if male else 0)) % 1000
    return with_check_digit(f"{region}{year}{1 + i % 12:02d}{1 + i % 28:02d}{seq:03d}")


HEAD = ["姓名", "性别", "出生日期", "身份证号", "联系电话", "人员类型", "民族"]


def person(i):
    male = i % 2 == 0
    n = id_number(i, male)
    return [f"测试{i}", "男" if male else "女", f"{n[6:10]}-{n[10:12]}-{n[12:14]}", n,
            f"1381234{i:04d}", "户籍", "汉族"]


def csv_bytes(rows, encoding="utf-8", bom=False):
    text = "\r\n".join(",".join(r) for r in rows) + "\r\n"
    return (b"\xef\xbb\xbf" if bom and encoding == "utf-8" else b"") + text.encode(encoding)


def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx_bytes(rows, sheet_xml=None):
    """rows: lists of cells: str (inline string), int/float (number),
    ('date', serial) (number with a date style), ('f', formula, cached)."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    out = []
    for r, cells in enumerate(rows, 1):
        cs = []
        for c, v in enumerate(cells):
            ref = f"{col(c)}{r}"
            if isinstance(v, str):
                cs.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>')
            elif isinstance(v, tuple) and v[0] == "date":
                cs.append(f'<c r="{ref}" s="1"><v>{v[1]}</v></c>')
            elif isinstance(v, tuple) and v[0] == "f":
                cs.append(f'<c r="{ref}" t="str"><f>{escape(v[1])}</f><v>{escape(v[2])}</v></c>')
            else:
                cs.append(f'<c r="{ref}"><v>{v}</v></c>')
        out.append(f'<row r="{r}">{"".join(cs)}</row>')
    sheet = sheet_xml or f'<worksheet {ns}><sheetData>{"".join(out)}</sheetData></worksheet>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml",
                   f'<workbook {ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   '<sheets><sheet name="居民" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                   '</Relationships>')
        z.writestr("xl/styles.xml",
                   f'<styleSheet {ns}><cellXfs count="2"><xf numFmtId="0"/>'
                   '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return buf.getvalue()


def form(data, filename="居民.xlsx"):
    b = "importboundary"
    body = (f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{b}--\r\n".encode()
    return body, f"multipart/form-data; boundary={b}"


class Import(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.admin = cls.srv.login("admin")
        st, roots = cls.admin.get("/api/v1/places")
        [district] = [p for p in roots["items"] if p["code"] == "630105"]
        cls.district = district["id"]
        # a fresh grid per test class keeps counts exact
        st, g = cls.admin.post("/api/v1/places", {"parent_id": district["id"], "kind": "street",
                                                  "name": "导入测试街道"})
        assert st == 201, g
        st, c = cls.admin.post("/api/v1/places", {"parent_id": g["id"], "kind": "community", "name": "导入社区"})
        assert st == 201, c
        st, grid = cls.admin.post("/api/v1/places", {"parent_id": c["id"], "kind": "grid", "name": "导入网格"})
        assert st == 201, grid
        cls.street, cls.grid, cls.grid_code = g["id"], grid["id"], grid["code"]

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    # ---- helpers ----

    def upload(self, data, place=None, s=None, multipart=False, ctype="text/csv"):
        s = s or self.admin
        place = place or self.grid
        if multipart:
            body, ct = form(data)
        else:
            body, ct = data, ctype
        return s.request("POST", f"/api/v1/imports?place_id={place}", raw=body, headers={"Content-Type": ct})

    def wait(self, iid, s=None):
        s = s or self.admin
        for _ in range(600):
            st, j = s.get(f"/api/v1/imports/{iid}")
            self.assertEqual(st, 200, j)
            if j["state"] in ("done", "failed"):
                return j
            time.sleep(0.05)
        self.fail(f"import {iid} did not finish")

    def run_import(self, data, mode="all_or_nothing", mapping=None, place=None, multipart=False):
        st, up = self.upload(data, place=place, multipart=multipart)
        self.assertEqual(st, 201, up)
        body = {"mode": mode}
        if mapping:
            body["mapping"] = mapping
        st, j = self.admin.post(f"/api/v1/imports/{up['id']}/run", body)
        self.assertEqual(st, 202, j)
        self.assertEqual(j["state"], "running")
        return up, self.wait(up["id"])

    def errors(self, iid):
        items, cursor = [], None
        for _ in range(100):
            st, page = self.admin.get(f"/api/v1/imports/{iid}/errors?limit=2" + (f"&cursor={cursor}" if cursor else ""))
            self.assertEqual(st, 200, page)
            items += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return [(e["row"], e["column"], e["code"]) for e in items], items
        self.fail("report paging did not end")

    def count(self, place=None):
        st, body = self.admin.get(f"/api/v1/residents/export?place_id={place or self.grid}&format=csv")
        self.assertEqual(st, 200, body)
        return int(self.admin.last_headers["x-gridgov-rows"])

    def fresh_grid(self):
        st, g = self.admin.post("/api/v1/places", {"parent_id": self.street and self.community(),
                                                   "kind": "grid", "name": "导入网格"})
        self.assertEqual(st, 201, g)
        return g["id"]

    def community(self):
        st, kids = self.admin.get(f"/api/v1/places/{self.street}/children")
        return kids["items"][0]["id"]

    # ---- tests ----

    def test_good_csv_utf8_preview_and_reimport(self):
        grid = self.fresh_grid()
        rows = [HEAD] + [person(i) for i in range(10)]
        st, up = self.upload(csv_bytes(rows, bom=True), place=grid)
        self.assertEqual(st, 201, up)
        self.assertEqual((up["format"], up["encoding"], up["state"]), ("csv", "utf-8", "ready"))
        self.assertEqual(up["headers"], HEAD)
        self.assertEqual(up["mapping"]["name"], "姓名")
        self.assertEqual(up["mapping"]["id_number"], "身份证号")
        self.assertEqual(up["mapping"]["phone"], "联系电话")
        self.assertIsNone(up["mapping"]["tags"])
        self.assertEqual(up["missing"], [])
        self.assertEqual(len(up["preview"]), 10)
        self.assertEqual(up["preview"][0]["row"], 2)
        self.assertEqual(up["preview"][0]["cells"][0], "测试0")
        # ID numbers and phones are masked in the preview
        self.assertEqual(up["preview"][0]["cells"][3], person(0)[3][:6] + "********" + person(0)[3][-4:])
        self.assertEqual(up["preview"][0]["cells"][4], "138****0000")
        st, j = self.admin.post(f"/api/v1/imports/{up['id']}/run", {"mode": "all_or_nothing"})
        self.assertEqual(st, 202, j)
        j = self.wait(up["id"])
        self.assertEqual((j["state"], j["rows_read"], j["inserted"], j["updated"], j["unchanged"], j["rejected"]),
                         ("done", 10, 10, 0, 0, 0), j)
        self.assertEqual(j["progress"], 1.0)
        self.assertEqual(self.count(grid), 10)
        # a run only once
        st, e = self.admin.post(f"/api/v1/imports/{up['id']}/run", {})
        self.assertEqual(st, 409, e)
        # the same file again changes nothing
        up2, j2 = self.run_import(csv_bytes(rows, bom=True), place=grid)
        self.assertEqual((j2["inserted"], j2["updated"], j2["unchanged"], j2["rejected"]), (0, 0, 10, 0), j2)
        # one changed phone: one update
        rows[3] = list(rows[3])
        rows[3][4] = "13900000000"
        up3, j3 = self.run_import(csv_bytes(rows), place=grid, mode="keep_good")
        self.assertEqual((j3["inserted"], j3["updated"], j3["unchanged"]), (0, 1, 9), j3)
        self.assertEqual(self.count(grid), 10)

    def test_gbk_csv(self):
        grid = self.fresh_grid()
        rows = [HEAD] + [person(100 + i) for i in range(5)]
        up, j = self.run_import(csv_bytes(rows, encoding="gbk"), place=grid)
        self.assertEqual(up["encoding"], "gb18030")
        self.assertEqual(up["headers"], HEAD)
        self.assertEqual((j["state"], j["inserted"]), ("done", 5), j)
        st, body = self.admin.get(f"/api/v1/residents/export?place_id={grid}&format=csv")
        self.assertIn("测试100", body)

    def test_wrong_encoding(self):
        data = "姓名,身份证号\r\n".encode() + b"\xff\xfe\xfa\xfb," + id_number(1).encode() + b"\r\n"
        st, e = self.upload(data)
        self.assertEqual(st, 422, e)
        self.assertEqual(error_of(e)["code"], "csv_encoding")

    def test_encoding_error_after_the_preview(self):
        """A byte valid in neither encoding far down the file: the preview is
        fine, the run fails on it and all_or_nothing has written nothing."""
        grid = self.fresh_grid()
        good = csv_bytes([HEAD] + [[f"编码{i}", *person(i)[1:]] for i in range(300)])  # > 16 KiB
        data = good + "坏".encode() + b"\xff\xfe," + id_number(499).encode() + b"\r\n"
        st, up = self.upload(data, place=grid)
        self.assertEqual(st, 201, up)
        self.assertEqual(up["encoding"], "utf-8")
        st, j = self.admin.post(f"/api/v1/imports/{up['id']}/run", {"mode": "all_or_nothing"})
        self.assertEqual(st, 202, j)
        j = self.wait(up["id"])
        self.assertEqual((j["state"], j["error"]["code"], j["inserted"]), ("failed", "csv_encoding", 0), j)
        self.assertIn("line 302", j["error"]["message"])
        self.assertEqual(self.count(grid), 0)

    def test_missing_columns(self):
        data = csv_bytes([["姓名", "电话号码", "备用"], ["张三", "13812345678", id_number(3)]])
        st, up = self.upload(data)
        self.assertEqual(st, 201, up)
        self.assertEqual(up["missing"], ["id_number"])
        st, e = self.admin.post(f"/api/v1/imports/{up['id']}/run", {"mode": "keep_good"})
        self.assertEqual(st, 422, e)
        self.assertEqual(error_of(e)["code"], "missing_columns")
        self.assertIn("身份证号", e["error"]["message"])
        st, e = self.admin.post(f"/api/v1/imports/{up['id']}/run",
                                {"mapping": {"shoe_size": "备用"}})
        self.assertEqual((st, error_of(e)["code"]), (422, "invalid_mapping"))
        # an explicit mapping names the column: then it runs
        grid = self.fresh_grid()
        st, up = self.upload(data, place=grid)
        st, j = self.admin.post(f"/api/v1/imports/{up['id']}/run", {"mapping": {"id_number": "备用"}})
        self.assertEqual(st, 202, j)
        j = self.wait(up["id"])
        self.assertEqual((j["state"], j["inserted"]), ("done", 1), j)
        self.assertEqual(j["mapping"]["id_number"], "备用")

    def bad_rows(self):
        rows = [HEAD] + [person(200 + i) for i in range(5)]
        rows.insert(3, [*person(210)[:3], "630105198501010010", *person(210)[4:]])  # row 4: bad check digit
        rows.append(list(person(201)))                                              # row 8: repeats row 3
        rows.append(["", "男", "", id_number(211), "", "", ""])                    # row 9: no name
        rows.append([*person(212)[:4], "12345", *person(212)[5:]])                  # row 10: bad phone
        return rows

    def test_all_or_nothing_writes_nothing(self):
        grid = self.fresh_grid()
        before = self.count(grid)
        up, j = self.run_import(csv_bytes(self.bad_rows()), place=grid)
        self.assertEqual(j["state"], "failed", j)
        self.assertEqual(j["error"]["code"], "rows_rejected")
        self.assertEqual((j["rows_read"], j["rejected"], j["inserted"]), (9, 4, 0), j)
        self.assertEqual(self.count(grid), before)
        got, items = self.errors(up["id"])
        self.assertEqual(got, [(4, "身份证号", "invalid_id_number"), (8, "身份证号", "duplicate_row"),
                               (9, "姓名", "missing_value"), (10, "联系电话", "invalid_phone")])
        self.assertIn("3", items[1]["message"])       # names the first row with that number
        self.assertTrue(all(i["message_zh"] for i in items))

    def test_keep_good_and_csv_report(self):
        grid = self.fresh_grid()
        up, j = self.run_import(csv_bytes(self.bad_rows()), place=grid, mode="keep_good")
        self.assertEqual((j["state"], j["rows_read"], j["inserted"], j["rejected"]), ("done", 9, 5, 4), j)
        self.assertEqual(self.count(grid), 5)
        st, text = self.admin.get(f"/api/v1/imports/{up['id']}/errors?format=csv")
        self.assertEqual(st, 200, text)
        self.assertTrue(self.admin.last_headers["content-type"].startswith("text/csv"))
        lines = text.lstrip("\ufeff").strip().split("\r\n")
        self.assertEqual(len(lines), 5)
        self.assertTrue(lines[1].startswith('4,"身份证号","id_number","invalid_id_number",'), lines[1])

    def test_errors_page_bad_cursor(self):
        # a well-formed cursor whose number is not one we gave out: invalid_cursor, as every list
        # (was invalid_parameter here alone)
        grid = self.fresh_grid()
        up, j = self.run_import(csv_bytes(self.bad_rows()), place=grid, mode="all_or_nothing")  # writes nothing
        for key in (b"cabc", b"c-5", b"c1.5"):
            cur = base64.urlsafe_b64encode(key).decode().rstrip("=")
            with self.subTest(cursor=key):
                st, e = self.admin.get(f"/api/v1/imports/{up['id']}/errors?cursor={cur}")
                self.assertEqual((st, error_of(e)["code"], error_of(e)["field"]), (400, "invalid_cursor", "cursor"))
        st, page = self.admin.get(f"/api/v1/imports/{up['id']}/errors?limit=2")
        self.assertEqual(st, 200, page)
        st, page2 = self.admin.get(f"/api/v1/imports/{up['id']}/errors?limit=2&cursor={page['next_cursor']}")
        self.assertEqual(st, 200, page2)

    def test_xlsx_dates_formulas_numbers(self):
        grid = self.fresh_grid()
        a, b, c, d = (person(300 + i) for i in range(4))
        rows = [HEAD,
                [a[0], a[1], ("date", 31048), a[3], a[4], a[5], a[6]],      # 1985-01-01 as a serial date
                [b[0], b[1], b[2], b[3], ("f", "A1&B1", b[4]), b[5], b[6]],  # formula in the phone column
                [c[0], c[1], c[2], 6.30105198503030E+17, c[4], c[5], c[6]],   # ID typed as a number
                [d[0], d[1], d[2], d[3], 13812340303, d[5], d[6]]]             # a phone as a number is fine
        a[3] = id_number(300, True, year=1985).replace(a[3][6:14], "19850101")
        a[3] = with_check_digit(a[3][:17])
        rows[1][3] = a[3]
        up, j = self.run_import(xlsx_bytes(rows), place=grid, mode="keep_good", multipart=True)
        self.assertEqual(up["format"], "xlsx")
        self.assertIsNone(up["encoding"])
        self.assertEqual((j["state"], j["inserted"], j["rejected"]), ("done", 2, 2), j)
        got, items = self.errors(up["id"])
        self.assertEqual(got, [(3, "联系电话", "formula"), (4, "身份证号", "id_number_as_number")])
        self.assertIn("文本", items[1]["message_zh"])
        st, body = self.admin.get(f"/api/v1/residents/export?place_id={grid}&format=csv")
        self.assertIn("1985-01-01", body)

    def test_truncated_zip_and_bomb(self):
        good = xlsx_bytes([HEAD, person(400)])
        st, e = self.upload(good[: len(good) // 2], multipart=True)
        self.assertEqual(st, 422, e)
        self.assertEqual(error_of(e)["code"], "xlsx_corrupt")
        ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        bomb = f"<worksheet {ns}><sheetData>" + " " * (64 << 20) + "</sheetData></worksheet>"
        data = xlsx_bytes([], sheet_xml=bomb)
        self.assertLess(len(data), 1 << 20)
        st, e = self.upload(data, multipart=True)
        self.assertEqual(st, 413, e)
        self.assertEqual(error_of(e)["code"], "xlsx_bomb")
        st, e = self.upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
        self.assertEqual((st, error_of(e)["code"]), (422, "xlsx_unsupported"))
        st, e = self.upload(b"")
        self.assertEqual((st, error_of(e)["code"]), (422, "empty_file"))
        st, e = self.upload(b'{"a": 1}', ctype="application/json")
        self.assertEqual(st, 415, e)

    def test_scope(self):
        gw = self.srv.login("grid001")
        st, me = gw.get("/api/v1/session")
        own = me["user"]["place_ids"][0]
        # into another place: refused before anything is stored
        st, e = self.upload(csv_bytes([HEAD, person(450)]), place=self.grid, s=gw)
        self.assertEqual((st, error_of(e)["code"]), (403, "out_of_scope"))
        # someone else's import of a place outside the grid worker's scope
        st, up = self.upload(csv_bytes([HEAD, person(451)]))
        for path in ("", "/errors"):
            st, e = gw.get(f"/api/v1/imports/{up['id']}{path}")
            self.assertEqual((st, error_of(e)["code"]), (403, "out_of_scope"))
        st, e = gw.post(f"/api/v1/imports/{up['id']}/run", {})
        self.assertEqual((st, error_of(e)["code"]), (403, "out_of_scope"))
        # within the grid worker's own grid it works, and a grid column outside is refused per row
        data = csv_bytes([HEAD + ["网格编码"], person(452) + [self.grid_code]])
        st, up = self.upload(data, place=own, s=gw)
        self.assertEqual(st, 201, up)
        st, j = gw.post(f"/api/v1/imports/{up['id']}/run", {"mode": "keep_good"})
        self.assertEqual(st, 202, j)
        j = self.wait(up["id"], s=gw)
        self.assertEqual((j["inserted"], j["rejected"]), (0, 1), j)
        st, page = gw.get(f"/api/v1/imports/{up['id']}/errors")
        self.assertEqual(page["items"][0]["code"], "out_of_scope")
        self.assertEqual(page["items"][0]["column"], "网格编码")
        # a resident may not import at all
        res = self.srv.login("resident1")
        st, e = res.request("POST", f"/api/v1/imports?place_id={own}", raw=b"x", headers={"Content-Type": "text/csv"})
        self.assertEqual((st, error_of(e)["code"]), (403, "forbidden"))
        st, e = self.admin.get("/api/v1/imports/" + "0" * 32)
        self.assertEqual(st, 404, e)


class ImportShutdown(unittest.TestCase):
    def test_sigterm_during_an_import(self):
        """A server stopped while an import runs stops it, shuts down cleanly,
        and keeps what was committed: batches are whole."""
        srv = Server()
        try:
            admin = srv.login("admin")
            st, me = srv.login("grid001").get("/api/v1/session")
            grid = me["user"]["place_ids"][0]
            rows = [HEAD] + [[f"停{i}", *person(i)[1:]] for i in range(400)]
            st, up = admin.request("POST", f"/api/v1/imports?place_id={grid}", raw=csv_bytes(rows),
                                   headers={"Content-Type": "text/csv"})
            self.assertEqual(st, 201, up)
            st, j = admin.post(f"/api/v1/imports/{up['id']}/run", {"mode": "keep_good"})
            self.assertEqual(st, 202, j)
            self.assertEqual(srv.stop(), 0)
            log = open(srv.log_path, encoding="utf-8", errors="replace").read()
            self.assertIn("stopped cleanly", log)
        finally:
            srv.cleanup()


if __name__ == "__main__":
    unittest.main()
