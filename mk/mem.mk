# mem.mk -- memory over consecutive read runs (issue 6, docs/memory.md).
#
#   make bench-mem [MEM_RUNS=5] [MEM_IDS=one|random] [HOSTILE_WORKERS=1,2]
#       (1) the five hostile 10 MiB page shapes of issue 12 posted to one
#       daemon per worker count in HOSTILE_WORKERS: peak RSS per page and
#       RSS after its job, against the idle RSS after a warm-up
#       (tools/bench/hostile_mem.mjs); then (2) skimd under wrk MEM_RUNS
#       times on the bench's 10 000-record database (make bench builds
#       it); RSS, anonymous memory and glibc's heaps per arena after each
#       run. Figures printed, no assertions.

MEM_RUNS ?= 5
MEM_IDS  ?= one
HOSTILE_WORKERS ?= 1,2

.PHONY: bench-mem

bench-mem: bench-tools
	HOSTILE_WORKERS=$(HOSTILE_WORKERS) node tools/bench/hostile_mem.mjs $(BUILD)/skimd
	BUILD=$(BUILD) MEM_IDS=$(MEM_IDS) ./tools/bench/mem.sh $(MEM_RUNS)
