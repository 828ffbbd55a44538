#!/usr/bin/env bash
# bench/pg.sh: `make bench-pg` (never part of `make test`). Newszone on PostgreSQL beside the
# same figures on SQLite, in one run, on the synthetic corpus of bench/corpus/gen.py:
#   1. import rate: the first BENCH_IMPORT files of one section into a fresh SQLite file and a
#      fresh PostgreSQL database (`newszone import --publish`), then into PostgreSQL again with
#      fsync, synchronous_commit and full_page_writes on;
#   2. BENCH_BIG (100,000) articles in both backends, built once and cached under bench/out/
#      (the SQLite file and a database of the bench's own cluster), rebuilt when the corpus
#      generator, the schema or the search terms' code changes; progress is printed; the
#      PostgreSQL store's pending related lists are then computed (`newszone related`, as
#      bench/run.sh computes SQLite's; BENCH_RELATED=0 skips it, docs/related.md);
#   3. on those stores: one cached article page against nginx (one worker per core) with wrk,
#      alternating; uncached article render p50/p99 (bench/latency.py: each URL asked once);
#      search p50/p99 (bench/search/bench_queries.c, the queries of bench/search/queries-gen.tsv,
#      words the corpus holds: common and rare, a filter, a phrase, a prefix; then those of
#      bench/search/queries-filters.tsv: tag, author, date range and language filters, alone and
#      combined, in a table of their own);
#   4. two `newszone serve` nodes on one store: cross-node invalidation over BENCH_EDITS edits
#      (bench/nodes.py), and cached pages per second of one node against two (the same two wrk
#      clients either way, alternating).
# It prints one table and appends it, dated, with the machine, load and command, to
# bench/RESULTS.md.
#
# The cluster is scripts/pg-cluster.sh's throwaway one, in bench/out/pg: Unix socket only, fsync
# off (its data is thrown away), shared_buffers raised to BENCH_PG_BUFFERS for the bench.
# Rules: traffic only to 127.0.0.1; every process started here is stopped here, by its PID; the
# cluster is stopped at the end; everything generated goes to bench/out/ (git-ignored).
#
# Knobs (environment): BENCH_BIG (100000), BENCH_IMPORT (2000), BENCH_RUNS (3 wrk rounds),
# BENCH_WRK ("-t2 -c64 -d10s"), BENCH_SAMPLE (2000 article URLs), BENCH_SEARCH_RUNS (50 per
# query), BENCH_EDITS (200), BENCH_JOBS (4 importers building the PostgreSQL store),
# BENCH_PG_BUFFERS (256MB), BENCH_RELATED (1), BENCH_NO_DEPS=1, BENCH_RESULTS (bench/RESULTS.md).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
BIG=${BENCH_BIG:-100000}
IMPORT_N=${BENCH_IMPORT:-2000}
RUNS=${BENCH_RUNS:-3}
WRK=${BENCH_WRK:--t2 -c64 -d10s}
SAMPLE=${BENCH_SAMPLE:-2000}
SEARCH_RUNS=${BENCH_SEARCH_RUNS:-50}
EDITS=${BENCH_EDITS:-200}
JOBS=${BENCH_JOBS:-4}
BUFFERS=${BENCH_PG_BUFFERS:-256MB}
RESULTS=${BENCH_RESULTS:-bench/RESULTS.md}
CMDLINE="make bench-pg (BENCH_BIG=$BIG BENCH_IMPORT=$IMPORT_N BENCH_RUNS=$RUNS BENCH_WRK=\"$WRK\" BENCH_SAMPLE=$SAMPLE BENCH_SEARCH_RUNS=$SEARCH_RUNS BENCH_EDITS=$EDITS)"
PGDIR=${BENCH_PG_DIR:-$OUT/pg}
BUILD=bench/out/build

PIDS=()
PG_WAS_UP=""
[ ! -S "$PGDIR/.s.PGSQL.5432" ] || PG_WAS_UP=1 # then it is left running
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$OUT/import-sample"
	[ -n "$PG_WAS_UP" ] || [ ! -d "$PGDIR/data" ] || scripts/pg-cluster.sh stop "$PGDIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
. bench/lib.sh

pg_uri() { echo "postgresql:///$1?host=$PGDIR&user=newszone"; }
pgsql() { PGOPTIONS="-c client_min_messages=warning" psql -XAtq "$(pg_uri "${2:-newszone_test}")" -c "$1"; }
fresh_pg_db() { # NAME: drops and creates an empty database
	pgsql "DROP DATABASE IF EXISTS $1" >/dev/null
	pgsql "CREATE DATABASE $1" >/dev/null
}
# pg_durable on|off: fsync, synchronous_commit and full_page_writes (all reloadable).
pg_durable() {
	local s
	for s in fsync synchronous_commit full_page_writes; do
		if [ "$1" = on ]; then pgsql "ALTER SYSTEM SET $s = on"; else pgsql "ALTER SYSTEM RESET $s"; fi
	done
	pgsql "SELECT pg_reload_conf()" >/dev/null
}

mkdir -p "$OUT/logs"
T_START=$(now)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- 0. tools, the binaries, the cluster ----------------------------------------------------
[ -n "${BENCH_NO_DEPS:-}" ] || scripts/install-bench-deps.sh
say "building newszone and bench_queries (make BUILD=$BUILD)"
make --no-print-directory BUILD=$BUILD $BUILD/newszone $BUILD/bench/search/bench_queries \
	>"$OUT/logs/make-pg.log" 2>&1 || { tail -20 "$OUT/logs/make-pg.log" >&2; exit 1; }
NZ=$ROOT/$BUILD/newszone
BQ=$ROOT/$BUILD/bench/search/bench_queries

say "starting the bench's PostgreSQL cluster in ${PGDIR#"$ROOT"/} (fsync off)"
scripts/pg-cluster.sh start "$PGDIR" >/dev/null
if [ "$(pgsql 'SHOW shared_buffers')" != "$BUFFERS" ]; then
	pgsql "ALTER SYSTEM SET shared_buffers = '$BUFFERS'"
	scripts/pg-cluster.sh stop "$PGDIR" >/dev/null
	scripts/pg-cluster.sh start "$PGDIR" >/dev/null
fi
pg_durable off
PG_VERSION=$(pgsql 'SHOW server_version' | cut -d' ' -f1)

# ---- 1. the corpus (cached) -----------------------------------------------------------------
CORPUS=$OUT/pg-corpus-$BIG
stamp="$(sha256sum bench/corpus/gen.py | cut -c1-16)-$BIG"
if [ "$(cat "$CORPUS/.stamp" 2>/dev/null)" != "$stamp" ]; then
	say "generating $BIG articles into $CORPUS (once; cached for the next runs)"
	rm -rf "$CORPUS"
	python3 bench/corpus/gen.py --articles "$BIG" --only nz --out "$CORPUS" >&2
	echo "$stamp" >"$CORPUS/.stamp"
fi
SECTIONS=("$CORPUS"/nz/*/)

# ---- 2. import rate -------------------------------------------------------------------------
SAMPLE_DIR=$OUT/import-sample
rm -rf "$SAMPLE_DIR"
mkdir -p "$SAMPLE_DIR"
find "${SECTIONS[0]}" -name "*.md" | sort | awk -v n="$IMPORT_N" "NR <= n" | xargs cp -t "$SAMPLE_DIR"
IMPORT_N=$(find "$SAMPLE_DIR" -name '*.md' | wc -l)
import_rate() { # URI TAG: articles/s of importing the sample into URI (made empty beforehand)
	"$NZ" --db "$1" init >/dev/null
	local t0 t
	t0=$(now)
	"$NZ" --db "$1" import --publish "$SAMPLE_DIR" >"$OUT/logs/import-$2.log" 2>&1 ||
		{ tail -5 "$OUT/logs/import-$2.log" >&2; exit 1; }
	t=$(calc "$(now) - $t0")
	say "  $2: $IMPORT_N articles in $t s"
	calc "$IMPORT_N / $t"
}
say "import rate: $IMPORT_N articles of ${SECTIONS[0]#"$OUT"/}"
SQ_IMPORT_DB=$OUT/pg-import.db
rm -f "$SQ_IMPORT_DB" "$SQ_IMPORT_DB-wal" "$SQ_IMPORT_DB-shm"
SQ_IMPORT=$(import_rate "$SQ_IMPORT_DB" sqlite)
rm -f "$SQ_IMPORT_DB" "$SQ_IMPORT_DB-wal" "$SQ_IMPORT_DB-shm"
fresh_pg_db nz_import
PG_IMPORT=$(import_rate "$(pg_uri nz_import)" pg-nofsync)
fresh_pg_db nz_import
pg_durable on
PG_IMPORT_FSYNC=$(import_rate "$(pg_uri nz_import)" pg-fsync)
pg_durable off
pgsql "DROP DATABASE nz_import"

# ---- 3. the large stores (cached) -----------------------------------------------------------
# The stores' key: the corpus, both schemas and the tokenizer (src/search/), which make the rows.
store_stamp="$stamp-$(cat src/store/sqlite/schema*.c src/store/postgres/schema*.c src/search/*.c |
	sha256sum | cut -c1-16)"
SQ_BIG=$OUT/pg-big-$BIG.db
PG_BIG=$(pg_uri "nz_big_$BIG")
if [ "$(cat "$SQ_BIG.stamp" 2>/dev/null)" != "$store_stamp-sqlite" ]; then
	say "building the SQLite store of $BIG articles (once; cached in ${SQ_BIG#"$ROOT"/})"
	rm -f "$SQ_BIG" "$SQ_BIG-wal" "$SQ_BIG-shm" "$SQ_BIG.stamp"
	t0=$(now)
	for d in "${SECTIONS[@]}"; do
		"$NZ" --db "$SQ_BIG" import --publish "$d" >"$OUT/logs/import-big-sqlite.log" 2>&1 ||
			{ tail -5 "$OUT/logs/import-big-sqlite.log" >&2; exit 1; }
		say "  ${d#"$OUT"/}: done ($(calc "$(now) - $t0") s)"
	done
	echo "$store_stamp-sqlite" >"$SQ_BIG.stamp"
fi
if [ "$(cat "$PGDIR/big-$BIG.stamp" 2>/dev/null)" != "$store_stamp-pg" ]; then
	say "building the PostgreSQL store of $BIG articles with $JOBS importers (once; cached)"
	rm -f "$PGDIR/big-$BIG.stamp"
	fresh_pg_db "nz_big_$BIG"
	"$NZ" --db "$PG_BIG" init >/dev/null
	t0=$(now)
	IMPORTERS=()
	for j in $(seq 0 $((JOBS - 1))); do
		(for k in "${!SECTIONS[@]}"; do
			[ $((k % JOBS)) -eq "$j" ] || continue
			"$NZ" --db "$PG_BIG" import --publish "${SECTIONS[$k]}" >"$OUT/logs/import-big-pg-$j.log" 2>&1 ||
				exit 1
		done) &
		IMPORTERS+=($!)
		PIDS+=($!)
	done
	while sleep 10; do
		say "  $(pgsql 'SELECT count(*) FROM articles' "nz_big_$BIG")/$BIG ($(calc "$(now) - $t0") s)"
		running=0
		for p in "${IMPORTERS[@]}"; do kill -0 "$p" 2>/dev/null && running=1; done
		[ $running = 1 ] || break
	done
	for p in "${IMPORTERS[@]}"; do wait "$p" || { say "an importer failed: bench/out/logs/import-big-pg-*.log"; exit 1; }; done
	pgsql "VACUUM ANALYZE" "nz_big_$BIG"
	echo "$store_stamp-pg" >"$PGDIR/big-$BIG.stamp"
fi
# import leaves every related list pending (docs/related.md): computed here, as bench/run.sh
# does on SQLite, or every uncached render below computes its list (the render would measure
# that, not a page). The pending lists only: on a store cached with its lists, a few seconds
# (the pending query). From search_postings since PostgreSQL's ids-only pass (related_ids.c).
# BENCH_RELATED=0 skips it.
if [ "${BENCH_RELATED:-1}" = 1 ]; then
	say "  related lists of the PostgreSQL store (the pending ones; a line every tenth)"
	t0=$(now)
	"$NZ" --db "$PG_BIG" related 2>&1 | sed 's/^/    /' ||
		{ say "related lists failed"; exit 1; }
	say "  related lists: done ($(calc "$(now) - $t0") s)"
fi

# ---- 4. cached page, render, search, on each backend ----------------------------------------
ART=$(grep -m1 '^[a-z]' <(tail -n +$((BIG / 2)) "$CORPUS/slugs.txt"))
# serve_figures STORE TAG: sets <TAG>_RPS <TAG>_P99 <TAG>_NG_RPS <TAG>_NG_P99 (cached page
# against nginx), <TAG>_RN <TAG>_R50 <TAG>_R99 <TAG>_RF50 <TAG>_RF99 (uncached render, client floor),
# <TAG>_RSS.
serve_figures() {
	local port url ng_port ng_url www=$OUT/www-$2
	port=$(free_port)
	start_server "$1" "$port" "$OUT/logs/serve-$2.log"
	url="http://127.0.0.1:$port/article/$ART"
	curl -sf -o "$OUT/page-$2.html" "$url"
	rm -rf "$www"
	mkdir -p "$www/article/$ART"
	cp "$OUT/page-$2.html" "$www/article/$ART/index.html"
	ng_port=$(free_port)
	start_nginx "$www" "$ng_port" auto
	ng_url="http://127.0.0.1:$ng_port/article/$ART"
	wait_http "$ng_url"
	cmp -s "$OUT/page-$2.html" <(curl -sf "$ng_url") || { say "nginx serves other bytes"; exit 1; }
	say "$2: wrk $WRK on /article/$ART against nginx (one worker per core), $RUNS rounds"
	wrk_alternate "$url" "$ng_url" "$2"
	stop_pid "$NGINX_PID"
	printf -v "$2_RPS" %s "$WA_RPS"
	printf -v "$2_P99" %s "$WA_P99"
	printf -v "$2_NG_RPS" %s "$WA_PEER_RPS"
	printf -v "$2_NG_P99" %s "$WA_PEER_P99"
	say "$2: uncached render time, $SAMPLE distinct articles"
	render_and_rss "$1" "$CORPUS/slugs.txt" "$port" "$2"
	printf -v "$2_RN" %s "$R_N"
	printf -v "$2_R50" %s "$R_P50"
	printf -v "$2_R99" %s "$R_P99"
	printf -v "$2_RF50" %s "$R_FLOOR50"
	printf -v "$2_RF99" %s "$R_FLOOR99"
	printf -v "$2_RSS" %s "$RSS"
	stop_pid "$SERVER_PID"
}
serve_figures "$SQ_BIG" sq
serve_figures "$PG_BIG" pg

say "search: $SEARCH_RUNS runs of each query in bench/search/queries-gen.tsv, SQLite then PostgreSQL"
"$BQ" -r "$SEARCH_RUNS" bench/search/queries-gen.tsv "$SQ_BIG" >"$OUT/logs/search-sq.txt"
"$BQ" -r "$SEARCH_RUNS" bench/search/queries-gen.tsv "$PG_BIG" >"$OUT/logs/search-pg.txt"
say "search: $SEARCH_RUNS runs of each query in bench/search/queries-filters.tsv, SQLite then PostgreSQL"
"$BQ" -r "$SEARCH_RUNS" bench/search/queries-filters.tsv "$SQ_BIG" >"$OUT/logs/search-filters-sq.txt"
"$BQ" -r "$SEARCH_RUNS" bench/search/queries-filters.tsv "$PG_BIG" >"$OUT/logs/search-filters-pg.txt"
search_get() { json_get <(tail -1 "$OUT/logs/search-$1.txt") "[\"$2\"]"; }
sq_S50=$(search_get sq p50_ms) sq_S99=$(search_get sq p99_ms)
pg_S50=$(search_get pg p50_ms) pg_S99=$(search_get pg p99_ms)

# ---- 5. two nodes ---------------------------------------------------------------------------
say "cross-node invalidation: $EDITS edits through node A, node B polled (SQLite, then PostgreSQL)"
NZ_BIN=$NZ python3 bench/nodes.py --edits "$EDITS" >"$OUT/logs/nodes-sq.json"
fresh_pg_db nz_nodes
NZ_BIN=$NZ python3 bench/nodes.py --edits "$EDITS" --db "$(pg_uri nz_nodes)" >"$OUT/logs/nodes-pg.json"
pgsql "DROP DATABASE nz_nodes"
for t in sq pg; do
	printf -v "${t}_I50" %s "$(json_get "$OUT/logs/nodes-$t.json" '["p50_ms"]')"
	printf -v "${t}_I99" %s "$(json_get "$OUT/logs/nodes-$t.json" '["p99_ms"]')"
	printf -v "${t}_IMAX" %s "$(json_get "$OUT/logs/nodes-$t.json" '["max_ms"]')"
done

# wrk_pair URL1 URL2 NAME: two wrk clients at once (each half the threads and connections of
# $WRK); prints the sum of their requests/s.
wrk_pair() {
	local half="-t1 -c32 -d${WRK##*-d}" p1 p2
	# shellcheck disable=SC2086
	wrk $half "$1" >"$OUT/logs/$3-a.txt" 2>&1 &
	p1=$!
	# shellcheck disable=SC2086
	wrk $half "$2" >"$OUT/logs/$3-b.txt" 2>&1 &
	p2=$!
	wait "$p1" "$p2"
	awk '/^Requests\/sec:/ { s += $2 } /Non-2xx/ { bad = 1 } END { print bad ? 0 : s }' \
		"$OUT/logs/$3-a.txt" "$OUT/logs/$3-b.txt"
}
# two_nodes STORE TAG: sets <TAG>_ONE and <TAG>_TWO, cached pages/s on one node and on two.
two_nodes() {
	local pa pb ua ub one=() two=() a_pid
	pa=$(free_port) pb=$(free_port)
	start_server "$1" "$pa" "$OUT/logs/serve-$2-a.log"
	a_pid=$SERVER_PID
	start_server "$1" "$pb" "$OUT/logs/serve-$2-b.log"
	ua="http://127.0.0.1:$pa/article/$ART" ub="http://127.0.0.1:$pb/article/$ART"
	curl -sf -o /dev/null "$ua" && curl -sf -o /dev/null "$ub"
	for r in $(seq "$RUNS"); do
		one+=("$(wrk_pair "$ua" "$ua" "wrk-$2-one-$r")")
		two+=("$(wrk_pair "$ua" "$ub" "wrk-$2-two-$r")")
		say "  $2 round $r: one node ${one[-1]} req/s, two nodes ${two[-1]} req/s"
	done
	stop_pid "$SERVER_PID"
	stop_pid "$a_pid"
	printf -v "$2_ONE" %s "$(median "${one[@]}")"
	printf -v "$2_TWO" %s "$(median "${two[@]}")"
}
say "cached pages per second, one node against two (two wrk clients either way)"
two_nodes "$SQ_BIG" sq
two_nodes "$PG_BIG" pg

# ---- the table ------------------------------------------------------------------------------
yesno() { awk "BEGIN { print ($1) ? \"yes\" : \"no\" }"; }
nfmt() { python3 -c 'import sys; print(f"{float(sys.argv[1]):,.0f}")' "$1"; }
ratio() { printf '%.2f' "$(calc "$1 / $2")"; }
# shellcheck disable=SC2154 # set by printf -v above
{
	sq_ratio=$(ratio "$sq_RPS" "$sq_NG_RPS")
	pg_ratio=$(ratio "$pg_RPS" "$pg_NG_RPS")
	ROWS=(
		"| import $(nfmt "$IMPORT_N") articles (\`newszone import --publish\`), articles/s | $(nfmt "$SQ_IMPORT") | $(nfmt "$PG_IMPORT") (fsync off); $(nfmt "$PG_IMPORT_FSYNC") (fsync on) | ≥ 2,000 | $(yesno "$PG_IMPORT >= 2000") |"
		"| one cached article page, requests/s (wrk $WRK, median of $RUNS) | $(nfmt "$sq_RPS") ($sq_ratio× nginx's $(nfmt "$sq_NG_RPS")) | $(nfmt "$pg_RPS") ($pg_ratio× nginx's $(nfmt "$pg_NG_RPS")) | SQLite's ratio | $(yesno "$pg_ratio >= 0.9 * $sq_ratio") |"
		"| that page's p99 latency under load | $(fmt_ms "$sq_P99") | $(fmt_ms "$pg_P99") | — | — |"
		"| uncached article render, p50 / p99 ($(nfmt "$BIG") articles; pages timed in at most 90 s: SQLite $sq_RN, PostgreSQL $pg_RN) | $sq_R50 / $sq_R99 ms | $pg_R50 / $pg_R99 ms | p99 < 5 ms | $(yesno "$pg_R99 < 5") |"
		"| client floor (the same method on /healthz), p50 / p99 | $sq_RF50 / $sq_RF99 ms | $pg_RF50 / $pg_RF99 ms | — | — |"
		"| search, a page of 10 with snippets, p50 / p99 of every timed search ($(nfmt "$BIG") articles) | $sq_S50 / $sq_S99 ms | $pg_S50 / $pg_S99 ms | p99 < 10 ms | $(yesno "$pg_S99 < 10") |"
		"| cross-node invalidation, acknowledgement to node B's new page, p50 / p99 / max ($EDITS edits) | $sq_I50 / $sq_I99 / $sq_IMAX ms | $pg_I50 / $pg_I99 / $pg_IMAX ms | p99 < 100 ms | $(yesno "$pg_I99 < 100") |"
		"| cached pages/s, one node / two nodes on one store (median of $RUNS) | $(nfmt "$sq_ONE") / $(nfmt "$sq_TWO") | $(nfmt "$pg_ONE") / $(nfmt "$pg_TWO") | two ≥ one | $(yesno "$pg_TWO >= $pg_ONE") |"
		"| server memory after the load (VmRSS) | $sq_RSS MB | $pg_RSS MB | — | — |"
	)
}
# Two bench_queries outputs (SQLite's, PostgreSQL's) side by side, query by query.
search_table() {
	python3 - "$1" "$2" <<'PY'
import sys
rows = [[[c.strip() for c in l.strip().strip("|").split("|")] for l in open(f) if l.startswith("| `")]
        for f in sys.argv[1:]]
for sq, pg in zip(*rows):
    same = sq[2] if sq[2] == pg[2] else "%s; %s" % (sq[2], pg[2])
    print("| %s | %s | %s | %s / %s | %s / %s |" % (sq[0], sq[1], same, sq[3], sq[4], pg[3], pg[4]))
PY
}
SEARCH_TABLE=$(search_table "$OUT/logs/search-sq.txt" "$OUT/logs/search-pg.txt")
FILTER_TABLE=$(search_table "$OUT/logs/search-filters-sq.txt" "$OUT/logs/search-filters-pg.txt")

CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
# shellcheck disable=SC1091
OS=$(. /etc/os-release && echo "$PRETTY_NAME")
REV=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git status --porcelain -- src 2>/dev/null)" ] || REV="$REV + uncommitted changes in src/"
ELAPSED=$(calc "$(now) - $T_START")
REPORT=$(
	echo "## PostgreSQL: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "Machine: $(nproc) cores ($CPU), $MEM, $OS. Newszone $REV; PostgreSQL $PG_VERSION, SQLite $(sqlite3 --version | cut -d' ' -f1)."
	echo "Command: \`$CMDLINE\`; the whole run took $(printf '%.0f' "$ELAPSED") s."
	echo "Load average at the start: $LOAD0; at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine lowers every figure)."
	echo
	echo "| figure | SQLite | PostgreSQL | target (PostgreSQL) | met? |"
	echo "| --- | --- | --- | --- | --- |"
	printf '%s\n' "${ROWS[@]}"
	echo
	echo "Search, query by query (bench/search/queries-gen.tsv, $SEARCH_RUNS runs each, ms):"
	echo
	echo "| query | kind | matches (SQLite; PostgreSQL when they differ) | SQLite p50 / p99 | PostgreSQL p50 / p99 |"
	echo "| --- | --- | --- | --- | --- |"
	echo "$SEARCH_TABLE"
	echo
	echo "Filtered search, query by query (bench/search/queries-filters.tsv, $SEARCH_RUNS runs each, ms):"
	echo
	echo "| query | kind | matches (SQLite; PostgreSQL when they differ) | SQLite p50 / p99 | PostgreSQL p50 / p99 |"
	echo "| --- | --- | --- | --- | --- |"
	echo "$FILTER_TABLE"
	echo
	echo "- PostgreSQL: scripts/pg-cluster.sh's throwaway cluster on the Unix socket, **fsync, synchronous_commit and full_page_writes off** (its data is thrown away) except the import row's \"fsync on\" figure; shared_buffers $BUFFERS. Each node's connection pool as \`newszone serve\` makes it."
	echo "- Corpus: $(nfmt "$BIG") articles of bench/corpus/gen.py (8 sections, ~15 % Korean, 300–900 words), the same files in both stores; the PostgreSQL store was built by $JOBS importers at once, the SQLite one section by section. The import row times one process importing the first $IMPORT_N files of one section into an empty store."
	echo "- Cached page: /article/$ART from \`newszone serve\`'s response cache; nginx (one worker per core, sendfile, access log off) served a copy of the same bytes. Render: up to $SAMPLE distinct article URLs, each asked for once on one keep-alive connection (bench/latency.py), timed at the client; subtract the floor for the server's own time."
	echo "- Two nodes: two \`newszone serve\` processes on one store; \"one node\" is the same two wrk clients (-t1 -c32 each) both on node A. Invalidation: bench/nodes.py (node B polled every millisecond after node A acknowledged each edit)."
	echo
)
echo
echo "$REPORT"
printf '\n%s\n' "$REPORT" >>"$RESULTS"
say "appended to $RESULTS"
