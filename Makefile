# Newszone build. `make` builds build/newszone; `make test` runs the whole suite (and again
# under ASan + UBSan); `make run` installs what is missing, builds, creates a demo newsroom and
# serves it. Sources are found by globbing: a new .c file under src/ needs no edit here.

CC      ?= cc
BUILD   ?= build
SHARED  ?= $(abspath ../shared)
PORT    ?= 8080
DB      ?= newszone-demo.db
PKGS    := libmicrohttpd sqlite3 md4c-html libsodium jansson zlib libcurl libpq vips libxml-2.0 expat \
           libdeflate libbrotlienc libbrotlidec

WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
           -Wno-overlength-strings
ifneq ($(CI),)
WARN    += -Werror
endif
SANFLAGS := -fsanitize=address,undefined
ifneq ($(TSAN),)
SANFLAGS := -fsanitize=thread
OPT     := -O1 -g $(SANFLAGS) -fno-omit-frame-pointer
else ifneq ($(SAN),)
OPT     := -O1 -g $(SANFLAGS) -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
OPT     ?= -O2 -g
endif
CPPFLAGS := -Isrc -D_GNU_SOURCE $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CFLAGS  := -std=c17 $(OPT) $(WARN) -pthread
# libvips (and GLib, and the ~80 libraries they pull in) is opened at run time, on the first
# photo (src/media/vips_api.h): its headers are used, the library is not linked.
# Sanitizer builds link it: LeakSanitizer's exit check crashes ("Tracer caught signal 11") on
# the thread-local storage of libraries opened with dlopen (GLib's), and the tests' checks
# must run to their end. dlopen then finds the library already there.
LINK_PKGS := $(if $(SAN)$(TSAN),$(PKGS),$(filter-out vips,$(PKGS)))
LDLIBS  := $(shell pkg-config --libs $(LINK_PKGS) 2>/dev/null) -lmd4c -lstemmer -lm -pthread
# The unit tests of the image pipeline draw and measure images with libvips themselves.
VIPS_LIBS := $(shell pkg-config --libs vips 2>/dev/null)
LDFLAGS := $(if $(SAN)$(TSAN),$(SANFLAGS))

LIB_SRC := $(sort $(shell find src -name '*.c' ! -path 'src/cli/*'))
CLI_SRC := $(sort $(shell find src/cli -name '*.c'))
GEN_SRC := $(BUILD)/gen/theme_files.c $(BUILD)/gen/demo_files.c $(BUILD)/gen/password_files.c
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(GEN_SRC:%.c=%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
# tests/unit/store/postgres/ needs a PostgreSQL server: `make test-pg` starts one and runs them.
UNIT_SRC := $(sort $(shell find tests/unit -name '*.c' ! -path 'tests/unit/store/postgres/*' 2>/dev/null))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
PG_UNIT_SRC := $(sort $(shell find tests/unit/store/postgres -name '*.c' 2>/dev/null))
PG_UNIT_BIN := $(PG_UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# The store's contract tests (tests/unit/store/<name>.c) that `make test-pg` also runs on
# PostgreSQL: those of the aggregates the PostgreSQL backend has (src/store/postgres/).
# Add an aggregate's files here when its NZ__PG_AGGREGATES line is in.
PG_CONTRACT := settings catalog accounts media media_library audit articles articles_list articles_admin \
	articles_feeds articles_imports backoffice nodes pool search outbox_changes outbox_webhooks \
	static_pages live front_layouts related
PG_CONTRACT_BIN := $(PG_CONTRACT:%=$(BUILD)/tests/store/%)
THEME_FILES := $(shell find themes/default -type f 2>/dev/null | sort)
DEMO_FILES  := $(shell find demo -type f 2>/dev/null | sort)

# Short build lines; `make V=1` shows the full commands.
ifeq ($(V),)
Q := @
endif

.PHONY: all deps test test-unit test-pg test-e2e test-e2e-pg test-browser test-asan test-binaries pg-binaries test-lane-sqlite test-lane-pg tsan fuzz-smoke analyze run \
	clean check-deps format format-check fuzz bench bench-pg bench-nodes bench-cdn bench-photos crash soak lighthouse

all: $(BUILD)/newszone

deps:
	@scripts/install-deps.sh all

$(BUILD)/newszone: $(CLI_OBJ) $(BUILD)/libnz.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libnz.a $(LDLIBS)

$(BUILD)/libnz.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c17 -O1 $(WARN) -Werror -o $@ $<

$(BUILD)/gen/theme_files.c: $(BUILD)/tools/embed $(THEME_FILES)
	@mkdir -p $(dir $@)
	$(Q)$(BUILD)/tools/embed nz__theme_files themes/default $@

$(BUILD)/gen/demo_files.c: $(BUILD)/tools/embed $(DEMO_FILES)
	@mkdir -p $(dir $@)
	$(Q)$(BUILD)/tools/embed nz__demo_files demo $@

$(BUILD)/gen/password_files.c: $(BUILD)/tools/embed src/app/passwords/common.txt
	@mkdir -p $(dir $@)
	$(Q)$(BUILD)/tools/embed nz__password_files src/app/passwords $@

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libnz.a
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libnz.a $(LDLIBS) \
	  $(if $(filter media/%,$*),$(VIPS_LIBS)) -lcmocka

# ---- tests -----------------------------------------------------------------------------------

# The suites run in two lanes at once, each lane's suites one after another and its output
# printed whole when it ends (--output-sync): SQLite (unit, e2e, browser, then the unit and
# PostgreSQL tests under ASan + UBSan) and PostgreSQL (its unit and contract tests, e2e, then
# e2e on SQLite under ASan + UBSan). The tests wait on servers, clusters and Chromium much of the
# time, so two lanes on two cores take about half the time of one. Every binary is built
# before the lanes start, so no two lanes build the same file.
test: deps
	@$(MAKE) --no-print-directory check-deps format-check
	@$(MAKE) --no-print-directory -j2 test-binaries pg-binaries
	@$(MAKE) --no-print-directory -j2 BUILD=build-asan SAN=1 test-binaries pg-binaries
	@$(MAKE) --no-print-directory -j2 --output-sync=recurse test-lane-sqlite test-lane-pg

test-lane-sqlite:
	@$(MAKE) --no-print-directory -j1 test-unit test-e2e test-browser
	@$(MAKE) --no-print-directory -j1 BUILD=build-asan SAN=1 test-unit test-pg

test-lane-pg:
	@$(MAKE) --no-print-directory -j1 test-pg test-e2e-pg
	@$(MAKE) --no-print-directory -j1 BUILD=build-asan SAN=1 test-e2e

test-binaries: $(UNIT_BIN) $(BUILD)/newszone
	@:

pg-binaries: $(PG_UNIT_BIN) $(PG_CONTRACT_BIN)
	@:

test-unit: $(UNIT_BIN) $(BUILD)/newszone
	@NZ_SHARED=$(SHARED) tests/run-unit.sh $(BUILD) $(UNIT_BIN)

# The PostgreSQL backend's tests, against a throwaway cluster in a temporary folder
# (scripts/pg-cluster.sh), stopped and removed afterwards whether they pass or not: its own
# (tests/unit/store/postgres/, NZ_PG_URI), then the store's contract tests of PG_CONTRACT with
# NZ_TEST_PG_URI (each test in a fresh schema; see tests/unit/store/store_test.h), then
# `newszone init` on it, twice.
test-pg: $(PG_UNIT_BIN) $(PG_CONTRACT_BIN) $(BUILD)/newszone
	@dir=$$(mktemp -d /tmp/nz-pg-XXXXXX); \
	trap 'scripts/pg-cluster.sh stop $$dir; rm -rf $$dir' EXIT; trap 'exit 130' INT TERM; \
	uri=$$(scripts/pg-cluster.sh start $$dir) && \
	NZ_PG_URI=$$uri NZ_SHARED=$(SHARED) tests/run-unit.sh $(BUILD) $(PG_UNIT_BIN) && \
	NZ_TEST_PG_URI=$$uri NZ_SHARED=$(SHARED) tests/run-unit.sh $(BUILD) $(PG_CONTRACT_BIN) && \
	$(BUILD)/newszone --db "$$uri" init | grep 'database ready (schema version' && \
	$(BUILD)/newszone --db "$$uri" init >/dev/null

# The end-to-end tests in E2E_JOBS processes at once (tests/e2e/run.py: they mostly wait on the
# servers they start, so two halve the time on two cores).
E2E_JOBS ?= 2
test-e2e: $(BUILD)/newszone
	@NZ_E2E_JOBS=$(E2E_JOBS) NZ_SHARED=$(SHARED) NZ_BIN=$(abspath $(BUILD)/newszone) tests/run-e2e.sh

# The end-to-end tests on PostgreSQL: each test's database a fresh schema of a throwaway cluster
# (NZ_TEST_PG_URI, see tests/e2e/nz.py), stopped and removed afterwards whether they pass or not.
# Tests marked @sqlite_only or @pg_known_failure are skipped there, and listed.
test-e2e-pg: $(BUILD)/newszone
	@dir=$$(mktemp -d /tmp/nz-pg-XXXXXX); \
	trap 'scripts/pg-cluster.sh stop $$dir; rm -rf $$dir' EXIT; trap 'exit 130' INT TERM; \
	uri=$$(scripts/pg-cluster.sh start $$dir) && \
	NZ_E2E_JOBS=$(E2E_JOBS) NZ_TEST_PG_URI=$$uri NZ_SHARED=$(SHARED) \
	  NZ_BIN=$(abspath $(BUILD)/newszone) tests/run-e2e.sh

# Browser tests: real Chromium driven by playwright-core (tests/browser/*.test.mjs).
test-browser: $(BUILD)/newszone
	@if ls tests/browser/*.test.mjs >/dev/null 2>&1; then \
	  NZ_BIN=$(abspath $(BUILD)/newszone) NZ_SHARED=$(SHARED) node --test --test-concurrency=1 tests/browser/; \
	else echo "browser: no tests yet"; fi

# Lighthouse (pinned in tests/tools) in Debian's Chromium on the demo newsroom's public pages,
# mobile and desktop (scripts/lighthouse.mjs, docs/lighthouse.md). About 3 to 7 minutes, so not
# part of `make test`. PRESET=mobile or PRESET=desktop runs one preset; PAGES=front,live some
# pages (front, front-ko, article, article-ko, section, live).
lighthouse: deps $(BUILD)/newszone
	@NZ_BIN=$(abspath $(BUILD)/newszone) PAGES=$(PAGES) node scripts/lighthouse.mjs $(PRESET)

test-asan:
	@$(MAKE) --no-print-directory BUILD=build-asan SAN=1 test-binaries pg-binaries
	@$(MAKE) --no-print-directory -j1 BUILD=build-asan SAN=1 test-unit test-pg test-e2e

# ThreadSanitizer: the unit tests and the end-to-end tests that drive the server's threads (page
# cache, scheduler, webhook delivery, HTTP caching, the parallel build), in build-tsan. Any
# report fails the run (tests/run-tsan.sh). The image pipeline's own unit tests (tests/unit/media)
# are left out: they run only libvips's threads, which ThreadSanitizer cannot judge.
tsan:
	@$(MAKE) --no-print-directory BUILD=build-tsan TSAN=1 test-binaries
	@NZ_SHARED=$(SHARED) tests/run-tsan.sh build-tsan \
	  $(filter-out build-tsan/tests/media/%,$(UNIT_BIN:$(BUILD)/%=build-tsan/%))

check-deps:
	@scripts/check-deps.sh

format:
	@clang-format -i $(shell find src tests/unit fuzz tools -name '*.[ch]')

format-check:
	@scripts/check-format.sh

# ---- run -------------------------------------------------------------------------------------

run: deps
	@$(MAKE) --no-print-directory $(BUILD)/newszone
	@test -f $(DB) || $(BUILD)/newszone --db $(DB) demo
	@echo "Newszone demo newsroom: http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	@$(BUILD)/newszone --db $(DB) serve --listen 127.0.0.1:$(PORT)

# ---- fuzzing (clang libFuzzer) ---------------------------------------------------------------
# `make fuzz` builds every fuzz/*.c into build-fuzz/<target> (with ASan + UBSan) on a clang
# build of the library; `make fuzz-smoke` then runs each for FUZZ_SECONDS from its seed corpus
# fuzz/corpus/<target>/ and its dictionary fuzz/<target>.dict (scripts/fuzz-smoke.sh).

FUZZ_SRC := $(sort $(wildcard fuzz/*.c))
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build-fuzz/%)
FUZZ_OPT := -O1 -g -fsanitize=fuzzer-no-link,address,undefined
FUZZ_SECONDS ?= 30
ifeq ($(BUILD),build-fuzz)
fuzz: $(FUZZ_BIN)
	@:
$(FUZZ_BIN): build-fuzz/%: fuzz/%.c build-fuzz/libnz.a
	@echo "  FUZZ    $@"
	$(Q)clang $(CPPFLAGS) -std=c17 $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined -o $@ $< \
	  build-fuzz/libnz.a $(LDLIBS) $(VIPS_LIBS) # linked, as in the sanitizer builds (LINK_PKGS)
else
fuzz:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang OPT="$(FUZZ_OPT)" fuzz
$(FUZZ_BIN): FORCE
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang OPT="$(FUZZ_OPT)" $@
endif
fuzz-smoke: fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz-smoke.sh $(FUZZ_BIN)
FORCE:

# ---- static analysis (clang's analyzer, file by file; make analyze) -------------------------
# Any report fails the build (-analyzer-werror). A report that is wrong is explained in a
# comment where it fires and silenced there, narrowly. Each file is analyzed again when it or a
# header it includes changes (build-analyze/*.d).

ANALYZE_SRC := $(LIB_SRC) $(CLI_SRC)
ANALYZE_OK  := $(ANALYZE_SRC:%.c=build-analyze/%.ok)
analyze: $(ANALYZE_OK)
	@echo "analyze: no reports in $(words $(ANALYZE_SRC)) files"
build-analyze/%.ok: %.c
	@mkdir -p $(dir $@)
	@echo "  ANALYZE $<"
	$(Q)clang --analyze -Xanalyzer -analyzer-output=text -Xanalyzer -analyzer-werror \
	  $(CPPFLAGS) -std=c17 $(WARN) -MMD -MP -MT $@ -MF $(@:.ok=.d) -o /dev/null $<
	@touch $@
-include $(ANALYZE_OK:.ok=.d)

# make crash: rounds of kill -9 during a burst of mixed writes, then integrity_check and every
# acknowledged write present (tests/crash/crash.py; CRASH_ROUNDS, 50 by default; .ci/run runs 5).
crash: $(BUILD)/newszone
	@NZ_BIN=$(abspath $(BUILD)/newszone) CRASH_ROUNDS=$(or $(CRASH_ROUNDS),50) \
	  python3 tests/crash/crash.py

# make soak: SOAK_SECONDS (600) of mixed reads, searches and writes; 0 errors, resident memory
# flat within 10 % after warm-up, the WAL bounded; prints a table (tests/soak/soak.py). Not in CI.
soak: $(BUILD)/newszone
	@NZ_BIN=$(abspath $(BUILD)/newszone) SOAK_SECONDS=$(or $(SOAK_SECONDS),600) \
	  python3 tests/soak/soak.py

bench:
	@bench/run.sh

# PostgreSQL beside SQLite: import, cached page, render, search, two nodes (bench/pg.sh)
bench-pg:
	@bench/pg.sh

# cross-node invalidation: two servers on one database, 200 edits (bench/nodes.py)
bench-nodes: $(BUILD)/newszone
	@NZ_BIN=$(abspath $(BUILD)/newszone) bench/nodes.py

# a CDN in front, simulated: an edit's acknowledgement to the edge serving the new page, through
# the purge hook (bench/cdn.py; BENCH_CDN_DB=postgres://… for two nodes on PostgreSQL)
bench-cdn: $(BUILD)/newszone
	@NZ_BIN=$(abspath $(BUILD)/newszone) bench/cdn.py $(if $(BENCH_CDN_DB),--db "$(BENCH_CDN_DB)")

clean:
	rm -rf build build-asan build-tsan build-fuzz build-analyze

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---- search benchmark: 100,000 articles, index size and time, query latency -------
# `make bench-search` (BENCH_ARTICLES=10000 for a quick run): the queries of
# bench/search/queries-gen.tsv on bench/corpus/gen.py's corpus, p50/p99 per query and per kind
# (bench/search/run.sh), then Xapian on the same articles and queries beside it
# (bench/search/xapian_peer.py; python3-xapian, scripts/install-bench-deps.sh).
# BENCH_REUSE_DB=1 keeps a BENCH_DB that holds the corpus already; BENCH_XAPIAN=0 skips the peer.
# `make bench-search-synthetic`: bench_search's own generated corpus,
# with the time to store and re-index it. Figures go in bench/RESULTS.md.

BENCH_ARTICLES ?= 100000
BENCH_DB ?= /tmp/nz-bench-search.db

bench-search: $(BUILD)/newszone $(BUILD)/bench/search/bench_queries
	bench/search/run.sh $(BUILD) $(BENCH_ARTICLES) $(BENCH_DB)

bench-search-synthetic: $(BUILD)/bench/search/bench_search
	@rm -f $(BENCH_DB) $(BENCH_DB)-wal $(BENCH_DB)-shm
	$(BUILD)/bench/search/bench_search -n $(BENCH_ARTICLES) $(BENCH_DB)

# the image pipeline on a 24-megapixel JPEG: time and peak memory per rendition (docs/photos.md)
bench-photos: $(BUILD)/bench/photos/bench_photos
	$(BUILD)/bench/photos/bench_photos

$(BUILD)/bench/photos/bench_photos: bench/photos/bench_photos.c $(BUILD)/libnz.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libnz.a $(LDLIBS)

$(BUILD)/bench/search/bench_search: bench/search/bench_search.c $(BUILD)/libnz.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libnz.a $(LDLIBS)

$(BUILD)/bench/search/bench_queries: bench/search/bench_queries.c $(BUILD)/libnz.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libnz.a $(LDLIBS)

.PHONY: bench-search bench-search-synthetic
# ---- end of search benchmark ----
