#!/usr/bin/env bash
# Keeps DESIGN.md's layering: a module may include only modules below it.
# Order (bottom up): core content search store ingest render site web cli. search/ sits below
# the store because every backend's full-text index uses its tokenizer. Render never
# includes the store; ingest never includes the store.
set -u
cd "$(dirname "$0")/.." || exit 1
declare -A allowed=(
  [core]="core"
  [content]="core content"
  [http]="core http"
  [store]="core content search store" # search: the FTS tokenizer the SQLite index uses
  [ingest]="core content ingest"
  [search]="core content search"
  [render]="core content render"
  [pages]="core content store search render pages"
  [site]="core content store search render pages site"
  [jobs]="core content store search render jobs"
  [web]="core content http store ingest search render pages jobs web"
  [cli]="core content http store ingest search render pages site jobs web cli"
)
bad=0
while IFS= read -r f; do
  mod=$(echo "$f" | cut -d/ -f2)
  ok=${allowed[$mod]:-}
  if [ -z "$ok" ]; then echo "check-deps: $f: module '$mod' is not in DESIGN.md's layering"; bad=1; continue; fi
  while IFS= read -r inc; do
    dep=${inc%%/*}
    case " $ok " in *" $dep "*) ;; *) echo "check-deps: $f includes $inc: $mod may not depend on $dep"; bad=1 ;; esac
  done < <(sed -n 's/^#include "\([a-z_]*\/[^"]*\)".*/\1/p' "$f")
done < <(find src -name '*.[ch]' | sort)
[ $bad -eq 0 ] && echo "check-deps: layering holds"
exit $bad
