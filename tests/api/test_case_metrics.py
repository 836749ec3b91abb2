"""Case metrics (GET /api/v1/case-metrics), answered from the rollups kept
in the same transaction as every step: a known set of scenarios gives the
counts and rates worked out by hand; and a replay of random legal actions
on many cases, after which the counters are recounted from the flow log
(and the cases) in the database file and must equal the rollups.

How the engine counts (src/domain/case.c count() and gg_case_open()):
  reported        a case opened
  responded       its first response (accept, refuse, reject, answer, sign,
                  take, claim, report_in, review; or answered at intake)
  dispatched      each dispatch;  signed_24h: a sign within 24 h of the last
  due             each close of a case not marked overdue, and each overdue
                  mark by the scheduler (on the deadline's day)
  closed, closed_on_time, closed_7d   each step that closes it (flag
                  GG_WF_F_CLOSES, or answered at intake): on time when not
                  overdue and before its deadline, 7d: within 7 days of opening
  returned, reworked   steps flagged as a return / a rework
  rated, satisfied     each "rate"; satisfied: rating 3 (基本满意) or better
"""
import datetime
import random
import sqlite3
import unittest
from collections import Counter, defaultdict

from gg import Server, stop_clean
from test_cases import C, CaseHelpers

M = "/api/v1/case-metrics"
COUNTERS = ("reported", "responded", "dispatched", "signed_24h", "due", "closed", "closed_on_time",
            "closed_7d", "returned", "reworked", "rated", "satisfied")

# workflow.h flags, as stored in case_flow.flags
F_RATING, F_RET, F_REWORK, F_CLOSES = 1 << 2, 1 << 3, 1 << 4, 1 << 8
RESPONSES = {"accept", "refuse", "reject", "answer", "sign", "take", "claim", "report_in", "review"}
INITIAL = {"event": "reported", "hotline": "intake", "whistle": "blown", "service": "ordered",
           "dispute": "registered"}
# the open states of each kind (workflow_tables.c, class GG_WF_OPEN)
OPEN = {
    "event": {"reported", "accepted", "dispatched", "handling", "feedback", "verified", "suspended"},
    "hotline": {"intake", "dispatched", "handling", "done", "suspended"},
    "whistle": {"blown", "joint_handling", "suspended"},
    "service": {"ordered", "approved", "dispatched", "taken"},
    "dispute": {"registered", "investigating", "mediating", "agreement", "failed", "referred",
                "performing", "follow_up"},
}
OFFSET_S = 8 * 3600   # the demo's calendar zone, +08:00: rollup days are local days
DAY_US = 86400 * 10 ** 6


def local_day(us):
    return (us // 10 ** 6 + OFFSET_S) // 86400


def today_range(back=1):
    """From `back` days ago to tomorrow, local dates."""
    d = datetime.datetime.now(datetime.timezone(datetime.timedelta(seconds=OFFSET_S))).date()
    return str(d - datetime.timedelta(days=back)), str(d + datetime.timedelta(days=1))


def recount(db):
    """The rollup counters recounted from case_flow and gcase, read-only.
    Every counter is recounted per (place_path, kind, category_id, day): the
    flow log keeps the day each step's counters went to (rollup_day) and the
    deadline after each step (due_at). Returns (recount, rollup, findings)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        cases = {r[0]: r[1:] for r in con.execute(
            "SELECT id, kind, category_id, place_path, state, version, return_count, rework_count, "
            "urge_count, support_count FROM gcase")}
        flows = defaultdict(list)
        for r in con.execute("SELECT case_id, at, actor_id, action, from_state, to_state, flags, "
                             "rating, due_at, rollup_day FROM case_flow ORDER BY id"):
            flows[r[0]].append(r[1:])
        rollup = Counter()
        for r in con.execute("SELECT place_path, kind, category_id, day, " + ", ".join(COUNTERS) +
                             " FROM case_rollup"):
            key = r[:4]
            for name, v in zip(COUNTERS, r[4:]):
                if v:
                    rollup[key + (name,)] += v
    finally:
        con.close()
    got, problems = Counter(), []
    for cid, (kind, cat, path, state, version, nret, nrew, nurge, nsup) in cases.items():
        key = (path, kind, cat)
        f = flows[cid]
        if not f or f[0][2] != "open":
            problems.append((cid, "no open entry first"))
            continue
        created, overdue, responded, last_dispatch = f[0][0], False, False, 0
        closed_once, due_before = False, None
        counts = Counter()
        for at, actor, action, frm, to, flags, rating, due_after, day in f:
            if day != (local_day(due_before) if action == "urge" and actor is None and flags == 0
                       else local_day(at)):
                problems.append((cid, action, "counted on an unexpected day", day))

            def add(name, n=1):
                if n:
                    got[key + (day, name)] += n

            closes = bool(flags & F_CLOSES) or (action == "open" and to != INITIAL[kind])
            if action == "open":
                add("reported")
            if action == "urge" and actor is None and flags == 0:   # the scheduler's overdue mark
                add("due", not closed_once)
                overdue = True
            if (action in RESPONSES or (action == "open" and closes)) and not responded:
                responded = True
                add("responded")
            if action == "dispatch":
                add("dispatched")
                last_dispatch = at
            if action == "sign" and last_dispatch and at - last_dispatch <= DAY_US:
                add("signed_24h")
            add("returned", bool(flags & F_RET))
            add("reworked", bool(flags & F_REWORK))
            if closes and not closed_once:   # a case counts as closed once, at its first closing
                closed_once = True
                add("closed")
                add("due", not overdue)
                # on time: not marked overdue and within the deadline the case had before the step
                add("closed_on_time", not overdue and (not due_before or at <= due_before))
                add("closed_7d", at - created <= 7 * DAY_US)
            if action == "rate" and flags & F_RATING:
                add("rated")
                add("satisfied", rating is not None and rating >= 3)
            if frm is not None and frm not in OPEN[kind] and to in OPEN[kind]:
                overdue = False       # reopened, or sent back for 重办: clocks start afresh
            counts[action] += 1
            due_before = due_after
        # the case row agrees with its log
        want = (f[-1][4], len(f), counts["return"], sum(1 for e in f if e[5] & F_REWORK),
                counts["urge"], counts["support"])
        have = (state, version, nret, nrew, nurge, nsup)
        if want != have:
            problems.append((cid, "row", have, "log", want))
    return got, rollup, problems


class MetricsTest(CaseHelpers, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.setup_helpers(Server())

    @classmethod
    def tearDownClass(cls):
        cls.close_sessions()
        stop_clean(unittest.TestCase(), cls.srv)

    def metrics(self, place, user="command", back=1, **q):
        frm, to = today_range(back)
        query = "&".join([f"place_id={place}", f"from={frm}", f"to={to}"] +
                         [f"{k}={v}" for k, v in q.items()])
        st, m = self.as_(user).get(f"{M}?{query}")
        self.assertEqual(st, 200, m)
        return m

    def walk(self, c, *steps):
        """Take steps (user, action, body) that must all succeed; returns the case."""
        for who, action, body in steps:
            c = self.act(who, c["id"], action, **body)
        return c

    def close_event(self, c, dept):
        return self.walk(c, ("community01", "accept", {}),
                         ("community01", "dispatch", {"target_unit_id": self.unit(dept)}),
                         (dept, "sign", {}), (dept, "feedback", {"note": "已处置"}),
                         ("community01", "verify", {}), ("community01", "close", {}))


class Metrics(MetricsTest):
    """Counts and rates for scenarios worked out by hand."""

    def test_known_scenarios(self):
        g = self.home("grid001")
        ev = self.new_category("event", "m_event")
        hl = self.new_category("hotline", "m_hotline")
        e = [self.open_case("resident1" if i != 2 else "grid001", "event", ev, g, f"统计场景事件{i}")
             for i in range(4)]
        self.close_event(e[0], "dept1")
        self.act("resident1", e[0]["id"], "rate", rating=5)
        self.act("community01", e[1]["id"], "refuse", note="不予受理")
        c = self.act("community01", e[2]["id"], "accept")
        self.walk(c, ("community01", "dispatch", {"target_unit_id": self.unit("dept2")}),
                  ("dept2", "return", {"note": "派错了"}))
        c = self.walk(c, ("community01", "dispatch", {"target_unit_id": self.unit("dept1")}),
                      ("dept1", "sign", {}), ("dept1", "feedback", {"note": "已处置"}),
                      ("community01", "rework", {"note": "未处置到位"}),
                      ("dept1", "feedback", {"note": "已处置"}),
                      ("community01", "verify", {}), ("community01", "close", {}))
        self.act("grid001", c["id"], "rate", rating=2)
        # e[3] is left reported

        m = self.metrics(g, category_id=ev)
        self.assertEqual(m["counts"], {
            "reported": 4, "responded": 3, "dispatched": 3, "signed_24h": 2, "due": 2, "closed": 2,
            "closed_on_time": 2, "closed_7d": 2, "returned": 1, "reworked": 1, "rated": 2,
            "satisfied": 1})
        self.assertEqual(m["rates"], {
            "response_rate": 0.75, "resolution_rate": 0.5, "satisfaction_rate": 0.5,
            "close_rate": 1, "on_time_close_rate": 1, "rework_rate": 0.5, "sign_24h_rate": 0.6667,
            "close_7d_rate": 0.5, "return_rate": 0.3333, "three_rates": 0.575})
        self.assertEqual(m["weights"], [30, 35, 35])
        self.assertEqual(self.metrics(g, category_id=ev, weights="20,40,40")["rates"]["three_rates"], 0.55)
        # the same from every level above the grid, by kind, and for the staff of the subtree
        for place, user in ((self.home("community01"), "community01"), (self.home("street1"), "street1"),
                            (self.home("command"), "command")):
            self.assertEqual(self.metrics(place, user, category_id=ev)["counts"], m["counts"])
        self.assertEqual(self.metrics(g, kind="event", category_id=ev)["counts"], m["counts"])
        self.assertEqual(self.metrics(g, kind="hotline", category_id=ev)["counts"]["reported"], 0)
        other = self.metrics(self.home("grid002"), "command", category_id=ev)
        self.assertEqual(other["counts"]["reported"], 0)

        # a hotline order answered at intake, and one sent back for 重办 once
        self.open_case("command", "hotline", hl, g, "统计场景咨询", subtype="consultation", answer_now=True)
        h = self.open_case("resident1", "hotline", hl, g, "统计场景投诉", subtype="complaint")
        d4 = self.unit("dept4")
        self.walk(h, ("command", "dispatch", {"target_unit_id": d4}), ("dept4", "sign", {}),
                  ("dept4", "finish", {"note": "办结"}), ("command", "review", {}),
                  ("resident1", "rate", {"rating": 1}), ("dept4", "finish", {"note": "重办完"}),
                  ("command", "review", {}), ("resident1", "rate", {"rating": 4}),
                  ("command", "archive", {}))
        m = self.metrics(g, category_id=hl)
        # a case counts as closed once: the order closed, went back for 重办 and closed again
        # is one closed case and one rework
        self.assertEqual(m["counts"], {
            "reported": 2, "responded": 2, "dispatched": 1, "signed_24h": 1, "due": 2, "closed": 2,
            "closed_on_time": 2, "closed_7d": 2, "returned": 0, "reworked": 1, "rated": 2,
            "satisfied": 1})
        both = self.metrics(g, kind="hotline", category_id=hl)["counts"]
        self.assertEqual(both, m["counts"])

    def test_resolution_rate_counts_cases_once(self):
        """A hotline order closed, sent back for 重办 and closed again is one
        resolved case: 解决率 (closed / reported) cannot exceed 100 %."""
        g = self.home("grid002")
        hl = self.new_category("hotline", "m_rework_once")
        h = self.open_case("resident2", "hotline", hl, g, "重办只算一次", subtype="help")
        self.walk(h, ("command", "dispatch", {"target_unit_id": self.unit("dept3")}),
                  ("dept3", "sign", {}), ("dept3", "finish", {"note": "办结"}), ("command", "review", {}),
                  ("resident2", "rate", {"rating": 1}), ("dept3", "finish", {"note": "重办完"}),
                  ("command", "review", {}))
        rates = self.metrics(g, category_id=hl)["rates"]
        self.assertLessEqual(rates["resolution_rate"], 1)

    def test_parameters(self):
        frm, to = today_range()
        g = self.home("grid001")
        for q in ("", f"place_id={g}", f"place_id={g}&from={frm}", f"place_id={g}&from=2026-13-01&to={to}",
                  f"place_id={g}&from={to}&to={frm}", f"place_id={g}&from={frm}&to={to}&kind=x",
                  f"place_id={g}&from={frm}&to={to}&weights=50,50,50",
                  f"place_id={g}&from={frm}&to={to}&weights=50,50"):
            with self.subTest(q=q):
                st, body = self.as_("command").get(f"{M}?{q}")
                self.assertEqual(st, 400, body)
        st, body = self.as_("grid002").get(f"{M}?place_id={g}&from={frm}&to={to}")
        self.assertEqual((st, body["error"]["code"]), (403, "out_of_scope"))
        for user in ("resident1", "member1"):
            st, body = self.as_(user).get(f"{M}?place_id={g}&from={frm}&to={to}")
            self.assertEqual(st, 403, body)


class Replay(MetricsTest):
    """Random legal actions on many cases; the rollups must equal a recount."""

    CASES = 40
    STEPS = 500
    SEED = 3120

    def setUp(self):
        self.rng = random.Random(self.SEED)
        self.parents = {}
        self.summoned = defaultdict(set)

    def parent(self, place):
        if place not in self.parents:
            st, p = self.as_("admin").get(f"/api/v1/places/{place}")
            self.assertEqual(st, 200, p)
            self.parents[place] = p["parent_id"]
        return self.parents[place]

    def new_case(self, i):
        rng = self.rng
        kind = ("event", "event", "hotline", "hotline", "whistle", "service", "dispute")[i % 7]
        grid, res, mem, gw = rng.choice((("grid001", "resident1", "member1", "grid001"),
                                         ("grid002", "resident2", "member2", "grid002")))
        g = self.home(grid)
        units = [self.unit(u) for u in ("dept1", "dept2", "dept3", "dept4")]
        if kind == "event":
            cat = rng.choice((self.cat(kind, "city_appearance"), self.cat(kind, "emergency")))
            return self.open_case(rng.choice((res, gw, "community01")), kind, cat, g, f"随机事件{i}")
        if kind == "hotline":
            sub = rng.choice(("consultation", "complaint", "help"))
            cat = self.cat(kind, {"consultation": "consult", "complaint": "complaint", "help": "help"}[sub])
            who = rng.choice((res, "command"))
            now = sub == "consultation" and who == "command" and rng.random() < 0.5
            return self.open_case(who, kind, cat, g, f"随机工单{i}", subtype=sub, answer_now=now)
        if kind == "whistle":
            summon = rng.sample(units, rng.randint(1, 3))
            c = self.open_case(rng.choice(("community01", "street1")), kind, self.cat(kind, "whistle"),
                               self.home("community01"), f"随机吹哨{i}", subtype="emergency",
                               summon_unit_ids=summon)
            self.summoned[c["id"]] = set(summon)
            return c
        if kind == "service":
            return self.open_case(rng.choice((res, gw)), kind, self.cat(kind, "home_service"), g, f"随机点单{i}")
        return self.open_case(rng.choice((res, gw, "community01")), kind, self.cat(kind, "neighbour"), g,
                              f"随机纠纷{i}")

    def body_for(self, c, action, actor):
        rng, b = self.rng, {"note": "随机"}
        units = [self.unit(u) for u in ("dept1", "dept2", "dept3", "dept4", "property1")]
        if action in ("rate", "rate_department"):
            b["rating"] = rng.randint(1, 5)
        if action in ("dispatch", "refer"):
            if c["kind"] == "service" and rng.random() < 0.4:
                b["target_user_id"] = self.uid(rng.choice(("member1", "member2")))
            else:
                b["target_unit_id"] = rng.choice(units)
        if action == "summon":
            b["target_unit_id"] = rng.choice(units[:4])
        if action == "rate_department":
            b["target_unit_id"] = rng.choice(sorted(self.summoned[c["id"]]))
        if action == "escalate":
            b["target_place_id"] = self.parent(c["owner"]["place_id"])
        if action == "request_extension":
            b["extension_amount"] = rng.randint(1, 3)
        return b

    ACTORS = ("resident1", "resident2", "member1", "member2", "grid001", "grid002", "community01",
              "street1", "command", "dept1", "dept2", "dept3", "dept4", "property1")
    # how often an allowed action is picked: mostly forward, now and then a detour
    WEIGHT = {"cancel": 0.03, "refuse": 0.15, "reject": 0.15, "urge": 0.1, "support": 0.1,
              "supervise": 0.1, "pause_clock": 0.15, "resume_clock": 0.5, "escalate": 0.3,
              "reopen": 0.4, "suspend": 0.3, "return": 0.4}

    def test_random_scenarios_recount(self):
        rng = self.rng
        live = [self.new_case(i) for i in range(self.CASES)]
        taken = Counter()
        for _ in range(self.STEPS):
            if not live:
                break
            c = rng.choice(live)
            choice = None
            for actor in rng.sample(self.ACTORS, len(self.ACTORS)):
                st, cur = self.as_(actor).get(f"{C}/{c['id']}")
                self.assertIn(st, (200, 403), cur)
                acts = [a["action"] for a in cur["allowed_actions"]] if st == 200 else []
                if acts:
                    weights = [self.WEIGHT.get(a, 1) for a in acts]
                    choice = (actor, cur, rng.choices(acts, weights)[0])
                    if rng.random() < max(weights):   # an actor with only detours: maybe another
                        break
            if choice is None:
                live.remove(c)
                continue
            actor, cur, action = choice
            body = self.body_for(cur, action, actor)
            st, out = self.as_(actor).post(f"{C}/{c['id']}/actions/{action}", body)
            # an allowed action may still be refused on its input (a unit not
            # summoned, escalation past the district, a second "+1"), never by a failure
            self.assertIn(st, (200, 409, 422), (actor, action, body, out))
            if st == 200:
                taken[action] += 1
                if action == "summon":
                    self.summoned[c["id"]].add(body["target_unit_id"])
        self.assertGreater(sum(taken.values()), self.STEPS // 2, taken)
        for action in ("accept", "dispatch", "sign", "close", "rate", "return", "review", "finish"):
            self.assertIn(action, taken, taken)

        got, rollup, problems = recount(self.srv.db)
        self.assertEqual(problems[:20], [])

        def diff(a, b):
            return sorted((k, a[k], b[k]) for k in set(a) | set(b) if a[k] != b[k])[:20]

        self.assertEqual(diff(got, rollup), [], "(key, recounted, rollup)")
        # and the API answers the same sums for the whole district (the demo
        # city's cases included: they lie within the last ninety days)
        m = self.metrics(self.home("command"), back=120)["counts"]
        total = Counter()
        for k, v in got.items():
            total[k[4]] += v
        self.assertEqual(m, {name: total[name] for name in COUNTERS})
        for name in COUNTERS:          # the replay reached every counter
            self.assertGreater(total[name], 0, name)


if __name__ == "__main__":
    unittest.main()
