#!/bin/sh
# pg.sh -- the PostgreSQL backend's benchmarks (issue 14). Figures
# printed, nothing asserted. Run from the repository root (make bench-pg;
# make bench runs it too).
#
#   (a) ingest, POST -> ready: PG_PAGES pages (300; the seed page, then web
#       corpus pages, then generated ones) served from memory by a node
#       fixture on loopback, submitted by 8 parallel clients spread over the
#       daemons; SQLite with one daemon, PostgreSQL with 1, 2 and 4 daemons
#       of 2 workers each. Printed: articles/s, the ratio to one PostgreSQL
#       daemon, and the database's own time per article (pg_stat_statements:
#       the statements' execution time summed over the run / articles).
#       All daemons and the server share this machine's cores: the scaling
#       ratio shows contention, not capacity.
#   (b) the read path and tag= at PG_RECORDS records (1 000 000), generated
#       in PostgreSQL with SQL (23 % of records tagged economy, 1 % aviation;
#       as tools/bench_gen.c's shape): p50/p99 on one connection, beside the
#       same queries on the SQLite bench database when tools/bench/run.sh
#       built it ($BENCH_DIR/bench-1m.db).
# Environment: BUILD (build), PG_PAGES (300), PG_RECORDS (1000000),
# PG_PARTS ("a b"), QUERY_SAMPLES (300), SHARED_DIR (../shared).
set -u
BUILD=${BUILD:-build}
BIN=$BUILD/skimd
PAGES=${PG_PAGES:-300}
RECORDS=${PG_RECORDS:-1000000}
PARTS=${PG_PARTS:-a b}
SAMPLES=${QUERY_SAMPLES:-300}
BENCH_DIR=${BENCH_DIR:-$BUILD/bench}
SHARED=${SHARED_DIR:-../shared}
part() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }
[ -x "$BIN" ] || { echo "bench-pg: build $BIN first"; exit 1; }

WORK=$(mktemp -d /tmp/skimd-bench-pg.XXXXXX)
chmod 755 "$WORK"      # the server runs as postgres when we are root
PIDS=""
FIXTURE_PID=""
cleanup() {
    for p in $PIDS $FIXTURE_PID; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    tests/pg/server.sh stop "$WORK/pg" >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
# pg_stat_statements for the database's own time; fsync on, as in production
BASE=$(PG_EXTRA="-c fsync=on -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all" \
       tests/pg/server.sh start "$WORK/pg") || exit 1
uri() { echo "$BASE" | sed "s|:///?|:///$1?|"; }
psqlq() { psql "$1" -qAtc "$2"; }

echo "== skimd PostgreSQL benchmarks, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL $(psqlq "$(uri postgres)" 'SHOW server_version')"

free_port() {
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# start_daemon DB [flags]: appends the port to PORTS
start_daemon() {
    db=$1; shift
    port=$(free_port)
    "$BIN" serve --listen "127.0.0.1:$port" --db "$db" --skip-quick-check "$@" \
        >>"$WORK/skimd.log" 2>&1 &
    PIDS="$PIDS $!"
    for _ in $(seq 1 400); do
        curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
        sleep 0.05
    done
    PORTS="$PORTS $port"
}
stop_daemons() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    PIDS=""
    PORTS=""
}

# ---- (a) ingest --------------------------------------------------------
if part a; then
    node tools/bench/pg_pages.mjs "$SHARED" "$PAGES" "$WORK/pages.port" >"$WORK/pages.log" 2>&1 &
    FIXTURE_PID=$!
    for _ in $(seq 1 200); do [ -s "$WORK/pages.port" ] && break; sleep 0.05; done
    PP=$(cat "$WORK/pages.port")
    echo
    echo "== (a) ingest: $PAGES pages from a loopback fixture, 8 parallel clients, 2 workers per daemon"
    printf '%-26s %10s %12s %10s %16s\n' "backend" "seconds" "articles/s" "vs PG x1" "db ms/article"
    pg1=""
    for cfg in sqlite:1 postgresql:1 postgresql:2 postgresql:4; do
        kind=${cfg%:*}
        n=${cfg#*:}
        PORTS=""
        if [ "$kind" = sqlite ]; then
            db=$WORK/ingest.db
        else
            name="ingest$n"
            psqlq "$(uri postgres)" "CREATE DATABASE $name"
            db=$(uri "$name")
            psqlq "$db" "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
        fi
        i=0
        while [ $i -lt "$n" ]; do
            start_daemon "$db" --workers 2 --allow-host "127.0.0.1:$PP" --fetch-timeout 10
            i=$((i + 1))
        done
        [ "$kind" = postgresql ] && psqlq "$db" "SELECT pg_stat_statements_reset()" >/dev/null
        out=$(node tools/bench/pg_ingest.mjs "$PP" "$PAGES" $PORTS)
        secs=${out%% *}
        rate=$(awk -v s="$secs" -v n="$PAGES" 'BEGIN { printf "%.1f", n / s }')
        ratio="-"
        dbms="-"
        if [ "$kind" = postgresql ]; then
            [ -z "$pg1" ] && pg1=$rate
            ratio=$(awk -v a="$rate" -v b="$pg1" 'BEGIN { printf "%.2f", a / b }')
            dbms=$(psqlq "$db" "SELECT round((sum(total_exec_time) / $PAGES)::numeric, 2) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")
        else
            sqlite_rate=$rate
        fi
        printf '%-26s %10s %12s %10s %16s   %s\n' "$kind x$n" "$secs" "$rate" "$ratio" "$dbms" "${out#* }"
        stop_daemons
    done
    echo "PostgreSQL x1 / SQLite: $(awk -v a="$pg1" -v b="$sqlite_rate" 'BEGIN { printf "%.2f", a / b }') (target >= 0.7)"
fi

# ---- (b) read path and tag= at PG_RECORDS records --------------------------
lat() {   # lat URL: samples p50 p99 max (ms), one connection
    i=0; urls=""
    while [ $i -lt "$SAMPLES" ]; do urls="$urls -o /dev/null $1"; i=$((i + 1)); done
    # shellcheck disable=SC2086
    curl -s --max-time 600 -w '%{time_total} %{http_code}\n' $urls | sort -n | awk '
        { v[NR] = $1 * 1000; if ($2 != 200) bad++ }
        END { k = int(NR * 0.99) + 1; if (k > NR) k = NR
              printf "%d %.3f %.3f %.3f%s\n", NR, v[int(NR * 0.5) + 1], v[k], v[NR], bad ? " non-200 " bad : "" }'
}
queries() {   # queries PORT LABEL
    for q in "articles/$((RECORDS / 2))" "articles?tag=economy&limit=20" "articles?tag=aviation&limit=20" \
             "articles?tag=no-such-tag&limit=20" "articles?limit=20"; do
        printf '%-12s %-36s %s\n' "$2" "/$q" "$(lat "http://127.0.0.1:$1/$q")"
    done
}
if part b; then
    echo
    echo "== (b) read path and tag= at $RECORDS records, one connection, $SAMPLES requests each"
    db=$(uri bench1m)
    psqlq "$(uri postgres)" "CREATE DATABASE bench1m"
    PORTS=""
    start_daemon "$db" --workers 1      # the schema and the taxonomy fingerprint
    stop_daemons
    t0=$(date +%s)
    psql "$db" -q -v n="$RECORDS" -f tools/bench/pg_gen.sql
    echo "generated in $(( $(date +%s) - t0 )) s: $(psqlq "$db" "SELECT pg_size_pretty(pg_database_size(current_database()))")"
    start_daemon "$db" --workers 1
    printf '%-12s %-36s %s\n' "backend" "request" "samples p50 p99 max (ms)"
    queries "${PORTS# }" postgresql
    stop_daemons
    if [ -f "$BENCH_DIR/bench-1m.db" ] && [ "$RECORDS" = 1000000 ]; then
        start_daemon "$BENCH_DIR/bench-1m.db" --workers 1
        queries "${PORTS# }" sqlite
        stop_daemons
    else
        echo "(no SQLite 1 M database in $BENCH_DIR: tools/bench/run.sh part b builds it)"
    fi
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
