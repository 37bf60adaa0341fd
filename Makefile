# skimd build. `make` builds build/skimd; `make run` installs, builds and
# serves on 127.0.0.1:8080; `make test` installs, builds and runs every test.
#
# One output folder per build type, so that builds never share objects:
#   build/        release (the default)
#   build-asan/   SANITIZER=address,undefined (`make asan`, `make asan-test`)
#   build-tsan/   SANITIZER=thread
#   build-fuzz/   the fuzzing library (mk/hardening.mk)
#   build-deb/    the Debian package's build, PREFIX=/usr (mk/ship.mk)
# A stamp in each folder ($(BUILD)/.flags) holds the compiler and flags its
# objects were made with: changing CC, CFLAGS, CPPFLAGS, LDFLAGS or LDLIBS
# rebuilds everything in that folder. Header dependencies come from -MMD
# for every object, unit test and tool.
#
# Warnings: -Werror is on in a developer's tree (a git checkout, or
# DEVELOPER=1, or CI=true) so that the project's own builds and tests stay
# warning-free; a plain `make` of a release tarball (no .git) keeps them
# warnings, so that a newer compiler's new warning never fails a user's build.
# HARDEN=0 drops the hardening flags (Debian's: fortify, stack protector,
# PIE, full RELRO).

CC       ?= cc
PKGS     := libmicrohttpd jansson libcurl icu-uc icu-i18n sqlite3 friso libpsl libcares libcrypto libxml-2.0 libpq
VERSION  := $(shell sed -n 's/^\#define SKIMD_VERSION "\(.*\)"$$/\1/p' server/version.h)

ifneq ($(wildcard .git),)
DEVELOPER ?= 1
endif
ifeq ($(CI),true)
DEVELOPER ?= 1
endif
DEVELOPER ?= 0
HARDEN    ?= 1

WARN     := -Wall -Wextra -Wshadow -Wconversion -Wno-sign-conversion \
            -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
ifeq ($(DEVELOPER),1)
WARN     += -Werror
endif
OPT      ?= -O2 -g
CPPFLAGS += -I. -D_GNU_SOURCE -MMD -MP
CFLAGS   += -std=c11 $(OPT) $(WARN) -pthread $(shell pkg-config --cflags $(PKGS))
LDLIBS   += $(shell pkg-config --libs $(PKGS)) -lstemmer -lpthread -lm

ifeq ($(HARDEN),1)
CFLAGS   += -fstack-protector-strong -fPIE
LDFLAGS  += -pie -Wl,-z,relro,-z,now
ifndef SANITIZER
# fortify needs optimisation and adds nothing under a sanitizer
CPPFLAGS += -D_FORTIFY_SOURCE=2
endif
endif

comma := ,
ifdef SANITIZER
ifneq ($(filter address%,$(SANITIZER)),)
BUILD    ?= build-asan
else ifeq ($(SANITIZER),thread)
BUILD    ?= build-tsan
else
BUILD    ?= build-san-$(subst $(comma),-,$(SANITIZER))
endif
CFLAGS   += -fsanitize=$(SANITIZER) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZER)
else
BUILD    ?= build
endif

# Where `make install` puts things; DATADIR is compiled into the binary.
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
DATADIR  ?= $(PREFIX)/share/skimd
MANDIR   ?= $(PREFIX)/share/man

SRC_DIRS := server handlers storage storage/sqlite storage/postgres ingest analyze
LIB_SRC  := $(filter-out server/main.c,$(wildcard $(addsuffix /*.c,$(SRC_DIRS))))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/openapi_data.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# The flags stamp, rewritten (at parse time) only when the flags changed.
FLAGS_NOW := $(CC) | $(CPPFLAGS) | $(CFLAGS) | $(LDFLAGS) | $(LDLIBS)
FLAGS     := $(BUILD)/.flags
ifneq ($(file < $(FLAGS)),$(FLAGS_NOW))
$(shell mkdir -p $(BUILD))
$(file > $(FLAGS),$(FLAGS_NOW))
endif
# The data directory has its own stamp: only server/main.o uses it.
ifneq ($(file < $(BUILD)/.datadir),$(DATADIR))
$(shell mkdir -p $(BUILD))
$(file > $(BUILD)/.datadir,$(DATADIR))
endif

.PHONY: all deps run test unit-test api-test asan asan-test tsan tsan-test valgrind-test clean bench eval eval-analysis eval-tags fuzz
all: $(BUILD)/skimd

deps:
	@./scripts/install-deps.sh

$(BUILD)/%.o: %.c $(FLAGS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# The install's data directory is compiled into the entry point only, so
# that the package (mk/ship.mk) links the release library unchanged.
$(BUILD)/server/main.o: CPPFLAGS += -DSKIMD_DATADIR='"$(DATADIR)"'
$(BUILD)/server/main.o: $(BUILD)/.datadir

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

$(BUILD)/gen/openapi_data.o: $(BUILD)/gen/openapi_data.c $(FLAGS)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libskimd.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# LIBSKIMD: `make deb` links build-deb/skimd against the release library
LIBSKIMD ?= $(BUILD)/libskimd.a
$(BUILD)/skimd: $(BUILD)/server/main.o $(LIBSKIMD)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libskimd.a $(FLAGS)
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
tsan:
	$(MAKE) SANITIZER=thread all

tsan-test: deps tsan
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
	rm -rf build build-asan build-tsan build-fuzz build-deb build-san-*

# Feature fragments (evaluation, benchmarks, fuzzing, install and
# packaging) add their own rules.
-include mk/*.mk
# Every dependency file of this build folder: objects, unit tests, tools.
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
