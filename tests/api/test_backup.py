"""gridgov backup / gridgov restore (issue 7): an online copy taken while
threads keep opening cases and taking actions is one consistent snapshot
(integrity_check ok; every case has its flow entries, version == their
count; rollups equal a recount from the flow log; every write acknowledged
before the backup began is in it), restores, and serves; restore refuses a
truncated file, random bytes, a database with a damaged page, a newer
schema, a plain SQLite file and a database a server holds — each with a
clear message, a non-zero exit and the database left byte for byte as it was.
"""
import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import tempfile
import time
import unittest

import gg
from gg import Server
from test_case_metrics import recount
from test_crash import Driver, Ledger, check_db, context


def run(*args, timeout=120):
    return subprocess.run([gg.BIN, *args], capture_output=True, text=True, timeout=timeout)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Backup(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="gg-backup-")
        self.srv = None

    def tearDown(self):
        if self.srv:
            self.srv.cleanup()
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def backup_under_writes(self, srv):
        """Back up while a Driver writes; returns (copy path, ledger, acks
        before the backup began). Retries (bounded) until writes were
        acknowledged while the backup ran."""
        ctx = context(srv)
        ledger = Ledger()
        drv = Driver(srv, ctx, ledger, "bk", threads=4)
        drv.start()
        try:
            deadline = time.time() + 60
            while ledger.n() < 50 and time.time() < deadline:
                time.sleep(0.01)
            self.assertGreaterEqual(ledger.n(), 50, ledger.unexpected[:3])
            for attempt in range(5):
                copy = self.path(f"copy{attempt}.db")
                with ledger.lock:
                    before = (dict(ledger.created), list(ledger.actions))
                t0 = time.time()
                p = run("backup", copy, "--db", srv.db)
                t1 = time.time()
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertRegex(p.stdout, r"\d+ pages of \d+ bytes .*integrity ok, [\d.]+ s")
                with ledger.lock:
                    during = sum(1 for a in ledger.actions if t0 <= a[3] <= t1)
                if during:
                    return copy, ledger, before
            self.fail("no write was acknowledged while a backup ran")
        finally:
            self.assertTrue(drv.join(60))
            self.assertEqual([u for u in ledger.unexpected if u[2] != 409], [])

    def test_backup_during_writes_restores_consistent(self):
        srv = self.srv = Server()
        copy, ledger, (created, actions) = self.backup_under_writes(srv)
        self.assertEqual(srv.stop(), 0, srv.read_log()[-3000:])

        # the copy alone: sound, consistent, and holding what was acknowledged before it began
        self.assertFalse(os.path.exists(copy + "-wal"))
        early = Ledger()
        early.created, early.actions = created, actions
        problems, n = check_db(copy, early, 0, outbox=False)
        self.assertEqual(problems, [])
        self.assertGreater(n, 0)
        got, rollup, found = recount(copy)
        self.assertEqual(found, [])
        self.assertEqual(+got, +rollup)
        con = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
        try:
            self.assertEqual(con.execute(
                "SELECT count(*) FROM gcase c WHERE c.version != "
                "(SELECT count(*) FROM case_flow f WHERE f.case_id = c.id)").fetchone()[0], 0)
            n_copy = con.execute("SELECT count(*) FROM gcase").fetchone()[0]
        finally:
            con.close()
        con = sqlite3.connect(f"file:{srv.db}?mode=ro", uri=True)
        n_live = con.execute("SELECT count(*) FROM gcase").fetchone()[0]
        con.close()
        self.assertLess(n_copy, n_live, "writes went on after the snapshot")

        # restore over the (stopped) server's database; it serves the copy
        p = run("restore", copy, "--db", srv.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("integrity ok", p.stdout)
        self.assertEqual(sorted(f for f in os.listdir(os.path.dirname(srv.db))
                                if f.startswith("gridgov.db")), ["gridgov.db"])
        srv2 = Server(db=srv.db)
        try:
            s = srv2.login("community01")
            some = random.Random(7).sample(sorted(created), min(20, len(created)))
            for cid in some:
                st, c = s.get(f"/api/v1/cases/{cid}")
                self.assertEqual((st, c["title"]), (200, created[cid]))
            s.close()
            self.assertEqual(srv2.stop(), 0, srv2.read_log()[-3000:])
        finally:
            srv2.cleanup()
        problems, _ = check_db(srv.db, early, 0, outbox=False)
        self.assertEqual(problems, [])

    def test_backup_refuses_to_overwrite(self):
        db = gg.demo_db(self.dir)
        out = self.path("b.db")
        with open(out, "wb") as f:
            f.write(b"keep me")
        p = run("backup", out, "--db", db)
        self.assertEqual(p.returncode, 1)
        self.assertIn("exists (use --force", p.stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), b"keep me")
        p = run("backup", out, "--db", db, "--force")
        self.assertEqual(p.returncode, 0, p.stderr)
        con = sqlite3.connect(f"file:{out}?mode=ro", uri=True)
        self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        con.close()
        self.assertEqual(run("backup", "--db", db).returncode, 2)
        p = run("backup", self.path("x.db"), "--db", self.path("missing.db"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("no database at", p.stderr)
        self.assertFalse(os.path.exists(self.path("x.db")))

    def test_restore_refuses_bad_files(self):
        db = gg.demo_db(self.dir)
        good = self.path("good.db")
        self.assertEqual(run("backup", good, "--db", db).returncode, 0)
        size = os.path.getsize(good)
        with open(good, "rb") as f:
            data = f.read()
        page = int.from_bytes(data[16:18], "big")

        bad = {}
        bad["truncated"] = data[:size // 2]
        bad["random"] = random.Random(1).randbytes(size)
        bad["empty"] = b""
        # a valid database with one damaged page: garbage over a b-tree page's
        # header (the gcase table's root), which integrity_check must notice
        con = sqlite3.connect(good)
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'gcase'").fetchone()[0]
        con.close()
        dmg = bytearray(data)
        off = (root - 1) * page
        dmg[off:off + 64] = random.Random(2).randbytes(64)
        bad["damaged"] = bytes(dmg)
        want = {"truncated": r"damaged|truncated|integrity", "random": "not a SQLite database",
                "empty": "not a SQLite database", "damaged": r"damaged|integrity check",
                "newer": "newer than this binary", "plain": "not a gridgov"}
        for name, content in bad.items():
            with open(self.path(name + ".db"), "wb") as f:
                f.write(content)
        shutil.copy(good, self.path("newer.db"))
        con = sqlite3.connect(self.path("newer.db"))
        con.execute("PRAGMA user_version = 999")
        con.commit()
        con.close()
        con = sqlite3.connect(self.path("plain.db"))
        con.execute("CREATE TABLE t (x)")
        con.commit()
        con.close()
        before = sha(db)
        for name, pattern in want.items():
            with self.subTest(name=name):
                p = run("restore", self.path(name + ".db"), "--db", db)
                self.assertEqual(p.returncode, 1, (p.stdout, p.stderr))
                self.assertRegex(p.stderr, "refused: .*(" + pattern + ")")
                self.assertIn("is unchanged", p.stderr)
                self.assertEqual(sha(db), before)
                self.assertEqual([f for f in os.listdir(self.dir) if ".restore-" in f], [])
        # and a good one goes in
        p = run("restore", good, "--db", db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sha(db), sha(good))

    def test_restore_refuses_while_served(self):
        srv = self.srv = Server()
        good = self.path("good.db")
        self.assertEqual(run("backup", good, "--db", srv.db).returncode, 0)
        s = srv.login("admin")   # a write after the backup: the live file differs
        s.close()
        p = run("restore", good, "--db", srv.db)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("in use by another process", p.stderr)
        st, _ = srv.login("admin").get("/api/v1/session")
        self.assertEqual(st, 200)
        self.assertEqual(srv.stop(), 0)
        live = sha(srv.db)
        self.assertNotEqual(live, sha(good))
        p = run("restore", good, "--db", srv.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sha(srv.db), sha(good))


if __name__ == "__main__":
    unittest.main()
