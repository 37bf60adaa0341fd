# skimd build. `make` builds build/skimd; `make run` installs, builds and
# serves on 127.0.0.1:8080; `make test` installs, builds and runs every test.
# SANITIZER=address,undefined (or `make asan`) builds into build-asan/.

CC       ?= cc
PKGS     := libmicrohttpd jansson libcurl icu-uc icu-i18n sqlite3 friso libpsl libcrypto
WARN     := -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion \
            -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
OPT      ?= -O2 -g
CPPFLAGS += -I. -D_GNU_SOURCE -MMD -MP
CFLAGS   += -std=c11 $(OPT) $(WARN) -pthread $(shell pkg-config --cflags $(PKGS))
LDLIBS   += $(shell pkg-config --libs $(PKGS)) -lstemmer -lpthread -lm

ifeq ($(SANITIZER),thread)
BUILD    ?= build-tsan
endif
ifdef SANITIZER
BUILD    ?= build-asan
CFLAGS   += -fsanitize=$(SANITIZER) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZER)
else
BUILD    ?= build
endif

SRC_DIRS := server handlers storage ingest analyze
LIB_SRC  := $(filter-out server/main.c,$(wildcard $(addsuffix /*.c,$(SRC_DIRS))))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/openapi_data.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps run test unit-test api-test asan asan-test tsan-test valgrind-test clean bench eval eval-analysis eval-tags fuzz
all: $(BUILD)/skimd

deps:
	@./scripts/install-deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# The contract is embedded in the binary, so GET /openapi.yaml always
# describes the daemon that serves it.
$(BUILD)/gen/openapi_data.c: openapi.yaml
	@mkdir -p $(dir $@)
	@{ echo 'extern const unsigned char srv_openapi_yaml[];'; \
	   echo 'extern const unsigned long srv_openapi_yaml_len;'; \
	   echo 'const unsigned char srv_openapi_yaml[] = {'; \
	   od -An -v -tx1 $< | sed -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	   echo '0x00};'; \
	   echo 'const unsigned long srv_openapi_yaml_len = sizeof srv_openapi_yaml - 1;'; } > $@

$(BUILD)/gen/openapi_data.o: $(BUILD)/gen/openapi_data.c
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libskimd.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/skimd: $(BUILD)/server/main.o $(BUILD)/libskimd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libskimd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libskimd.a $(LDLIBS) -lcmocka

run: deps all
	./$(BUILD)/skimd serve --listen 127.0.0.1:8080 --db ./skimd.db

# Every test, in order: unit tests, then API tests against a running daemon.
test: deps all $(UNIT_BIN)
	@BUILD=$(BUILD) ./tests/run-all.sh

asan:
	$(MAKE) SANITIZER=address,undefined all

asan-test:
	$(MAKE) SANITIZER=address,undefined test

# The daemon built with ThreadSanitizer (build-tsan/) under the API and
# race suites; any report fails them (tests/tsan.supp names what is
# suppressed and why).
tsan-test: deps
	$(MAKE) SANITIZER=thread all
	TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp second_deadlock_stack=1" \
	    SKIMD_BIN=build-tsan/skimd SKIMD_TEST_TIMEOUT_SCALE=4 START_SECONDS=60 tests/api/run.sh
	TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp second_deadlock_stack=1" \
	    SKIMD_BIN=build-tsan/skimd START_SECONDS=60 tests/races/run.sh

# The API suite with every daemon under valgrind memcheck (slow: minutes).
valgrind-test: deps all
	@rm -rf /tmp/skimd-valgrind
	SKIMD_BIN=scripts/valgrind-skimd.sh SKIMD_TEST_TIMEOUT_SCALE=8 tests/api/run.sh
	@if grep -l -E "ERROR SUMMARY: [1-9]|definitely lost: [1-9]|indirectly lost: [1-9]|Invalid (read|write)|uninitialised" /tmp/skimd-valgrind/vg.* 2>/dev/null; then \
	    echo "valgrind found errors (reports above)"; exit 1; \
	else echo "valgrind: no errors, no definite or indirect leaks in $$(ls /tmp/skimd-valgrind | wc -l) daemon runs"; fi

clean:
	rm -rf build build-asan build-tsan

# Feature fragments (evaluation, benchmarks, fuzzing) add their own rules.
-include mk/*.mk
-include $(LIB_OBJ:.o=.d) $(BUILD)/server/main.d
