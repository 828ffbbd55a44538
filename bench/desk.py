#!/usr/bin/env python3
"""bench/desk.py: the time of a page of the back office's list of articles (the desk,
GET /api/v1/admin/articles and GET /admin/articles) on a large database.

Used by bench/run.sh on the large corpus (100,000 articles). It adds an editor and an API
token through the CLI, signs in through the real form, then times each kind of page, one
request after another on one keep-alive connection, at the client (request to last byte):
the first page, a page deep in the list reached by the keyset cursor, each sort and filter, a
search over every status; each as JSON and as the HTML page. Prints one line of JSON per kind,
{"kind", "n", "p50_ms", "p99_ms", "max_ms"}, and after each format one for all its kinds (the
last line: every HTML page).

Rules: traffic only to 127.0.0.1; bounded (--repeat requests per kind); a non-200 answer is an
error. Standard library only.

Usage: desk.py --bin NEWSZONE --db DB --port P [--repeat N]
"""

import argparse
import http.client
import json
import re
import subprocess
import sys
import time
import urllib.parse


def cli(args, ns):
    return subprocess.run([args.bin, "--db", args.db] + ns, check=True, capture_output=True,
                          text=True).stdout


def percentile(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()

    login = "desk-bench-%d" % int(time.time())
    password = re.search(r"^password: (\S+)$", cli(args, ["user", "add", login, "--role",
                                                           "editor"]), re.M).group(1)
    token = re.search(r"^(nzt_\S+)$", cli(args, ["token", "create", login]), re.M).group(1)
    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)

    def get(path, headers):
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        body = r.read()
        dt = (time.perf_counter() - t0) * 1000.0
        if r.status != 200:
            sys.exit("desk.py: %s answered %d: %s" % (path, r.status, body[:200]))
        return dt, body

    api = {"Authorization": "Bearer " + token}
    form = urllib.parse.urlencode({"login": login, "password": password, "next": "/admin"})
    conn.request("POST", "/admin/login", body=form,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    r.read()
    cookie = re.search(r"nz_session=([^;]*)", r.getheader("set-cookie", "")).group(1)
    page = {"Cookie": "nz_session=" + cookie}

    # A page deep in the list: walk 20 pages of 50 by the cursor, keep the 20th's cursor.
    deep, pages = "/api/v1/admin/articles", 1
    for _ in range(20):
        cursor = json.loads(get(deep, api)[1])["next"]
        if not cursor:
            break
        deep, pages = "/api/v1/admin/articles?after=" + urllib.parse.quote(cursor), pages + 1
    first = json.loads(get("/api/v1/admin/articles?limit=1", api)[1])["articles"][0]
    section = (first.get("section") or {}).get("slug") or "politics"
    tag = (first.get("tags") or [{}])[0].get("slug") or "defense"
    word = first["headline"].split()[0]

    queries = [
        ("first page", ""),
        ("page %d by the cursor" % pages, deep.partition("?")[2]),
        ("oldest first", "sort=oldest"),
        ("last edited", "sort=updated"),
        ("section", "section=" + urllib.parse.quote(section)),
        ("tag", "tag=" + urllib.parse.quote(tag)),
        ("status draft", "status=draft"),
        ("date range", "from=2020-01-01&to=2020-12-31"),
        ("search over every status", "q=" + urllib.parse.quote(word)),
    ]
    # Each kind as the page an editor sees (HTML, 50 rows) and as the JSON API (50 whole
    # articles with their bodies: mostly the time to write half a megabyte of JSON).
    for label, base, headers in (("JSON", "/api/v1/admin/articles", api),
                                 ("HTML", "/admin/articles", page)):
        every = []
        for name, query in queries:
            path = base + ("?" + query if query else "")
            get(path, headers)  # warm
            times = [get(path, headers)[0] for _ in range(args.repeat)]
            every += times
            print(json.dumps({"kind": "%s %s" % (label, name), "n": len(times),
                              "p50_ms": round(percentile(times, 50), 2),
                              "p99_ms": round(percentile(times, 99), 2),
                              "max_ms": round(max(times), 2)}))
        print(json.dumps({"kind": "%s all" % label, "n": len(every),
                          "p50_ms": round(percentile(every, 50), 2),
                          "p99_ms": round(percentile(every, 99), 2),
                          "max_ms": round(max(every), 2)}))


if __name__ == "__main__":
    main()
