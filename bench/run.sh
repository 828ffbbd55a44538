#!/usr/bin/env bash
# bench/run.sh: `make bench` (never part of `make test`). Newszone against its peers on this
# machine, in one run:
#   1. the same synthetic corpus for both systems (bench/corpus/gen.py): Newszone's Markdown
#      with front matter, imported with `newszone import --publish`, and a Hugo site;
#   2. full builds, `newszone build --out DIR` against Debian's `hugo` (median of several runs,
#      output on the disk and on tmpfs), and an incremental Newszone build after one edit;
#   3. one article page, the same bytes, from `newszone serve` and from nginx (one worker per core),
#      loaded with wrk, alternating runs: requests/s, p99 latency and the ratio;
#   4. the uncached render time of article pages (p50/p99) and the server's resident memory,
#      with N articles and with 100,000; with 100,000 also a page of the back office's list of
#      articles in each of its kinds (bench/desk.py).
# After each import, `newszone related` computes the related-article lists (timed), so builds
# time the export alone and render samples read stored lists. Builds record their peak memory
# (GNU time) beside Hugo's; with 100,000 articles, one clean build of each to tmpfs.
# It prints one table and appends it, dated, with the machine and the command, to
# bench/RESULTS.md. A piece Newszone does not have yet is reported "n/a (not built yet)".
#
# Rules: traffic only to 127.0.0.1; every process started here is stopped here, by its PID;
# everything generated goes to bench/out/ (git-ignored) or /dev/shm/newszone-bench (removed).
#
# Knobs (environment): BENCH_ARTICLES (10000), BENCH_BIG (100000; 0 skips the large-corpus
# step), BENCH_BIG_BUILDS (1; 0 skips the two clean builds of the large corpus),
# BENCH_BIG_TIMEOUT (600: seconds each of those two builds may run before it is stopped),
# BENCH_RUNS (3: build runs and wrk rounds), BENCH_WRK ("-t2 -c64 -d10s"), BENCH_SAMPLE (2000
# distinct article URLs for the render time), BENCH_VIEWS_RUNS (7 pairs) and BENCH_VIEWS_WRK
# ("-t2 -c64 -d5s") for the cost of counting page views, BENCH_NO_DEPS=1 (skip the package
# check), BENCH_NZ (a newszone binary to measure instead of building the tree's), BENCH_RESULTS
# (bench/RESULTS.md: where the dated table is appended), BENCH_SHM (/dev/shm/newszone-bench:
# the tmpfs folder, removed at the end; at 100,000 it holds more than 5 GB at once).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
SHM=${BENCH_SHM:-/dev/shm/newszone-bench}
N=${BENCH_ARTICLES:-10000}
BIG=${BENCH_BIG:-100000}
BIG_BUILDS=${BENCH_BIG_BUILDS:-1}
BIG_TIMEOUT=${BENCH_BIG_TIMEOUT:-600}
RUNS=${BENCH_RUNS:-3}
WRK=${BENCH_WRK:--t2 -c64 -d10s}
SAMPLE=${BENCH_SAMPLE:-2000}
RESULTS=${BENCH_RESULTS:-bench/RESULTS.md}
NA="n/a (not built yet)"
CMDLINE="make bench (BENCH_ARTICLES=$N BENCH_BIG=$BIG BENCH_BIG_BUILDS=$BIG_BUILDS BENCH_RUNS=$RUNS BENCH_WRK=\"$WRK\" BENCH_SAMPLE=$SAMPLE)"

PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$SHM"
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
. bench/lib.sh

has_build() { "$NZ" build --help >/dev/null 2>&1; }

# related_lists DB NAME: `newszone related` once (the pending lists: after an import, all of
# them), timed; sets RL_LISTS (lists computed), RL_WALL and RL_CPU (s), empty if it failed.
related_lists() {
	say "related-article lists (newszone related)"
	RL_LISTS="" RL_WALL="" RL_CPU=""
	timed_once "$2" "$NZ" --db "$1" related || return 0
	RL_LISTS=$(sed -n 's/.*related articles of \([0-9]*\) article.*/\1/p' "$OUT/logs/$2.log" | tail -1)
	RL_WALL=$T_WALL RL_CPU=$T_CPU
	say "  ${RL_LISTS:-?} lists in $RL_WALL s (CPU $RL_CPU s)"
}

mkdir -p "$OUT/logs"
rm -rf "$SHM"
mkdir -p "$SHM"
T_START=$(now)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- 0. tools and the binary ----------------------------------------------------------------
[ -n "${BENCH_NO_DEPS:-}" ] || scripts/install-bench-deps.sh
if [ -n "${BENCH_NZ:-}" ]; then
	NZ=$(realpath "$BENCH_NZ")
	say "using $NZ (BENCH_NZ)"
else
	say "building newszone (make BUILD=bench/out/build)"
	make --no-print-directory BUILD=bench/out/build bench/out/build/newszone >"$OUT/logs/make.log" 2>&1 ||
		{ tail -20 "$OUT/logs/make.log" >&2; exit 1; }
	NZ=$OUT/build/newszone
fi

# ---- 1. the corpus --------------------------------------------------------------------------
CORPUS=$OUT/corpus-$N
stamp="$(sha256sum bench/corpus/gen.py | cut -c1-16)-$N"
if [ "$(cat "$CORPUS/.stamp" 2>/dev/null)" != "$stamp" ]; then
	say "generating $N articles into bench/out/corpus-$N"
	rm -rf "$CORPUS"
	python3 bench/corpus/gen.py --articles "$N" --out "$CORPUS" >&2
	echo "$stamp" >"$CORPUS/.stamp"
fi
SITE=$CORPUS/hugo
rm -rf "$SITE/layouts" "$SITE/static"
cp -r bench/hugo/config.toml bench/hugo/layouts "$SITE/"
mkdir -p "$SITE/static"
cp themes/default/static/site.css "$SITE/static/"

# ---- 2. import ------------------------------------------------------------------------------
DB=$OUT/bench-$N.db
rm -f "$DB" "$DB-wal" "$DB-shm"
say "importing $N articles (newszone import --publish)"
t0=$(now)
"$NZ" --db "$DB" import --publish "$CORPUS/nz" >"$OUT/logs/import.log" 2>&1 ||
	{ tail -5 "$OUT/logs/import.log" >&2; exit 1; }
T_IMPORT=$(calc "$(now) - $t0")
tail -1 "$OUT/logs/import.log" >&2
# The related-article lists, as docs/related.md tells an operator to do after a large import:
# a clean build would otherwise compute them all in its first run (Hugo's templates have no
# related articles), and the render sample would time the lists' first computation.
related_lists "$DB" related
R_LISTS=$RL_LISTS R_WALL=$RL_WALL R_CPU=$RL_CPU

# ---- 3. builds ------------------------------------------------------------------------------
say "hugo: $RUNS clean builds to the disk, then to tmpfs"
HUGO_DISK=$OUT/hugo-public
HUGO_SHM=$SHM/hugo-public
H_DISK=$(hyperfine_median hugo-disk "rm -rf $HUGO_DISK" "$(with_peak hugo-disk) hugo --quiet --source $SITE --destination $HUGO_DISK")
H_SHM=$(hyperfine_median hugo-shm "rm -rf $HUGO_SHM" "$(with_peak hugo-shm) hugo --quiet --source $SITE --destination $HUGO_SHM")
H_PEAK=$(peak_mb hugo-disk hugo-shm)
H_FILES=$(find "$HUGO_SHM" -type f 2>/dev/null | wc -l)
H_HTML=$(find "$HUGO_SHM" -name '*.html' 2>/dev/null | wc -l)
rm -rf "$HUGO_SHM"

EXPORT=$OUT/nz-export
EXPORT_SHM=$SHM/nz-export
B_DISK="" B_SHM="" B_INC="" B_INC_SHM="" B_FILES="" B_PEAK="" INC_NOTE=""
EDIT_SLUG=$(grep -m1 '^[a-z]' <(tail -n +$((N / 3)) "$CORPUS/slugs.txt"))
if has_build; then
	say "newszone build: $RUNS clean builds to the disk, then to tmpfs; incremental after an edit"
	B_DISK=$(hyperfine_median nz-build-disk "rm -rf $EXPORT" "$(with_peak nz-build-disk) $NZ --db $DB build --out $EXPORT")
	B_SHM=$(hyperfine_median nz-build-shm "rm -rf $EXPORT_SHM" "$(with_peak nz-build-shm) $NZ --db $DB build --out $EXPORT_SHM")
	B_PEAK=$(peak_mb nz-build-disk nz-build-shm)
	B_FILES=$(find "$EXPORT" -type f 2>/dev/null | wc -l)
	# The edit: one article's body saved through the admin API of a running server, as the back
	# office would (bench/site/edit-one.sh), so the search index and the change feed see it (a raw
	# sqlite3 UPDATE fails: the index's triggers need Newszone's tokenizer).
	"$NZ" --db "$DB" user add bench-editor --role editor >/dev/null 2>&1 || true
	EDIT_TOKEN=$("$NZ" --db "$DB" token create bench-editor --name bench | grep -m1 '^nzt_')
	P_EDIT=$(free_port)
	start_server "$DB" "$P_EDIT" "$OUT/logs/serve-edit.log"
	EDIT_PID=$SERVER_PID
	EDIT="$ROOT/bench/site/edit-one.sh http://127.0.0.1:$P_EDIT $EDIT_TOKEN $EDIT_SLUG"
	if [ -n "$B_DISK" ]; then
		B_INC=$(hyperfine_median nz-build-incremental "$EDIT" "$NZ --db $DB build --out $EXPORT")
		if grep -rqs --include='*.html' 'Bench edit' "$EXPORT"; then
			INC_NOTE="the edited page was rewritten (checked)"
		else
			INC_NOTE="WARNING: the edit is not in the export"
		fi
	fi
	[ -n "$B_SHM" ] && B_INC_SHM=$(hyperfine_median nz-build-incremental-shm "$EDIT" "$NZ --db $DB build --out $EXPORT_SHM")
	stop_pid "$EDIT_PID"
else
	say "newszone build: $NA"
fi

# ---- 4. one article page: Newszone against nginx ---------------------------------------------
ART=$(grep -m1 '^[a-z]' <(tail -n +$((N / 2)) "$CORPUS/slugs.txt"))
P_NZ=$(free_port)
say "serving: newszone on 127.0.0.1:$P_NZ"
start_server "$DB" "$P_NZ" "$OUT/logs/serve.log"
NZ_URL="http://127.0.0.1:$P_NZ/article/$ART"
curl -sf -o "$OUT/page.html" "$NZ_URL"
PAGE_BYTES=$(stat -c %s "$OUT/page.html")
# (read whole first: with pipefail, `curl | grep -q` fails when grep stops reading early)
METRICS=$(curl -sf "http://127.0.0.1:$P_NZ/metrics" 2>/dev/null || true)
MODE="uncached: the server reports no page cache (/metrics)"
if grep -qE '^newszone_cache_limit_bytes [1-9]' <<<"$METRICS"; then
	MODE="from Newszone's page cache"
fi

# nginx serves the static export when it holds these exact bytes, else a copy of them.
NGINX_ROOT=$OUT/www
NGINX_FROM="a copy of the bytes Newszone served (no static export yet)"
for f in "$EXPORT/article/$ART" "$EXPORT/article/$ART.html" "$EXPORT/article/$ART/index.html"; do
	if [ -f "$f" ] && cmp -s "$f" "$OUT/page.html"; then
		NGINX_ROOT=$EXPORT
		NGINX_FROM="Newszone's static export (newszone build)"
	elif [ -f "$f" ]; then
		NGINX_FROM="a copy of the bytes Newszone served (the export's file differs from them)"
	fi
done
if [ "$NGINX_ROOT" = "$OUT/www" ]; then
	rm -rf "$OUT/www"
	mkdir -p "$OUT/www/article/$ART"
	cp "$OUT/page.html" "$OUT/www/article/$ART/index.html"
fi
P_NG=$(free_port)
start_nginx "$NGINX_ROOT" "$P_NG"
NG_URL="http://127.0.0.1:$P_NG/article/$ART"
wait_http "$NG_URL"
curl -sf -o "$OUT/page-nginx.html" "$NG_URL"
if cmp -s "$OUT/page.html" "$OUT/page-nginx.html"; then
	SAME="yes ($PAGE_BYTES bytes)"
else
	SAME="NO: the bodies differ"
fi
say "wrk $WRK, alternating, $RUNS rounds (page: /article/$ART, same bytes: $SAME)"
wrk_alternate "$NZ_URL" "$NG_URL" nz
NZ_RPS_M=$WA_RPS NZ_P99_M=$WA_P99 NG_RPS_M=$WA_PEER_RPS NG_P99_M=$WA_PEER_P99
stop_pid "$NGINX_PID"
# What counting page views costs: the same page, a browser's User-Agent (counted) against a
# robot's (filtered out before the counter), in pairs of short runs. Each pair gives one ratio and
# the pairs alternate which goes first, so load that drifts during the run falls on both sides;
# the figure is the median of the per-pair ratios (a median of each side's own rounds would
# compare rounds taken minutes apart on a machine whose load swings by ±15 %).
VRUNS=${BENCH_VIEWS_RUNS:-7}
VWRK=${BENCH_VIEWS_WRK:--t2 -c64 -d5s}
ROBOT_UA="Mozilla/5.0 (compatible; Googlebot/2.1)"
say "page views: wrk $VWRK, counted (browser) and not counted (robot), $VRUNS pairs"
VC_RPS=() VU_RPS=() V_RATIO=()
WRK="$VWRK" wrk_once "$NZ_URL" "wrk-views-warm" >/dev/null
for r in $(seq "$VRUNS"); do
	if [ $((r % 2)) -eq 1 ]; then
		read -r a _ < <(WRK="$VWRK" wrk_once "$NZ_URL" "wrk-views-counted-$r")
		read -r b _ < <(WRK="$VWRK" WRK_UA="$ROBOT_UA" wrk_once "$NZ_URL" "wrk-views-robot-$r")
	else
		read -r b _ < <(WRK="$VWRK" WRK_UA="$ROBOT_UA" wrk_once "$NZ_URL" "wrk-views-robot-$r")
		read -r a _ < <(WRK="$VWRK" wrk_once "$NZ_URL" "wrk-views-counted-$r")
	fi
	VC_RPS+=("$a") VU_RPS+=("$b") V_RATIO+=("$(calc "($b > 0) ? $a / $b : 0")")
	say "  pair $r: counted $a req/s, not counted $b req/s, ratio $(printf '%.3f' "${V_RATIO[-1]}")"
done
VC_M=$(median "${VC_RPS[@]}") VU_M=$(median "${VU_RPS[@]}") V_RATIO_M=$(median "${V_RATIO[@]}")
V_RATIO_LIST=$(printf '%.2f ' "${V_RATIO[@]}")

# ---- 5. uncached render time and memory ------------------------------------------------------
say "uncached render time and memory, $N articles"
render_and_rss "$DB" "$CORPUS/slugs.txt" "$P_NZ" "$N"
R10_N=$R_N R10_P50=$R_P50 R10_P99=$R_P99 R10_F50=$R_FLOOR50 R10_F99=$R_FLOOR99 RSS10=$RSS HWM10=$HWM
stop_pid "$SERVER_PID"

RBIG_P50="" RBIG_P99="" RSSBIG="" HWMBIG="" T_IMPORT_BIG="" DESK_P50="" DESK_P99=""
RB_LISTS="" RB_WALL="" RB_CPU="" BB_WALL="" BB_CPU="" BB_PEAK="" BB_FILES="" BB_FAIL="" HB_WALL=""
HB_CPU="" HB_PEAK="" HB_FILES="" HB_HTML="" HB_FAIL="" HB_MEMAVAIL="" BIG_STEPS=""
if [ "$BIG" -gt 0 ]; then
	big_step() { BIG_STEPS="${BIG_STEPS:+$BIG_STEPS, }$1 $(printf '%.0f' "$(calc "$(now) - $2")") s"; }
	# big_fail: what a failed timed_once of a build prints in the row (figures until it stopped).
	big_fail() {
		local how=$T_FAIL
		[ "$how" != "exit status 124" ] || how="stopped after $BIG_TIMEOUT s (BENCH_BIG_TIMEOUT)"
		echo "$how; until then ${T_CPU:-?} s CPU, ${T_PEAK:-?} MB"
	}
	# Both formats go to tmpfs (100,000 files each), the database to the disk like the other one.
	SITEB=$SHM/corpus-$BIG/hugo
	t0=$(now)
	if [ "$BIG_BUILDS" = 1 ]; then
		say "large corpus: generating $BIG articles into $SHM (Newszone's format and a Hugo site)"
		python3 bench/corpus/gen.py --articles "$BIG" --quiet --out "$SHM/corpus-$BIG" >&2
		cp -r bench/hugo/config.toml bench/hugo/layouts "$SITEB/"
		mkdir -p "$SITEB/static"
		cp themes/default/static/site.css "$SITEB/static/"
	else
		say "large corpus: generating $BIG articles into $SHM (Newszone's format only)"
		python3 bench/corpus/gen.py --articles "$BIG" --only nz --quiet --out "$SHM/corpus-$BIG" >&2
	fi
	big_step generate "$t0"
	DBB=$OUT/bench-$BIG.db
	rm -f "$DBB" "$DBB-wal" "$DBB-shm"
	say "importing $BIG articles, one section folder at a time"
	t0=$(now)
	done_n=0
	for d in "$SHM/corpus-$BIG"/nz/*/; do
		"$NZ" --db "$DBB" import --publish "$d" >"$OUT/logs/import-big.log" 2>&1 ||
			{ tail -5 "$OUT/logs/import-big.log" >&2; exit 1; }
		done_n=$((done_n + $(tail -1 "$OUT/logs/import-big.log" | awk '{ print $2 + 0 }')))
		say "  $done_n/$BIG imported ($(calc "$(now) - $t0") s)"
	done
	T_IMPORT_BIG=$(calc "$(now) - $t0")
	big_step import "$t0"
	rm -rf "$SHM/corpus-$BIG/nz"
	t0=$(now)
	related_lists "$DBB" related-big
	RB_LISTS=$RL_LISTS RB_WALL=$RL_WALL RB_CPU=$RL_CPU
	big_step related "$t0"
	# One clean build each, back to back, to tmpfs: at this size one run is minutes. The lists are
	# stored already, so Newszone's build is the export alone, as Hugo's (no related articles).
	# Each output is removed once counted: Newszone's holds gigabytes of tmpfs (memory), and
	# Hugo needs many more for itself at this size.
	if [ "$BIG_BUILDS" = 1 ] && has_build; then
		say "newszone build: one clean build of $BIG articles to tmpfs"
		t0=$(now)
		if timed_once nz-build-big timeout "$BIG_TIMEOUT" "$NZ" --db "$DBB" build --out "$SHM/nz-export-big"; then
			BB_WALL=$T_WALL BB_CPU=$T_CPU BB_PEAK=$T_PEAK
			BB_FILES=$(find "$SHM/nz-export-big" -type f | wc -l)
		else
			BB_FAIL=$(big_fail)
		fi
		rm -rf "$SHM/nz-export-big"
		big_step "newszone build" "$t0"
	fi
	if [ "$BIG_BUILDS" = 1 ]; then
		HB_MEMAVAIL=$(awk '/^MemAvailable/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
		say "hugo: one clean build of $BIG articles to tmpfs ($HB_MEMAVAIL GiB of memory available)"
		t0=$(now)
		if timed_once hugo-big timeout "$BIG_TIMEOUT" hugo --quiet --source "$SITEB" --destination "$SHM/hugo-big-public"; then
			HB_WALL=$T_WALL HB_CPU=$T_CPU HB_PEAK=$T_PEAK
			HB_FILES=$(find "$SHM/hugo-big-public" -type f | wc -l)
			HB_HTML=$(find "$SHM/hugo-big-public" -name '*.html' | wc -l)
		else
			HB_FAIL=$(big_fail)
		fi
		rm -rf "$SHM/hugo-big-public"
		big_step "hugo build" "$t0"
		say "  newszone: ${BB_WALL:-?} s, ${BB_PEAK:-?} MB; hugo: ${HB_WALL:-?} s, ${HB_PEAK:-?} MB"
	fi
	rm -rf "$SITEB"
	t0=$(now)
	P_BIG=$(free_port)
	start_server "$DBB" "$P_BIG" "$OUT/logs/serve-big.log"
	say "uncached render time and memory, $BIG articles"
	render_and_rss "$DBB" "$SHM/corpus-$BIG/slugs.txt" "$P_BIG" "$BIG"
	RBIG_N=$R_N RBIG_P50=$R_P50 RBIG_P99=$R_P99 RSSBIG=$RSS HWMBIG=$HWM
	say "the back office's list of articles (the desk), $BIG articles"
	python3 bench/desk.py --bin "$NZ" --db "$DBB" --port "$P_BIG" >"$OUT/logs/desk-big.json"
	DESK_P50=$(tail -1 "$OUT/logs/desk-big.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["p50_ms"])')
	DESK_P99=$(tail -1 "$OUT/logs/desk-big.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["p99_ms"])')
	stop_pid "$SERVER_PID"
	big_step "render and desk" "$t0"
	rm -f "$DBB" "$DBB-wal" "$DBB-shm" # gigabytes, and made anew by every run
	say "the $BIG-article steps: $BIG_STEPS"
fi

# ---- the table ------------------------------------------------------------------------------
yesno() { awk "BEGIN { print ($1) ? \"yes\" : \"no\" }"; }
ROWS=()
row() { ROWS+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }
nfmt() { python3 -c 'import sys; print(f"{float(sys.argv[1]):,.0f}")' "$1"; }

# related_row ARTICLES LISTS WALL CPU: the row of a `newszone related` run.
related_row() {
	if [ -n "$3" ]; then
		row "related lists after importing $(nfmt "$1") (\`newszone related\`)" \
			"$(fmt_s "$3") ($(nfmt "$2") lists, $(nfmt "$(calc "$2 / ($3 > 0 ? $3 : 1)")") lists/s; CPU $(fmt_s "$4"))" \
			"—" "—" "—" "—"
	else
		row "related lists after importing $(nfmt "$1") (\`newszone related\`)" "failed or $NA" "—" "—" "—" "—"
	fi
}
# mem_ratio NZ_MB PEER_MB: "0.30× (1/3.4)".
mem_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f× (1/%.1f)", a / b, b / a }'; }

row "import $(nfmt "$N") articles (\`newszone import --publish\`)" \
	"$(fmt_s "$T_IMPORT") ($(nfmt "$(calc "$N / $T_IMPORT")") articles/s)" "—" "—" "≥ 5,000/s" \
	"$(yesno "$N / $T_IMPORT >= 5000")"
related_row "$N" "$R_LISTS" "$R_WALL" "$R_CPU"
for where in disk tmpfs; do
	if [ $where = disk ]; then h=$H_DISK b=$B_DISK; else h=$H_SHM b=$B_SHM; fi
	if [ -n "$b" ] && [ -n "$h" ]; then
		ratio=$(calc "$h / $b")
		row "full build, $where (median of $RUNS): Newszone export vs Hugo" "$(fmt_s "$b")" \
			"$(fmt_s "$h")" "$(printf '%.1f' "$ratio")× faster" "≥ 10× faster" "$(yesno "$ratio >= 10")"
	else
		row "full build, $where (median of $RUNS): Newszone export vs Hugo" "$NA" \
			"$(fmt_s "$h")" "—" "≥ 10× faster" "n/a"
	fi
done
if [ -n "$B_PEAK" ] && [ -n "$H_PEAK" ]; then
	row "clean build of $(nfmt "$N") articles, peak resident memory (GNU time, largest of the $((2 * RUNS)) clean builds above)" \
		"$(nfmt "$B_PEAK") MB" "$(nfmt "$H_PEAK") MB (Hugo)" "$(mem_ratio "$B_PEAK" "$H_PEAK")" \
		"< 1/10 of Hugo's" "$(yesno "$B_PEAK * 10 < $H_PEAK")"
else
	row "clean build of $(nfmt "$N") articles, peak resident memory" "${B_PEAK:+$B_PEAK MB}${B_PEAK:-$NA}" \
		"${H_PEAK:+$H_PEAK MB (Hugo)}${H_PEAK:-failed (Hugo)}" "—" "< 1/10 of Hugo's" "n/a"
fi
for where in disk tmpfs; do
	if [ $where = disk ]; then v=$B_INC; else v=$B_INC_SHM; fi
	if [ -n "$v" ]; then
		row "incremental rebuild after one edit, $where (median of $RUNS)" "$(fmt_s "$v")" "—" "—" \
			"< 50 ms" "$(yesno "$v < 0.05")"
	else
		row "incremental rebuild after one edit, $where" "$NA" "—" "—" "< 50 ms" "n/a"
	fi
done
ratio=$(calc "$NZ_RPS_M / $NG_RPS_M")
row "one article page, requests/s (wrk $WRK, median of $RUNS)" "$(nfmt "$NZ_RPS_M")" \
	"$(nfmt "$NG_RPS_M") (nginx)" "$(printf '%.3g' "$ratio")×" "≥ 1.2×" "$(yesno "$ratio >= 1.2")"
row "the same page with page views counted, requests/s (robot: not counted; wrk $VWRK, median of $VRUNS pairs' ratios: ${V_RATIO_LIST% })" \
	"$(nfmt "$VC_M")" "$(nfmt "$VU_M") (not counted)" "$(printf '%.3g' "$V_RATIO_M")×" \
	"≥ 0.95×" "$(yesno "$V_RATIO_M >= 0.95")"
row "one article page, p99 latency under that load" "$(fmt_ms "$NZ_P99_M")" "$(fmt_ms "$NG_P99_M") (nginx)" \
	"$(printf '%.1f' "$(calc "$NZ_P99_M / $NG_P99_M")")×" "—" "—"
row "uncached article render, p50 / p99 ($(nfmt "$N") articles; $R10_N pages)" "$R10_P50 / $R10_P99 ms" "—" "—" \
	"p99 < 2 ms" "$(yesno "$R10_P99 < 2")"
if [ -n "$RBIG_P99" ]; then
	row "uncached article render, p50 / p99 ($(nfmt "$BIG") articles; $RBIG_N pages)" "$RBIG_P50 / $RBIG_P99 ms" \
		"—" "—" "p99 < 2 ms" "$(yesno "$RBIG_P99 < 2")"
fi
row "client floor (same method, /healthz), p50 / p99" "$R10_F50 / $R10_F99 ms" "—" "—" "—" "—"
row "resident memory after load ($(nfmt "$N") articles)" "$RSS10 MB (peak $HWM10)" "—" "—" "—" "—"
if [ -n "$RSSBIG" ]; then
	row "resident memory after load ($(nfmt "$BIG") articles)" "$RSSBIG MB (peak $HWMBIG)" "—" "—" \
		"< 64 MB" "$(yesno "$RSSBIG < 64")"
	row "a page of the back office's list of articles (HTML), p50 / p99 over its kinds ($(nfmt "$BIG") articles; bench/desk.py)" \
		"$DESK_P50 / $DESK_P99 ms" "—" "—" "< 50 ms" "$(yesno "$DESK_P99 < 50")"
	row "import $(nfmt "$BIG") articles (one section folder per call)" \
		"$(fmt_s "$T_IMPORT_BIG") ($(nfmt "$(calc "$BIG / $T_IMPORT_BIG")") articles/s)" "—" "—" "—" "—"
	related_row "$BIG" "$RB_LISTS" "$RB_WALL" "$RB_CPU"
	nz_big="${BB_WALL:+$(fmt_s "$BB_WALL") (CPU $(fmt_s "$BB_CPU")), $(nfmt "$BB_PEAK") MB}"
	hugo_big="${HB_WALL:+$(fmt_s "$HB_WALL") (CPU $(fmt_s "$HB_CPU")), $(nfmt "$HB_PEAK") MB (Hugo)}"
	ratio_big="—"
	if [ -n "$BB_WALL" ] && [ -n "$HB_WALL" ]; then
		ratio_big="$(printf '%.1f' "$(calc "$HB_WALL / $BB_WALL")")× faster; memory $(mem_ratio "$BB_PEAK" "$HB_PEAK")"
	elif [ -n "$BB_WALL" ] && [[ $HB_FAIL == stopped* ]]; then
		ratio_big="≥ $(printf '%.1f' "$(calc "$BIG_TIMEOUT / $BB_WALL")")× faster"
	fi
	if [ "$BIG_BUILDS" = 1 ]; then
		has_build || BB_FAIL=$NA
		row "clean build, $(nfmt "$BIG") articles, tmpfs (one run each; time, peak memory; related lists stored before)" \
			"${nz_big:-$BB_FAIL}" "${hugo_big:-$HB_FAIL (Hugo)}" "$ratio_big" "— (Hugo's as they come)" "—"
	else
		row "clean build, $(nfmt "$BIG") articles, tmpfs" "skipped (BENCH_BIG_BUILDS=0)" "—" "—" "—" "—"
	fi
else
	row "resident memory after load (100,000 articles)" "skipped (BENCH_BIG=0)" "—" "—" "< 64 MB" "n/a"
fi
row "files written by a full build" "${B_FILES:-$NA}" "$H_FILES ($H_HTML HTML)" "—" "—" "—"

CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
# shellcheck disable=SC1091
OS=$(. /etc/os-release && echo "$PRETTY_NAME")
REV=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git status --porcelain -- src 2>/dev/null)" ] || REV="$REV + uncommitted changes in src/"
[ -z "${BENCH_NZ:-}" ] || REV="$REV (binary: $BENCH_NZ)"
VERS="hugo $(hugo version | awk '{ print $2 }' | cut -d+ -f1), $(nginx -v 2>&1 | awk '{ print $3 }'), wrk $(wrk --version 2>&1 | awk 'NR == 1 { print $2 }'), hyperfine $(hyperfine --version | awk '{ print $2 }')"
ELAPSED=$(calc "$(now) - $T_START")

REPORT=$(
	echo "## Site: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "Machine: $(nproc) cores ($CPU), $MEM, $OS. Newszone $REV; $VERS."
	echo "Command: \`$CMDLINE\`; the whole run took $(printf '%.0f' "$ELAPSED") s."
	echo "Load average at the start: $LOAD0; at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine lowers every figure)."
	echo
	echo "| figure | Newszone | peer | ratio | target | met? |"
	echo "| --- | --- | --- | --- | --- | --- |"
	printf '%s\n' "${ROWS[@]}"
	echo
	echo "- Corpus: $(nfmt "$N") articles from bench/corpus/gen.py (8 sections, English and Hangul authors and tags, ~15 % Korean, 300-900 words, a long tail of names and figures), and the same articles as a Hugo site with the plain templates of bench/hugo/ (article, section/tag/author lists, front page, 20 a page, RSS per term, sitemap). Builds are clean builds: the output is removed before each run."
	echo "- Related-article lists: \`newszone related\` computes them right after each import (docs/related.md's advice after a large import; its own rows), so every build times the export alone, as Hugo's (whose templates have no related articles), and every render sample reads stored lists (its figure is the steady state, not an article's first view, which computes its list)."
	echo "- Build memory: peak resident memory (GNU time's %M, maximum resident set size) of each \`newszone build\` and \`hugo\` process, recorded in the same timed runs as the build times."
	if [ -n "$BIG_STEPS" ] && [ "$BIG_BUILDS" = 1 ]; then
		echo "- $(nfmt "$BIG") articles: the corpus in both formats on tmpfs, one clean build each to tmpfs (one run each: minutes at this size), each output removed once counted. Newszone wrote ${BB_FILES:-no} files, Hugo ${HB_FILES:-no} (${HB_HTML:-no} HTML); memory available when Hugo started: $HB_MEMAVAIL GiB. Time of each step: $BIG_STEPS."
	elif [ -n "$BIG_STEPS" ]; then
		echo "- $(nfmt "$BIG") articles: the corpus in Newszone's format on tmpfs, no builds (BENCH_BIG_BUILDS=0). Time of each step: $BIG_STEPS."
	fi
	echo "- Served page: /article/$ART ($PAGE_BYTES bytes), $MODE. nginx (one worker per core, sendfile, access log off) served $NGINX_FROM; same bytes: $SAME. wrk sends no Accept-Encoding, so neither compresses; it sends a browser's User-Agent and another site's Referer, so every request to Newszone is counted as a page view and a referral (the counted/uncounted row alternates that with a robot's User-Agent, which is not counted)."
	echo "- Render time: up to $SAMPLE distinct article URLs (at most 90 s of them), each asked for once, one after another on one keep-alive connection, timed at the client (bench/latency.py) from the request to the last byte. A cache cannot answer a URL asked for once, so each is rendered. The client floor row is the same method on /healthz: subtract it for the server's own time."
	echo "- Memory: VmRSS from /proc/PID/status after the wrk runs, the render sample and a few list pages (peak = VmHWM)."
	[ -z "$INC_NOTE" ] || echo "- Incremental build: one article's body changed through the admin API (bench/site/edit-one.sh) before each run; $INC_NOTE."
	echo
)
echo
echo "$REPORT"
if [ ! -f "$RESULTS" ]; then
	# shellcheck disable=SC2016
	printf '# Benchmark results\n\nDated runs of `make bench`, newest last. Compare within one run, as ratios:\nfigures on this kind of machine vary 15-25 %% from run to run.\n\n' >"$RESULTS"
fi
printf '\n%s\n' "$REPORT" >>"$RESULTS"
say "appended to $RESULTS"
