"""The gridgov command line: init (first administrator), version, migrate,
routes, --help everywhere, and the refusals (unknown command or option, a
bad --listen, demo into an existing database, init twice, a weak password)."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from gg import BIN, Server

COMMANDS = ["serve", "init", "demo", "demo-logins", "migrate", "version", "routes",
            "scheduler-run", "webhook", "backup", "restore"]


def run(*args, env=None, timeout=60):
    e = dict(os.environ)
    e.pop("GG_ADMIN_PASSWORD", None)
    e.update(env or {})
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout, env=e)


class Cli(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="gg-cli-")
        self.db = os.path.join(self.dir, "g.db")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_help_everywhere(self):
        p = run("--help")
        self.assertEqual(p.returncode, 0)
        for c in COMMANDS:
            self.assertIn(f"gridgov {c}", p.stdout)
            h = run(c, "--help")
            self.assertEqual(h.returncode, 0, (c, h.stderr))
            self.assertIn(f"Usage: gridgov {c}", h.stdout)

    def test_refusals(self):
        self.assertEqual(run().returncode, 2)
        p = run("frobnicate")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown command", p.stderr)
        p = run("version", "--colour", "red")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown option", p.stderr)
        p = run("serve", "--db", self.db, "--listen", "nowhere")
        self.assertEqual(p.returncode, 2)
        self.assertIn("ADDR:PORT", p.stderr)
        p = run("serve", "--db", self.db, "--threads", "0")
        self.assertEqual(p.returncode, 2)

    def test_init_creates_the_first_administrator(self):
        p = run("init", "--db", self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        m = re.search(r"administrator 'admin' with password (\S+)", p.stdout)
        self.assertIsNotNone(m, p.stdout)
        self.assertEqual(os.stat(self.db).st_mode & 0o777, 0o600)
        srv = Server(db=self.db)
        try:
            s = srv.login("admin", m.group(1))
            st, me = s.get("/api/v1/session")
            self.assertEqual((st, me["user"]["role"], me["user"]["global_scope"]), (200, "admin", True))
            st, roots = s.get("/api/v1/places")
            self.assertEqual((st, roots["items"]), (200, []))      # an empty city to build
        finally:
            srv.cleanup()
        again = run("init", "--db", self.db)
        self.assertEqual(again.returncode, 0)
        self.assertIn("already has accounts", again.stderr)

    def test_init_with_a_given_password(self):
        p = run("init", "--db", self.db, "--admin-user", "root.admin", "--admin-password", "short")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("10 to 128", p.stderr)
        p = run("init", "--db", self.db, "--admin-user", "root.admin",
                env={"GG_ADMIN_PASSWORD": "a-long-enough-secret"})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("a-long-enough-secret", p.stdout)          # never echoed
        srv = Server(db=self.db)
        try:
            srv.login("root.admin", "a-long-enough-secret")
        finally:
            srv.cleanup()

    def test_version_and_migrate(self):
        p = run("version")
        self.assertEqual(p.returncode, 0)
        latest = int(re.search(r"gridgov \S+, schema (\d+)", p.stdout).group(1))
        self.assertGreaterEqual(latest, 4)
        p = run("migrate", "--db", self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"schema {latest}", p.stdout)
        p = run("version", "--db", self.db)
        self.assertIn(f"database {self.db} at schema {latest}", p.stdout)

    def test_demo_only_into_a_new_database(self):
        p = run("demo", "--db", self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"3247 places, 460 accounts, \d+ cases")
        p = run("demo", "--db", self.db)
        self.assertEqual(p.returncode, 1)
        self.assertIn("exists", p.stderr)
        logins = run("demo-logins")
        self.assertIn("gridgov-demo-2026", logins.stdout)

    def test_routes_lists_every_route_with_its_rule(self):
        p = run("routes")
        rows = [line.split("\t") for line in p.stdout.splitlines()]
        self.assertGreater(len(rows), 40)
        self.assertTrue(all(len(r) == 5 and r[3] for r in rows), rows[:3])
        self.assertIn(["POST", "/api/v1/session", "public", "none", "no_csrf"], rows)


if __name__ == "__main__":
    unittest.main()
