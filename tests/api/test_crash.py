"""The crash test (issue 7): the server is killed with SIGKILL at a random
moment while several threads open cases and take actions, restarted on the
same database, and the database must hold every write the server
acknowledged and nothing half-written:

  - every acknowledged case creation exists (API and SQL), with its title;
  - every acknowledged action is there: the case's version is at least the
    acknowledged one and its flow entry number `version` is that action;
  - nothing unacknowledged is half there: every case's version equals the
    number of its flow entries and its row agrees with its log, the rollups
    equal a recount from the flow log (test_case_metrics.recount), and a
    webhook registered at a closed loopback port (so its rows stay pending)
    has exactly one outbox row for every flow entry written since, and no
    outbox row without its flow entry;
  - PRAGMA integrity_check is ok and PRAGMA foreign_key_check finds nothing.

The contract under test (docs/ARCHITECTURE.md): a request is answered only
after its group COMMIT (WAL, synchronous=FULL), so an acknowledged write
survives a crash; a step's flow entry, case row, rollups and outbox rows
are written by one transaction, so a crash keeps all or none of them.

`make test` runs a few cycles; bench/crash.sh runs this file as a script for
100 (python3 tests/api/test_crash.py --cycles 100). Every wait is bounded;
everything listens on loopback only.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from collections import Counter

import gg
from gg import Server
from test_case_metrics import recount

C = "/api/v1/cases"
THREADS = 6
# an event walked end to end: (who, action, body); dept1's unit is filled in
SCRIPT = (("community01", "accept", {}),
          ("community01", "dispatch", {"target_unit_id": None}),
          ("dept1", "sign", {}),
          ("dept1", "feedback", {"note": "已处置"}),
          ("community01", "verify", {}),
          ("community01", "close", {}))
CONN_ERRORS = (ConnectionError, http.client.HTTPException, socket.timeout, OSError)


class Client:
    """One keep-alive connection with one session's cookie and CSRF token; no
    retries, so every request's fate is recorded exactly as the client saw it."""

    def __init__(self, port, session, timeout=15):
        self.port, self.timeout = port, timeout
        self.h = {"Content-Type": "application/json", "Accept": "application/json",
                  "Cookie": "gg_session=" + session.cookie, "X-CSRF-Token": session.csrf}
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        self.c.request(method, path, body=data, headers=self.h)
        r = self.c.getresponse()
        raw = r.read()
        return r.status, (json.loads(raw) if raw else None)

    def close(self):
        self.c.close()


def closed_port():
    """A loopback port nothing listens on (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Ledger:
    """What the server acknowledged (2xx), with when, across threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.created = {}      # case id -> title
        self.actions = []      # (case id, version, action, ack time)
        self.created_at = {}   # case id -> ack time
        self.unexpected = []   # statuses no healthy server should answer

    def n(self):
        with self.lock:
            return len(self.created) + len(self.actions)


class Driver:
    """Threads opening events as community01 and walking them through SCRIPT
    (community01 and dept1 acting), until stopped or the server goes away."""

    USERS = ("community01", "dept1")

    def __init__(self, srv, ctx, ledger, tag, threads=THREADS, sessions=None):
        """sessions: per thread {user: gg.Session}, signed in earlier (sessions
        are rows in the database: they outlive a restart); made here if None."""
        self.srv, self.ctx, self.ledger, self.tag = srv, ctx, ledger, tag
        self.stop = threading.Event()
        if sessions is None:
            sessions = login_all(srv, threads)
        self.clients = [{u: Client(srv.port, ss[u]) for u in self.USERS} for ss in sessions]
        threads = len(sessions)
        self.ts = [threading.Thread(target=self.work, args=(t,), daemon=True)
                   for t in range(threads)]

    def start(self):
        for t in self.ts:
            t.start()

    def join(self, timeout=60):
        self.stop.set()
        deadline = time.time() + timeout
        for t in self.ts:
            t.join(max(0.1, deadline - time.time()))
        for cl in self.clients:
            for c in cl.values():
                c.close()
        return not any(t.is_alive() for t in self.ts)

    def call(self, cl, method, path, body=None):
        """(status, body), or None when the connection failed (the server died)."""
        try:
            st, out = cl.request(method, path, body)
        except CONN_ERRORS:
            return None
        if not 200 <= st < 300 and st != 503:
            with self.ledger.lock:
                self.ledger.unexpected.append((method, path, st, out))
        return st, out

    def work(self, t):
        cl, L, i = self.clients[t], self.ledger, 0
        while not self.stop.is_set():
            i += 1
            title = f"崩溃{self.tag}-{t}-{i}"
            r = self.call(cl["community01"], "POST", C, {
                "kind": "event", "category_id": self.ctx["category"],
                "place_id": self.ctx["grid"], "title": title})
            if r is None:
                return
            st, c = r
            if st != 201:
                continue
            with L.lock:
                L.created[int(c["id"])] = title
                L.created_at[int(c["id"])] = time.time()
            version = c["version"]
            for who, action, body in SCRIPT:
                if self.stop.is_set():
                    return
                body = dict(body, version=version)
                if "target_unit_id" in body:
                    body["target_unit_id"] = self.ctx["unit"]
                r = self.call(cl[who], "POST", f"{C}/{c['id']}/actions/{action}", body)
                if r is None:
                    return
                st, out = r
                if st != 200:
                    break
                version = out["version"]
                with L.lock:
                    L.actions.append((int(c["id"]), version, action, time.time()))


def login_all(srv, threads):
    out = []
    for _ in range(threads):
        ss = {u: srv.login(u) for u in Driver.USERS}
        for x in ss.values():
            x.close()     # only the cookie and CSRF token are kept
        out.append(ss)
    return out


def context(srv):
    """The ids the driver needs: grid001's grid, dept1's unit, an event category."""
    s = srv.login("admin")
    try:
        st, cats = s.get("/api/v1/categories")
        cat = next(c["id"] for c in cats["items"]
                   if c["kind"] == "event" and c["code"] == "city_appearance")
        ids = {}
        for u in ("grid001", "dept1"):
            us = srv.login(u)
            st, me = us.get("/api/v1/session")
            ids[u] = me["user"]
            us.close()
        return {"category": cat, "grid": ids["grid001"]["place_ids"][0],
                "unit": ids["dept1"]["unit_id"]}
    finally:
        s.close()


def check_db(db, ledger, flow_mark, outbox=True):
    """Everything the file must say after a crash; returns a list of problems
    (empty when all is well) and the number of acknowledged writes checked."""
    problems = []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        ic = [r[0] for r in con.execute("PRAGMA integrity_check")]
        if ic != ["ok"]:
            problems.append(("integrity_check", ic[:5]))
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            problems.append(("foreign_key_check", fk[:5]))
        cases = {r[0]: r[1:] for r in con.execute("SELECT id, title, version FROM gcase")}
        flows, flow_case = {}, {}
        for fid, cid, action in con.execute("SELECT id, case_id, action FROM case_flow ORDER BY id"):
            flows.setdefault(cid, []).append(action)
            flow_case[fid] = cid
        if outbox:
            # one outbox row per flow entry written since the webhook was added,
            # and none without its flow entry (counted here: outbox has no
            # index a per-entry lookup could use)
            rows = Counter()
            for cid, fid in con.execute(
                    "SELECT case_id, CAST(json_extract(payload, '$.flow_id') AS INTEGER) FROM outbox"):
                rows[(cid, fid)] += 1
            missing = [(fid, cid) for fid, cid in flow_case.items()
                       if fid > flow_mark and rows[(cid, fid)] != 1][:5]
            if missing:
                problems.append(("flow entries without exactly one outbox row", missing))
            orphans = [k for k in rows if flow_case.get(k[1]) != k[0]][:5]
            if orphans:
                problems.append(("outbox rows without their flow entry", orphans))
    finally:
        con.close()
    with ledger.lock:
        created = dict(ledger.created)
        actions = list(ledger.actions)
    for cid, title in created.items():
        if cid not in cases:
            problems.append(("acknowledged case lost", cid, title))
        elif cases[cid][0] != title:
            problems.append(("acknowledged case has another title", cid, cases[cid][0], title))
    for cid, version, action, _ in actions:
        if cid not in cases:
            problems.append(("case of an acknowledged action lost", cid, action))
            continue
        f = flows.get(cid, [])
        if cases[cid][1] < version:
            problems.append(("acknowledged action lost: version", cid, action, cases[cid][1], version))
        elif len(f) < version or f[version - 1] != action:
            problems.append(("acknowledged action not in the flow log", cid, version, action, f))
    got, rollup, found = recount(db)
    problems += found[:10]
    diff = sorted((k, got[k], rollup[k]) for k in set(got) | set(rollup) if got[k] != rollup[k])
    if diff:
        problems.append(("rollups differ from the recount (key, recount, rollup)", diff[:10]))
    return problems, len(created) + len(actions)


def api_check(srv, ledger, session, sample=None):
    """Acknowledged cases through the restarted server: there, at least at
    the acknowledged version. session: a community01 gg.Session."""
    want = {}
    with ledger.lock:
        for cid in ledger.created:
            want[cid] = 1
        for cid, version, _, _ in ledger.actions:
            want[cid] = max(want.get(cid, 1), version)
    items = sorted(want.items())
    if sample and len(items) > sample:
        items = random.sample(items, sample)
    s = Client(srv.port, session)
    problems = []
    try:
        for cid, version in items:
            st, c = s.request("GET", f"{C}/{cid}")
            if st != 200 or c["version"] < version:
                problems.append(("API", cid, st, c.get("version") if st == 200 else c, version))
    finally:
        s.close()
    return problems


def add_webhook(db):
    """A webhook at a closed loopback port: every step's outbox row stays pending."""
    url = f"http://127.0.0.1:{closed_port()}/hook"
    subprocess.run([gg.BIN, "webhook", "add", url, "--secret", "crash-test-secret-0123456789",
                    "--db", db], check=True, capture_output=True, timeout=60)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute("SELECT coalesce(max(id), 0) FROM case_flow").fetchone()[0]
    finally:
        con.close()


SERVER_ENV = {"GG_ACCESS_LOG": "0", "GG_WEBHOOK_RETRY_BASE_MS": "600000"}


def run_cycles(cycles, seed=None, log=print, min_acks=5, max_kill_delay=1.5):
    """The crash cycles over one database; returns (cycles, writes verified,
    problems). Each cycle: drive writes, SIGKILL at a random moment,
    restart on the same file, check."""
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="gg-crash-")
    srv, verified, problems, done = None, 0, [], 0
    try:
        db = gg.demo_db(work)
        flow_mark = add_webhook(db)
        srv = Server(db=db, env=SERVER_ENV)
        ctx = context(srv)
        sessions = login_all(srv, THREADS)
        every = Ledger()    # all cycles' acknowledgements: a later crash must not lose them either
        for cycle in range(1, cycles + 1):
            ledger = Ledger()
            drv = Driver(srv, ctx, ledger, f"{cycle}", sessions=sessions)
            drv.start()
            deadline = time.time() + 60
            while ledger.n() < min_acks and time.time() < deadline and srv.proc.poll() is None:
                time.sleep(0.01)
            if ledger.n() < min_acks:
                problems.append(("cycle", cycle, "writes never got going", ledger.unexpected[:3],
                                 srv.read_log()[-2000:]))
                break
            time.sleep(rng.uniform(0, max_kill_delay))
            srv.proc.send_signal(signal.SIGKILL)
            srv.proc.wait(30)
            if not drv.join(60):
                problems.append(("cycle", cycle, "a client thread did not finish"))
            srv.cleanup()   # its log directory; the database lives in `work`
            srv = Server(db=db, env=SERVER_ENV)
            n = len(ledger.created) + len(ledger.actions)
            every.created.update(ledger.created)
            every.actions += ledger.actions
            found, _ = check_db(db, every, flow_mark)
            found += api_check(srv, ledger, sessions[0]["community01"], sample=200)
            unexpected = [u for u in ledger.unexpected if u[2] != 409]
            if unexpected:
                found.append(("unexpected statuses", unexpected[:5]))
            done += 1
            verified += n
            log(f"cycle {cycle}: {len(ledger.created)} cases, {len(ledger.actions)} actions "
                f"acknowledged and verified{'; PROBLEMS: ' + repr(found[:3]) if found else ''}")
            if found:
                problems += [(cycle,) + tuple(p) if isinstance(p, tuple) else (cycle, p) for p in found]
                break
        rc = srv.stop()
        log_text = srv.read_log()
        if rc != 0 or "Sanitizer" in log_text or "runtime error:" in log_text:
            problems.append(("final SIGTERM", rc, log_text[-3000:]))
        if "stopped cleanly" not in log_text:
            problems.append(("final server did not stop cleanly", log_text[-3000:]))
    finally:
        if srv:
            srv.stop(sig=signal.SIGKILL)
            srv.cleanup()
        shutil.rmtree(work, ignore_errors=True)
    return done, verified, problems


class Crash(unittest.TestCase):
    CYCLES = int(os.environ.get("GG_CRASH_CYCLES", "4"))

    def test_sigkill_loses_no_acknowledged_write(self):
        t0 = time.time()
        done, verified, problems = run_cycles(self.CYCLES, log=lambda s: None)
        self.assertEqual(problems, [])
        self.assertEqual(done, self.CYCLES)
        self.assertGreater(verified, self.CYCLES * 5)
        print(f"\n  crash: {done} cycles, {verified} acknowledged writes verified, "
              f"{time.time() - t0:.0f}s", end=" ", flush=True)

    def test_checker_sees_a_lost_write(self):
        """The checks can fail: acknowledgements the file does not hold are reported."""
        work = tempfile.mkdtemp(prefix="gg-crash-")
        try:
            db = gg.demo_db(work)
            con = sqlite3.connect(db)
            cid, version = con.execute("SELECT id, version FROM gcase ORDER BY id LIMIT 1").fetchone()
            con.close()
            ledger = Ledger()
            ledger.created[10 ** 9] = "never written"
            ledger.actions.append((cid, version + 1, "close", 0))
            ledger.actions.append((cid, version, "no_such_action", 0))
            problems, n = check_db(db, ledger, 0, outbox=False)
            kinds = {p[0] for p in problems}
            self.assertEqual(n, 3)
            self.assertIn("acknowledged case lost", kinds)
            self.assertIn("acknowledged action lost: version", kinds)
            self.assertIn("acknowledged action not in the flow log", kinds)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description="gridgov crash test: SIGKILL under write load")
    ap.add_argument("--cycles", type=int, default=100)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    t0 = time.time()
    done, verified, problems = run_cycles(args.cycles, seed=args.seed,
                                          log=lambda s: print(s, flush=True))
    for p in problems:
        print("PROBLEM:", repr(p)[:2000])
    print(f"cycles {done}, writes verified {verified}, problems {len(problems)}, "
          f"{time.time() - t0:.0f}s")
    return 1 if problems or done < args.cycles else 0


if __name__ == "__main__":
    sys.exit(main())
