# pg.mk -- the PostgreSQL backend's benchmarks (issue 14). Included by
# the Makefile.
#   make bench-pg    ingest POST -> ready on SQLite and on PostgreSQL with
#                    1, 2 and 4 daemons; read path and tag= at 1 M records
#                    (tools/bench/pg.sh; figures printed, nothing asserted)
.PHONY: bench-pg
bench-pg: deps $(BUILD)/skimd
	BUILD=$(BUILD) ./tools/bench/pg.sh

bench:: bench-pg
