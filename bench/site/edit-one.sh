#!/usr/bin/env bash
# bench/site/edit-one.sh URL TOKEN SLUG: edits one article's body through the admin API of a
# running `newszone serve` (so the change feed's triggers and the search index see it, as for
# a save in the back office). Used as hyperfine's --prepare for the incremental export timing
# (bench/RESULTS.md, "Static export").
set -euo pipefail
url=$1 token=$2 slug=$3
id=$(curl -sf "$url/api/v1/articles/$slug" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
body=$(curl -sf "$url/api/v1/articles/$slug" | python3 -c '
import json, random, sys
a = json.load(sys.stdin)
print(json.dumps({"revision": a["revision"],
                  "body_markdown": a["body_markdown"] + " Bench edit %d." % random.randrange(10**6)}))')
curl -sf -o /dev/null -X PATCH -H "Authorization: Bearer $token" \
	-H 'Content-Type: application/json' -d "$body" "$url/api/v1/admin/articles/$id"
