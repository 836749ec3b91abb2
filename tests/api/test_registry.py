"""The registry API (issue 5): residents with field-level validation, the
demo city's registry, households, houses, organisations (credit codes), key
groups with the GB/T 31000 fields, visits and due/overdue visits, the 知晓率
against a recount, and the per-grid key-group counts against a recount."""
import sqlite3
import time
import unittest
from urllib.parse import quote

from gg import Server
from regkit import credit_code, id_number, new_resident, place_by_code, unique_birth

GRID = "630105001001001"           # grid001's grid
UNIT = "63010500100100100101"      # its compound 1, building 1, unit 1


class Registry(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.admin = cls.srv.login("admin")
        cls.grid = place_by_code(cls.admin, GRID)
        cls.unit = place_by_code(cls.admin, UNIT)
        cls.gw = cls.srv.login("grid001")

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def assert_field_error(self, st, body, field, status=422):
        self.assertEqual(st, status, body)
        self.assertEqual(body["error"]["field"], field, body)

    # ---- residents ---------------------------------------------------------------

    def test_create_takes_chinese_labels_and_derives_from_the_number(self):
        num = id_number(birth="19850312", male=False)
        st, r = self.gw.post("/api/v1/residents", {
            "residence": "流动", "name": "马小兰", "id_number": num, "phone": "+86 139-0000-1111",
            "ethnicity": "回", "education": "本科", "political": "党员", "relation": "户主",
            "place_id": self.unit, "room": "1201", "household_no": "T-H-0001", "tags": ["低保", "floating"]})
        self.assertEqual(st, 201, r)
        self.assertEqual((r["residence"], r["sex"], r["birth_date"], r["ethnicity"]),
                         ("floating", "female", "1985-03-12", "回族"))
        self.assertEqual((r["education"], r["political"], r["party_member"]), ("bachelor", "cpc_member", True))
        self.assertEqual(r["id_number"], num[:6] + "********" + num[-4:])
        self.assertEqual(r["phone"], "139****1111")
        self.assertEqual(sorted(r["tags"]), ["dibao", "floating"])
        self.assertEqual(r["room"], "1201")
        st, hh = self.gw.get(f"/api/v1/households/{r['household_id']}")
        self.assertEqual(st, 200, hh)
        self.assertEqual((hh["head_id"], hh["members"], hh["number"]), (r["id"], 1, "T-H-0001"))
        st, house = self.gw.get(f"/api/v1/houses/{r['house_id']}")
        self.assertEqual((st, house["room"], house["residents"]), (200, "1201", 1))
        # the same number again is a conflict, not a silent update
        st, body = self.gw.post("/api/v1/residents", {"residence": "户籍", "name": "重复",
                                                      "id_number": num, "place_id": self.unit})
        self.assert_field_error(st, body, "id_number", 409)
        # the 15-digit form of another person is upgraded
        st, r15 = self.gw.post("/api/v1/residents", {"residence": "registered", "name": "老号码",
                                                     "id_number": "630105500101931", "place_id": self.unit})
        self.assertEqual(st, 201, r15)
        self.assertEqual((r15["birth_date"], r15["sex"]), ("1950-01-01", "male"))

    def test_field_errors(self):
        good = id_number(birth=unique_birth())
        bad_check = good[:17] + ("0" if good[17] != "0" else "1")
        cases = [
            ({"id_number": bad_check}, "id_number"),
            ({"id_number": "6.30105E+17"}, "id_number"),
            ({"id_number": good[:-1]}, "id_number"),
            ({"id_number": id_number(birth="20991231")}, "id_number"),
            ({"id_number": id_number(region="000105")}, "id_number"),
            ({"phone": "12345"}, "phone"),
            ({"birth_date": "1980-02-30", "id_type": "passport", "id_number": "E12345678", "sex": "男"}, "birth_date"),
            ({"birth_date": "1979-01-01"}, "birth_date"),     # the number says 1931
            ({"sex": "女" if good[16] in "13579" else "男"}, "sex"),
            ({"residence": "火星"}, "residence"),
            ({"ethnicity": "火星族"}, "ethnicity"),
            ({"id_type": "hkmo_pass", "id_number": "X1234567"}, "id_number"),
            ({"tags": ["nonsense"]}, "tags"),
        ]
        for over, field in cases:
            body = {"residence": "户籍", "name": "校验", "id_number": good, "place_id": self.unit}
            body.update(over)
            with self.subTest(over=over):
                st, err = self.gw.post("/api/v1/residents", body)
                self.assert_field_error(st, err, field)
        # nothing of the above was stored
        st, page = self.admin.get(f"/api/v1/residents?id_number={good}")
        self.assertEqual((st, page["items"]), (200, []))
        # a mangled number names the cause
        st, err = self.gw.post("/api/v1/residents", {"residence": "户籍", "name": "科学计数",
                                                     "id_number": "6.30105E+17", "place_id": self.unit})
        self.assertEqual(err["error"]["code"], "id_number_mangled")

    def test_list_filters_and_lookup(self):
        num = id_number(birth=unique_birth())
        r = new_resident(self.gw, self.unit, id_number=num, name="筛选测试", tags=["disabled"])
        st, page = self.gw.get(f"/api/v1/residents?id_number={num}")
        self.assertEqual([x["id"] for x in page["items"]], [r["id"]])
        st, page = self.gw.get(f"/api/v1/residents?q={quote('筛选')}&place_id={self.grid}")
        self.assertEqual([x["id"] for x in page["items"]], [r["id"]])
        st, page = self.gw.get(f"/api/v1/residents?tag=disabled&place_id={self.grid}&limit=200")
        self.assertIn(r["id"], [x["id"] for x in page["items"]])
        self.assertTrue(all("disabled" in x["tags"] for x in page["items"]))
        st, page = self.gw.get("/api/v1/residents?residence=floating&limit=20")
        self.assertEqual(st, 200, page)
        self.assertTrue(all(x["residence"] == "floating" for x in page["items"]))
        st, page = self.gw.get("/api/v1/residents?age_min=80&limit=50")
        self.assertTrue(all(x["birth_date"] <= time.strftime("%Y-%m-%d").replace(
            time.strftime("%Y"), str(int(time.strftime("%Y")) - 80)) for x in page["items"]))
        st, err = self.gw.get("/api/v1/residents?residence=nonsense")
        self.assertEqual((st, err["error"]["field"]), (400, "residence"))
        # paging walks everything once
        seen, cursor = [], ""
        for _ in range(100):
            st, page = self.gw.get(f"/api/v1/residents?place_id={self.grid}&limit=7{cursor}")
            seen += [x["id"] for x in page["items"]]
            if not page["next_cursor"]:
                break
            cursor = "&cursor=" + page["next_cursor"]
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(seen, sorted(seen, key=int))

    def test_patch_and_delete(self):
        r = new_resident(self.gw, self.unit, name="改前")
        st, r2 = self.gw.patch(f"/api/v1/residents/{r['id']}", {"name": "改后", "phone": "13800001111",
                                                                "version": r["version"]})
        self.assertEqual(st, 200, r2)
        self.assertEqual((r2["name"], r2["phone"], r2["version"]), ("改后", "138****1111", r["version"] + 1))
        self.assertEqual(r2["id_number"], r["id_number"])   # the sealed number kept
        st, err = self.gw.patch(f"/api/v1/residents/{r['id']}", {"name": "冲突", "version": r["version"]})
        self.assertEqual((st, err["error"]["code"]), (409, "stale_version"))
        st, err = self.gw.patch(f"/api/v1/residents/{r['id']}", {"phone": "1380000"})
        self.assert_field_error(st, err, "phone")
        st, err = self.gw.delete(f"/api/v1/residents/{r['id']}")
        self.assertEqual(st, 403, err)                      # grid workers record, communities delete
        c = self.srv.login("community01")
        st, _ = c.delete(f"/api/v1/residents/{r['id']}")
        self.assertEqual(st, 204)
        st, err = self.gw.get(f"/api/v1/residents/{r['id']}")
        self.assertEqual((st, err["error"]["code"]), (403, "out_of_scope"))   # gone: no leak either way
        st, err = self.admin.get(f"/api/v1/residents/{r['id']}")
        self.assertEqual(st, 404, err)
        st, err = self.admin.delete(f"/api/v1/residents/{r['id']}")
        self.assertEqual((st, err["error"]["code"]), (404, "not_found"))  # a second delete

    # ---- households, houses, organisations ---------------------------------------

    def test_houses_households_orgs(self):
        st, h = self.gw.post("/api/v1/houses", {"place_id": self.unit, "room": "1802", "use": "出租", "area": 86})
        self.assertEqual(st, 201, h)
        self.assertEqual((h["use"], h["area"]), ("rented", 86))
        st, err = self.gw.post("/api/v1/houses", {"place_id": self.unit, "room": "1802", "use": "vacant"})
        self.assertEqual(st, 409, err)
        st, err = self.gw.post("/api/v1/houses", {"place_id": self.unit, "room": "1803", "use": "palace"})
        self.assert_field_error(st, err, "use")
        st, h2 = self.gw.patch(f"/api/v1/houses/{h['id']}", {"use": "vacant"})
        self.assertEqual((st, h2["use"]), (200, "vacant"))
        st, page = self.gw.get(f"/api/v1/houses?place_id={self.unit}&use=vacant&limit=200")
        self.assertIn(h["id"], [x["id"] for x in page["items"]])
        st, hh = self.gw.post("/api/v1/households", {"place_id": self.unit, "number": "T-HH-77", "house_id": h["id"]})
        self.assertEqual(st, 201, hh)
        r = new_resident(self.gw, self.unit, household_id=hh["id"], relation="spouse")
        st, hh2 = self.gw.patch(f"/api/v1/households/{hh['id']}", {"head_id": r["id"]})
        self.assertEqual((st, hh2["head_id"], hh2["members"]), (200, r["id"], 1))
        other = new_resident(self.gw, self.unit)
        st, err = self.gw.patch(f"/api/v1/households/{hh['id']}", {"head_id": other["id"]})
        self.assert_field_error(st, err, "head_id")
        code = credit_code("91630105MA7BQ9999")
        st, o = self.gw.post("/api/v1/organisations", {"place_id": self.grid, "kind": "企业", "name": "测试商贸有限公司",
                                                       "credit_code": code.lower(), "contact_phone": "0971-5201234"})
        self.assertEqual(st, 201, o)
        self.assertEqual((o["credit_code"], o["contact_phone"], o["kind"]), (code, "0971-***1234", "enterprise"))
        bad = code[:17] + ("0" if code[17] != "0" else "1")
        st, err = self.gw.post("/api/v1/organisations", {"place_id": self.grid, "kind": "enterprise",
                                                         "name": "坏代码公司", "credit_code": bad})
        self.assert_field_error(st, err, "credit_code")
        st, err = self.gw.post("/api/v1/organisations", {"place_id": self.grid, "kind": "enterprise", "name": "无代码公司"})
        self.assert_field_error(st, err, "credit_code")
        st, fac = self.gw.post("/api/v1/facilities", {"place_id": self.grid, "kind": "消防栓", "name": "1号消防栓"})
        self.assertEqual((st, fac["kind"]), (201, "fire_hydrant"))
        st, err = self.gw.post("/api/v1/facilities", {"place_id": self.grid, "kind": "castle", "name": "城堡"})
        self.assert_field_error(st, err, "kind")
        st, page = self.gw.get(f"/api/v1/facilities?place_id={self.grid}&kind=fire_hydrant")
        self.assertEqual([x["id"] for x in page["items"]], [fac["id"]])
        st, page = self.gw.get("/api/v1/organisations?kind=property_company&limit=50")
        self.assertEqual(st, 200, page)
        self.assertTrue(page["items"])
        self.assertTrue(all(x["kind"] == "property_company" for x in page["items"]))

    # ---- key groups, visits, 知晓率, counts -------------------------------------------

    def test_key_groups_and_special_fields(self):
        st, kg = self.gw.get("/api/v1/registry/key-groups")
        tags = {k["tag"]: k for k in kg["items"]}
        for t in ("floating", "unemployed", "assistance", "key_person", "disabled", "elderly_alone",
                  "dibao", "shidu", "gugua", "left_behind_child", "seasonal", "released", "correction",
                  "mental", "drug", "aids_risk", "key_youth"):
            self.assertIn(t, tags)
        self.assertTrue(tags["correction"]["special"])
        r = new_resident(self.gw, self.unit)
        st, out = self.gw.request("PUT", f"/api/v1/residents/{r['id']}/tags/correction", {
            "level": "strict", "extra": {"correction_type": "缓刑", "start_on": "2026-01-05", "group_formed": True}})
        self.assertEqual(st, 200, out)
        [t] = out["items"]
        self.assertEqual((t["tag"], t["level"], t["extra"]["correction_type"], t["extra"]["group_formed"]),
                         ("correction", "strict", "缓刑", True))
        st, err = self.gw.request("PUT", f"/api/v1/residents/{r['id']}/tags/correction",
                                  {"extra": {"start_on": "2026-13-01"}})
        self.assert_field_error(st, err, "extra.start_on")
        st, err = self.gw.request("PUT", f"/api/v1/residents/{r['id']}/tags/dibao", {"extra": {"x": 1}})
        self.assert_field_error(st, err, "extra")
        st, got = self.gw.get(f"/api/v1/residents/{r['id']}")
        self.assertEqual(got["tags"], ["correction"])
        st, out = self.gw.request("DELETE", f"/api/v1/residents/{r['id']}/tags/correction")
        self.assertEqual((st, out["items"]), (200, []))

    def test_visits_due_and_overdue(self):
        r = new_resident(self.gw, self.unit, name="独居测试")
        st, _ = self.gw.request("PUT", f"/api/v1/residents/{r['id']}/tags/elderly_alone", {"level": "strict"})
        self.assertEqual(st, 200)
        # strict elderly-alone: every 7 days; never visited, so due 7 days after tagging
        st, due = self.gw.get(f"/api/v1/registry/due-visits?place_id={self.grid}&within_days=8&limit=200")
        mine = [d for d in self.all_due(self.gw, 8) if d["resident_id"] == r["id"]]
        self.assertEqual(len(mine), 1, due)
        self.assertFalse(mine[0]["overdue"])
        st, none = self.gw.get(f"/api/v1/registry/due-visits?place_id={self.grid}&within_days=6&limit=200")
        self.assertNotIn(r["id"], [d["resident_id"] for d in self.all_due(self.gw, 6)])
        # a visit 20 days ago makes it overdue by 13 days
        ago = time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(time.time() + 8 * 3600 - 20 * 86400))
        st, v = self.gw.post(f"/api/v1/residents/{r['id']}/visits", {"method": "home", "note": "身体尚可", "at": ago})
        self.assertEqual(st, 201, v)
        mine = [d for d in self.all_due(self.gw, 0) if d["resident_id"] == r["id"]]
        self.assertEqual((len(mine), mine[0]["overdue"]), (1, True))
        # a visit today: no longer due
        st, v = self.gw.post(f"/api/v1/residents/{r['id']}/visits", {"method": "phone"})
        self.assertEqual(st, 201, v)
        self.assertNotIn(r["id"], [d["resident_id"] for d in self.all_due(self.gw, 6)])
        st, vs = self.gw.get(f"/api/v1/residents/{r['id']}/visits")
        self.assertEqual([x["method"] for x in vs["items"]], ["home", "phone"])
        st, err = self.gw.post(f"/api/v1/residents/{r['id']}/visits", {"method": "telepathy"})
        self.assert_field_error(st, err, "method")

    def all_due(self, s, days):
        out, cursor = [], ""
        for _ in range(200):
            st, page = s.get(f"/api/v1/registry/due-visits?place_id={self.grid}&within_days={days}&limit=200{cursor}")
            self.assertEqual(st, 200, page)
            out += page["items"]
            if not page["next_cursor"]:
                return out
            cursor = "&cursor=" + page["next_cursor"]
        self.fail("due list does not end")

    def db(self):
        con = sqlite3.connect(f"file:{self.srv.db}?mode=ro", uri=True)
        self.addCleanup(con.close)
        return con

    def test_awareness_against_a_recount(self):
        st, a = self.gw.get(f"/api/v1/registry/awareness?place_id={self.grid}&months=6")
        self.assertEqual(st, 200, a)
        st, path = 200, None
        con = self.db()
        path = con.execute("SELECT path FROM place WHERE id = ?", (int(self.grid),)).fetchone()[0]
        since = int((time.time() - 6 * 30 * 86400) * 1e6)
        upper = path[:-1] + "0"
        n, v = con.execute("SELECT count(*), sum(verified_at >= ?) FROM resident WHERE place_path >= ? "
                           "AND place_path < ?", (since, path, upper)).fetchone()
        hn, hv = con.execute("SELECT count(*), sum(verified_at >= ?) FROM house WHERE place_path >= ? "
                             "AND place_path < ?", (since, path, upper)).fetchone()
        t = a["total"]
        self.assertEqual((t["residents"], t["houses"]), (n, hn))
        # verified counts may move by a request's own writes between the two reads: none here
        self.assertEqual((t["residents_verified"], t["houses_verified"]), (v, hv))
        self.assertAlmostEqual(t["rate"], round((v + hv) / (n + hn), 4), places=4)
        self.assertTrue(0 < t["rate"] <= 1)
        st, per = self.gw.get(f"/api/v1/registry/awareness?place_id={self.grid}&level=grid")
        self.assertEqual(len(per["items"]), 1)
        community = self.srv.login("community01")
        st, per = community.get(f"/api/v1/registry/awareness?place_id={place_by_code(self.admin, GRID[:12])}&level=grid")
        self.assertEqual((st, len(per["items"])), (200, 10))
        self.assertEqual(sum(i["residents"] for i in per["items"]), per["total"]["residents"])

    def test_count_parameters_are_checked(self):
        """level, months, within_days: one parser each, 400 invalid_parameter naming the field."""
        district = place_by_code(self.admin, "630105")
        for path, field in ((f"awareness?place_id={self.grid}&level=building", "level"),
                            (f"awareness?place_id={self.grid}&months=0", "months"),
                            (f"awareness?place_id={self.grid}&months=121", "months"),
                            (f"key-group-counts?place_id={district}&level=unit", "level"),
                            (f"key-group-counts?place_id={district}&level=", "level"),
                            (f"due-visits?place_id={self.grid}&within_days=367", "within_days"),
                            (f"due-visits?place_id={self.grid}&within_days=x", "within_days")):
            with self.subTest(path=path):
                st, e = self.admin.get("/api/v1/registry/" + path)
                self.assertEqual((st, e["error"]["code"], e["error"]["field"]), (400, "invalid_parameter", field))
        # key-group counts default to grids
        st, dflt = self.admin.get(f"/api/v1/registry/key-group-counts?place_id={district}")
        st2, grid = self.admin.get(f"/api/v1/registry/key-group-counts?place_id={district}&level=grid")
        self.assertEqual((st, st2, dflt["level"]), (200, 200, "grid"))
        self.assertEqual(dflt["items"], grid["items"])

    def test_key_group_counts_against_a_recount(self):
        district = place_by_code(self.admin, "630105")
        st, kc = self.admin.get(f"/api/v1/registry/key-group-counts?place_id={district}&level=grid")
        self.assertEqual(st, 200, kc)
        self.assertEqual(len(kc["items"]), 400)
        con = self.db()
        want = dict(con.execute("SELECT tag, count(*) FROM resident_tag GROUP BY tag").fetchall())
        got = {}
        for item in kc["items"]:
            for tag, n in item["counts"].items():
                got[tag] = got.get(tag, 0) + n
        st, kg = self.admin.get("/api/v1/registry/key-groups")
        codes = [k["tag"] for k in kg["items"]]
        for i, tag in enumerate(codes, start=1):
            self.assertEqual(got.get(tag, 0), want.get(i, 0), tag)
        self.assertGreater(got["floating"], 0)

    def test_demo_registry_looks_real(self):
        con = self.db()
        n = con.execute("SELECT count(*) FROM resident").fetchone()[0]
        self.assertGreater(n, 3000)
        floating = con.execute("SELECT count(*) FROM resident WHERE residence = 2").fetchone()[0]
        self.assertTrue(0.10 < floating / n < 0.20, floating / n)
        heads = con.execute("SELECT count(*) FROM household WHERE head_id IS NOT NULL").fetchone()[0]
        self.assertGreater(heads, n / 5)
        # every demo resident's number validates: the server finds one by its number
        # (masks only in the database: see test_privacy)
        self.assertEqual(con.execute("SELECT count(*) FROM resident WHERE id_mask NOT LIKE '______********____' "
                                     "AND id_type = 1").fetchone()[0], 0)


class Documented(unittest.TestCase):
    """The registry's live responses validate against docs/openapi.json."""

    @classmethod
    def setUpClass(cls):
        from test_openapi import Resolver, load_doc, validate
        cls.doc, cls.validate = load_doc(), staticmethod(validate)
        cls.res = Resolver(cls.doc)
        cls.srv = Server()
        cls.admin = cls.srv.login("admin")

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def check(self, method, template, url, status=200, body=None):
        st, got = self.admin.request(method, url, body)
        self.assertEqual(st, status, got)
        op = self.doc["paths"][template][method.lower()]
        schema = self.res.ref(op["responses"][str(status)])["content"]["application/json"]["schema"]
        self.assertEqual(self.validate(self.res, schema, got), [], f"{method} {url}")
        return got

    def test_responses_match_the_schemas(self):
        grid = place_by_code(self.admin, GRID)
        unit = place_by_code(self.admin, UNIT)
        district = place_by_code(self.admin, "630105")
        r = self.check("POST", "/api/v1/residents", "/api/v1/residents", 201, {
            "residence": "户籍", "name": "文档校验", "id_number": id_number(birth=unique_birth()), "phone": "13811112222",
            "place_id": unit, "room": "701", "household_no": "DOC-1", "relation": "户主", "tags": ["mental"]})
        rid = r["id"]
        self.check("GET", "/api/v1/residents", f"/api/v1/residents?place_id={grid}&limit=20")
        self.check("GET", "/api/v1/residents/{id}", f"/api/v1/residents/{rid}")
        self.check("PATCH", "/api/v1/residents/{id}", f"/api/v1/residents/{rid}", 200, {"note": "已核实"})
        self.check("PUT", "/api/v1/residents/{id}/tags/{tag}", f"/api/v1/residents/{rid}/tags/mental", 200,
                   {"level": "strict", "extra": {"risk_level": 3, "first_onset": "2020-05-01"}})
        self.check("GET", "/api/v1/residents/{id}/tags", f"/api/v1/residents/{rid}/tags")
        self.check("POST", "/api/v1/residents/{id}/visits", f"/api/v1/residents/{rid}/visits", 201, {"method": "home"})
        self.check("GET", "/api/v1/residents/{id}/visits", f"/api/v1/residents/{rid}/visits")
        self.check("POST", "/api/v1/residents/{id}/reveal", f"/api/v1/residents/{rid}/reveal", 200,
                   {"field": "phone", "purpose": "文档校验"})
        self.check("GET", "/api/v1/audit", "/api/v1/audit?limit=5")
        self.check("GET", "/api/v1/households", f"/api/v1/households?place_id={grid}")
        self.check("GET", "/api/v1/households/{id}", f"/api/v1/households/{r['household_id']}")
        self.check("GET", "/api/v1/houses", f"/api/v1/houses?place_id={grid}")
        self.check("GET", "/api/v1/houses/{id}", f"/api/v1/houses/{r['house_id']}")
        orgs = self.check("GET", "/api/v1/organisations", f"/api/v1/organisations?place_id={grid}")
        self.check("GET", "/api/v1/organisations/{id}", f"/api/v1/organisations/{orgs['items'][0]['id']}")
        self.check("POST", "/api/v1/facilities", "/api/v1/facilities", 201, {"place_id": grid, "kind": "aed", "name": "文档除颤仪"})
        self.check("GET", "/api/v1/facilities", f"/api/v1/facilities?place_id={grid}")
        self.check("GET", "/api/v1/registry/key-groups", "/api/v1/registry/key-groups")
        self.check("GET", "/api/v1/registry/due-visits", f"/api/v1/registry/due-visits?place_id={grid}&within_days=60")
        self.check("GET", "/api/v1/registry/awareness", f"/api/v1/registry/awareness?place_id={district}&level=street")
        self.check("GET", "/api/v1/registry/key-group-counts", f"/api/v1/registry/key-group-counts?place_id={district}&level=community")


if __name__ == "__main__":
    unittest.main()
