#!/usr/bin/env bash
# Installs the Debian packages Newszone needs to build, test and run.
# Idempotent: packages already present are skipped; apt-get runs only when something is missing.
# Usage: scripts/install-deps.sh [build|test|all]   (default: all)
set -euo pipefail

build_pkgs=(build-essential pkg-config libmicrohttpd-dev libsqlite3-dev libmd4c-dev
            libmd4c-html0-dev libsodium-dev zlib1g-dev libjansson-dev libcurl4-openssl-dev libpq-dev
            libvips-dev libxml2-dev libexpat1-dev libdeflate-dev libbrotli-dev libstemmer-dev tzdata)
test_pkgs=(libcmocka-dev libimage-exiftool-perl clang libclang-rt-14-dev curl python3 clang-format
           jing trang libxml2-utils python3-feedparser openjdk-17-jre-headless
           chromium fonts-noto-cjk postgresql nginx)

case "${1:-all}" in
  build) want=("${build_pkgs[@]}") ;;
  test|all) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|all]" >&2; exit 2 ;;
esac

# Node.js: the machine's own (with npm) when present, else Debian's.
if [ "${1:-all}" != build ] && ! command -v npm >/dev/null; then
  want+=(nodejs npm)
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The test tools from npm (validators, the browser driver), pinned in tests/tools/package-lock.json.
# --ignore-scripts: vnu-jar's postinstall would try to download a JDK; Debian's java is used.
if [ "${1:-all}" != build ]; then
  tools="$(dirname "$0")/../tests/tools"
  if [ ! -f "$tools/node_modules/.installed" ] || [ "$tools/package-lock.json" -nt "$tools/node_modules/.installed" ]; then
    echo "install-deps: npm ci in tests/tools" >&2
    (cd "$tools" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch node_modules/.installed)
  fi
fi
