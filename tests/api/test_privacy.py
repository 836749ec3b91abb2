"""Privacy of the registry (issue 5): ID numbers and phones sealed at rest
(never in the database file or its WAL, the full value comes back exactly
through reveal), masked in every output for every role that may read the
registry, refused to the roles that may not, reveal only with the
permission and a purpose, every reveal in the audit (searchable by
administrators only), and scope: a record outside the caller's places is
refused exactly as one that does not exist."""
import glob
import json
import unittest

from gg import Server
from regkit import id_number, new_resident, place_by_code, unique_birth

GRID1 = "630105001001001"
GRID2 = "630105001001002"
READERS = {"admin": "admin", "command": "command", "community": "community01", "gridworker": "grid001"}
OTHERS = {"department": "dept1", "member": "member1", "resident": "resident1"}


class Privacy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.admin = cls.srv.login("admin")
        cls.grid1 = place_by_code(cls.admin, GRID1)
        cls.grid2 = place_by_code(cls.admin, GRID2)
        cls.number = id_number(birth=unique_birth(), male=False)
        cls.phone = "13987654321"
        cls.res = new_resident(cls.admin, cls.grid1, name="隐私测试", id_number=cls.number, phone=cls.phone,
                               household_no="PRIV-1", room="9901", tags=["dibao"])
        st, cls.org = cls.admin.post("/api/v1/organisations", {"place_id": cls.grid1, "kind": "social_org",
                                                               "name": "隐私协会", "contact_phone": "13700001234"})
        assert st == 201, cls.org
        cls.sessions = {role: cls.srv.login(user) for role, user in {**READERS, **OTHERS}.items()}

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def reads(self):
        rid, grid = self.res["id"], self.grid1
        return [f"/api/v1/residents?place_id={grid}&limit=200", f"/api/v1/residents/{rid}",
                f"/api/v1/residents?id_number={self.number}", f"/api/v1/residents?phone={self.phone}",
                f"/api/v1/residents/{rid}/tags", f"/api/v1/residents/{rid}/visits",
                f"/api/v1/registry/due-visits?place_id={grid}&within_days=366&limit=200",
                f"/api/v1/households?place_id={grid}", f"/api/v1/houses?place_id={grid}",
                f"/api/v1/organisations?place_id={grid}", f"/api/v1/organisations/{self.org['id']}"]

    def test_masked_for_every_reading_role(self):
        masked_id = self.number[:6] + "********" + self.number[-4:]
        for role, s in ((r, self.sessions[r]) for r in READERS):
            for path in self.reads():
                with self.subTest(role=role, path=path):
                    st, body = s.get(path)
                    self.assertEqual(st, 200, body)
                    text = json.dumps(body, ensure_ascii=False)
                    self.assertNotIn(self.number, text)
                    self.assertNotIn(self.number[6:14], text)          # not even the birth date digits run
                    self.assertNotIn(self.phone, text)
                    self.assertNotIn("13700001234", text)
            st, one = s.get(f"/api/v1/residents/{self.res['id']}")
            self.assertEqual((one["id_number"], one["phone"], one["masked"]), (masked_id, "139****4321", True))
            # the lookups by number and phone find the record without showing either
            st, page = s.get(f"/api/v1/residents?id_number={self.number}")
            self.assertEqual([x["id"] for x in page["items"]], [self.res["id"]])

    def test_other_roles_refused(self):
        for role, s in ((r, self.sessions[r]) for r in OTHERS):
            for path in self.reads() + ["/api/v1/registry/key-groups", "/api/v1/audit"]:
                with self.subTest(role=role, path=path):
                    st, body = s.get(path)
                    self.assertEqual((st, body["error"]["code"]), (403, "forbidden"))

    def test_exports_masked_without_the_permission(self):
        s = self.sessions["community"]
        st, body = s.get(f"/api/v1/residents/export?place_id={self.grid1}&format=csv")
        self.assertEqual(st, 200)
        self.assertIn(self.number[:6] + "********" + self.number[-4:], body)
        self.assertNotIn(self.number, body)
        self.assertNotIn(self.phone, body)

    def test_reveal_needs_the_permission_and_leaves_an_audit(self):
        rid = self.res["id"]
        st, before = self.admin.get(f"/api/v1/audit?record_id={rid}")
        n0 = len(before["items"])
        for role in ("command", "community", "gridworker"):
            st, err = self.sessions[role].post(f"/api/v1/residents/{rid}/reveal", {"field": "id_number", "purpose": "核对"})
            self.assertEqual((st, err["error"]["code"]), (403, "reveal_not_allowed"), role)
        st, after = self.admin.get(f"/api/v1/audit?record_id={rid}")
        self.assertEqual(len(after["items"]), n0)                     # a refusal reveals nothing, records nothing
        # no purpose, no reveal
        st, err = self.admin.post(f"/api/v1/residents/{rid}/reveal", {"field": "id_number"})
        self.assertEqual((st, err["error"]["field"]), (422, "purpose"))
        st, out = self.admin.post(f"/api/v1/residents/{rid}/reveal", {"field": "id_number", "purpose": "低保复核入户核实身份"})
        self.assertEqual(st, 200, out)
        self.assertEqual(out["value"], self.number)                   # the sealed round trip, exactly
        self.assertEqual(self.admin.last_headers.get("cache-control"), "no-store")
        st, out = self.admin.post(f"/api/v1/residents/{rid}/reveal", {"field": "phone", "purpose": "联系家属"})
        self.assertEqual(out["value"], self.phone)
        # grant the permission to community01: it may reveal now, and is audited as itself
        st, me = self.sessions["community"].get("/api/v1/session")
        cid = me["user"]["id"]
        st, g = self.admin.request("PUT", f"/api/v1/accounts/{cid}/can-reveal", {"can_reveal": True})
        self.assertEqual((st, g["can_reveal"]), (200, True))
        st, out = self.sessions["community"].post(f"/api/v1/residents/{rid}/reveal", {"field": "phone", "purpose": "社区核查"})
        self.assertEqual((st, out["value"]), (200, self.phone))
        st, g = self.admin.request("PUT", f"/api/v1/accounts/{cid}/can-reveal", {"can_reveal": False})
        st, err = self.sessions["community"].post(f"/api/v1/residents/{rid}/reveal", {"field": "phone", "purpose": "再查"})
        self.assertEqual(st, 403, err)
        # the audit: who, what, why, from where; searchable
        st, page = self.admin.get(f"/api/v1/audit?record_id={rid}")
        rows = page["items"]
        self.assertEqual(len(rows), n0 + 3)
        self.assertEqual([(r["actor"], r["field"]) for r in rows[:3]],
                         [("community01", "phone"), ("admin", "phone"), ("admin", "id_number")])
        self.assertEqual(rows[2]["purpose"], "低保复核入户核实身份")
        self.assertEqual(rows[2]["ip"], "127.0.0.1")
        self.assertEqual(rows[2]["record_type"], "resident")
        from urllib.parse import quote
        st, page = self.admin.get(f"/api/v1/audit?q={quote('低保复核')}")
        self.assertEqual([r["id"] for r in page["items"]], [rows[2]["id"]])
        st, page = self.admin.get(f"/api/v1/audit?actor_id={cid}")
        self.assertEqual([r["actor"] for r in page["items"]], ["community01"])
        st, page = self.admin.get(f"/api/v1/audit?field=id_number&record_id={rid}")
        self.assertEqual(len(page["items"]), n0 + 1 if n0 == 0 else len(page["items"]))
        st, page = self.admin.get("/api/v1/audit?from=2000-01-01&to=2001-01-01")
        self.assertEqual(page["items"], [])
        st, page = self.admin.get("/api/v1/audit?limit=1")
        self.assertEqual(len(page["items"]), 1)
        self.assertIsNotNone(page["next_cursor"])
        st, page2 = self.admin.get(f"/api/v1/audit?limit=1&cursor={page['next_cursor']}")
        self.assertLess(int(page2["items"][0]["id"]), int(page["items"][0]["id"]))
        for role in ("command", "community", "gridworker"):
            st, err = self.sessions[role].get("/api/v1/audit")
            self.assertEqual(st, 403, role)

    def test_scope_without_existence_leak(self):
        gw2 = self.srv.login("grid002")
        rid = self.res["id"]
        st, err_out = gw2.get(f"/api/v1/residents/{rid}")
        st2, err_none = gw2.get("/api/v1/residents/999999999")
        self.assertEqual((st, st2), (403, 403))
        self.assertEqual(err_out, err_none)                           # outside and missing: the same answer
        for path in (f"/api/v1/residents/{rid}/tags", f"/api/v1/residents/{rid}/visits",
                     f"/api/v1/households/{self.res['household_id']}", f"/api/v1/houses/{self.res['house_id']}",
                     f"/api/v1/organisations/{self.org['id']}",
                     f"/api/v1/residents?place_id={self.grid1}", f"/api/v1/registry/awareness?place_id={self.grid1}"):
            st, err = gw2.get(path)
            self.assertEqual((st, err["error"]["code"]), (403, "out_of_scope"), path)
        st, err = gw2.patch(f"/api/v1/residents/{rid}", {"note": "越权"})
        self.assertEqual(st, 403)
        st, err = gw2.post(f"/api/v1/residents/{rid}/visits", {"method": "home"})
        self.assertEqual(st, 403)
        # grid002's own list does not contain grid001's people, by number either
        st, page = gw2.get(f"/api/v1/residents?id_number={self.number}")
        self.assertEqual((st, page["items"]), (200, []))
        st, page = gw2.get("/api/v1/residents?limit=200")
        self.assertNotIn(rid, [x["id"] for x in page["items"]])
        # the global admin learns of a missing record
        st, err = self.admin.get("/api/v1/residents/999999999")
        self.assertEqual(st, 404)

    def test_no_plaintext_in_the_database_files(self):
        # a demo resident's number too: read it through reveal, then look for it
        st, page = self.admin.get(f"/api/v1/residents?place_id={self.grid2}&limit=5")
        demo = page["items"][0]["id"]
        st, out = self.admin.post(f"/api/v1/residents/{demo}/reveal", {"field": "id_number", "purpose": "明文检查"})
        demo_number = out["value"]
        st, out = self.admin.post(f"/api/v1/residents/{demo}/reveal", {"field": "phone", "purpose": "明文检查"})
        demo_phone = out["value"]
        needles = [self.number, self.phone, "13700001234", demo_number]
        if demo_phone:
            needles.append(demo_phone)
        files = glob.glob(self.srv.db + "*")
        self.assertTrue(any(f.endswith(".db") for f in files))
        for path in files:
            if path.endswith(".key"):
                continue
            with open(path, "rb") as f:
                data = f.read()
            for n in needles:
                for enc in (n.encode(), n.encode("utf-16-le")):
                    self.assertNotIn(enc, data, f"{n} in {path}")
        # the masks are there
        with open(self.srv.db, "rb") as f:
            data = f.read()
        wal = open(self.srv.db + "-wal", "rb").read() if glob.glob(self.srv.db + "-wal") else b""
        self.assertIn((self.number[:6] + "********" + self.number[-4:]).encode(), data + wal)


if __name__ == "__main__":
    unittest.main()
