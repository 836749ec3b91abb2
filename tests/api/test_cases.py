"""The case engine through the API (PRODUCT.md §3, issue 3): the five loops
walked end to end by the demo roles that own each step, the paths the
server must refuse (wrong role, out of scope, illegal in the state, two
people at once, a stale version), escalation, "+1" support and reopening,
the clocks with the scheduler's overdue pass, and search.

Every test shares one server over a fresh demo city; cases carry titles
of their own so that searches never see another test's cases. Metrics and
the replay of random scenarios are in test_case_metrics.py.

Demo city used here: resident1, member1 and grid001 live in grid 1 of
community 1 (community01), which lies in street 1 (street1) of the district
(command); grid002 works in grid 2; dept1..dept5 and property1 hold units
1..6 at the district level.
"""
import datetime
import subprocess
import threading
import unittest
from urllib.parse import quote

import gg
from gg import Server, error_of, stop_clean

C = "/api/v1/cases"


def iso_in(hours):
    """An ISO 8601 instant `hours` from now, for `gridgov scheduler-run --now`."""
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=hours)
    return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def when(s):
    return datetime.datetime.fromisoformat(s)


class CaseHelpers:
    """Sessions by demo username and the calls every case test makes. The
    class using it sets cls.srv (a gg.Server)."""

    @classmethod
    def setup_helpers(cls, srv):
        cls.srv = srv
        cls._sess, cls._me, cls._cats = {}, {}, None

    @classmethod
    def close_sessions(cls):
        for s in cls._sess.values():
            s.close()

    def as_(self, user):
        if user not in self._sess:
            self._sess[user] = self.srv.login(user)
        return self._sess[user]

    def me(self, user):
        if user not in self._me:
            st, body = self.as_(user).get("/api/v1/session")
            self.assertEqual(st, 200, body)
            self._me[user] = body["user"]
        return self._me[user]

    def uid(self, user):
        return self.me(user)["id"]

    def home(self, user):
        """The (first) place a demo account is assigned to."""
        return self.me(user)["place_ids"][0]

    def unit(self, user):
        return self.me(user)["unit_id"]

    def cat(self, kind, code):
        if self._cats is None:
            st, body = self.as_("admin").get("/api/v1/categories")
            self.assertEqual(st, 200, body)
            type(self)._cats = {(c["kind"], c["code"]): c for c in body["items"]}
        return self._cats[(kind, code)]["id"]

    def new_category(self, kind, code, amount=5, unit="work_days", stage=1, stage_unit="work_days"):
        st, c = self.as_("admin").post("/api/v1/categories", {
            "kind": kind, "code": code, "name": f"测试类别{code}", "limit_amount": amount,
            "limit_unit": unit, "stage_amount": stage, "stage_unit": stage_unit})
        self.assertEqual(st, 201, c)
        return c["id"]

    # ---- cases ----

    def open_case(self, user, kind, category, place, title, status=201, **kw):
        body = {"kind": kind, "category_id": category, "place_id": place, "title": title}
        body.update(kw)
        st, c = self.as_(user).post(C, body)
        location = self.as_(user).last_headers.get("location")
        self.assertEqual(st, status, c)
        if status == 201:
            self.assertEqual((c["kind"], c["title"], c["version"]), (kind, title, 1))
            self.assertEqual(c["reporter_id"], self.uid(user))
            self.assertEqual(location, f"{C}/{c['id']}")
        return c

    def get(self, user, cid, status=200):
        st, c = self.as_(user).get(f"{C}/{cid}")
        self.assertEqual(st, status, c)
        return c

    def act(self, user, cid, action, status=200, code=None, **body):
        """POST an action; on refusal check the error shape (and the allowed
        actions listed with an engine's refusal) and return the body."""
        st, out = self.as_(user).post(f"{C}/{cid}/actions/{action}", body)
        self.assertEqual(st, status, (user, action, out))
        if status >= 400:
            self.assertIn("error", out, out)
            if "allowed_actions" in out:
                extra = dict(out)
                del extra["allowed_actions"]
                error_of(extra)
            else:
                error_of(out)
            if code:
                self.assertEqual(out["error"]["code"], code, out)
        return out

    def flow(self, cid, user="admin"):
        st, f = self.as_(user).get(f"{C}/{cid}/flow")
        self.assertEqual(st, 200, f)
        return f["items"]

    def flow_actions(self, cid):
        return [(e["action"], e["from_state"], e["to_state"]) for e in self.flow(cid)]

    @staticmethod
    def allowed(c):
        return {a["action"] for a in c["allowed_actions"]}

    @staticmethod
    def owner(c):
        o = c["owner"]
        return (o["place_id"], o["unit_id"], o["user_id"])

    def can(self, user, c, expected):
        """The user's allowed actions on case c are exactly `expected`."""
        got = self.allowed(self.get(user, c["id"]))
        self.assertEqual(got, set(expected), (user, c["state"]))

    def step(self, user, c, action, to, owner=None, **body):
        """Take an action that must succeed: the state, version, owner and the
        new flow entry (who, action, from, to) are checked."""
        out = self.act(user, c["id"], action, **body)
        self.assertEqual(out["state"], to, out)
        self.assertEqual(out["version"], c["version"] + 1, out)
        if owner is not None:
            self.assertEqual(self.owner(out), owner, out)
        last = self.flow(c["id"])[-1]
        self.assertEqual((last["action"], last["from_state"], last["to_state"], last["actor_id"]),
                         (action, c["state"], to, self.uid(user)), last)
        if body.get("note"):
            self.assertEqual(last["note"], body["note"])
        if body.get("rating"):
            self.assertEqual(last["rating"], body["rating"])
        return out


def setUpModule():
    global SRV
    SRV = Server()


def tearDownModule():
    stop_clean(unittest.TestCase(), SRV)


class CaseTest(CaseHelpers, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.setup_helpers(SRV)

    @classmethod
    def tearDownClass(cls):
        cls.close_sessions()

    def places(self):
        return {"grid": self.home("grid001"), "community": self.home("community01"),
                "street": self.home("street1"), "district": self.home("command"),
                "grid2": self.home("grid002")}


class Loops(CaseTest):
    """Each kind's loop end to end with the roles that own each step."""

    def event_loop(self, reporter):
        P = self.places()
        g = P["grid"]
        c = self.open_case(reporter, "event", self.cat("event", "city_appearance"), g,
                           f"小区门口垃圾堆积无人清理{reporter}", description="已经三天了",
                           address="小桥社区1号小区东门", lat=36.63, lon=101.77)
        self.assertEqual((c["state"], c["state_label"], c["stage"]), ("reported", "已上报", "accept"))
        self.assertEqual(self.owner(c), (g, None, None))
        self.assertEqual(c["location"], {"lat": 36.63, "lon": 101.77})
        self.assertEqual(self.flow_actions(c["id"]), [("open", None, "reported")])
        if reporter == "resident1":
            self.assertEqual(self.allowed(c), {"cancel", "urge"})
        self.can("community01", c, {"accept", "refuse", "urge", "pause_clock"})
        self.can("dept1", c, set())
        self.assertIsNone(self.get("community01", c["id"])["suggested_unit_id"])

        c = self.step("community01", c, "accept", "accepted", owner=(g, None, None))
        self.assertEqual(self.allowed(c), {"dispatch", "escalate", "urge", "pause_clock"})
        # the dispatch catalogue names 区城市管理局 (dept1) for 市容环境 in the district
        self.assertEqual(c["suggested_unit_id"], self.unit("dept1"))
        self.assertIsNotNone(c["responded_at"])

        c = self.step("community01", c, "dispatch", "dispatched",
                      owner=(g, self.unit("dept1"), None), target_unit_id=c["suggested_unit_id"])
        self.assertEqual(self.allowed(c), {"urge"})
        self.assertEqual(c["dispatcher"]["place_id"], g)
        self.assertIsNotNone(c["dispatched_at"])
        self.assertEqual(self.flow(c["id"])[-1]["target_unit_id"], self.unit("dept1"))
        self.can("dept1", c, {"sign", "return", "pause_clock"})
        self.can("dept2", c, set())

        c = self.step("dept1", c, "sign", "handling", owner=(g, self.unit("dept1"), None))
        self.assertEqual(self.allowed(c), {"return", "feedback", "request_extension", "pause_clock"})
        c = self.step("dept1", c, "feedback", "feedback", note="已清运")
        self.assertEqual(self.allowed(c), {"pause_clock"})
        self.can("community01", c, {"verify", "rework", "urge"})

        # 核查 finds it not done: 返工 back to the department
        c = self.step("community01", c, "rework", "handling", note="门口仍有垃圾",
                      owner=(g, self.unit("dept1"), None))
        self.assertEqual(c["rework_count"], 1)
        c = self.step("dept1", c, "feedback", "feedback", note="已彻底清运")
        c = self.step("community01", c, "verify", "verified")
        self.assertEqual(self.allowed(c), {"rework", "close", "urge"})
        self.assertIsNone(c["closed_at"])
        c = self.step("community01", c, "close", "closed")
        self.assertIsNotNone(c["closed_at"])
        self.assertEqual(self.allowed(c), set())
        self.can(reporter, c, {"rate", "reopen"})

        c = self.step(reporter, c, "rate", "rated", rating=5)
        self.assertEqual(c["rating"], 5)
        self.assertEqual(self.allowed(c), {"reopen"})
        self.assertEqual(self.flow_actions(c["id"]), [
            ("open", None, "reported"), ("accept", "reported", "accepted"),
            ("dispatch", "accepted", "dispatched"), ("sign", "dispatched", "handling"),
            ("feedback", "handling", "feedback"), ("rework", "feedback", "handling"),
            ("feedback", "handling", "feedback"), ("verify", "feedback", "verified"),
            ("close", "verified", "closed"), ("rate", "closed", "rated")])

    def test_event_loop_reported_by_resident(self):
        self.event_loop("resident1")

    def test_event_loop_reported_by_grid_worker(self):
        self.event_loop("grid001")

    def test_event_refused(self):
        g = self.places()["grid"]
        c = self.open_case("resident1", "event", self.cat("event", "advertising"), g, "不属于受理范围的事项")
        self.act("grid001", c["id"], "refuse", status=422, code="note_required")
        c = self.step("grid001", c, "refuse", "refused", note="不属于网格事件")
        self.assertEqual(self.allowed(c), set())
        self.can("resident1", c, set())

    def test_hotline_consultation_answered_at_intake(self):
        g = self.places()["grid"]
        cat = self.cat("hotline", "consult")
        c = self.open_case("command", "hotline", cat, g, "咨询居住证办理材料", subtype="consultation",
                           answer_now=True)
        self.assertEqual(c["state"], "answered")
        self.assertIsNotNone(c["closed_at"])
        self.assertIsNotNone(c["responded_at"])
        self.assertEqual(self.allowed(c), {"archive", "reopen"})
        self.assertEqual(self.flow_actions(c["id"])[-1][2], "answered")
        # only whoever may take the "answer" step (the hotline's command centre) answers at once
        out = self.open_case("resident1", "hotline", cat, g, "居民自己直接答复", status=403,
                             subtype="consultation", answer_now=True)
        self.assertEqual(error_of(out)["code"], "forbidden")
        out = self.open_case("command", "hotline", self.cat("hotline", "complaint"), g, "投诉不能直接答复",
                             status=422, subtype="complaint", answer_now=True)
        self.assertEqual(error_of(out)["field"], "answer_now")
        # answered later, at intake, with the answer as the note
        c = self.open_case("resident1", "hotline", cat, g, "咨询低保申请条件", subtype="consultation")
        self.assertEqual(c["state"], "intake")
        self.can("command", c, {"answer", "dispatch", "cancel", "urge", "supervise", "pause_clock"})
        self.act("command", c["id"], "answer", status=422, code="note_required")
        c = self.step("command", c, "answer", "answered", note="请携带身份证和户口本到社区申请")
        self.assertIsNotNone(c["closed_at"])
        self.can("resident1", c, {"reopen"})
        c = self.step("command", c, "archive", "archived")

    def test_hotline_order_loop(self):
        g = self.places()["grid"]
        d2, d4 = self.unit("dept2"), self.unit("dept4")
        c = self.open_case("resident1", "hotline", self.cat("hotline", "complaint"), g,
                           "楼下餐馆油烟扰民严重", subtype="complaint", source="hotline",
                           urgency="urgent")
        self.assertEqual((c["state"], c["subtype"], c["urgency"], c["source"]),
                         ("intake", "complaint", "urgent", "hotline"))
        self.assertEqual(self.allowed(c), {"cancel", "urge"})
        cc = self.get("command", c["id"])
        self.assertEqual(self.allowed(cc), {"dispatch", "cancel", "urge", "supervise", "pause_clock"})
        self.assertEqual(cc["suggested_unit_id"], d4)   # 投诉 → 区市场监督管理局

        # dispatched elsewhere than the catalogue says (allowed, recorded); 退单 back to intake
        c = self.step("command", c, "dispatch", "dispatched", owner=(g, d2, None), target_unit_id=d2)
        self.can("dept2", c, {"sign", "return", "pause_clock"})
        self.act("dept2", c["id"], "return", status=422, code="note_required")
        c = self.step("dept2", c, "return", "intake", owner=(g, None, None), note="非本部门职责")
        self.assertEqual(c["return_count"], 1)
        self.can("dept2", c, set())
        self.can("command", c, {"dispatch", "cancel", "urge", "supervise", "pause_clock"})

        c = self.step("command", c, "dispatch", "dispatched", owner=(g, d4, None), target_unit_id=d4)
        c = self.step("dept4", c, "sign", "handling")
        self.assertEqual(self.allowed(c), {"return", "finish", "request_extension", "pause_clock"})

        # 延期: requested by the holder, approved by the command centre; the deadlines move
        self.act("dept4", c["id"], "request_extension", status=422, note="需要第三方检测")
        due0, sdue0 = when(c["due_at"]), when(c["stage_due_at"])
        c = self.step("dept4", c, "request_extension", "handling", note="需要第三方检测",
                      extension_amount=2)
        self.assertTrue(c["extension_pending"])
        self.assertEqual(c["extension_amount"], 2)
        self.assertNotIn("request_extension", self.allowed(c))
        cc = self.get("command", c["id"])
        self.assertLessEqual({"approve_extension", "deny_extension"}, self.allowed(cc))
        self.act("dept4", c["id"], "approve_extension", status=403, code="forbidden")
        c = self.step("command", c, "approve_extension", "handling")
        self.assertFalse(c["extension_pending"])
        self.assertGreater(when(c["due_at"]), due0)
        self.assertGreater(when(c["stage_due_at"]), sdue0)
        self.assertNotIn("approve_extension", self.allowed(c))

        c = self.step("dept4", c, "finish", "done", note="已安装油烟净化器")
        c = self.step("command", c, "review", "reviewed")
        self.assertIsNotNone(c["closed_at"])
        self.can("resident1", c, {"rate"})
        self.act("resident1", c["id"], "rate", status=422, code="invalid_rating")
        # unsatisfied: 重办, back to the same department
        c = self.step("resident1", c, "rate", "handling", owner=(g, d4, None), rating=2)
        self.assertEqual((c["rework_count"], c["return_count"]), (1, 1))
        self.assertIsNone(c["closed_at"])
        self.assertIsNone(c["rating"])
        self.can("dept4", c, {"return", "finish", "request_extension", "pause_clock"})
        c = self.step("dept4", c, "finish", "done", note="更换大功率净化器")
        c = self.step("command", c, "review", "reviewed")
        c = self.step("resident1", c, "rate", "rated", rating=4)
        self.assertEqual(c["rating"], 4)
        self.can("command", c, {"archive"})
        c = self.step("command", c, "archive", "archived")
        self.assertEqual(self.allowed(c), set())
        self.can("resident1", c, {"reopen"})
        self.assertEqual([a for a, _, _ in self.flow_actions(c["id"])], [
            "open", "dispatch", "return", "dispatch", "sign", "request_extension",
            "approve_extension", "finish", "review", "rate", "finish", "review", "rate", "archive"])

    def test_whistle_loop(self):
        P = self.places()
        u1, u2, u3 = self.unit("dept1"), self.unit("dept2"), self.unit("dept3")
        self.open_case("community01", "whistle", self.cat("whistle", "whistle"), P["community"],
                       "没有部门的哨", status=422, subtype="management_service")
        self.open_case("grid001", "whistle", self.cat("whistle", "whistle"), P["grid"],
                       "网格员不能吹哨", status=403, subtype="management_service", summon_unit_ids=[u1])
        c = self.open_case("community01", "whistle", self.cat("whistle", "whistle"), P["community"],
                           "老旧小区加装电梯需多部门协调", subtype="management_service",
                           summon_unit_ids=[u1, u2])
        self.assertEqual((c["state"], c["stage"]), ("blown", "report_in"))
        self.assertEqual(c["dispatcher"]["place_id"], P["community"])
        # the community that blew directs; the summoned departments hold it
        self.assertEqual(self.allowed(c), {"start", "summon", "escalate", "cancel", "pause_clock"})
        self.can("dept1", c, {"report_in", "return"})
        self.can("dept3", c, set())
        self.act("dept3", c["id"], "report_in", status=403, code="forbidden")

        c = self.step("dept1", c, "report_in", "blown")
        self.assertIsNotNone(c["responded_at"])
        c = self.step("dept2", c, "report_in", "blown")
        c = self.step("community01", c, "summon", "blown", target_unit_id=u3)
        self.can("dept3", c, {"report_in", "return"})
        c = self.step("dept3", c, "report_in", "blown")
        c = self.step("community01", c, "start", "joint_handling")
        self.assertEqual(c["stage"], "handle")
        self.assertIn("finish", self.allowed(c))
        c = self.step("community01", c, "finish", "done", note="电梯加装方案已落实")
        self.assertIsNotNone(c["closed_at"])
        self.assertEqual(self.allowed(c), set())

        # the street rates each department; closing waits for all of them
        self.can("street1", c, {"rate_department"})
        out = self.act("street1", c["id"], "close", status=409, code="illegal_action")
        self.assertEqual({a["action"] for a in out["allowed_actions"]}, {"rate_department"})
        self.act("street1", c["id"], "rate_department", status=422, code="invalid_rating",
                 target_unit_id=u1)
        self.act("street1", c["id"], "rate_department", status=422, code="not_summoned",
                 target_unit_id=self.unit("dept5"), rating=5)
        c = self.step("street1", c, "rate_department", "done", target_unit_id=u1, rating=5)
        c = self.step("street1", c, "rate_department", "done", target_unit_id=u2, rating=4)
        self.act("street1", c["id"], "close", status=409, code="illegal_action")
        c = self.step("street1", c, "rate_department", "done", target_unit_id=u3, rating=3)
        self.assertEqual(self.allowed(c), {"close", "rate_department"})
        c = self.step("street1", c, "close", "closed")
        self.assertEqual(self.allowed(c), set())
        self.assertEqual([a for a, _, _ in self.flow_actions(c["id"])], [
            "open", "report_in", "report_in", "summon", "report_in", "start", "finish",
            "rate_department", "rate_department", "rate_department", "close"])
        self.assertEqual([(e["target_unit_id"], e["rating"]) for e in self.flow(c["id"])[-4:-1]],
                         [(u1, 5), (u2, 4), (u3, 3)])

    def test_service_order_claimed_by_member(self):
        g = self.places()["grid"]
        c = self.open_case("resident1", "service", self.cat("service", "home_service"), g,
                           "独居老人需要上门理发")
        self.assertEqual(c["state"], "ordered")
        self.assertEqual(self.allowed(c), {"cancel", "urge"})
        self.can("community01", c, {"review", "reject", "cancel", "urge", "pause_clock"})
        self.can("member1", c, set())
        c = self.step("community01", c, "review", "approved")
        self.can("member1", c, {"claim"})
        c = self.step("member1", c, "claim", "taken", owner=(g, None, self.uid("member1")))
        st, mine = self.as_("member1").get(f"{C}?mine=owned")
        self.assertIn(c["id"], [x["id"] for x in mine["items"]])
        self.assertTrue(all(x["owner"]["user_id"] == self.uid("member1") for x in mine["items"]))
        self.assertEqual(self.allowed(c), {"return", "finish", "pause_clock"})
        self.can("community01", c, {"cancel", "urge"})
        c = self.step("member1", c, "finish", "completed", note="已上门理发")
        self.can("resident1", c, {"rate"})
        c = self.step("resident1", c, "rate", "rated", rating=5)
        self.assertEqual(self.allowed(c), set())
        self.assertEqual(self.flow_actions(c["id"]), [
            ("open", None, "ordered"), ("review", "ordered", "approved"),
            ("claim", "approved", "taken"), ("finish", "taken", "completed"),
            ("rate", "completed", "rated")])

    def test_service_order_dispatched_to_unit(self):
        g = self.places()["grid"]
        pu = self.unit("property1")
        c = self.open_case("resident1", "service", self.cat("service", "elder_care"), g, "老人家中水管维修")
        c = self.step("grid001", c, "review", "approved")
        c = self.step("grid001", c, "dispatch", "dispatched", owner=(g, pu, None), target_unit_id=pu)
        self.can("property1", c, {"take", "return", "pause_clock"})
        c = self.step("property1", c, "take", "taken", owner=(g, None, self.uid("property1")))
        c = self.step("property1", c, "finish", "completed", note="已修好")
        c = self.step("resident1", c, "rate", "rated", rating=3)

    def test_dispute_agreement(self):
        g = self.places()["grid"]
        c = self.open_case("grid001", "dispute", self.cat("dispute", "neighbour"), g, "楼上漏水引发邻里纠纷")
        self.assertEqual(c["state"], "registered")
        self.can("community01", c, {"accept", "reject", "cancel", "urge", "pause_clock"})
        c = self.step("community01", c, "accept", "investigating")
        self.assertEqual(self.allowed(c), {"mediate", "escalate", "cancel", "urge", "pause_clock"})
        c = self.step("community01", c, "mediate", "mediating")
        self.assertLessEqual({"agree", "fail", "request_extension"}, self.allowed(c))
        c = self.step("community01", c, "agree", "agreement", note="楼上赔偿500元并修复")
        c = self.step("community01", c, "perform", "performing")
        c = self.step("community01", c, "finish", "follow_up", note="已赔偿并修复")
        self.assertEqual(c["stage"], "follow_up")
        self.assertIsNone(c["closed_at"])
        c = self.step("community01", c, "archive", "archived", note="回访双方满意")
        self.assertIsNotNone(c["closed_at"])
        self.assertEqual(self.allowed(c), set())
        self.can("grid001", c, {"reopen"})

    def test_dispute_failed_and_referred(self):
        g = self.places()["grid"]
        d4 = self.unit("dept4")
        c = self.open_case("resident1", "dispute", self.cat("dispute", "labour"), g, "工地拖欠工资劳动纠纷")
        self.assertEqual(self.allowed(c), {"cancel"})
        c = self.step("grid001", c, "accept", "investigating")
        c = self.step("grid001", c, "mediate", "mediating")
        c = self.step("grid001", c, "fail", "failed", note="双方分歧较大")
        self.assertEqual(self.allowed(c), {"refer", "pause_clock"})
        self.act("grid001", c["id"], "refer", status=422, code="target_required", note="转劳动仲裁")
        c = self.step("grid001", c, "refer", "referred", owner=(g, d4, None), note="转劳动仲裁",
                      target_unit_id=d4)
        self.can("dept4", c, {"return", "finish", "pause_clock"})
        # the receiving body may send it back, then it is referred again
        c = self.step("dept4", c, "return", "failed", owner=(g, None, None), note="材料不全")
        self.assertEqual(c["return_count"], 1)
        c = self.step("grid001", c, "refer", "referred", note="补全材料后转仲裁", target_unit_id=d4)
        c = self.step("dept4", c, "finish", "follow_up", note="仲裁裁决已执行")
        c = self.step("grid001", c, "archive", "archived", note="回访")
        self.can("resident1", c, {"reopen"})
        self.assertEqual([a for a, _, _ in self.flow_actions(c["id"])], [
            "open", "accept", "mediate", "fail", "refer", "return", "refer", "finish", "archive"])


class Forbidden(CaseTest):
    """What the server refuses, and the answer it gives."""

    def new_event(self, title, user="resident1"):
        return self.open_case(user, "event", self.cat("event", "street_order"), self.places()["grid"], title)

    def test_wrong_role_is_403_with_allowed_actions(self):
        c = self.new_event("占道经营影响通行")
        out = self.act("resident1", c["id"], "accept", status=403, code="forbidden")
        self.assertEqual({a["action"] for a in out["allowed_actions"]}, {"cancel", "urge"})
        out = self.act("dept1", c["id"], "accept", status=403, code="forbidden")
        self.assertEqual(out["allowed_actions"], [])
        out = self.act("member1", c["id"], "refuse", status=403, code="forbidden", note="x")
        self.assertEqual({a["action"] for a in out["allowed_actions"]}, {"support"})
        self.assertEqual(self.get("admin", c["id"])["version"], 1)
        self.assertEqual(len(self.flow(c["id"])), 1)

    def test_out_of_scope(self):
        c = self.new_event("网格外的人看不到的事件")
        for user in ("grid002", "resident2", "member2", "community02", "street2"):
            with self.subTest(user=user):
                self.assertEqual(error_of(self.get(user, c["id"], status=403))["code"], "out_of_scope")
                self.act(user, c["id"], "accept", status=403, code="out_of_scope")
                st, f = self.as_(user).get(f"{C}/{c['id']}/flow")
                self.assertEqual(st, 403, f)
        self.assertEqual(self.get("admin", c["id"])["state"], "reported")
        self.assertEqual(error_of(self.get("admin", 10 ** 9, status=404))["code"], "not_found")
        # opening a case outside one's places
        out = self.open_case("grid002", "event", self.cat("event", "street_order"), self.places()["grid"],
                             "替别的网格上报", status=403)
        self.assertEqual(error_of(out)["code"], "out_of_scope")

    def test_illegal_action_in_state_is_409(self):
        c = self.new_event("井盖缺失存在安全隐患")
        for action in ("close", "sign", "verify", "rate", "archive"):
            with self.subTest(action=action):
                out = self.act("command", c["id"], action, status=409, code="illegal_action")
                self.assertEqual({a["action"] for a in out["allowed_actions"]},
                                 {"accept", "refuse", "cancel", "urge", "supervise", "pause_clock"})
        self.act("command", c["id"], "fly", status=404, code="unknown_action")
        self.act("command", c["id"], "accept", status=422, code="out_of_range", version=0)
        c = self.step("command", c, "accept", "accepted")
        out = self.act("grid001", c["id"], "accept", status=409, code="illegal_action")
        self.assertIn("dispatch", {a["action"] for a in out["allowed_actions"]})
        # targets that do not exist are refused as input, not as a database failure
        self.act("command", c["id"], "dispatch", status=422, code="target_required")
        for field in ("target_unit_id", "target_user_id"):
            with self.subTest(field=field):
                out = self.act("command", c["id"], "dispatch", status=422, **{field: 10 ** 6})
                self.assertEqual(error_of(out)["field"], field)
        self.assertEqual(self.get("admin", c["id"])["version"], 2)

    def test_concurrent_actions_one_wins(self):
        n = 16
        cases = [self.new_event(f"并发受理测试{i}") for i in range(n)]
        a, b = self.srv.login("grid001"), self.srv.login("community01")
        try:
            for i, c in enumerate(cases):
                with_version = i % 2 == 1
                body = {"version": c["version"]} if with_version else None
                barrier, res = threading.Barrier(2), [None, None]

                def fire(k, sess):
                    barrier.wait()
                    res[k] = sess.post(f"{C}/{c['id']}/actions/accept", body)

                ts = [threading.Thread(target=fire, args=(k, s)) for k, s in enumerate((a, b))]
                for t in ts:
                    t.start()
                for t in ts:
                    t.join(60)
                codes = sorted(st for st, _ in res)
                self.assertEqual(codes, [200, 409], res)
                loser = next(body_ for st, body_ in res if st == 409)
                self.assertEqual(loser["error"]["code"],
                                 "stale_version" if with_version else "illegal_action", loser)
                self.assertEqual([x[0] for x in self.flow_actions(c["id"])], ["open", "accept"])
                self.assertEqual(self.get("admin", c["id"])["version"], 2)
        finally:
            a.close()
            b.close()

    def test_stale_version(self):
        c = self.new_event("共享单车乱停放")
        c = self.step("grid001", c, "accept", "accepted", version=1)
        out = self.act("community01", c["id"], "dispatch", status=409, code="stale_version",
                       target_unit_id=self.unit("dept1"), version=1)
        self.assertEqual(error_of(out)["field"], "version")
        self.assertEqual(self.get("admin", c["id"])["state"], "accepted")
        self.step("community01", c, "dispatch", "dispatched", target_unit_id=self.unit("dept1"),
                  version=c["version"])

    def test_escalation_climbs_the_tree(self):
        P = self.places()
        c = self.new_event("违章建筑需上级处理")
        c = self.step("grid001", c, "accept", "accepted")
        # down the tree, sideways, without a note
        st, kids = self.as_("admin").get(f"/api/v1/places/{P['grid']}/children")
        below = kids["items"][0]["id"]
        out = self.act("grid001", c["id"], "escalate", status=422, note="下级", target_place_id=below)
        self.assertEqual(error_of(out)["code"], "invalid_target")
        self.act("grid001", c["id"], "escalate", status=422, code="invalid_target", note="同级",
                 target_place_id=P["grid2"])
        self.act("grid001", c["id"], "escalate", status=422, code="note_required",
                 target_place_id=P["community"])
        c = self.step("grid001", c, "escalate", "accepted", owner=(P["community"], None, None),
                      note="网格无法处置", target_place_id=P["community"])
        self.assertEqual(c["dispatcher"]["place_id"], P["grid"])
        self.assertEqual(self.allowed(c), set())   # the grid no longer holds it
        self.can("community01", c, {"dispatch", "escalate", "urge", "pause_clock"})
        # back down from the community is refused
        self.act("community01", c["id"], "escalate", status=422, code="invalid_target",
                 note="退回网格", target_place_id=P["grid"])
        c = self.step("community01", c, "escalate", "accepted", owner=(P["street"], None, None),
                      note="社区无法处置", target_place_id=P["street"])
        self.assertNotIn("escalate", self.allowed(self.get("community01", c["id"])))
        self.assertIn("escalate", self.allowed(self.get("street1", c["id"])))
        self.act("street1", c["id"], "escalate", status=422, code="invalid_target", note="下放",
                 target_place_id=P["community"])
        c = self.step("street1", c, "dispatch", "dispatched", owner=(P["street"], self.unit("dept2"), None),
                      target_unit_id=self.unit("dept2"))

    def test_support_plus_one(self):
        c = self.new_event("小区路灯坏了一排")
        self.act("resident1", c["id"], "support", status=403, code="forbidden")
        c2 = self.get("member1", c["id"])
        self.assertEqual(self.allowed(c2), {"support"})
        c2 = self.step("member1", c2, "support", "reported")
        self.assertEqual(c2["support_count"], 1)
        self.act("member1", c["id"], "support", status=409, code="already_supported")
        self.assertEqual(self.get("admin", c["id"])["support_count"], 1)
        # another resident of the same grid
        st, acc = self.as_("admin").post("/api/v1/accounts", {
            "username": "resident_case_t", "display_name": "居民测试", "role": "resident",
            "password": gg.DEMO_PASSWORD, "place_ids": [self.places()["grid"]]})
        self.assertEqual(st, 201, acc)
        c3 = self.step("resident_case_t", self.get("resident_case_t", c["id"]), "support", "reported")
        self.assertEqual(c3["support_count"], 2)
        self.act("resident_case_t", c["id"], "support", status=409, code="already_supported")
        # staff do not "+1"; nor does anyone on a closed case
        self.act("grid001", c["id"], "support", status=403, code="forbidden")
        self.assertEqual([a for a, _, _ in self.flow_actions(c["id"])], ["open", "support", "support"])

    def test_reopen_by_reporter(self):
        c = self.new_event("雨水井堵塞积水")
        c = self.step("community01", c, "accept", "accepted")
        c = self.step("community01", c, "dispatch", "dispatched", target_unit_id=self.unit("dept1"))
        c = self.step("dept1", c, "sign", "handling")
        c = self.step("dept1", c, "feedback", "feedback", note="已疏通")
        c = self.step("community01", c, "verify", "verified")
        c = self.step("community01", c, "close", "closed")
        self.act("community01", c["id"], "reopen", status=403, code="forbidden", note="x")
        self.act("member1", c["id"], "reopen", status=403, note="x")   # closed: no longer visible
        self.act("resident1", c["id"], "reopen", status=422, code="note_required")
        c = self.step("resident1", self.get("resident1", c["id"]), "reopen", "reported",
                      note="又堵了")
        self.assertIsNone(c["closed_at"])
        self.assertFalse(c["overdue"])
        self.assertEqual(c["stage"], "accept")
        # it starts over where it was filed, not with the department that last held it
        g = self.places()["grid"]
        self.assertEqual(self.owner(c), (g, None, None))
        self.can("community01", c, {"accept", "refuse", "urge", "pause_clock"})
        self.can("dept1", c, set())
        c = self.step("community01", c, "accept", "accepted")
        self.assertIn("dispatch", self.allowed(c))
        c = self.step("community01", c, "dispatch", "dispatched", owner=(g, self.unit("dept2"), None),
                      target_unit_id=self.unit("dept2"))
        self.assertEqual([a for a, _, _ in self.flow_actions(c["id"])][-4:],
                         ["close", "reopen", "accept", "dispatch"])


class Clocks(CaseTest):
    """Deadlines, traffic lights, pauses and the scheduler's overdue pass."""

    def scheduler_run(self, hours):
        p = subprocess.run([gg.BIN, "scheduler-run", "--db", self.srv.db, "--now", iso_in(hours)],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r"^\d+ cases became overdue")
        return int(p.stdout.split()[0])

    def test_due_and_lights(self):
        c = self.open_case("resident1", "event", self.cat("event", "city_appearance"),
                           self.places()["grid"], "广告牌松动有坠落风险")
        for k in ("due_at", "stage_due_at", "created_at"):
            self.assertIsNotNone(c[k], k)
        self.assertGreater(when(c["due_at"]), when(c["created_at"]))
        self.assertLessEqual(when(c["stage_due_at"]), when(c["due_at"]))
        self.assertEqual((c["light"], c["stage_light"], c["overdue"], c["clock_paused"]),
                         ("green", "green", False, False))

    def test_overdue_urge_and_pause(self):
        g = self.places()["grid"]
        cat = self.new_category("event", "clock_1h", 1, "natural_hours", 1, "natural_hours")
        late = self.open_case("resident1", "event", cat, g, "一小时时限的事件")
        self.assertAlmostEqual((when(late["due_at"]) - when(late["created_at"])).total_seconds(), 3600,
                               delta=2)
        paused = self.open_case("resident1", "event", cat, g, "暂停计时的事件")
        self.act("grid001", paused["id"], "pause_clock", status=422, code="note_required")
        paused = self.step("grid001", paused, "pause_clock", "reported", note="等待居民补充材料")
        self.assertTrue(paused["clock_paused"])
        self.assertEqual(self.allowed(paused), {"accept", "refuse", "resume_clock"})
        self.act("grid001", paused["id"], "pause_clock", status=409, code="illegal_action", note="再停")

        self.assertGreaterEqual(self.scheduler_run(2), 1)
        late = self.get("command", late["id"])
        self.assertEqual((late["overdue"], late["urge_count"]), (True, 1))
        last = self.flow(late["id"])[-1]
        self.assertEqual((last["action"], last["from_state"], last["to_state"], last["actor_id"]),
                         ("urge", "reported", "reported", None))
        self.assertEqual(self.get("command", paused["id"])["overdue"], False)
        st, lst = self.as_("command").get(f"{C}?overdue=true&limit=100")
        self.assertEqual(st, 200, lst)
        ids = {x["id"] for x in lst["items"]}
        self.assertIn(late["id"], ids)
        self.assertNotIn(paused["id"], ids)
        self.assertTrue(all(x["overdue"] for x in lst["items"]))
        # a second pass does not urge again
        self.scheduler_run(2)
        self.assertEqual(self.get("command", late["id"])["urge_count"], 1)

        paused = self.step("grid001", self.get("grid001", paused["id"]), "resume_clock", "reported")
        self.assertFalse(paused["clock_paused"])
        self.assertIn("pause_clock", self.allowed(paused))
        self.assertGreaterEqual(self.scheduler_run(2), 1)
        self.assertTrue(self.get("command", paused["id"])["overdue"])
        # closing an overdue case is not on time
        c = self.step("grid001", late, "accept", "accepted")
        self.assertTrue(c["overdue"])

    def test_urge_and_supervise_flags(self):
        c = self.open_case("resident1", "event", self.cat("event", "construction"),
                           self.places()["grid"], "夜间施工噪音扰民")
        c = self.step("resident1", c, "urge", "reported")
        c = self.step("street1", self.get("street1", c["id"]), "urge", "reported")
        self.assertEqual(c["urge_count"], 2)
        self.act("community01", c["id"], "supervise", status=403, code="forbidden", note="督办")
        self.act("street1", c["id"], "supervise", status=422, code="note_required")
        c = self.step("street1", c, "supervise", "reported", note="请三日内办结")
        self.assertTrue(c["supervised"])


class Search(CaseTest):
    """Listing and search: full text, short terms, filters, pages, who sees what."""

    def setUp(self):
        if not hasattr(Search, "c1"):
            self.make_cases(Search)

    def make_cases(self, cls):
        g = self.places()["grid"]
        ev, hl = self.cat("event", "city_appearance"), self.cat("hotline", "help")
        cls.c1 = self.open_case("resident1", "event", ev, g, "琉璃瓦屋顶掉落砸坏车辆",
                                address="琥珀路12号")
        cls.c2 = self.open_case("grid001", "event", ev, g, "巷口珊瑚石雕被涂鸦",
                                description="琉璃瓦片散落一地")
        cls.c3 = self.open_case("resident1", "hotline", hl, g, "求助：琥珀色的水从龙头流出",
                                subtype="help")
        cls.c4 = self.open_case("grid001", "event", ev, g, "琉璃瓦厂旁垃圾", address="翡翠街")
        self.step("grid001", cls.c4, "refuse", "refused", note="重复")
        cls.page_cases = [self.open_case("grid001", "event", ev, g, f"玛瑙巷第{i}号井盖松动")
                          for i in range(5)]

    def ids(self, user, query):
        st, body = self.as_(user).get(f"{C}?{query}")
        self.assertEqual(st, 200, body)
        return [x["id"] for x in body["items"]]

    def test_full_text(self):
        self.assertEqual(self.ids("command", quote("q=琉璃瓦", safe="=")),
                         [self.c4["id"], self.c2["id"], self.c1["id"]])
        self.assertEqual(self.ids("command", "q=" + quote("琥珀路")), [self.c1["id"]])
        self.assertEqual(self.ids("command", "q=" + quote("珊瑚石雕")), [self.c2["id"]])
        self.assertEqual(self.ids("command", "q=" + quote("不存在的词语")), [])
        self.assertEqual(self.ids("command", "q=" + quote('"琉璃瓦" OR 水')), [])   # no operators

    def test_short_terms_fall_back(self):
        self.assertEqual(self.ids("command", "q=" + quote("琥珀")), [self.c3["id"], self.c1["id"]])
        self.assertEqual(self.ids("command", "q=" + quote("翡")), [self.c4["id"]])
        self.assertEqual(self.ids("command", "q=" + quote("%")), [])

    def test_filters(self):
        q = "q=" + quote("琉璃瓦")
        self.assertEqual(self.ids("command", q + "&kind=event&state=refused"), [self.c4["id"]])
        self.assertEqual(self.ids("command", q + "&open=true"), [self.c2["id"], self.c1["id"]])
        self.assertEqual(self.ids("command", "q=" + quote("琥珀") + "&kind=hotline"), [self.c3["id"]])
        P = self.places()
        self.assertEqual(self.ids("command", q + f"&place_id={P['grid']}&open=true"),
                         [self.c2["id"], self.c1["id"]])
        self.assertEqual(self.ids("command", q + f"&place_id={P['community']}&kind=event&state=reported"),
                         [self.c2["id"], self.c1["id"]])
        self.assertEqual(self.ids("command", q + f"&place_id={P['grid2']}"), [])
        st, body = self.as_("grid002").get(f"{C}?place_id={P['grid']}")
        self.assertEqual((st, error_of(body)["code"]), (403, "out_of_scope"))
        self.assertEqual(self.ids("grid002", q), [])
        for bad in ("kind=meteor", "state=reported", "kind=event&state=intake", "open=yes",
                    "overdue=1", "category_id=0", "from=yesterday", "cursor=zzz", "mine=all"):
            with self.subTest(query=bad):
                st, body = self.as_("command").get(f"{C}?{bad}")
                self.assertEqual(st, 400, body)

    def test_pages(self):
        want = [c["id"] for c in reversed(self.page_cases)]
        seen, cursor, pages = [], None, 0
        while True:
            url = f"{C}?q={quote('玛瑙巷')}&limit=2" + (f"&cursor={quote(cursor)}" if cursor else "")
            st, body = self.as_("community01").get(url)
            self.assertEqual(st, 200, body)
            self.assertLessEqual(len(body["items"]), 2)
            seen += [x["id"] for x in body["items"]]
            pages += 1
            cursor = body["next_cursor"]
            if not cursor:
                break
            self.assertLess(pages, 10)
        self.assertEqual((seen, pages), (want, 3))

    def test_residents_see_their_own(self):
        q = "q=" + quote("琉璃瓦")
        self.assertEqual(self.ids("resident1", q), [self.c1["id"]])
        self.assertEqual(self.ids("resident1", "mine=reported&" + q), [self.c1["id"]])
        # open cases around them, to "+1" instead of reporting again (not closed ones)
        self.assertEqual(self.ids("resident1", q + "&nearby=true"), [self.c2["id"], self.c1["id"]])
        self.assertEqual(self.ids("resident2", q + "&nearby=true"), [])
        self.assertEqual(self.ids("member1", q + "&nearby=true"), [self.c2["id"], self.c1["id"]])
        self.assertEqual(self.ids("member1", q), [])
        self.assertEqual(self.ids("grid001", q), [self.c4["id"], self.c2["id"], self.c1["id"]])
        self.assertEqual(self.ids("grid001", q + "&mine=reported"), [self.c4["id"], self.c2["id"]])
        self.assertEqual(self.get("resident1", self.c2["id"])["id"], self.c2["id"])
        self.get("resident1", self.c4["id"], status=403)   # closed, not theirs

    def test_neighbours_see_no_personal_details(self):
        """A resident or member sees a neighbour's open case only to "+1" it: not
        who reported it, nor its description or address — in lists and by id."""
        q = "q=" + quote("琉璃瓦") + "&nearby=true"
        st, page = self.as_("member1").get(f"{C}?" + q)
        self.assertEqual(st, 200, page)
        theirs = [c for c in page["items"] if c["id"] == self.c1["id"]]
        self.assertEqual(len(theirs), 1)
        for c in (theirs[0], self.get("member1", self.c1["id"])):
            self.assertIsNone(c["reporter_id"])
            self.assertEqual((c["description"], c["address"]), ("", ""))
            self.assertTrue(c["title"])
        mine = self.get("resident1", self.c1["id"])          # the reporter sees it all
        self.assertIsNotNone(mine["reporter_id"])
        self.assertEqual(mine["address"], "琥珀路12号")


if __name__ == "__main__":
    unittest.main()
