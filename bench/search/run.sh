#!/usr/bin/env bash
# bench/search/run.sh: `make bench-search`. Search latency on the corpus of bench/corpus/gen.py,
# the one `make bench` and the Xapian comparison use, so every query of queries-gen.tsv finds
# what it should (the kinds: words, phrases, prefixes, short prefixes, exclusions, filtered
# queries, Korean). Measured, never asserted: figures go in bench/RESULTS.md.
#
# usage: bench/search/run.sh BUILD ARTICLES DB
# Generates ARTICLES articles once (cached in bench/out/search-corpus-ARTICLES, keyed by gen.py's
# hash), imports them into DB (made anew) with `newszone import --publish`, then times every
# query of queries-gen.tsv 50 times by the wall clock and again by CPU time (steadier on a
# shared machine), each with p50/p99 per query and per kind of query.
# Then the peer, Xapian (bench/search/xapian_peer.py, Debian's python3-xapian): the same
# articles indexed once (cached in bench/out/search-xapian-ARTICLES, keyed by the corpus and the
# peer), the same queries timed the same way; three rounds, each Newszone then Xapian, CPU time
# then the wall clock, and one table per clock: per kind, the median of the rounds' p50 and p99.
# BENCH_REUSE_DB=1 keeps an existing DB that already holds the corpus (no init, no import);
# BENCH_XAPIAN=0 leaves the peer out.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:?usage: run.sh BUILD ARTICLES DB}
N=${2:?}
DB=${3:?}
NZ=$BUILD/newszone
BQ=$BUILD/bench/search/bench_queries
CORPUS=bench/out/search-corpus-$N
say() { echo "bench-search: $*" >&2; }

stamp="$(sha256sum bench/corpus/gen.py | cut -c1-16)-$N"
if [ "$(cat "$CORPUS/.stamp" 2>/dev/null)" != "$stamp" ]; then
	say "generating $N articles into $CORPUS (once; cached for the next runs)"
	rm -rf "$CORPUS"
	python3 bench/corpus/gen.py --articles "$N" --only nz --out "$CORPUS" --quiet
	echo "$stamp" >"$CORPUS/.stamp"
fi
echo "Search on the gen.py corpus: $N articles, $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${BENCH_REUSE_DB:-0}" = 1 ] && [ -f "$DB" ]; then
	echo "Import: skipped (BENCH_REUSE_DB=1: $DB kept as it is)"
else
	rm -f "$DB" "$DB-wal" "$DB-shm"
	"$NZ" --db "$DB" init >/dev/null
	say "importing $N articles into $DB"
	/usr/bin/time -f "%e %U %S" -o "$DB.time" "$NZ" --db "$DB" import --publish "$CORPUS/nz" >/dev/null
	read -r wall user sys <"$DB.time"
	rm -f "$DB.time"
	echo "Import (newszone import --publish, index included): ${wall} s, CPU ${user}+${sys} s"
fi
if command -v sqlite3 >/dev/null; then
	mb=$(sqlite3 "$DB" "SELECT printf('%.1f', sum(pgsize) / 1e6) FROM dbstat WHERE name LIKE 'articles_fts%'")
	echo "Index (articles_fts and its shadow tables): $mb MB; database file: $(du -m "$DB" | cut -f1) MB"
fi
echo
echo "Wall clock, ms (50 runs a query after 3 warm-up runs):"
"$BQ" -r 50 bench/search/queries-gen.tsv "$DB"
echo
echo "CPU time, ms (the same):"
"$BQ" -c -r 50 bench/search/queries-gen.tsv "$DB"

[ "${BENCH_XAPIAN:-1}" = 1 ] || exit 0
# ---- the peer: Xapian ----------------------------------------------------------------------
PY=""
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import xapian' 2>/dev/null; then PY=$p && break; fi
done
if [ -z "$PY" ]; then
	say "no python3 with the xapian module (scripts/install-bench-deps.sh): Xapian left out"
	exit 0
fi
PEER=bench/search/xapian_peer.py
XDB=${BENCH_XAPIAN_DIR:-bench/out/search-xapian-$N}
xstamp="$stamp-xapian-$("$PY" "$PEER" index-version)"
if [ "$(cat "$XDB/.stamp" 2>/dev/null)" != "$xstamp" ]; then
	say "indexing $N articles with Xapian into $XDB (once; cached for the next runs)"
	rm -rf "$XDB"
	/usr/bin/time -f "%e %U %S" -o "$XDB.time" "$PY" "$PEER" index "$CORPUS/nz" "$XDB"
	read -r wall user sys <"$XDB.time"
	rm -f "$XDB.time"
	echo "$xstamp" >"$XDB/.stamp"
	echo
	echo "Xapian index built (xapian_peer.py index, Python): ${wall} s, CPU ${user}+${sys} s"
fi
mb() { cat "$@" | wc -c | awk '{ printf "%.1f", $1 / 1e6 }'; }
echo
echo "Xapian $("$PY" -c 'import xapian; print(xapian.version_string())'): $(mb "$XDB"/*.glass) MB" \
	"on disk, of which the stored articles (docdata) $(mb "$XDB"/docdata.glass) MB; the index" \
	"(postlist, position, termlist) $(mb "$XDB"/postlist.glass "$XDB"/position.glass "$XDB"/termlist.glass) MB"
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-search.XXXXXX")
trap 'rm -rf "$T"' EXIT
for r in 1 2 3; do
	say "round $r of 3: Newszone and Xapian, CPU time and wall clock"
	"$BQ" -c -r 50 bench/search/queries-gen.tsv "$DB" >"$T/nz-cpu-$r"
	"$PY" "$PEER" query -c -r 50 bench/search/queries-gen.tsv "$XDB" >"$T/xa-cpu-$r"
	"$BQ" -r 50 bench/search/queries-gen.tsv "$DB" >"$T/nz-wall-$r"
	"$PY" "$PEER" query -r 50 bench/search/queries-gen.tsv "$XDB" >"$T/xa-wall-$r"
done
echo
echo "Xapian, one round (CPU time, ms; matches are Xapian's estimate):"
cat "$T/xa-cpu-1"
for c in cpu wall; do
	echo
	[ $c = cpu ] && echo "Newszone beside Xapian, CPU time, ms (load $(cut -d' ' -f1-3 /proc/loadavg)):" ||
		echo "Newszone beside Xapian, wall clock, ms:"
	"$PY" "$PEER" table "$T/nz-$c-1" "$T/xa-$c-1" "$T/nz-$c-2" "$T/xa-$c-2" "$T/nz-$c-3" "$T/xa-$c-3"
done
