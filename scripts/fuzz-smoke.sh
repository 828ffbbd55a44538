#!/usr/bin/env bash
# Runs each libFuzzer target for FUZZ_SECONDS (default 45) from its committed seed corpus
# fuzz/corpus/<target>/, with fuzz/<target>.dict when there is one (`make fuzz-smoke`).
# FUZZ_JOBS targets run at once (default: the number of cores; each target is one process on
# one core), and their lines are printed in the order given.
# New inputs go to a scratch folder, so the committed corpus never changes by itself. A crash,
# leak, timeout or sanitizer report fails the run; its input is kept in build-fuzz/crashes/
# (fix the bug, then add the input to the corpus as fuzz/corpus/<target>/crash-<name>).
# Usage: scripts/fuzz-smoke.sh build-fuzz/<target>...
set -u
cd "$(dirname "$0")/.." || exit 1
seconds=${FUZZ_SECONDS:-45}
jobs=${FUZZ_JOBS:-$(nproc)}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/nz-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p build-fuzz/crashes

# One target: its summary line (or its failure and report) in $scratch/<name>.result; its exit
# status in $scratch/<name>.rc (0 when it found nothing).
run_one() {
  local bin=$1 name seeds log rc runs cov dict=()
  name=$(basename "$bin")
  seeds=fuzz/corpus/$name
  exec >"$scratch/$name.result" 2>&1
  if [ ! -d "$seeds" ] || [ -z "$(ls -A "$seeds")" ]; then
    echo "fuzz-smoke: $name has no seed corpus ($seeds)"; echo 1 >"$scratch/$name.rc"; return
  fi
  [ -f "fuzz/$name.dict" ] && dict=(-dict="fuzz/$name.dict")
  mkdir -p "$scratch/$name" "$scratch/$name.out"
  log=$scratch/$name.log
  "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$scratch/$name.out/" "${dict[@]}" \
    "$scratch/$name" "$seeds" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  if [ $rc -ne 0 ]; then
    cp "$scratch/$name.out"/* build-fuzz/crashes/ 2>/dev/null
    echo "fuzz-smoke: $name FAILED (exit $rc); input kept in build-fuzz/crashes/:"
    report='ERROR: \|==[0-9]*== \|deadly signal\|Timeout\|out-of-memory'
    if grep -q "$report" "$log"; then grep -A30 -m1 "$report" "$log" | head -40; else tail -20 "$log"; fi
  else
    echo "fuzz-smoke: $name: ${runs:-?} runs in ${seconds} s, ${cov:-cov: ?}, $(ls "$seeds" | wc -l) seeds"
  fi
  echo "$rc" >"$scratch/$name.rc"
}

for bin in "$@"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  run_one "$bin" &
done
wait
failed=()
for bin in "$@"; do
  name=$(basename "$bin")
  cat "$scratch/$name.result"
  [ "$(cat "$scratch/$name.rc" 2>/dev/null)" = 0 ] || failed+=("$name")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz-smoke: failing: ${failed[*]}"; exit 1
fi
echo "fuzz-smoke: $# targets, no crash"
