"""The place tree through the API, as the administrator: codes (GB/T 2260
districts, subtype ranges, automatic allocation), which kind may hang under
which, listings and their cursors, optimistic versions, moves (codes and
paths of the whole subtree follow), deactivation, and no deletion.

Every test builds its own district (a fresh, valid 6-digit code) so that the
tests share one server but never each other's places.
"""
import itertools
import threading
import unittest
from urllib.parse import quote

from gg import Server, error_of, stop_clean

P = "/api/v1/places"


# Valid GB/T 2260 district codes none of the demo city uses (it is 630105):
# province 11-15, digits 3-4 and 5-6 never "00".
_codes = (f"{p}{c:02d}{k:02d}" for p in (11, 12, 13, 14, 15) for c in range(1, 100)
          for k in range(1, 100))


class Places(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.s = cls.srv.login("admin")

    @classmethod
    def tearDownClass(cls):
        cls.s.close()
        stop_clean(unittest.TestCase(), cls.srv)

    # ---- helpers ----

    def create(self, parent, kind, name=None, code=None, **kw):
        """POST a place; returns (status, body). parent is a place dict, an id or None."""
        body = {"kind": kind, "name": name or f"{kind} {next(self._n)}"}
        if parent is not None:
            body["parent_id"] = parent["id"] if isinstance(parent, dict) else parent
        if code is not None:
            body["code"] = code
        body.update(kw)
        return self.s.post(P, body)

    _n = itertools.count(1)

    def make(self, parent, kind, code=None, **kw):
        """Create a place that must succeed; returns it."""
        st, p = self.create(parent, kind, code=code, **kw)
        self.assertEqual(st, 201, p)
        self.assertEqual(p["kind"], kind)
        if code is not None:
            self.assertEqual(p["code"], code)
        return p

    def district(self):
        return self.make(None, "district", code=next(_codes))

    def get(self, pid):
        st, p = self.s.get(f"{P}/{pid}")
        self.assertEqual(st, 200, p)
        return p

    def refused(self, resp, status, code, field):
        st, body = resp
        self.assertEqual(st, status, body)
        e = error_of(body)
        self.assertEqual(e["code"], code, e)
        self.assertEqual(e["field"], field, e)
        return e

    def all_pages(self, url, limit):
        """Follow next_cursor to the end; returns the items and the page count."""
        sep = "&" if "?" in url else "?"
        st, page = self.s.get(f"{url}{sep}limit={limit}")
        self.assertEqual(st, 200, page)
        items, pages = list(page["items"]), 1
        while page["next_cursor"]:
            self.assertLessEqual(pages, 1000, "cursor never ends")
            st, page = self.s.get(f"{url}{sep}limit={limit}&cursor={quote(page['next_cursor'])}")
            self.assertEqual(st, 200, page)
            self.assertLessEqual(len(page["items"]), limit)
            items += page["items"]
            pages += 1
        return items, pages

    def subtree(self, pid, kind=None, inactive=False):
        url = f"{P}/{pid}/subtree"
        q = [f"kind={kind}"] if kind else []
        if inactive:
            q.append("include_inactive=true")
        items, _ = self.all_pages(url + ("?" + "&".join(q) if q else ""), 200)
        return items

    def children(self, pid, inactive=False):
        items, _ = self.all_pages(f"{P}/{pid}/children" + ("?include_inactive=true" if inactive else ""), 200)
        return items

    def tree(self):
        """district → street → community → grid → compound → building → unit."""
        t = {"district": self.district()}
        t["street"] = self.make(t["district"], "street")
        t["community"] = self.make(t["street"], "community")
        t["grid"] = self.make(t["community"], "grid")
        t["compound"] = self.make(t["grid"], "compound")
        t["building"] = self.make(t["compound"], "building")
        t["unit"] = self.make(t["building"], "unit")
        return t

    # ---- districts ----

    def test_district_valid_code(self):
        code = next(_codes)
        st, d = self.create(None, "district", code=code, name="测试区")
        self.assertEqual(st, 201, d)
        self.assertEqual((d["code"], d["region"], d["depth"], d["parent_id"]), (code, code, 0, None))
        self.assertEqual(d["name"], "测试区")
        self.assertTrue(d["active"])
        self.assertEqual(d["version"], 1)
        self.assertEqual(self.s.last_headers.get("location"), f"{P}/{d['id']}")
        self.assertEqual(self.get(d["id"])["code"], code)
        roots, _ = self.all_pages(P, 2)
        self.assertIn(d["id"], [p["id"] for p in roots])
        codes = [p["code"] for p in roots]
        self.assertEqual(codes, sorted(codes))

    def test_district_invalid_codes(self):
        for code in ("110100",    # a prefecture (ends in 00)
                     "110001",    # digits 3-4 are 00: a province
                     "990101",    # no province 99
                     "000101", "1101011", "11010a", "11 101", "１１０１０１"):
            with self.subTest(code=code):
                st, body = self.create(None, "district", code=code)
                self.assertEqual(st, 422, body)
                self.assertEqual(error_of(body)["field"], "code", body)
        # too short / too long for the field's length limits, and absent
        for code in ("11010", "1" * 24):
            with self.subTest(code=code):
                self.refused(self.create(None, "district", code=code), 422, "invalid_length", "code")
        self.refused(self.create(None, "district"), 422, "missing_field", "code")

    def test_duplicate_code_is_409(self):
        d = self.district()
        self.refused(self.create(None, "district", code=d["code"]), 409, "code_taken", "code")
        s1 = self.make(d, "street", code=d["code"] + "007")
        self.refused(self.create(d, "street", code=s1["code"]), 409, "code_taken", "code")
        # still only one child with that code
        self.assertEqual([c["code"] for c in self.children(d["id"])], [s1["code"]])

    # ---- streets, towns, townships: explicit codes at range edges ----

    def test_street_subtype_range_edges(self):
        d = self.district()
        dc = d["code"]
        for subtype, lo, hi in (("street", 1, 99), ("town", 100, 199), ("township", 200, 399)):
            for seq in (lo, hi):
                with self.subTest(subtype=subtype, seq=seq):
                    p = self.make(d, "street", code=f"{dc}{seq:03d}", subtype=subtype)
                    self.assertEqual(p["subtype"], subtype)
                    self.assertEqual(p["depth"], 1)
                    self.assertEqual(p["region"], dc)
                    self.assertEqual(p["parent_id"], d["id"])
            for seq in (lo - 1, hi + 1):
                with self.subTest(subtype=subtype, seq=seq, outside=True):
                    self.refused(self.create(d, "street", code=f"{dc}{seq:03d}", subtype=subtype),
                                 422, "invalid_code", "code")
        # default subtype is "street"
        p = self.make(d, "street", code=dc + "050")
        self.assertEqual(p["subtype"], "street")
        for bad in (dc + "05", dc + "0501", "110199050" if dc != "110199" else "110198050",
                    dc + "05a"):
            with self.subTest(code=bad):
                self.refused(self.create(d, "street", code=bad), 422, "invalid_code", "code")
        self.refused(self.create(d, "street", code=dc + "051", subtype="village"), 422,
                     "invalid_subtype", "subtype")

    def test_auto_allocated_codes(self):
        d = self.district()
        dc = d["code"]
        # first of each subtype takes the bottom of its range, the next one follows
        self.assertEqual(self.make(d, "street")["code"], dc + "001")
        self.assertEqual(self.make(d, "street")["code"], dc + "002")
        self.assertEqual(self.make(d, "street", subtype="town")["code"], dc + "100")
        self.assertEqual(self.make(d, "street", subtype="township")["code"], dc + "200")
        self.assertEqual(self.make(d, "street", subtype="town")["code"], dc + "101")
        # after an explicit code the next free sequence follows the highest used
        self.make(d, "street", code=dc + "040")
        self.assertEqual(self.make(d, "street")["code"], dc + "041")
        # the other ranges did not move
        self.assertEqual(self.make(d, "street", subtype="township")["code"], dc + "201")
        s = self.make(d, "street", code=dc + "399", subtype="township")
        # community / village ranges under a street
        self.assertEqual(self.make(s, "community")["code"], s["code"] + "001")
        self.assertEqual(self.make(s, "community", subtype="village")["code"], s["code"] + "200")
        self.assertEqual(self.make(s, "community", subtype="community")["code"], s["code"] + "002")
        # the top of a range taken: no free code left in it
        self.make(d, "street", code=dc + "199", subtype="town")
        self.refused(self.create(d, "street", subtype="town"), 409, "codes_exhausted", "code")
        # every child has a distinct code, listed in code order
        codes = [c["code"] for c in self.children(d["id"])]
        self.assertEqual(codes, sorted(codes))
        self.assertEqual(len(codes), len(set(codes)))

    def test_auto_codes_concurrent_are_distinct(self):
        """Allocation happens inside the writer: racing creations never share a code."""
        d = self.district()
        s = self.make(d, "street")
        got, lock = [], threading.Lock()

        def worker():
            sess = self.srv.login("admin")
            for _ in range(5):
                st, p = sess.post(P, {"parent_id": s["id"], "kind": "community", "name": "并发"})
                with lock:
                    got.append((st, p))
            sess.close()
        ts = [threading.Thread(target=worker) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        self.assertEqual([st for st, _ in got], [201] * 20, got)
        codes = sorted(p["code"] for _, p in got)
        self.assertEqual(codes, [f"{s['code']}{i:03d}" for i in range(1, 21)])

    # ---- lower levels ----

    def test_communities_villages_grids_and_below(self):
        d = self.district()
        st_ = self.make(d, "street")
        sc = st_["code"]
        c1 = self.make(st_, "community", code=sc + "001", subtype="community")
        c2 = self.make(st_, "community", code=sc + "199")
        self.assertEqual(c2["subtype"], "community")
        v1 = self.make(st_, "community", code=sc + "200", subtype="village")
        v2 = self.make(st_, "community", code=sc + "399", subtype="village")
        self.assertEqual((c1["depth"], v1["subtype"], v2["code"]), (2, "village", sc + "399"))
        self.refused(self.create(st_, "community", code=sc + "200", subtype="community"),
                     422, "invalid_code", "code")
        self.refused(self.create(st_, "community", code=sc + "199", subtype="village"),
                     422, "invalid_code", "code")
        self.refused(self.create(st_, "community", code=sc + "400", subtype="village"),
                     422, "invalid_code", "code")
        # grids: basic (default) and dedicated, which must say what it covers
        g1 = self.make(c1, "grid", code=c1["code"] + "001")
        self.assertEqual((g1["subtype"], g1["dedicated_kind"]), ("basic", None))
        g2 = self.make(c1, "grid", code=c1["code"] + "999", subtype="dedicated", dedicated_kind="school")
        self.assertEqual((g2["subtype"], g2["dedicated_kind"]), ("dedicated", "school"))
        self.refused(self.create(c1, "grid", subtype="dedicated"), 422,
                     "invalid_dedicated_kind", "dedicated_kind")
        self.refused(self.create(c1, "grid", subtype="dedicated", dedicated_kind="zoo"), 422,
                     "invalid_dedicated_kind", "dedicated_kind")
        self.refused(self.create(c1, "grid", dedicated_kind="school"), 422,
                     "invalid_dedicated_kind", "dedicated_kind")
        self.refused(self.create(c1, "grid", code=c1["code"] + "000"), 422, "invalid_code", "code")
        self.refused(self.create(c1, "grid", subtype="village"), 422, "invalid_subtype", "subtype")
        # auto-allocated grid after 001 and 999: the range is full above the highest
        self.refused(self.create(c1, "grid"), 409, "codes_exhausted", "code")
        g3 = self.make(c2, "grid")
        self.assertEqual(g3["code"], c2["code"] + "001")
        # compound, building (in a compound and straight in a grid), unit
        comp = self.make(g1, "compound", code=g1["code"] + "001")
        b1 = self.make(comp, "building", code=comp["code"] + "001")
        # compounds and buildings straight in a grid share the grid's sequence
        b2 = self.make(g1, "building")
        self.assertEqual(b2["code"], g1["code"] + "002")
        self.refused(self.create(g1, "building", code=comp["code"]), 409, "code_taken", "code")
        u1 = self.make(b1, "unit", code=b1["code"] + "01")
        u2 = self.make(b1, "unit")
        self.assertEqual(u2["code"], b1["code"] + "02")
        self.make(b1, "unit", code=b1["code"] + "99")
        # 24 digits: past the longest code there is
        self.refused(self.create(b1, "unit", code=b1["code"] + "100"), 422, "invalid_length", "code")
        self.refused(self.create(b1, "unit", code=b1["code"][:-1] + "901"), 422, "invalid_code", "code")
        self.refused(self.create(b1, "unit", code=b1["code"] + "00"), 422, "invalid_code", "code")
        self.refused(self.create(comp, "compound"), 422, "invalid_parent", "parent_id")
        self.refused(self.create(comp, "building", subtype="basic"), 422, "invalid_subtype", "subtype")
        self.assertEqual((u1["depth"], len(u1["code"])), (6, 23))
        self.assertEqual(u1["region"], d["code"])
        self.assertEqual(self.get(b1["id"])["child_count"], 3)

    def test_refused_parent_child_kinds(self):
        t = self.tree()
        bad = [(None, "street"), (None, "community"), (None, "grid"), (None, "unit"),
               ("district", "district"), ("district", "community"), ("district", "grid"),
               ("street", "street"), ("street", "grid"), ("street", "district"),
               ("community", "community"), ("community", "compound"), ("community", "building"),
               ("grid", "grid"), ("grid", "unit"), ("compound", "unit"), ("compound", "compound"),
               ("building", "building"), ("unit", "unit"), ("unit", "street")]
        for parent, kind in bad:
            with self.subTest(parent=parent, kind=kind):
                p = t[parent] if parent else None
                # a code that would be well-formed for the kind: the parent is what is wrong
                code = next(_codes) if kind == "district" else ((p["code"] if p else next(_codes)) + "001")[-23:]
                self.refused(self.create(p, kind, code=code), 422, "invalid_parent", "parent_id")
                self.refused(self.create(p, kind), 422,
                             "missing_field" if kind == "district" else "invalid_parent",
                             "code" if kind == "district" else "parent_id")
        self.refused(self.create(None, "city", code=next(_codes)), 422, "invalid_kind", "kind")
        self.refused(self.create(99999999, "street"), 422, "invalid_reference", "parent_id")

    # ---- listings ----

    def test_children_pagination(self):
        d = self.district()
        subtype = lambda c: "street" if c < "100" else "town" if c < "200" else "township"
        made = [self.make(d, "street", code=d["code"] + c, subtype=subtype(c))
                for c in ("005", "001", "150", "099", "010", "200", "002")]
        want = sorted(p["code"] for p in made)
        items, pages = self.all_pages(f"{P}/{d['id']}/children", 2)
        codes = [p["code"] for p in items]
        self.assertEqual(codes, want)          # code order, no duplicates, no gaps
        self.assertGreaterEqual(pages, 4)
        self.assertTrue(all(p["parent_id"] == d["id"] for p in items))
        # one call with a big limit agrees
        st, one = self.s.get(f"{P}/{d['id']}/children?limit=200")
        self.assertEqual([p["code"] for p in one["items"]], want)
        self.assertIsNone(one["next_cursor"])
        # the default limit holds them all too
        st, one = self.s.get(f"{P}/{d['id']}/children")
        self.assertEqual(len(one["items"]), 7)

    def test_pagination_bad_parameters(self):
        d = self.district()
        self.make(d, "street")
        url = f"{P}/{d['id']}/children"
        for lim in ("0", "201", "abc", "-1", "1.5", "", "99999999999999999999"):
            with self.subTest(limit=lim):
                self.refused(self.s.get(f"{url}?limit={lim}"), 400, "invalid_parameter", "limit")
        for cur in ("garbage!!", "AAAA", "Yw", "eA", "x" * 300):
            with self.subTest(cursor=cur):
                self.refused(self.s.get(f"{url}?cursor={cur}"), 400, "invalid_cursor", "cursor")
        self.refused(self.s.get(f"{P}/{d['id']}/subtree?cursor=%%%"), 400, "invalid_cursor", "cursor")
        self.refused(self.s.get(f"{P}/{d['id']}/subtree?limit=0"), 400, "invalid_parameter", "limit")
        self.refused(self.s.get(f"{P}/{d['id']}/subtree?kind=city"), 400, "invalid_parameter", "kind")
        self.refused(self.s.get(f"{P}/{d['id']}/history?cursor=bad*"), 400, "invalid_cursor", "cursor")
        st, body = self.s.get(f"{P}/99999999/children")
        self.assertEqual(st, 404, body)
        error_of(body)
        st, body = self.s.get(f"{P}/abc")
        self.assertEqual(st, 404, body)
        error_of(body)

    def test_subtree_by_kind(self):
        t = self.tree()
        g2 = self.make(t["community"], "grid", subtype="dedicated", dedicated_kind="park")
        b2 = self.make(g2, "building")
        c2 = self.make(t["street"], "community", subtype="village")
        g3 = self.make(c2, "grid")
        other = self.tree()  # a sibling tree the subtree must not reach
        want = {
            "street": {t["street"]["id"]},
            "community": {t["community"]["id"], c2["id"]},
            "grid": {t["grid"]["id"], g2["id"], g3["id"]},
            "compound": {t["compound"]["id"]},
            "building": {t["building"]["id"], b2["id"]},
            "unit": {t["unit"]["id"]},
            "district": set(),
        }
        for kind, ids in want.items():
            with self.subTest(kind=kind):
                got = self.subtree(t["district"]["id"], kind)
                self.assertEqual([p["id"] for p in got if p["kind"] != kind], [])
                self.assertEqual({p["id"] for p in got}, ids)
                self.assertEqual(len(got), len(ids))
        everything = self.subtree(t["district"]["id"])
        self.assertEqual({p["id"] for p in everything}, set().union(*want.values()))
        self.assertNotIn(t["district"]["id"], [p["id"] for p in everything])
        self.assertFalse({p["id"] for p in everything} & {p["id"] for p in other.values()})
        # under the community: only its own grids
        got = self.subtree(t["community"]["id"], "grid")
        self.assertEqual({p["id"] for p in got}, {t["grid"]["id"], g2["id"]})
        # paginated with limit=2 it is the same set, in path order, without repeats
        items, pages = self.all_pages(f"{P}/{t['district']['id']}/subtree", 2)
        self.assertEqual(sorted(p["id"] for p in items), sorted(p["id"] for p in everything))
        self.assertEqual(len(items), len({p["id"] for p in items}))
        self.assertEqual(self.subtree(t["unit"]["id"]), [])

    # ---- updates ----

    def test_patch_versions(self):
        t = self.tree()
        c = t["community"]
        self.assertEqual(c["version"], 1)
        st, p = self.s.patch(f"{P}/{c['id']}", {"name": "新名字", "version": 1})
        self.assertEqual(st, 200, p)
        self.assertEqual((p["name"], p["version"], p["code"]), ("新名字", 2, c["code"]))
        self.refused(self.s.patch(f"{P}/{c['id']}", {"name": "又一个", "version": 1}),
                     409, "stale_version", "version")
        self.assertEqual(self.get(c["id"])["name"], "新名字")
        # the subtype decides the code's range: community 001 cannot become a village
        self.refused(self.s.patch(f"{P}/{c['id']}", {"subtype": "village", "version": 2}),
                     422, "invalid_code", "code")
        self.refused(self.s.patch(f"{P}/{c['id']}", {"subtype": "town", "version": 2}),
                     422, "invalid_subtype", "subtype")
        # a grid may switch to dedicated (same range) if it names what it covers
        g = t["grid"]
        self.refused(self.s.patch(f"{P}/{g['id']}", {"subtype": "dedicated", "version": 1}),
                     422, "invalid_dedicated_kind", "dedicated_kind")
        st, p = self.s.patch(f"{P}/{g['id']}", {"subtype": "dedicated", "dedicated_kind": "market",
                                                "version": 1})
        self.assertEqual(st, 200, p)
        self.assertEqual((p["subtype"], p["dedicated_kind"], p["version"]), ("dedicated", "market", 2))
        self.refused(self.s.patch(f"{P}/{g['id']}", {"subtype": "basic", "dedicated_kind": "market",
                                                     "version": 2}),
                     422, "invalid_dedicated_kind", "dedicated_kind")
        st, p = self.s.patch(f"{P}/{g['id']}", {"subtype": None, "dedicated_kind": None, "version": 2})
        self.assertEqual(st, 200, p)
        self.assertEqual((p["subtype"], p["dedicated_kind"], p["version"]), ("basic", None, 3))
        # without a version the change is unconditional; bad input is refused
        st, p = self.s.patch(f"{P}/{g['id']}", {"name": "第一网格"})
        self.assertEqual((st, p["version"]), (200, 4), p)
        self.refused(self.s.patch(f"{P}/{g['id']}", {"name": ""}), 422, "invalid_length", "name")
        self.refused(self.s.patch(f"{P}/{g['id']}", {"name": "a\nb"}), 422, "invalid_name", "name")
        self.refused(self.s.patch(f"{P}/{g['id']}", {"code": "1"}), 422, "unknown_field", "code")
        self.refused(self.s.patch(f"{P}/{g['id']}", {"version": "4"}), 422, "invalid_type", "version")
        self.refused(self.s.patch(f"{P}/{g['id']}", {"version": 0}), 422, "out_of_range", "version")
        self.assertEqual(self.get(g["id"])["version"], 4)
        st, hist = self.s.get(f"{P}/{g['id']}/history")
        self.assertEqual([h["action"] for h in hist["items"]], ["create", "update", "update", "update"])

    def test_concurrent_patch_one_wins(self):
        c = self.tree()["community"]
        res, lock = [], threading.Lock()

        def worker(i):
            sess = self.srv.login("admin")
            r = sess.patch(f"{P}/{c['id']}", {"name": f"名{i}", "version": 1})
            with lock:
                res.append(r)
            sess.close()
        ts = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        ok = [b for st, b in res if st == 200]
        self.assertEqual(len(ok), 1, res)
        for st, b in res:
            if st != 200:
                self.assertEqual((st, error_of(b)["code"]), (409, "stale_version"))
        self.assertEqual(self.get(c["id"])["name"], ok[0]["name"])
        self.assertEqual(self.get(c["id"])["version"], 2)

    # ---- moves ----

    def test_move_community_recodes_subtree(self):
        d = self.district()
        s1 = self.make(d, "street", code=d["code"] + "001")
        s2 = self.make(d, "street", code=d["code"] + "002")
        keep = self.make(s2, "community", code=s2["code"] + "001")   # s2's code 001 is taken
        c = self.make(s1, "community", code=s1["code"] + "005")
        g1 = self.make(c, "grid", code=c["code"] + "001")
        g2 = self.make(c, "grid", code=c["code"] + "002", subtype="dedicated", dedicated_kind="hospital")
        comp = self.make(g1, "compound", code=g1["code"] + "003")
        b1 = self.make(comp, "building", code=comp["code"] + "004")
        u1 = self.make(b1, "unit", code=b1["code"] + "05")
        b2 = self.make(g2, "building", code=g2["code"] + "006")
        moved = [c, g1, g2, comp, b1, u1, b2]
        before = {p["id"]: self.get(p["id"]) for p in moved}

        st, m = self.s.post(f"{P}/{c['id']}/move", {"parent_id": s2["id"]})
        self.assertEqual(st, 200, m)
        new_code = s2["code"] + "002"                # next free under s2
        self.assertEqual((m["code"], m["parent_id"], m["depth"]), (new_code, s2["id"], 2))
        old_prefix, new_prefix = c["code"], new_code
        for p in moved:
            now = self.get(p["id"])
            with self.subTest(kind=p["kind"], code=p["code"]):
                self.assertTrue(p["code"].startswith(old_prefix))
                self.assertEqual(now["code"], new_prefix + p["code"][len(old_prefix):])
                self.assertEqual(now["depth"], before[p["id"]]["depth"])
                self.assertEqual(now["name"], p["name"])
                self.assertEqual(now["region"], d["code"])
                if p is not c:
                    self.assertEqual(now["parent_id"], p["parent_id"])
        # codes still unique and lookups by the old code find nothing under s1
        ids = {p["id"] for p in moved}
        self.assertEqual({p["id"] for p in self.subtree(s2["id"])}, ids | {keep["id"]})
        self.assertEqual(self.subtree(s1["id"]), [])
        self.assertEqual([x["id"] for x in self.children(s1["id"])], [])
        self.assertEqual([x["id"] for x in self.children(s2["id"])], [keep["id"], c["id"]])
        self.assertEqual(self.get(s1["id"])["child_count"], 0)
        self.assertEqual(self.get(s2["id"])["child_count"], 2)
        # the new parent's subtree by kind reaches the moved descendants
        self.assertEqual({p["id"] for p in self.subtree(s2["id"], "unit")}, {u1["id"]})
        self.assertEqual({p["id"] for p in self.subtree(s2["id"], "building")}, {b1["id"], b2["id"]})
        # the moved node keeps its own subtree
        self.assertEqual({p["id"] for p in self.subtree(c["id"])}, ids - {c["id"]})
        # new children of moved places get codes under the new prefix
        u2 = self.make(b1, "unit")
        self.assertEqual(u2["code"], new_prefix + b1["code"][len(old_prefix):] + "06")
        # and the old code is free again
        again = self.make(s1, "community", code=c["code"])
        self.assertEqual(again["code"], old_prefix)
        # history records the move
        st, hist = self.s.get(f"{P}/{c['id']}/history")
        self.assertEqual(st, 200, hist)
        mv = [h for h in hist["items"] if h["action"] == "move"]
        self.assertEqual(len(mv), 1, hist)
        self.assertEqual((mv[0]["old_parent_id"], mv[0]["new_parent_id"]), (s1["id"], s2["id"]))
        self.assertEqual((mv[0]["old_code"], mv[0]["new_code"]), (old_prefix, new_prefix))
        self.assertEqual(hist["items"][0]["action"], "create")

    def test_move_across_districts_changes_region(self):
        a, b = self.tree(), self.tree()
        st, m = self.s.post(f"{P}/{a['community']['id']}/move", {"parent_id": b["street"]["id"]})
        self.assertEqual(st, 200, m)
        self.assertEqual(m["code"], b["street"]["code"] + "002")
        for k in ("community", "grid", "compound", "building", "unit"):
            now = self.get(a[k]["id"])
            with self.subTest(kind=k):
                self.assertEqual(now["region"], b["district"]["code"])
                self.assertTrue(now["code"].startswith(m["code"]))
                self.assertEqual(now["code"][len(m["code"]):], a[k]["code"][len(a["community"]["code"]):])
        self.assertEqual({p["id"] for p in self.subtree(a["district"]["id"])}, {a["street"]["id"]})
        self.assertEqual(len(self.subtree(b["district"]["id"], "unit")), 2)
        st, hist = self.s.get(f"{P}/{a['community']['id']}/history?limit=1")
        self.assertEqual((st, [h["action"] for h in hist["items"]]), (200, ["create"]))
        items, pages = self.all_pages(f"{P}/{a['community']['id']}/history", 1)
        self.assertEqual([h["action"] for h in items], ["create", "move"])
        self.assertGreaterEqual(pages, 2)

    def test_move_with_explicit_code_and_depth_change(self):
        t = self.tree()
        g2 = self.make(t["community"], "grid")
        b, comp = t["building"], t["compound"]
        # a building leaves its compound for a grid: one level up, codes follow
        self.refused(self.s.post(f"{P}/{b['id']}/move", {"parent_id": g2["id"], "code": t["grid"]["code"] + "777"}),
                     422, "invalid_code", "code")
        self.refused(self.s.post(f"{P}/{b['id']}/move", {"parent_id": g2["id"], "code": g2["code"] + "000"}),
                     422, "invalid_code", "code")
        st, m = self.s.post(f"{P}/{b['id']}/move", {"parent_id": g2["id"], "code": g2["code"] + "777"})
        self.assertEqual(st, 200, m)
        self.assertEqual((m["code"], m["depth"], m["parent_id"]), (g2["code"] + "777", 4, g2["id"]))
        u = self.get(t["unit"]["id"])
        self.assertEqual((u["code"], u["depth"]), (g2["code"] + "777" + t["unit"]["code"][-2:], 5))
        self.assertEqual(self.children(comp["id"]), [])
        # and back into the compound, whose code 001 is free again
        st, m = self.s.post(f"{P}/{b['id']}/move", {"parent_id": comp["id"]})
        self.assertEqual(st, 200, m)
        self.assertEqual((m["code"], m["depth"]), (comp["code"] + "001", 5))
        self.assertEqual(self.get(t["unit"]["id"])["code"], t["unit"]["code"])
        # a taken code is refused and nothing changes
        other = self.make(g2, "building")
        self.refused(self.s.post(f"{P}/{b['id']}/move", {"parent_id": g2["id"], "code": other["code"]}),
                     409, "code_taken", "code")
        self.assertEqual(self.get(b["id"])["parent_id"], comp["id"])

    def test_move_refusals(self):
        t = self.tree()
        c = t["community"]
        s2 = self.make(t["district"], "street")
        mv = lambda pid, body=None: self.s.post(f"{P}/{pid}/move", body)
        # into itself or its own subtree
        for target in ("community", "grid", "compound", "building", "unit"):
            with self.subTest(into=target):
                self.refused(mv(c["id"], {"parent_id": t[target]["id"]}), 409, "invalid_move", "parent_id")
        self.refused(mv(t["street"]["id"], {"parent_id": t["unit"]["id"]}), 409, "invalid_move", "parent_id")
        # under a parent of the wrong kind
        for node, target in (("community", "district"), ("grid", "street"), ("unit", "compound"),
                             ("street", "street"), ("compound", "compound")):
            with self.subTest(node=node, target=target):
                tgt = s2 if (node, target) == ("street", "street") else t[target]
                if (node, target) == ("compound", "compound"):
                    tgt = self.make(t["grid"], "compound")
                self.refused(mv(t[node]["id"], {"parent_id": tgt["id"]}), 422, "invalid_parent", "parent_id")
        elsewhere = self.make(self.district(), "street")
        self.refused(mv(t["district"]["id"], {"parent_id": elsewhere["id"]}), 422, "invalid_parent", "parent_id")
        # to where it already is
        self.refused(mv(c["id"], {"parent_id": t["street"]["id"]}), 409, "no_change", "parent_id")
        # to a parent that does not exist / bad input
        self.refused(mv(c["id"], {"parent_id": 99999999}), 422, "invalid_reference", "parent_id")
        self.refused(mv(c["id"], {}), 422, "missing_field", "parent_id")
        self.refused(mv(c["id"], {"parent_id": s2["id"], "name": "x"}), 422, "unknown_field", "name")
        # under an inactive street
        s3 = self.make(t["district"], "street")
        st, _ = self.s.post(f"{P}/{s3['id']}/deactivate")
        self.assertEqual(st, 200)
        self.refused(mv(c["id"], {"parent_id": s3["id"]}), 409, "invalid_move", "parent_id")
        # nothing moved
        for k, p in t.items():
            now = self.get(p["id"])
            self.assertEqual((now["code"], now["parent_id"]), (p["code"], p["parent_id"]), k)

    # ---- deactivate / activate ----

    def test_deactivate_and_activate(self):
        t = self.tree()
        b, u = t["building"], t["unit"]
        u2 = self.make(b, "unit")
        self.refused(self.s.post(f"{P}/{b['id']}/deactivate"), 409, "has_active_children", None)
        self.assertTrue(self.get(b["id"])["active"])
        st, p = self.s.post(f"{P}/{u['id']}/deactivate")
        self.assertEqual(st, 200, p)
        self.assertFalse(p["active"])
        self.assertEqual(p["version"], u["version"] + 1)
        self.refused(self.s.post(f"{P}/{u['id']}/deactivate"), 409, "no_change", None)
        # hidden from listings unless asked for
        self.assertEqual([x["id"] for x in self.children(b["id"])], [u2["id"]])
        self.assertEqual([x["id"] for x in self.children(b["id"], inactive=True)], [u["id"], u2["id"]])
        st, lst = self.s.get(f"{P}/{b['id']}/children?include_inactive=false")
        self.assertEqual([x["id"] for x in lst["items"]], [u2["id"]])
        self.assertNotIn(u["id"], [x["id"] for x in self.subtree(t["district"]["id"], "unit")])
        self.assertIn(u["id"], [x["id"] for x in self.subtree(t["district"]["id"], "unit", inactive=True)])
        self.assertEqual(self.get(b["id"])["child_count"], 1)
        # still readable by id: places are never deleted
        self.assertFalse(self.get(u["id"])["active"])
        # the last active child gone, the parent may go too
        self.assertEqual(self.s.post(f"{P}/{u2['id']}/deactivate")[0], 200)
        self.assertEqual(self.s.post(f"{P}/{b['id']}/deactivate")[0], 200)
        # nothing new or re-activated under an inactive parent
        self.refused(self.s.post(f"{P}/{u['id']}/activate"), 409, "parent_inactive", None)
        self.refused(self.create(b, "unit"), 409, "parent_inactive", "parent_id")
        self.assertFalse(self.get(u["id"])["active"])
        # top down it works again
        self.assertEqual(self.s.post(f"{P}/{b['id']}/activate")[0], 200)
        st, p = self.s.post(f"{P}/{u['id']}/activate")
        self.assertEqual(st, 200, p)
        self.assertTrue(p["active"])
        self.refused(self.s.post(f"{P}/{u['id']}/activate"), 409, "no_change", None)
        st, hist = self.s.get(f"{P}/{u['id']}/history")
        self.assertEqual([h["action"] for h in hist["items"]], ["create", "deactivate", "activate"])

    def test_no_delete(self):
        t = self.tree()
        for url, allow in ((f"{P}/{t['unit']['id']}", {"GET", "PATCH"}),
                           (P, {"GET", "POST"}),
                           (f"{P}/{t['unit']['id']}/children", {"GET"}),
                           (f"{P}/{t['unit']['id']}/deactivate", {"POST"})):
            for method in ("DELETE", "PUT"):
                with self.subTest(url=url, method=method):
                    st, body = self.s.request(method, url)
                    self.assertEqual(st, 405, body)
                    self.assertEqual(error_of(body)["code"], "method_not_allowed")
                    got = {m.strip() for m in self.s.last_headers.get("allow", "").split(",")}
                    self.assertEqual(got, allow)
        # and the place is still there
        self.assertEqual(self.get(t["unit"]["id"])["code"], t["unit"]["code"])


if __name__ == "__main__":
    unittest.main()
