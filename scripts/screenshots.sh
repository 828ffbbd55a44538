#!/usr/bin/env bash
# Takes the README's screenshots with headless Chromium (Debian's chromium): the demo
# newsroom's article page at desktop and phone widths here; the front pages, the live story,
# the presence notice, the stats page and the media library (scripts/screenshot-readers.mjs,
# made 8-bit with pngquant) and the back office (scripts/screenshot-admin.mjs) after.
# Usage: scripts/screenshots.sh [BINARY]   (default build/newszone). Not part of make test.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/newszone}
command -v chromium >/dev/null || { apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }
command -v pngquant >/dev/null || { apt-get install -y -qq pngquant >/dev/null; }
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$bin" --db "$tmp/demo.db" demo >/dev/null
"$bin" --db "$tmp/demo.db" serve --listen 127.0.0.1:18089 >/dev/null &
pid=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:18089/healthz >/dev/null && break; sleep 0.1; done
article=$(curl -s 'http://127.0.0.1:18089/api/v1/articles?limit=1' | python3 -c \
  'import json,sys,urllib.parse; print(urllib.parse.urlsplit(json.load(sys.stdin)["articles"][0]["url"]).path)')
shot() { # URL OUT WIDTH HEIGHT
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$tmp/chrome" \
    --window-size="$3,$4" --screenshot="$2" "$1" >/dev/null 2>&1
}
shot "http://127.0.0.1:18089$article" docs/screenshots/article.png 1280 1200
shot "http://127.0.0.1:18089$article" docs/screenshots/article-phone.png 390 844
echo "wrote docs/screenshots/{article,article-phone}.png"
NZ_BIN="$bin" node scripts/screenshot-readers.mjs
readers=(front front-phone front-ko live live-phone admin-presence admin-presence-phone admin-stats admin-media)
(cd docs/screenshots && pngquant --quality=65-90 --speed 1 --strip --force --ext .png "${readers[@]/%/.png}")
NZ_BIN="$bin" node scripts/screenshot-admin.mjs
