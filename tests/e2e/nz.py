"""End-to-end test helpers: run the real newszone binary on a temporary database and serve it
on a free port on 127.0.0.1. Standard library only (no PyPI on CI machines)."""
import atexit
import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.parse

BIN = os.environ.get("NZ_BIN") or os.path.abspath(os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "newszone"))
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
SHARED = os.environ.get("NZ_SHARED") or os.path.join(ROOT, "..", "shared")
# With NZ_TEST_PG_URI set (`make test-e2e-pg`), every test database is a fresh empty schema
# e2e_<pid>_<n> of that PostgreSQL database instead of a SQLite file (see new_db).
PG_URI = os.environ.get("NZ_TEST_PG_URI") or None
# How long a server may take to stop on SIGTERM (it finishes the requests and the photo
# rendition under way); tests/run-tsan.sh gives ThreadSanitizer's slower builds more.
STOP_SECONDS = int(os.environ.get("NZ_E2E_STOP_SECONDS") or 10)
_schemas = itertools.count(1)
_live_schemas = set()


def _psql(sql):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", PG_URI, "-c", sql],
                   check=True, capture_output=True, text=True, timeout=60)


def new_db(path):
    """A fresh, empty database for a test: the SQLite file path as given, or with NZ_TEST_PG_URI
    a new schema reached with the URI plus `options=-c search_path=...` (as the store's unit
    tests do, tests/unit/store/store_test.h); drop_db (or the end of the run) drops it."""
    if not PG_URI:
        return path
    schema = "e2e_%d_%d" % (os.getpid(), next(_schemas))
    _psql("CREATE SCHEMA %s" % schema)
    _live_schemas.add(schema)
    sep = "&" if "?" in PG_URI else "?"
    return "%s%soptions=-c%%20search_path%%3D%s" % (PG_URI, sep, schema)


def drop_db(db):
    """Drops the schema new_db made for db (nothing on SQLite: the temp folder goes)."""
    if not PG_URI or not db or "search_path%3D" not in db:
        return
    schema = db.rsplit("search_path%3D", 1)[1]
    if schema in _live_schemas:
        _live_schemas.discard(schema)
        _psql("DROP SCHEMA %s CASCADE" % schema)


@atexit.register
def _drop_all():
    for schema in list(_live_schemas):
        try:
            _psql("DROP SCHEMA %s CASCADE" % schema)
        except Exception:  # the cluster may be gone already
            pass


def _pg_literal(value):
    if isinstance(value, int):
        return str(value)
    if isinstance(value, bytes):
        return "'\\x%s'::bytea" % value.hex()
    return "'%s'" % str(value).replace("'", "''")


def sql_rows(db, sql, params=()):
    """Runs one SQL statement (with ? placeholders for params: strings, ints or bytes) on db,
    behind the server's back, and returns its rows: with the sqlite3 module on a SQLite file,
    with psql on a PostgreSQL schema (where every value comes back as a string). For
    statements both dialects read alike."""
    if not PG_URI:
        import sqlite3
        with sqlite3.connect(db) as con:
            rows = con.execute(sql, params).fetchall()
        con.close()
        return rows
    parts = sql.split("?")
    assert len(parts) == len(params) + 1, sql
    out = parts[0]
    for value, rest in zip(params, parts[1:]):
        out += _pg_literal(value) + rest
    p = subprocess.run(["psql", "-q", "-At", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", db, "-c", out],
                       check=True, capture_output=True, text=True, timeout=60)
    return [tuple(line.split("\x1f")) for line in p.stdout.splitlines()]


def sql_write(db, sql, params=()):
    """sql_rows for a statement that writes."""
    sql_rows(db, sql, params)


# The skip reasons run.py accepts on PostgreSQL (any other skip fails the run).
SQLITE_ONLY = "sqlite only: "
PG_KNOWN_FAILURE = "known failure on PostgreSQL: "
PG_ONLY = "postgresql only: "


def sqlite_only(why):
    """Skips a test (or class) on PostgreSQL: it looks at the SQLite file itself."""
    return unittest.skipIf(PG_URI is not None, SQLITE_ONLY + why)


def pg_known_failure(why):
    """Skips a test (or class) on PostgreSQL: it fails there for a reason not fixed yet."""
    return unittest.skipIf(PG_URI is not None, PG_KNOWN_FAILURE + why)


def pg_only(why):
    """Skips a test (or class) on SQLite: it needs PostgreSQL (several nodes' own cluster)."""
    return unittest.skipIf(PG_URI is None, PG_ONLY + why)


def run(args, db=None, check=True, cwd=None, timeout=120):
    """Runs newszone with args; returns CompletedProcess with text stdout/stderr."""
    cmd = [BIN] + (["--db", db] if db else []) + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError("%s exited %d:\n%s%s" % (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    return p


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # dict of lower-case name -> value
        self.body = body        # bytes

    @property
    def text(self):
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)


class Server:
    """A running `newszone serve` on a free port."""

    def __init__(self, db, extra=()):
        self.port = free_port()
        self.db = db
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [BIN, "--db", db, "serve", "--listen", "127.0.0.1:%d" % self.port] + list(extra),
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("server exited early:\n" + self.output())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("server did not start:\n" + self.output())

    def output(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            data = r.read()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
        finally:
            conn.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("server did not stop on SIGTERM within %d s; its log:\n%s"
                                     % (STOP_SECONDS, self.output()[-3000:]))
        return self.proc.returncode


def quote(path):
    return urllib.parse.quote(path, safe="/?=&")


class NzTestCase(unittest.TestCase):
    """Each test class gets its own folder; self.tmp, self.db."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nz-e2e-")
        self.db = new_db(os.path.join(self.tmp, "newszone.db"))
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.stop()
        drop_db(self.db)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def serve(self, extra=()):
        s = Server(self.db, extra)
        self.servers.append(s)
        return s


def eventually(check, deadline=5.0):
    """Polls check() until it is true or the deadline passes; returns its last value. For writes
    made behind the server's back (another process on the same database): the server's page
    cache follows them with a poll of the change feed, a fraction of a second later."""
    import time
    end = time.monotonic() + deadline
    while True:
        ok = check()
        if ok or time.monotonic() > end:
            return ok
        time.sleep(0.05)
