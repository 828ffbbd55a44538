#!/usr/bin/env bash
# bench/compare.sh: two Newszone binaries measured in one run, on one corpus, alternating, so
# that a change (a refactoring, an optimisation) can be shown to be no slower: import, clean
# build on tmpfs, uncached article render (p50/p99) and a cached article page under wrk.
#
#   bench/compare.sh OLD_BINARY NEW_BINARY        (or: make bench-compare BENCH_OLD=PATH)
#
# Prints one table (figure, before, after, after/before). It is never part of `make test`:
# timings are figures, not assertions. Rules as in bench/run.sh: traffic only to 127.0.0.1,
# every process started here is stopped here, output under bench/out/compare (git-ignored)
# and /dev/shm/newszone-compare (removed at the end).
#
# Knobs: BENCH_ARTICLES (5000), BENCH_RUNS (5: runs and rounds, each alternating),
# BENCH_WRK ("-t2 -c64 -d5s"), BENCH_SAMPLE (1000 distinct article URLs).
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 OLD_BINARY NEW_BINARY" >&2; exit 2; }
cd "$(dirname "$0")/.."
OLD=$(realpath "$1")
NEW=$(realpath "$2")
N=${BENCH_ARTICLES:-5000}
RUNS=${BENCH_RUNS:-5}
WRK=${BENCH_WRK:--t2 -c64 -d5s}
SAMPLE=${BENCH_SAMPLE:-1000}
OUT=$PWD/bench/out/compare
SHM=/dev/shm/newszone-compare
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$SHM"
}
trap cleanup EXIT
say() { echo "compare: $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
json_get() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))'"$2"')' "$1"; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (a > 0 ? "%.3f" : "n/a"), b / a }'; }
wait_http() {
	for _ in $(seq 150); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
	say "no answer from $1"; return 1
}

rm -rf "$OUT" "$SHM"
mkdir -p "$OUT" "$SHM"
CORPUS=bench/out/corpus-$N
stamp="$(sha256sum bench/corpus/gen.py | cut -c1-16)-$N"
if [ "$(cat "$CORPUS/.stamp" 2>/dev/null)" != "$stamp" ]; then
	say "generating $N articles into $CORPUS"
	rm -rf "$CORPUS"
	python3 bench/corpus/gen.py --articles "$N" --out "$CORPUS" >&2
	echo "$stamp" >"$CORPUS/.stamp"
fi

# timed_pair NAME OLD_CMD NEW_CMD PREPARE_OLD PREPARE_NEW: the median seconds of RUNS runs of
# each, the two commands alternating run by run (old, new, old, new, ...), so that a change in
# the machine's load falls on both alike. Each run's output goes to $OUT/NAME.log.
timed_pair() {
	local o=() n=() t0 r
	for r in $(seq "$RUNS"); do
		sh -c "$4"
		t0=$(date +%s.%N)
		sh -c "$2" >>"$OUT/$1.log" 2>&1 || { say "$1 (before) failed: see $OUT/$1.log"; exit 1; }
		o+=("$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')")
		sh -c "$5"
		t0=$(date +%s.%N)
		sh -c "$3" >>"$OUT/$1.log" 2>&1 || { say "$1 (after) failed: see $OUT/$1.log"; exit 1; }
		n+=("$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')")
	done
	echo "$(median "${o[@]}") $(median "${n[@]}")"
}

say "import of $N articles, $RUNS runs each, alternating"
read -r I_OLD I_NEW < <(timed_pair import \
	"$OLD --db $SHM/old.db import --publish $CORPUS/nz" "$NEW --db $SHM/new.db import --publish $CORPUS/nz" \
	"rm -f $SHM/old.db*" "rm -f $SHM/new.db*")

say "clean build to tmpfs, $RUNS runs each, alternating"
read -r B_OLD B_NEW < <(timed_pair build \
	"$OLD --db $SHM/old.db build --out $SHM/old-site" "$NEW --db $SHM/new.db build --out $SHM/new-site" \
	"rm -rf $SHM/old-site" "rm -rf $SHM/new-site")

# Distinct article URLs (each asked for once: no cache can answer) and one page for wrk.
awk -v max="$SAMPLE" 'NR % 3 == 0 && n++ < max' "$CORPUS/slugs.txt" >"$OUT/sample.txt"
ART=$(sed -n "$((N / 2))p" "$CORPUS/slugs.txt")
P_OLD=$(free_port)
"$OLD" --db "$SHM/old.db" serve --listen "127.0.0.1:$P_OLD" >"$OUT/serve-old.log" 2>&1 &
PIDS+=($!)
P_NEW=$(free_port)
"$NEW" --db "$SHM/new.db" serve --listen "127.0.0.1:$P_NEW" >"$OUT/serve-new.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$P_OLD/healthz"
wait_http "http://127.0.0.1:$P_NEW/healthz"
curl -s -o "$OUT/page-old.html" "http://127.0.0.1:$P_OLD/article/$ART"
curl -s -o "$OUT/page-new.html" "http://127.0.0.1:$P_NEW/article/$ART"
# Each binary imported the corpus itself, so ids and import times may differ; say how much.
SAME="pages differ in $(diff "$OUT/page-old.html" "$OUT/page-new.html" | grep -c '^<' || true) lines: $OUT/page-*.html"

say "uncached render: $SAMPLE distinct articles per round, $RUNS rounds, alternating"
R50_OLD=() R99_OLD=() R50_NEW=() R99_NEW=()
for r in $(seq "$RUNS"); do
	# Each round asks for a different third of the sample's order, so no URL repeats on a server.
	awk -v r="$r" -v k="$RUNS" 'NR % k == r % k' "$OUT/sample.txt" >"$OUT/round.txt"
	[ -s "$OUT/round.txt" ] || cp "$OUT/sample.txt" "$OUT/round.txt"
	python3 bench/latency.py --max-seconds 60 --port "$P_OLD" "$OUT/round.txt" >"$OUT/render-old-$r.json"
	python3 bench/latency.py --max-seconds 60 --port "$P_NEW" "$OUT/round.txt" >"$OUT/render-new-$r.json"
	R50_OLD+=("$(json_get "$OUT/render-old-$r.json" '["p50_ms"]')")
	R99_OLD+=("$(json_get "$OUT/render-old-$r.json" '["p99_ms"]')")
	R50_NEW+=("$(json_get "$OUT/render-new-$r.json" '["p50_ms"]')")
	R99_NEW+=("$(json_get "$OUT/render-new-$r.json" '["p99_ms"]')")
done

wrk_rps() {
	# shellcheck disable=SC2086
	wrk $WRK "$1" >"$OUT/$2.txt" 2>&1
	awk '/^Requests\/sec:/ { rps = $2 } /Non-2xx/ { bad = 1 } END { print bad ? 0 : rps }' "$OUT/$2.txt"
}
say "cached article page: wrk $WRK, $RUNS rounds, alternating ($SAME)"
wrk_rps "http://127.0.0.1:$P_OLD/article/$ART" warm-old >/dev/null
wrk_rps "http://127.0.0.1:$P_NEW/article/$ART" warm-new >/dev/null
W_OLD=() W_NEW=()
for r in $(seq "$RUNS"); do
	W_OLD+=("$(wrk_rps "http://127.0.0.1:$P_OLD/article/$ART" "wrk-old-$r")")
	W_NEW+=("$(wrk_rps "http://127.0.0.1:$P_NEW/article/$ART" "wrk-new-$r")")
done

r50o=$(median "${R50_OLD[@]}") r50n=$(median "${R50_NEW[@]}")
r99o=$(median "${R99_OLD[@]}") r99n=$(median "${R99_NEW[@]}")
wo=$(median "${W_OLD[@]}") wn=$(median "${W_NEW[@]}")
cat <<EOF

## Compare: $(date -u '+%Y-%m-%d %H:%M UTC')
before: $OLD
after:  $NEW
$N articles, $RUNS runs/rounds each, alternating; load before: $(cut -d' ' -f1-3 /proc/loadavg)

| figure | before | after | after/before |
| --- | --- | --- | --- |
| import $N articles (s, lower is better) | $I_OLD | $I_NEW | $(ratio "$I_OLD" "$I_NEW") |
| clean build to tmpfs (s, lower is better) | $B_OLD | $B_NEW | $(ratio "$B_OLD" "$B_NEW") |
| uncached article render p50 (ms) | $r50o | $r50n | $(ratio "$r50o" "$r50n") |
| uncached article render p99 (ms) | $r99o | $r99n | $(ratio "$r99o" "$r99n") |
| cached article page (requests/s, higher is better) | $wo | $wn | $(ratio "$wo" "$wn") |
EOF
