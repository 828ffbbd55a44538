#!/usr/bin/env bash
# bench/compress/run.sh: builds bench/compress/bench.c and runs it on an export folder
# (default: a fresh `newszone build` of a bench/corpus/gen.py corpus in bench/out/compress).
# Prints a table of size and time per coder and level; bench/RESULTS.md keeps the figures.
# Usage: bench/compress/run.sh [EXPORT_DIR]   knobs: ARTICLES (1000), ROUNDS (3), EVERY (10: a
# sample of every 10th text file)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=bench/out/compress
mkdir -p "$out"
cc -O2 -o "$out/compress-bench" bench/compress/bench.c \
	$(pkg-config --cflags --libs zlib libdeflate libbrotlienc)
dir=${1:-}
if [ -z "$dir" ]; then
	n=${ARTICLES:-1000}
	dir=$out/site
	if [ ! -d "$dir" ]; then
		python3 bench/corpus/gen.py --articles "$n" --only nz --quiet --out "$out/corpus" >&2
		rm -f "$out/nz.db"
		build/newszone --db "$out/nz.db" import --publish "$out/corpus/nz" >"$out/import.log"
		build/newszone --db "$out/nz.db" build --out "$dir" >&2
	fi
fi
"$out/compress-bench" "$dir" "${ROUNDS:-3}" "${EVERY:-10}"
