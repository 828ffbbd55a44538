#!/usr/bin/env bash
# Runs the unit tests and the end-to-end tests that exercise the server's threads under
# ThreadSanitizer (`make tsan`). Every process writes its reports to one folder (log_path), and
# a run with any report fails, even when the report came from a server that the tests stopped
# or from a command whose exit status a test does not look at.
# Usage: tests/run-tsan.sh BUILD_DIR UNIT_BINARY...   (BUILD_DIR holds a -fsanitize=thread build)
set -u
cd "$(dirname "$0")/.." || exit 1
build=$1; shift
logs=$(mktemp -d "${TMPDIR:-/tmp}/nz-tsan.XXXXXX")
trap 'rm -rf "$logs"' EXIT
supp=$PWD/tests/tsan-suppressions.txt
# ignore_noninstrumented_modules: what the libraries do inside themselves (libvips, GLib, orc
# and the codecs run their own threads with synchronisation ThreadSanitizer cannot see) is not
# judged; every access from our own code still is. tests/tsan-suppressions.txt names the rest.
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 ignore_noninstrumented_modules=1 log_path=$logs/report${TSAN_EXTRA:+ $TSAN_EXTRA}"
[ -f "$supp" ] && TSAN_OPTIONS="$TSAN_OPTIONS suppressions=$supp"

# The end-to-end tests with threads behind them: the page cache and its change-feed poller,
# webhook delivery, HTTP caching, the scheduler (scheduled and embargoed articles, also across a
# restart), the static export's worker pool and the render workers (a cached page beside a
# write that waits).
e2e=(test_pagecache.py test_pagecache_busy.py test_webhooks.py test_caching.py test_build.py
     test_admin_api.ReadersSee test_admin_api.ScheduleSurvivesRestart)

# The end-to-end tests in NZ_E2E_JOBS processes (default 2), as make test-e2e runs them: most of
# their time is waiting on the servers they start. A server under ThreadSanitizer may take
# seconds to stop when a photo rendition is under way on a busy machine: 30 s, not 10.
status=0
start=$SECONDS
tests/run-unit.sh "$build" "$@" || status=1
echo "tsan: unit tests took $((SECONDS - start)) s"
start=$SECONDS
NZ_E2E_JOBS=${NZ_E2E_JOBS:-2} NZ_E2E_STOP_SECONDS=${NZ_E2E_STOP_SECONDS:-30} NZ_BIN=$PWD/$build/newszone tests/run-e2e.sh "${e2e[@]}" || status=1
echo "tsan: end-to-end tests took $((SECONDS - start)) s"
if compgen -G "$logs/report*" >/dev/null; then
  echo "tsan: ThreadSanitizer reported:"
  cat "$logs"/report*
  status=1
fi
echo "tsan: $([ $status -eq 0 ] && echo "no reports, all passed" || echo FAILED)"
exit $status
