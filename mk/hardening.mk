# hardening.mk -- fuzzing and benchmarks (issue 6). Included by the Makefile.
#
#   make fuzz [FUZZ_SECONDS=60]   libFuzzer: request-body validator, URL normalisation
#   make bench                    read path (wrk vs nginx), list/search at 10k and 1M,
#                                 ingest throughput, memory; figures printed, no assertions
#
# The fuzz build lives in build-fuzz/: the library objects are compiled by
# clang with SANITIZER=fuzzer-no-link,address,undefined (the Makefile's own
# sanitizer switch) and each harness links them with -fsanitize=fuzzer.
# Other fragments add their own harnesses to `fuzz::` with the same sub-make.

FUZZ_SECONDS ?= 60
FUZZ_DIR     := build-fuzz
FUZZ_CFLAGS   = -std=c11 -O1 -g $(WARN) -pthread $(shell pkg-config --cflags $(PKGS)) \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
FUZZ_HARDENING := $(FUZZ_DIR)/tools/fuzz_request $(FUZZ_DIR)/tools/fuzz_url

.PHONY: fuzz-lib fuzz-hardening bench-hardening bench-tools

# Warnings only clang 14 has (gcc's build is the -Werror gate) stay
# warnings here, so that they never block fuzzing:
# -Wstring-concatenation (storage/schema.c migrations), -Wformat-nonliteral.
FUZZ_NOERROR := -Wno-error=string-concatenation -Wno-error=format-nonliteral

fuzz-lib:
	env CFLAGS="$(FUZZ_NOERROR)" $(MAKE) BUILD=$(FUZZ_DIR) CC=clang \
	    SANITIZER=fuzzer-no-link,address,undefined $(FUZZ_DIR)/libskimd.a

$(FUZZ_HARDENING): $(FUZZ_DIR)/tools/fuzz_%: tools/fuzz_%.c $(FUZZ_DIR)/libskimd.a
	@mkdir -p $(dir $@)
	clang -I. -D_GNU_SOURCE -MMD -MP $(FUZZ_NOERROR) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_DIR)/libskimd.a $(LDLIBS)

# One harness: a writable working corpus seeded from the committed one,
# crashes kept under build-fuzz/crashes/. Prints libFuzzer's final stats.
define run_fuzzer
	@mkdir -p $(FUZZ_DIR)/corpus/$(1) $(FUZZ_DIR)/crashes
	@echo "== fuzz $(1): $(FUZZ_SECONDS) s"
	@rc=0; $(FUZZ_DIR)/tools/fuzz_$(1) -max_total_time=$(FUZZ_SECONDS) -max_len=$(2) \
	    -print_final_stats=1 -dict=tests/fuzz/$(1).dict \
	    -artifact_prefix=$(FUZZ_DIR)/crashes/$(1)- \
	    $(FUZZ_DIR)/corpus/$(1) tests/fuzz/$(1) >$(FUZZ_DIR)/fuzz_$(1).log 2>&1 || rc=$$?; \
	 grep -E '^(stat::|SUMMARY|INFO: seed|Done [0-9]+ runs|==[0-9]+==ERROR|artifact_prefix|Test unit written)' \
	    $(FUZZ_DIR)/fuzz_$(1).log; \
	 echo "fuzz $(1): exit $$rc (log $(FUZZ_DIR)/fuzz_$(1).log)"; exit $$rc
endef

fuzz-hardening: fuzz-lib
	$(MAKE) $(FUZZ_HARDENING)
	$(call run_fuzzer,request,65536)
	$(call run_fuzzer,url,8192)

fuzz:: fuzz-hardening

# Header dependencies of the harnesses built here from the top-level make
# (the library's own come with its sub-make's BUILD=build-fuzz).
-include $(wildcard $(FUZZ_DIR)/*.d $(FUZZ_DIR)/tools/*.d)

# --- benchmarks -------------------------------------------------------

$(BUILD)/bench_gen: tools/bench_gen.c $(BUILD)/libskimd.a
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libskimd.a $(LDLIBS)

bench-tools: $(BUILD)/skimd $(BUILD)/bench_gen

# wrk and nginx are only needed here: installed by their own script, never
# by `make test`.
bench-hardening: bench-tools
	./scripts/install-bench-deps.sh
	BUILD=$(BUILD) ./tools/bench/run.sh

bench:: bench-hardening
