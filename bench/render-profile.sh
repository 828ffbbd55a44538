#!/bin/sh
# bench/render-profile.sh: instructions per uncached article render, counted by callgrind
# ("Render path" in bench/RESULTS.md). Runs `newszone serve --cache-mb 0 --threads 1`
# under valgrind twice on a copy of DB: once answering nothing (start-up and shutdown only), once
# answering N distinct article pages; the difference of the two totals over N is the cost of one
# request, everything included (HTTP parsing, store reads, Markdown, templates, gzip off).
#
# usage: bench/render-profile.sh DB [N] [BIN]   (DB: a Newszone database; N: 2000)
# prints: "<instructions per request> <requests>"; leaves callgrind.out.* in $OUT (a tmp folder)
# for callgrind_annotate.
set -eu
DB=$1
N=${2:-2000}
BIN=${3:-build/newszone}
OUT=$(mktemp -d /tmp/nz-render-profile-XXXXXX)
cp "$DB" "$OUT/db"
"$BIN" --db "$OUT/db" init >/dev/null 2>&1 || true # migrate once, outside the measurement
sqlite3 "$OUT/db" "SELECT slug FROM articles WHERE status = 'published' ORDER BY id LIMIT $N" \
	>"$OUT/slugs.txt"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# run NAME COUNT: serves under callgrind, asks COUNT pages, stops; prints the total Ir.
run() {
	P=$(port)
	valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out.$1" \
		"$BIN" --db "$OUT/db" serve --listen "127.0.0.1:$P" --cache-mb 0 --threads 1 \
		>"$OUT/$1.log" 2>&1 &
	VG=$!
	python3 - "$P" "$OUT/slugs.txt" "$2" <<'PY'
import http.client, sys, time, urllib.parse
port, slugs, count = int(sys.argv[1]), open(sys.argv[2]).read().split(), int(sys.argv[3])
deadline = time.time() + 120
while True:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60); c.request("GET", "/healthz")
        c.getresponse().read(); break
    except OSError:
        if time.time() > deadline: raise
        time.sleep(0.2)
for i in range(count):
    c.request("GET", "/article/" + urllib.parse.quote(slugs[i % len(slugs)]))
    r = c.getresponse(); r.read()
    assert r.status == 200, r.status
PY
	kill -TERM "$VG"
	wait "$VG" || true
	callgrind_annotate "$OUT/callgrind.out.$1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}'
}
BASE=$(run base 0)
FULL=$(run full "$N")
echo "$(( (FULL - BASE) / N )) $N"
echo "profiles: $OUT/callgrind.out.full (callgrind_annotate --inclusive=yes)" >&2
