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
rm -f "$DB" "$DB-wal" "$DB-shm"
"$NZ" --db "$DB" init >/dev/null
say "importing $N articles into $DB"
/usr/bin/time -f "%e %U %S" -o "$DB.time" "$NZ" --db "$DB" import --publish "$CORPUS/nz" >/dev/null
read -r wall user sys <"$DB.time"
rm -f "$DB.time"
echo "Search on the gen.py corpus: $N articles, $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Import (newszone import --publish, index included): ${wall} s, CPU ${user}+${sys} s"
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
