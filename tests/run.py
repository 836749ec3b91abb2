#!/usr/bin/env python3
"""tests/run.py — runs every test of gridgov and ends with 'N passed, N failed'.

Layers, in order:
  unit  build/tests/test_* (cmocka): domain rules, core, JSON
  api   tests/api/test_*.py (unittest): the real binary on a loopback port,
        spoken to over HTTP by tests/api/gg.py

Usage: tests/run.py [--build DIR] [--only PATTERN]
"""
import argparse
import os
import re
import subprocess
import sys
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_unit(build, only):
    passed = failed = 0
    tdir = os.path.join(build, "tests")
    for name in sorted(os.listdir(tdir)) if os.path.isdir(tdir) else []:
        if only and only not in name:
            continue
        path = os.path.join(tdir, name)
        t0 = time.time()
        try:
            p = subprocess.run([path], capture_output=True, text=True, timeout=300)
            out = p.stdout + p.stderr
        except subprocess.TimeoutExpired:
            out, p = "timeout", None
        ok = re.findall(r"\[  PASSED  \] (\d+) test", out)
        bad = re.findall(r"\[  FAILED  \] (\d+) test", out)
        n_ok = sum(int(x) for x in ok)
        n_bad = sum(int(x) for x in bad)
        if p is None or (p.returncode != 0 and n_bad == 0):
            n_bad += 1  # crashed or sanitizer abort: count the binary as a failure
        passed += n_ok
        failed += n_bad
        print(f"unit {name}: {n_ok} passed, {n_bad} failed ({time.time() - t0:.1f}s)")
        if n_bad:
            print(out[-4000:])
    return passed, failed


class CountingResult(unittest.TextTestResult):
    pass


def run_api(build, only):
    os.environ["GG_BUILD"] = os.path.abspath(build)
    sys.path.insert(0, os.path.join(ROOT, "tests", "api"))
    loader = unittest.TestLoader()
    pattern = "test_*.py"
    suite = loader.discover(os.path.join(ROOT, "tests", "api"), pattern=pattern,
                            top_level_dir=os.path.join(ROOT, "tests", "api"))
    if only:
        def keep(s):
            out = unittest.TestSuite()
            for t in s:
                if isinstance(t, unittest.TestSuite):
                    out.addTests(keep(t))
                elif only in t.id():
                    out.addTest(t)
            return out
        suite = keep(suite)
    runner = unittest.TextTestRunner(verbosity=2, stream=sys.stdout, resultclass=CountingResult)
    res = runner.run(suite)
    failed = len(res.failures) + len(res.errors) + len(res.unexpectedSuccesses)
    passed = res.testsRun - failed - len(res.skipped)
    return passed, failed, len(res.skipped)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    t0 = time.time()
    up, uf = run_unit(args.build, args.only)
    ap_, af, skipped = run_api(args.build, args.only)
    passed, failed = up + ap_, uf + af
    print(f"\nunit: {up} passed, {uf} failed; api: {ap_} passed, {af} failed"
          f"{f', {skipped} skipped' if skipped else ''}; {time.time() - t0:.0f}s")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
