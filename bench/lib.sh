# shellcheck shell=bash
# bench/lib.sh: shell helpers shared by bench/run.sh (`make bench`) and bench/pg.sh
# (`make bench-pg`). Sourced, never run. Uses the caller's OUT (logs go to $OUT/logs), WRK,
# RUNS, NZ and PIDS (every process started here is added to it, so the caller's EXIT trap
# stops it by its PID).

say() { echo "bench: $*" >&2; }
now() { date +%s.%N; }
# calc EXPR: floating-point arithmetic (awk), printed with up to 3 decimals.
calc() { awk "BEGIN { v = $1; printf \"%.3f\", v }"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
json_get() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))'"$2"')' "$1"; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
rss_mb() { awk -v k="$2:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
fmt_ms() { awk -v v="$1" 'BEGIN { printf (v >= 100 ? "%.0f ms" : "%.3g ms"), v }'; }
fmt_s() { [ -n "$1" ] && awk -v v="$1" 'BEGIN { printf (v < 1 ? "%.0f ms" : "%.2f s"), (v < 1 ? v * 1000 : v) }' || echo "$NA"; }

wait_http() { # URL: up to 15 s for a 200
	for _ in $(seq 150); do
		curl -sf -o /dev/null "$1" && return 0
		sleep 0.1
	done
	say "no answer from $1"
	return 1
}

start_server() { # DB PORT LOG: starts newszone serve; sets SERVER_PID
	"$NZ" --db "$1" serve --listen "127.0.0.1:$2" >"$3" 2>&1 &
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
	wait_http "http://127.0.0.1:$2/healthz"
}

stop_pid() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# hyperfine_median NAME PREPARE COMMAND: the median of $RUNS runs in seconds, or empty if the
# command failed (its output is in bench/out/logs/NAME.log).
hyperfine_median() {
	local json="$OUT/logs/$1.json"
	if hyperfine --runs "$RUNS" --style basic --prepare "$2" --export-json "$json" "$3" \
		>"$OUT/logs/$1.log" 2>&1; then
		json_get "$json" '["results"][0]["median"]'
	else
		say "$1 failed: see bench/out/logs/$1.log"
	fi
}

# with_peak NAME: a prefix for a command hyperfine times, so that each run also appends its
# peak resident memory (GNU time's %M, KB) to bench/out/logs/NAME.rss; read it with peak_mb.
# Hyperfine's own figures cannot give it. Costs one exec per run (about a millisecond).
with_peak() {
	rm -f "$OUT/logs/$1.rss"
	echo "/usr/bin/time -a -o $OUT/logs/$1.rss -f %M"
}

# peak_mb NAME...: the largest peak resident memory, in MB, over the runs recorded by with_peak
# under those names; empty when none was recorded.
peak_mb() {
	local n files=()
	for n in "$@"; do files+=("$OUT/logs/$n.rss"); done
	# GNU time writes "Command exited with non-zero status N" before the figure of a failed run.
	cat "${files[@]}" 2>/dev/null | awk '/^[0-9]+$/ && $1 > m { m = $1 } END { if (m) printf "%.0f", m / 1024 }'
}

# timed_once NAME COMMAND...: one run of COMMAND under GNU time, its output in
# bench/out/logs/NAME.log. Sets T_WALL and T_CPU (user + system, s) and T_PEAK (peak resident
# memory, MB). When the command failed, T_FAIL says how ("exit status 1"; "exit status 124":
# `timeout` stopped it; "killed by signal 9": the kernel's out-of-memory killer sends 9), the
# three figures are those of the run until then, and it returns 1.
timed_once() {
	local name=$1 t="$OUT/logs/$1.time" rc=0
	shift
	T_WALL="" T_CPU="" T_PEAK="" T_FAIL=""
	/usr/bin/time -o "$t" -f '%e %U %S %M' "$@" >"$OUT/logs/$name.log" 2>&1 || rc=1
	# shellcheck disable=SC2034 # read by the caller
	read -r T_WALL T_CPU T_PEAK < <(awk 'END { printf "%s %.2f %.0f\n", $1, $2 + $3, $4 / 1024 }' "$t")
	if [ $rc -ne 0 ]; then
		T_FAIL=$(sed -n -e 's/^Command terminated by signal \([0-9]*\).*/killed by signal \1/p' \
			-e 's/^Command exited with non-zero status \([0-9]*\).*/exit status \1/p' "$t" | head -1)
		T_FAIL=${T_FAIL:-failed}
		say "$name: $T_FAIL after $T_WALL s; see bench/out/logs/$name.log and $name.time"
	fi
	return $rc
}

# wrk_once URL NAME: one wrk run; prints "requests/s p99_ms".
# A browser's User-Agent, so the server counts each request as a page view (no User-Agent, or a
# robot's, is not counted: src/web/views.c); WRK_UA overrides it for one call. A Referer from
# another site too, so the referring-site count (the stats page) is in every counted request.
WRK_UA_BROWSER="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
WRK_REFERER="https://www.example.com/world/today"
wrk_once() {
	# shellcheck disable=SC2086
	wrk $WRK --latency -H "User-Agent: ${WRK_UA:-$WRK_UA_BROWSER}" -H "Referer: $WRK_REFERER" \
		"$1" >"$OUT/logs/$2.txt" 2>&1
	awk '/^Requests\/sec:/ { rps = $2 }
	     $1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
	                   ms = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : v }
	     /Non-2xx/ { bad = 1 }
	     END { if (bad) rps = 0; printf "%s %.3f\n", rps, ms }' "$OUT/logs/$2.txt"
}

# render_and_rss DB SLUGS PORT TAG: distinct article URLs, each asked for once (a cache cannot
# answer them), on one keep-alive connection, timed at the client; then the list pages; then
# VmRSS. At most 90 s of timed requests. Sets R_N R_P50 R_P99 R_FLOOR50 R_FLOOR99 RSS HWM.
render_and_rss() {
	local total stride
	total=$(wc -l <"$2")
	stride=$((total / SAMPLE))
	[ "$stride" -ge 2 ] || stride=2
	# Warm-up on other articles (offset 1), then the measured sample (offset 0).
	awk -v s="$stride" -v art="$ART" 'NR % s == 1 && $0 != art && n++ < 200' "$2" >"$OUT/logs/warm-$4.txt"
	awk -v s="$stride" -v art="$ART" -v max="$SAMPLE" 'NR % s == 0 && $0 != art && n++ < max' \
		"$2" >"$OUT/logs/sample-$4.txt"
	python3 bench/latency.py --max-seconds 15 --port "$3" "$OUT/logs/warm-$4.txt" >/dev/null
	python3 bench/latency.py --max-seconds 90 --port "$3" "$OUT/logs/sample-$4.txt" >"$OUT/logs/render-$4.json"
	python3 bench/latency.py --port "$3" --repeat /healthz:"$SAMPLE" >"$OUT/logs/floor-$4.json"
	R_N=$(json_get "$OUT/logs/render-$4.json" '["n"]')
	R_P50=$(json_get "$OUT/logs/render-$4.json" '["p50_ms"]')
	R_P99=$(json_get "$OUT/logs/render-$4.json" '["p99_ms"]')
	R_FLOOR50=$(json_get "$OUT/logs/floor-$4.json" '["p50_ms"]')
	R_FLOOR99=$(json_get "$OUT/logs/floor-$4.json" '["p99_ms"]')
	# List pages too, so the memory figure is after a mixed load.
	for p in / "/?page=2" "/?page=50" /section/politics /section/defense "/section/world?page=3" /tag/army; do
		curl -s -o /dev/null "http://127.0.0.1:$3$p" || true
	done
	RSS=$(rss_mb "$SERVER_PID" VmRSS)
	HWM=$(rss_mb "$SERVER_PID" VmHWM)
	say "  $4: $R_N pages, render p50 ${R_P50} ms, p99 ${R_P99} ms (floor ${R_FLOOR50}/${R_FLOOR99} ms); VmRSS $RSS MB (peak $HWM)"
}

# start_nginx ROOT PORT [WORKERS]: nginx (bench/nginx.conf) serving ROOT on 127.0.0.1:PORT with
# one worker per core, as a production nginx runs (WORKERS: another count); sets NGINX_PID.
start_nginx() {
	local ng=$OUT/nginx
	rm -rf "$ng"
	mkdir -p "$ng"
	sed -e "s|@PREFIX@|$ng|g" -e "s|@PORT@|$2|g" -e "s|@ROOT@|$1|g" \
		-e "s|^worker_processes auto;|worker_processes ${3:-auto};|" bench/nginx.conf >"$ng/nginx.conf"
	nginx -e "$ng/error.log" -p "$ng" -c "$ng/nginx.conf" &
	NGINX_PID=$!
	PIDS+=("$NGINX_PID")
}

# wrk_alternate URL PEER_URL TAG: a warm-up, then $RUNS rounds of wrk on URL and on PEER_URL
# alternately (so load drift falls on both); sets WA_RPS WA_P99 WA_PEER_RPS WA_PEER_P99 (medians).
wrk_alternate() {
	local a b r rps=() p99=() peer_rps=() peer_p99=()
	wrk_once "$1" "wrk-$3-warm" >/dev/null
	wrk_once "$2" "wrk-$3-warm-nginx" >/dev/null
	for r in $(seq "$RUNS"); do
		read -r a b < <(wrk_once "$1" "wrk-$3-$r")
		rps+=("$a") p99+=("$b")
		read -r a b < <(wrk_once "$2" "wrk-$3-nginx-$r")
		peer_rps+=("$a") peer_p99+=("$b")
		say "  round $r: newszone ${rps[-1]} req/s, nginx ${peer_rps[-1]} req/s"
	done
	# shellcheck disable=SC2034 # read by the caller
	WA_RPS=$(median "${rps[@]}") WA_P99=$(median "${p99[@]}")
	# shellcheck disable=SC2034
	WA_PEER_RPS=$(median "${peer_rps[@]}") WA_PEER_P99=$(median "${peer_p99[@]}")
}
