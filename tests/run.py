#!/usr/bin/env python3
"""tests/run.py — runs every test of gridgov and ends with 'N passed, N failed'.

Layers, in order:
  unit  build/tests/test_* (cmocka): domain rules, core, JSON
  fuzz  fuzz/fuzz_*.c (libFuzzer, clang, ASan+UBSan, built by `make fuzz-build`
        into build-fuzz/): each harness replays fuzz/regressions/<harness>/,
        then fuzzes for FUZZ_SECONDS (default 8) from its seed corpus; one test
        per harness. Without clang the layer fails: scripts/install-deps.sh
        installs it.
  api   tests/api/test_*.py (unittest): the real binary on a loopback port,
        spoken to over HTTP by tests/api/gg.py
  browser tests/browser/test_*.mjs (node + playwright-core from web/node_modules,
        Debian's /usr/bin/chromium, headless): the built UI (web/dist) served by
        the real binary over a copy of the demo city; screenshots go to
        BUILD/screenshots/. Each script prints "ok <id>" / "FAIL <id>: why".

Usage: tests/run.py [--build DIR] [--only PATTERN]
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
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


FUZZ_BUILD = os.path.join(ROOT, "build-fuzz")
FUZZ_DICTS = {"fuzz_json": "fuzz/json.dict", "fuzz_http": "fuzz/http.dict",
              "fuzz_multipart": "fuzz/http.dict"}


def fuzz_harnesses():
    out = []
    for name in sorted(os.listdir(os.path.join(ROOT, "fuzz"))):
        if name.startswith("fuzz_") and name.endswith(".c"):
            with open(os.path.join(ROOT, "fuzz", name), encoding="utf-8") as f:
                if "int LLVMFuzzerTestOneInput(const unsigned char *data" in f.read():
                    out.append(name[:-2])
    return out


def fuzz_one(h, seconds):
    """Replay h's regressions, then fuzz it briefly. (ok, executions, log tail)."""
    exe = os.path.join(FUZZ_BUILD, h)
    regs_dir = os.path.join(ROOT, "fuzz", "regressions", h)
    regs = sorted(os.path.join(regs_dir, f) for f in os.listdir(regs_dir)) \
        if os.path.isdir(regs_dir) else []
    execs = 0
    if regs:
        try:
            p = subprocess.run([exe] + regs, cwd=ROOT, capture_output=True, text=True,
                               errors="replace", timeout=120)
        except subprocess.TimeoutExpired:
            return False, 0, f"{len(regs)} regressions: timeout"
        if p.returncode != 0:
            return False, 0, f"{len(regs)} regressions replayed, one failed:\n" + \
                (p.stdout + p.stderr)[-4000:]
    corpus = os.path.join(FUZZ_BUILD, "corpus", h)
    artifacts = os.path.join(FUZZ_BUILD, "artifacts", h) + "/"
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(artifacts, exist_ok=True)
    cmd = [exe, f"-max_total_time={seconds}", "-print_final_stats=1", "-max_len=65536",
           f"-artifact_prefix={artifacts}", corpus, os.path.join(ROOT, "fuzz", "corpus", h)]
    if h in FUZZ_DICTS:
        cmd.insert(1, "-dict=" + os.path.join(ROOT, FUZZ_DICTS[h]))
    try:
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, errors="replace",
                           timeout=seconds + 120)
        out = p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return False, 0, "timeout"
    m = re.search(r"stat::number_of_executed_units:\s*(\d+)", out)
    execs = int(m.group(1)) if m else 0
    return p.returncode == 0, execs, out[-4000:]


def run_fuzz(only):
    hs = [h for h in fuzz_harnesses() if not only or only in h]
    if not hs:
        return 0, 0
    if not shutil.which(os.environ.get("FUZZ_CC", "clang")):
        print("fuzz: clang not found (scripts/install-deps.sh installs it): "
              f"{len(hs)} harnesses failed")
        return 0, len(hs)
    t0 = time.time()
    p = subprocess.run(["make", "-s", f"-j{os.cpu_count() or 2}", "fuzz-build"], cwd=ROOT,
                       capture_output=True, text=True, errors="replace")
    if p.returncode != 0:
        print(f"fuzz: make fuzz-build failed: {len(hs)} harnesses failed\n"
              + (p.stdout + p.stderr)[-4000:])
        return 0, len(hs)
    print(f"fuzz: built {len(hs)} harnesses ({time.time() - t0:.1f}s)")
    seconds = int(os.environ.get("FUZZ_SECONDS", "8"))
    passed = failed = 0
    for h in hs:
        t1 = time.time()
        ok, execs, tail = fuzz_one(h, seconds)
        print(f"fuzz {h}: {'passed' if ok else 'FAILED'}, {execs} executions "
              f"({time.time() - t1:.1f}s)")
        if ok:
            passed += 1
        else:
            failed += 1
            print(tail)
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


def run_browser(build, only):
    """The browser layer (#4): one node process per script, results per line."""
    files = sorted(f for f in os.listdir(os.path.join(ROOT, "tests", "browser"))
                   if f.startswith("test_") and f.endswith(".mjs")) \
        if os.path.isdir(os.path.join(ROOT, "tests", "browser")) else []
    if only and only != "browser":
        files = [f for f in files if only in f[:-4]]
    if not files:
        return 0, 0
    web = os.path.join(ROOT, "web")
    missing = [what for what, ok in (
        ("node", shutil.which("node")),
        ("/usr/bin/chromium (scripts/install-deps.sh)", os.path.exists("/usr/bin/chromium")),
        ("web/node_modules/playwright-core (make web)",
         os.path.exists(os.path.join(web, "node_modules", "playwright-core", "index.mjs"))),
        ("web/dist/index.html (make web)", os.path.exists(os.path.join(web, "dist", "index.html"))),
    ) if not ok]
    if missing:
        print("browser: cannot run, missing: " + ", ".join(missing))
        return 0, 1
    build = os.path.abspath(build)
    tmp = tempfile.mkdtemp(prefix="gg-browser-demo-")
    demo = os.path.join(tmp, "demo.db")
    subprocess.run([os.path.join(build, "gridgov"), "demo", "--db", demo], check=True, capture_output=True)
    env = dict(os.environ, GG_BUILD=build, GG_DEMO_DB=demo,
               GG_SCREENSHOTS=os.path.join(build, "screenshots"),
               GG_WEB_DIR=os.environ.get("GG_WEB_DIR") or os.path.join(web, "dist"))
    passed = failed = 0
    try:
        for f in files:
            t0 = time.time()
            # its own process group: on a timeout the server and chromium go with it
            p = subprocess.Popen(["node", os.path.join(ROOT, "tests", "browser", f)], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                 start_new_session=True)
            try:
                out, _ = p.communicate(timeout=900)
                rc = p.returncode
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGTERM)
                try:
                    out, _ = p.communicate(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    out, _ = p.communicate()
                rc = -9
                out = (out or "") + "\nbrowser: timed out after 900 s"
            ok = len(re.findall(r"(?m)^ok ", out))
            bad = len(re.findall(r"(?m)^FAIL ", out))
            if rc != 0 and bad == 0:
                bad = 1
            passed += ok
            failed += bad
            print(f"browser {f}: {ok} passed, {bad} failed ({time.time() - t0:.1f}s)")
            for line in out.splitlines():
                if not line.startswith("ok "):
                    print("  " + line)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return passed, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    t0 = time.time()
    up, uf = run_unit(args.build, args.only)
    fp, ff = run_fuzz(args.only)
    ap_, af, skipped = run_api(args.build, args.only)
    bp, bf = run_browser(args.build, args.only)
    passed, failed = up + fp + ap_ + bp, uf + ff + af + bf
    print(f"\nunit: {up} passed, {uf} failed; fuzz: {fp} passed, {ff} failed; "
          f"api: {ap_} passed, {af} failed"
          f"{f', {skipped} skipped' if skipped else ''}; browser: {bp} passed, {bf} failed; "
          f"{time.time() - t0:.0f}s")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
