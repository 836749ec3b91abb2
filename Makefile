# gridgov — one plain Makefile.
#   make            install missing Debian packages, build the server and tests
#   make run        ... and serve the demo city on http://127.0.0.1:8080
#   make test       ... and run every test (last line: N passed, N failed)
#   make SANITIZE=address,undefined test    the same under sanitizers
# CI=true turns warnings into errors and sanitizers on.

CC ?= cc
CI ?=
ifeq ($(CI),true)
SANITIZE ?= address,undefined
WERROR := -Werror
endif
SANITIZE ?=

BUILD := build$(if $(SANITIZE),-san)
PKGS := libmicrohttpd jansson sqlite3 libsodium libcurl

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

.PHONY: all deps run test clean web
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
	rm -rf build build-san

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
