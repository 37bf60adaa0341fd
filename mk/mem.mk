# mem.mk -- memory over consecutive read runs (issue 6, docs/memory.md).
#
#   make bench-mem [MEM_RUNS=5] [MEM_IDS=one|random]
#       skimd under wrk MEM_RUNS times on the bench's 10 000-record
#       database (make bench builds it); RSS, anonymous memory and glibc's
#       heaps per arena after each run. Figures printed, no assertions.

MEM_RUNS ?= 5
MEM_IDS  ?= one

.PHONY: bench-mem

bench-mem: bench-tools
	BUILD=$(BUILD) MEM_IDS=$(MEM_IDS) ./tools/bench/mem.sh $(MEM_RUNS)
