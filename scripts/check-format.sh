#!/usr/bin/env bash
# Fails when clang-format would change any C file (the checked-in .clang-format).
set -u
cd "$(dirname "$0")/.." || exit 1
bad=$(find src tests/unit fuzz tools -name '*.[ch]' 2>/dev/null | sort | while read -r f; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"; done)
if [ -n "$bad" ]; then
  echo "format-check: run 'make format'; these files are not formatted:"; echo "$bad"; exit 1
fi
echo "format-check: all C files formatted"
