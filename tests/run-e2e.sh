#!/usr/bin/env bash
# Runs the end-to-end tests (tests/e2e/test_*.py) against the real binary $NZ_BIN, each test on
# its own temporary database and a free port on 127.0.0.1. Prints "N passed, N failed".
set -u
exec python3 "$(dirname "$0")/e2e/run.py" "$@"
