#!/usr/bin/env bash
# Installs the Debian packages `make bench` needs (bench/run.sh): Hugo and nginx (the peers),
# wrk (HTTP load), hyperfine (timing commands), time (GNU time: the builds' peak memory, which
# hyperfine cannot give), procps (ps, free), curl, sqlite3 (the edit
# before an incremental build), python3 (the corpus generator), python3-xapian (the search
# peer of `make bench-search`, bench/search/xapian_peer.py). Idempotent: packages
# already present are skipped; apt-get runs only when something is missing.
# Never part of `make test`. Usage: scripts/install-bench-deps.sh
set -euo pipefail

want=(hugo wrk hyperfine time procps curl sqlite3 python3 python3-xapian)
# nginx-light is the small build (gzip_static, sendfile); nginx (or nginx-core) serves as well.
have_nginx=""
for p in nginx-light nginx nginx-core; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    have_nginx=1
  fi
done
[ -n "$have_nginx" ] || command -v nginx >/dev/null || want+=(nginx-light)

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-bench-deps: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # nginx-light may be gone from newer Debian releases: fall back to nginx.
  if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    fallback=()
    for p in "${missing[@]}"; do [ "$p" = nginx-light ] && fallback+=(nginx) || fallback+=("$p"); done
    $SUDO apt-get install -y -qq --no-install-recommends "${fallback[@]}"
  fi
  # The nginx package starts a system service on port 80; the benchmark runs its own instance.
  if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then
    $SUDO systemctl stop nginx || true
  fi
fi
