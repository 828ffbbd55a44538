"""Read replicas (serve --db-read, docs/deployment.md "Read replicas"): a PostgreSQL primary and
a streaming replica of it, both real clusters this test starts (scripts/pg-cluster.sh start,
then `replica`), and one `newszone serve` with NEWSZONE_DB_READ naming the replica:
- an article published through the node is found by the node's /search within a generous
  bound, 50 times; the delays (publish answered -> the search finds it) are printed, p50/p99;
- those searches really read the replica: the replica's own pg_stat_database counts their
  transactions, and /metrics counts them as read="replica";
- a signed-in reader (an Authorization header) reads the primary (read-your-writes);
- the replica's replay is paused: past the lag bound, searches read the primary and find what
  the replica has not applied; /healthz says it lags;
- the replica is stopped: /search keeps answering 200, from the primary (it finds what is
  published meanwhile), /healthz stays 200 and says the replica is unavailable; restarted, the
  searches go back to it by themselves.
The option's errors (a SQLite --db, a read URI that is not PostgreSQL) run on both lanes."""
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import unittest

from nz import ROOT, Server, eventually, pg_only, run
from nzadmin import NodesMixin, add_token, add_user

PG_CLUSTER = os.path.join(ROOT, "scripts", "pg-cluster.sh")
EDITS = 50
FOUND_WITHIN = 10.0  # seconds: generous; the delays are printed, not asserted


class DbReadOption(unittest.TestCase):
    """What `serve` refuses before it starts, with one clear line."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nz-e2e-dbread-")
        self.sqlite = os.path.join(self.tmp, "newszone.db")
        run(["init"], db=self.sqlite)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def refused(self, args, env=None):
        p = subprocess.run([os.environ.get("NZ_BIN") or os.path.join(ROOT, "build", "newszone")]
                           + args, capture_output=True, text=True, timeout=30,
                           env=dict(os.environ, **(env or {})))
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
        return p.stderr

    def test_a_sqlite_db_is_refused(self):
        err = self.refused(["--db", self.sqlite, "--db-read",
                            "postgresql:///x?host=/tmp/nowhere", "serve"])
        self.assertIn("--db-read needs a PostgreSQL --db", err)
        self.assertIn(self.sqlite + " is a SQLite file", err)

    def test_the_environment_is_checked_alike(self):
        err = self.refused(["--db", self.sqlite, "serve"],
                           {"NEWSZONE_DB_READ": "postgresql:///x?host=/tmp/nowhere"})
        self.assertIn("--db-read needs a PostgreSQL --db", err)

    def test_a_read_uri_that_is_not_postgres_is_refused(self):
        err = self.refused(["--db", "postgresql:///x?host=/tmp/nowhere",
                            "--db-read", self.sqlite, "serve"])
        self.assertIn("--db-read %s: not a PostgreSQL URI" % self.sqlite, err)

    def test_a_missing_value_is_refused(self):
        err = self.refused(["--db", self.sqlite, "--db-read"])
        self.assertIn("--db-read needs a postgres:// URI", err)

    def test_bad_pool_and_lag_values_are_refused(self):
        err = self.refused(["--db", self.sqlite, "serve", "--db-read-pool", "0"])
        self.assertIn("--db-read-pool must be 1 to", err)
        err = self.refused(["--db", self.sqlite, "serve", "--db-read-max-lag", "x"])
        self.assertIn("--db-read-max-lag must be 1 to", err)


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


@pg_only("a primary and a streaming replica, clusters of the test's own")
class PgReplica(NodesMixin, unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nz-e2e-pgreplica-")
        self.servers = []
        self.primary = tempfile.mkdtemp(prefix="nz-pgprim-", dir="/tmp")
        self.replica = tempfile.mkdtemp(prefix="nz-pgrepl-", dir="/tmp")
        for d in (self.primary, self.replica):
            os.chmod(d, 0o755)
        self.db = self.cluster("start", self.primary)
        run(["init"], db=self.db)  # before the copy: the replica has the schema already
        add_user(self.db, "eve", "editor")
        self.token = add_token(self.db, "eve")[1]
        self.read = self.cluster("replica", self.primary, self.replica)

    def tearDown(self):
        for s in reversed(self.servers):
            if s.proc.poll() is None:
                s.stop()
        for d in (self.replica, self.primary):
            subprocess.run([PG_CLUSTER, "stop", d], capture_output=True, timeout=90)
            shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def cluster(self, *args):
        p = subprocess.run([PG_CLUSTER] + list(args), capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout.strip()

    def node_reading(self, read_uri):
        os.environ["NEWSZONE_DB_READ"] = read_uri
        try:
            s = Server(self.db)
        finally:
            del os.environ["NEWSZONE_DB_READ"]
        self.servers.append(s)
        return s

    def metric(self, srv, name):
        text = srv.get("/metrics").text
        m = re.search(r"^%s (\d+)$" % re.escape(name), text, re.M)
        return int(m.group(1)) if m else 0

    def replica_xacts(self):
        """Transactions the replica's own statistics count in the test database."""
        p = subprocess.run(["psql", "-XAtq", self.read, "-c",
                            "SELECT xact_commit + xact_rollback FROM pg_stat_database"
                            " WHERE datname = current_database()"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        return int(p.stdout.strip())

    def replica_sql(self, sql):
        p = subprocess.run(["psql", "-XAtq", self.read, "-c", sql], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)

    def finds(self, srv, word, headline, headers=None):
        r = srv.get("/search?q=" + word, headers=headers)
        self.assertEqual(r.status, 200, r.text)
        return headline in r.text

    def test_searches_read_the_replica_and_the_primary_while_it_is_down(self):
        srv = self.node_reading(self.read)
        self.assertTrue(eventually(lambda: "Searches read the replica" in srv.output()))
        health = srv.get("/healthz")
        self.assertEqual(health.status, 200)
        self.assertTrue(health.text.startswith("ok\nreplica: ok, lag "), health.text)

        # Published through the node, found by its search: delays printed.
        delays = []
        xacts_before = self.replica_xacts()
        on_replica_before = self.metric(srv, 'newszone_db_read_total{read="replica"}')
        for i in range(EDITS):
            word = "zebra%dquokka" % i
            self.publish(srv, "Replica story %d %s" % (i, word))
            published = time.monotonic()
            found = False
            while not found and time.monotonic() - published < FOUND_WITHIN:
                found = self.finds(srv, word, "Replica story %d " % i)
                if not found:
                    time.sleep(0.002)
            delays.append(time.monotonic() - published)
            self.assertTrue(found, "the search did not find story %d: %s" % (i, srv.output()))
        on_replica = self.metric(srv, 'newszone_db_read_total{read="replica"}')
        print("\n# publish -> found by /search on the replica, %d edits: p50 %.1f ms, p99 %.1f "
              "ms, max %.1f ms; %d searches read the replica, %d the primary because it "
              "lagged" % (EDITS, 1000 * percentile(delays, 50), 1000 * percentile(delays, 99),
                          1000 * max(delays), on_replica - on_replica_before,
                          self.metric(srv, 'newszone_db_read_total{read="lagging"}')))
        self.assertGreaterEqual(on_replica - on_replica_before, EDITS)
        # the replica's own statistics saw those searches (flushed within a second or so)
        self.assertTrue(eventually(lambda: self.replica_xacts() - xacts_before >= EDITS, 10),
                        "the replica counted %d transactions" % (
                            self.replica_xacts() - xacts_before))

        # Read-your-writes: a signed-in reader's search reads the primary.
        signed = self.metric(srv, 'newszone_db_read_total{read="signed_in"}')
        self.assertTrue(self.finds(srv, "zebra0quokka", "Replica story 0 ",
                                   {"Authorization": "Bearer " + self.token}))
        self.assertEqual(self.metric(srv, 'newszone_db_read_total{read="signed_in"}'),
                         signed + 1)

        # The replica falls behind (its replay paused): past --db-read-max-lag (1000 ms by
        # default) searches read the primary, which finds what the replica has not applied.
        self.replica_sql("SELECT pg_wal_replay_pause()")
        try:
            self.publish(srv, "While paused vicunaowl")
            time.sleep(1.2)
            self.assertTrue(self.finds(srv, "vicunaowl", "While paused"))
            self.assertGreaterEqual(
                self.metric(srv, 'newszone_db_read_total{read="lagging"}'), 1)
            self.assertIn("replica: lagging; searches read the primary, lag ",
                          srv.get("/healthz").text)
        finally:
            self.replica_sql("SELECT pg_wal_replay_resume()")

        # The replica stops: searches answer 200 from the primary, which finds new stories.
        self.cluster("stop", self.replica)
        for i in range(5):
            r = srv.get("/search?q=zebra%dquokka" % i)
            self.assertEqual(r.status, 200, r.text)
            self.assertIn("Replica story %d " % i, r.text)
            r = srv.get("/api/v1/articles?q=zebra%dquokka" % i)
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(r.json()["total"], 1)
        self.publish(srv, "During the outage yakwombat")
        self.assertTrue(self.finds(srv, "yakwombat", "During the outage"))
        health = srv.get("/healthz")
        self.assertEqual(health.status, 200)
        self.assertEqual(health.text, "ok\nreplica: unavailable; searches read the primary\n")
        self.assertGreaterEqual(self.metric(srv, 'newszone_db_read_total{read="down"}'), 5)
        self.assertEqual(self.metric(srv, "newszone_db_replica_up"), 0)

        # Back: the searches read the replica again by themselves (the reopen backs off <= 5 s).
        self.cluster("replica", self.primary, self.replica)
        back = self.metric(srv, 'newszone_db_read_total{read="replica"}')
        tries = iter(range(100000))  # a query of its own each time: the page cache keeps the
        # primary's answers (it is fresh), never the replica's

        def on_replica_again():
            word = "yakwombat&page=1&try=%d" % next(tries)
            return (self.finds(srv, word, "During the outage") and
                    self.metric(srv, 'newszone_db_read_total{read="replica"}') > back)
        self.assertTrue(eventually(on_replica_again, 20),
                        srv.output() + srv.get("/metrics").text)
        self.assertTrue(srv.get("/healthz").text.startswith("ok\nreplica: ok, lag "))
        self.assertEqual(self.metric(srv, "newszone_db_replica_up"), 1)


if __name__ == "__main__":
    unittest.main()
