"""Runs every tests/e2e/test_*.py and prints the closing line "N passed, N failed".

Arguments, if any, choose what runs: a file pattern ("test_web*.py") or a test's dotted name
("test_admin_api.ReadersSee", "test_admin_api.ReadersSee.test_x"); several may be given.

NZ_E2E_JOBS=N (default 1) runs the tests in N processes at once, each a share of the test
classes (a class stays whole, for its setUpClass): the tests mostly wait on servers they start,
so two processes on two cores take little more than half the time. Each test has its own
database and port either way. The outputs are printed one after the other, then the sums."""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

from nz import PG_KNOWN_FAILURE, PG_ONLY, PG_URI, SQLITE_ONLY

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
loader = unittest.defaultTestLoader
suite = unittest.TestSuite()
for name in sys.argv[1:] or ["test_*.py"]:
    if name.endswith(".py"):
        suite.addTests(loader.discover(here, pattern=name))
    else:
        suite.addTests(loader.loadTestsFromName(name))


def flat(s):
    for t in s:
        if isinstance(t, unittest.TestSuite):
            yield from flat(t)
        else:
            yield t


def share(tests, i, n):
    """The tests of shard i of n: whole classes, the biggest first to the emptiest shard."""
    classes = {}
    for t in tests:
        classes.setdefault("%s.%s" % (type(t).__module__, type(t).__qualname__), []).append(t)
    sizes, mine = [0] * n, []
    for name in sorted(classes, key=lambda c: (-len(classes[c]), c)):
        k = sizes.index(min(sizes))
        sizes[k] += len(classes[name])
        if k == i:
            mine += classes[name]
    return unittest.TestSuite(mine)


def run_shards(n):
    """Runs this script n times at once, shard by shard; prints their outputs and the sums."""
    tmp = tempfile.mkdtemp(prefix="nz-e2e-shards-")
    procs = []
    for i in range(n):
        env = dict(os.environ, NZ_E2E_SHARD="%d/%d" % (i, n),
                   NZ_E2E_SUMMARY=os.path.join(tmp, "%d.json" % i))
        out = open(os.path.join(tmp, "%d.out" % i), "w+")
        procs.append((subprocess.Popen([sys.executable, __file__] + sys.argv[1:], env=env,
                                       stdout=out, stderr=subprocess.STDOUT), out, env))
    sums, ok = {"passed": 0, "failed": 0, "skipped": 0}, True
    for p, out, env in procs:
        ok = p.wait() == 0 and ok
        out.seek(0)
        sys.stdout.write(out.read())
        out.close()
        try:
            with open(env["NZ_E2E_SUMMARY"]) as f:
                for k, v in json.load(f).items():
                    sums[k] += v
        except (OSError, ValueError):
            ok = False
            print("e2e: shard %s left no summary" % env["NZ_E2E_SHARD"])
    print("e2e%s, %d processes:" % (" (PostgreSQL)" if PG_URI else "", n))
    print("%d passed, %d failed%s" % (sums["passed"], sums["failed"],
                                      ", %d skipped" % sums["skipped"] if sums["skipped"] else ""))
    sys.exit(0 if ok and sums["passed"] + sums["skipped"] > 0 else 1)


jobs = int(os.environ.get("NZ_E2E_JOBS") or 1)
if jobs > 1 and not os.environ.get("NZ_E2E_SHARD"):
    run_shards(jobs)
if os.environ.get("NZ_E2E_SHARD"):
    i, n = (int(x) for x in os.environ["NZ_E2E_SHARD"].split("/"))
    suite = share(list(flat(suite)), i, n)
class TimedResult(unittest.TextTestResult):
    """Notes each test's wall time, so the run can name its slowest (where CI's time goes)."""

    times = []

    def startTest(self, test):
        self._started = time.monotonic()
        super().startTest(test)

    def stopTest(self, test):
        TimedResult.times.append((time.monotonic() - self._started, test.id()))
        super().stopTest(test)


result = unittest.TextTestRunner(verbosity=2, resultclass=TimedResult).run(suite)
for took, name in sorted(TimedResult.times, reverse=True)[:5]:
    print("slowest: %5.1f s %s" % (took, name))
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
skipped = len(result.skipped)
passed = result.testsRun - failed - skipped
# On PostgreSQL (NZ_TEST_PG_URI) the tests marked @sqlite_only or @pg_known_failure skip, and are
# listed; on SQLite the tests marked @pg_only skip; any other skip fails the run.
allowed = [(t, why) for t, why in result.skipped
           if (PG_URI and why.startswith((SQLITE_ONLY, PG_KNOWN_FAILURE)))
           or (not PG_URI and why.startswith(PG_ONLY))]
for t, why in allowed:
    print("skipped %s: %s" % (t.id(), why))
print("e2e%s%s:" % (" (PostgreSQL)" if PG_URI else "",
                   ", shard " + os.environ["NZ_E2E_SHARD"] if os.environ.get("NZ_E2E_SHARD") else ""))
print("%d passed, %d failed%s" % (passed, failed, ", %d skipped" % skipped if skipped else ""))
if os.environ.get("NZ_E2E_SUMMARY"):
    with open(os.environ["NZ_E2E_SUMMARY"], "w") as f:
        json.dump({"passed": passed, "failed": failed, "skipped": skipped}, f)
sharded = bool(os.environ.get("NZ_E2E_SHARD"))
sys.exit(0 if failed == 0 and skipped == len(allowed) and (result.testsRun > 0 or sharded) else 1)
