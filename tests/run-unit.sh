#!/usr/bin/env bash
# Runs each cmocka unit-test binary and prints one closing line: "N passed, N failed".
# Usage: tests/run-unit.sh BUILD_DIR BINARY...
set -u
build=$1; shift
passed=0; failed=0; skipped=0; broken=()
for bin in "$@"; do
  out=$("$bin" 2>&1); rc=$?
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  k=$(printf '%s\n' "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + k))
  [ "$k" -gt 0 ] && printf '%s\n' "$out" | grep -i -B1 -A12 'not applicable\|skipped' | head -20
  if [ $rc -ne 0 ] || [ "$f" -gt 0 ] || [ "$p" -eq 0 ]; then
    broken+=("${bin#$build/tests/}")
    printf '%s\n' "$out" | grep -v '^\[ \(RUN\|      OK\) ' | tail -40
    [ "$f" -eq 0 ] && failed=$((failed + 1))
  fi
done
echo "unit ($build):"
[ ${#broken[@]} -gt 0 ] && echo "  failing: ${broken[*]}"
if [ $skipped -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ $failed -eq 0 ]
