# gridgov — one plain Makefile.
#   make            install missing Debian packages, build the server and tests
#   make run        ... and serve the demo city on http://127.0.0.1:8080
#   make test       ... and run every test (last line: N passed, N failed)
#   make SANITIZE=address,undefined test    the same under sanitizers
#   make fuzz       build the libFuzzer harnesses (clang) into build-fuzz/ and run
#                   each for FUZZ_SECONDS (default 300) after replaying its regressions
#   make fuzz-check the same, briefly (FUZZ_SECONDS=10): what tests/run.py runs
# CI=true turns warnings into errors and sanitizers on.

CC ?= cc
CI ?=
ifeq ($(CI),true)
SANITIZE ?= address,undefined
WERROR := -Werror
endif
SANITIZE ?=

BUILD := build$(if $(SANITIZE),-san)
PKGS := libmicrohttpd jansson sqlite3 libsodium libcurl minizip expat xlsxwriter
# grid map (#6)
PKGS += geos
# registry (#5)

# web UI (#4)
# The web UI (web/, Vue + Vite) is built into web/dist, which the server
# serves. npm ci runs when node_modules is missing or older than the lock
# file; vite build when any web source is newer than the last build. No
# browser is ever downloaded (playwright-core drives Debian's chromium).
.DEFAULT_GOAL := all
WEB_STAMP := web/node_modules/.package-lock.json
WEB_SRC := $(shell find web/src web/public -type f 2>/dev/null) \
           $(wildcard web/index.html web/vite.config.* web/package.json)
all: web
web: web/dist/index.html
$(WEB_STAMP): web/package-lock.json web/package.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@
web/dist/index.html: $(WEB_STAMP) $(WEB_SRC)
	cd web && npx --no-install vite build --logLevel warn
	@touch $@


WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
        -Wno-unused-parameter $(WERROR)
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE -pthread -Isrc -I$(BUILD)/gen $(WARN) \
          $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
ifneq ($(SANITIZE),)
CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

LIB_SRC := $(filter-out src/main.c,$(wildcard src/*.c src/*/*.c src/*/*/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/migrations_sqlite.o
MIGRATIONS := $(wildcard src/store/migrations/sqlite/*.sql)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps run test clean web fuzz fuzz-build fuzz-check
all: deps $(BUILD)/gridgov $(UNIT_BIN)

deps:
	@scripts/install-deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/migrations_sqlite.c: $(MIGRATIONS) scripts/embed-sql.sh
	@mkdir -p $(dir $@)
	scripts/embed-sql.sh $@ src/store/migrations/sqlite

$(BUILD)/gen/migrations_sqlite.o: $(BUILD)/gen/migrations_sqlite.c
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libgg.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/gridgov: $(BUILD)/src/main.o $(BUILD)/libgg.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
	@ln -sf $(notdir $@) $(BUILD)/gridgov-bin 2>/dev/null || true

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libgg.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libgg.a $(LDLIBS) -lcmocka

DB ?= data/gridgov.db
LISTEN ?= 127.0.0.1:8080
run: all
	@mkdir -p $(dir $(DB))
	@if [ ! -f $(DB) ]; then $(BUILD)/gridgov demo --db $(DB); fi
	@$(BUILD)/gridgov demo-logins --db $(DB)
	$(BUILD)/gridgov serve --db $(DB) --listen $(LISTEN)

test: all
	@python3 tests/run.py --build $(BUILD)

clean:
	rm -rf build build-san build-fuzz

# ---- fuzzing (fuzz/, libFuzzer) ----------------------------------------------
# The library is rebuilt with clang, coverage-instrumented and under ASan+UBSan,
# into build-fuzz/. Each harness fuzzes a working corpus in build-fuzz/corpus/
# seeded from fuzz/corpus/<harness>/ (read-only: new entries never go into the
# repo); crashes land in build-fuzz/artifacts/<harness>/. Every input that ever
# crashed is kept in fuzz/regressions/<harness>/ and replayed before each run.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 300
FUZZ_BUILD := build-fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -O1 -g -std=c11 -D_GNU_SOURCE -pthread -Isrc -I$(FUZZ_BUILD)/gen $(WARN) \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(FUZZ_SAN)
FUZZ_HARNESSES := fuzz_json fuzz_query fuzz_place_code fuzz_multipart fuzz_http fuzz_csv fuzz_geojson fuzz_xlsx
# grid map (#6)
FUZZ_HARNESSES += fuzz_topology
# registry (#5)
FUZZ_HARNESSES += fuzz_import
FUZZ_HARNESSES += fuzz_registry

FUZZ_BINS := $(FUZZ_HARNESSES:%=$(FUZZ_BUILD)/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o) $(FUZZ_BUILD)/gen/migrations_sqlite.o
fuzz_dict = $(if $(filter fuzz_json fuzz_geojson,$(1)),-dict=fuzz/json.dict,$(if $(filter fuzz_http fuzz_multipart,$(1)),-dict=fuzz/http.dict))

$(FUZZ_BUILD)/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/fuzz/%.o: fuzz/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/gen/migrations_sqlite.c: $(MIGRATIONS) scripts/embed-sql.sh
	@mkdir -p $(dir $@)
	scripts/embed-sql.sh $@ src/store/migrations/sqlite

$(FUZZ_BUILD)/gen/migrations_sqlite.o: $(FUZZ_BUILD)/gen/migrations_sqlite.c
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_BUILD)/libgg.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_http $(FUZZ_BUILD)/fuzz_multipart: $(FUZZ_BUILD)/fuzz/fuzz_server.o
$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/fuzz/fuzz_%.o $(FUZZ_BUILD)/libgg.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $(filter %.o,$^) $(FUZZ_BUILD)/libgg.a $(LDLIBS)

fuzz-build: deps $(FUZZ_BINS)
.SECONDARY: $(FUZZ_HARNESSES:%=$(FUZZ_BUILD)/fuzz/%.o)

# $(1): harness, $(2): seconds. Regressions first (files: each run once), then
# the timed run on the working corpus.
define fuzz_run
	@mkdir -p $(FUZZ_BUILD)/corpus/$(1) $(FUZZ_BUILD)/artifacts/$(1)
	@regs=$$(find fuzz/regressions/$(1) -type f 2>/dev/null); \
	if [ -n "$$regs" ]; then echo "$(1): replaying $$(echo "$$regs" | wc -l) regressions"; \
	  $(FUZZ_BUILD)/$(1) $$regs >$(FUZZ_BUILD)/$(1).regress.log 2>&1 || \
	  { tail -n 60 $(FUZZ_BUILD)/$(1).regress.log; exit 1; }; fi
	$(FUZZ_BUILD)/$(1) -max_total_time=$(2) -print_final_stats=1 -max_len=65536 $(call fuzz_dict,$(1)) \
	  -artifact_prefix=$(FUZZ_BUILD)/artifacts/$(1)/ $(FUZZ_BUILD)/corpus/$(1) fuzz/corpus/$(1) \
	  2>&1 | grep -E '^(stat::number_of_executed_units|==|SUMMARY|.*ERROR|.*deadly|.*Test unit)' ; \
	  test $${PIPESTATUS[0]} -eq 0

endef

fuzz: SHELL := /bin/bash
fuzz: fuzz-build
	$(foreach h,$(FUZZ_HARNESSES),$(call fuzz_run,$(h),$(FUZZ_SECONDS)))

fuzz-check: SHELL := /bin/bash
fuzz-check: fuzz-build
	$(foreach h,$(FUZZ_HARNESSES),$(call fuzz_run,$(h),10))

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
