#!/usr/bin/env bash
# Keeps DESIGN.md's layering, at module and at header level.
# Modules (bottom up): core content http search media store ingest render pages site app jobs web
# cli. media/ (the image pipeline, libvips) knows bytes and the model, never the store.
# A module may include only the modules its line below names. search/ sits below the store
# because every backend's full-text index uses its tokenizer; render never includes the store;
# ingest never includes the store; http/ includes nothing but core/ (it knows requests, never
# articles).
# Header rules:
# - only src/store/sqlite/ includes <sqlite3.h>; only src/store/postgres/ includes <libpq-fe.h>;
# - only src/media/ includes <vips/...>;
# - no file includes another module's internal header (*_int.h): a file of module M may include
#   M/..._int.h or M/sub/..._int.h, never N/..._int.h;
# - a file in a module's subfolder (web/public/, web/api/, web/admin/, store/sqlite/...) never
#   includes the internal header of a sibling subfolder (web/public/ never web/admin/*_int.h).
set -u
cd "$(dirname "$0")/.." || exit 1
declare -A allowed=(
  [core]="core"
  [content]="core content"
  [http]="core http"
  [search]="core content search"
  [media]="core content media"
  [store]="core content search store" # search: the FTS tokenizer the SQLite index uses
  [ingest]="core content ingest"
  [render]="core content media render"
  [pages]="core content search media store render pages"
  [site]="core content search store render pages media site"
  [app]="core content search store ingest media app"
  [jobs]="core content search store render pages app media jobs"
  [web]="core content http search store ingest render pages app jobs media web"
  [cli]="core content http search store ingest render pages site app jobs web media cli"
)
bad=0
complain() { echo "check-deps: $*"; bad=1; }
while IFS= read -r f; do
  rel=${f#src/}
  mod=${rel%%/*}
  rest=${rel#*/}
  sub="" # the file's subfolder inside its module, if any ("public" for src/web/public/x.c)
  case "$rest" in */*) sub=${rest%%/*} ;; esac
  ok=${allowed[$mod]:-}
  if [ -z "$ok" ]; then complain "$f: module '$mod' is not in DESIGN.md's layering"; continue; fi
  while IFS= read -r inc; do
    dep=${inc%%/*}
    case " $ok " in *" $dep "*) ;; *) complain "$f includes $inc: $mod may not depend on $dep" ;; esac
    case "$inc" in
      *_int.h)
        if [ "$dep" != "$mod" ]; then
          complain "$f includes $inc: another module's internal header"
        else
          inc_rest=${inc#*/}
          case "$inc_rest" in
            */*)
              inc_sub=${inc_rest%%/*}
              if [ -n "$sub" ] && [ "$inc_sub" != "$sub" ]; then
                complain "$f includes $inc: $mod/$sub may not include $mod/$inc_sub's internal header"
              fi ;;
          esac
        fi ;;
    esac
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([a-z_]*\/[^"]*\)".*/\1/p' "$f")
  while IFS= read -r sys; do
    case "$sys:$f" in
      sqlite3.h:src/store/sqlite/*) ;;
      libpq-fe.h:src/store/postgres/*) ;;
      sqlite3.h:* | libpq-fe.h:*) complain "$f includes <$sys>: only its store backend may" ;;
      vips/*:src/media/*) ;;
      vips/*:*) complain "$f includes <$sys>: only media/ (the image pipeline) may" ;;
    esac
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\([^>]*\)>.*/\1/p' "$f")
done < <(find src -name '*.[ch]' | sort)
[ $bad -eq 0 ] && echo "check-deps: layering holds"
exit $bad
