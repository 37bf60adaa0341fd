#!/bin/sh
# mem.sh -- where skimd's memory goes over consecutive read runs (issue 6,
# docs/memory.md). Figures printed, nothing asserted. Run from the
# repository root after `make bench` has built the 10 000-record database
# (or any database with records 1..N):
#
#   tools/bench/mem.sh [RUNS]        (RUNS: 5)
#
# Starts skimd like bench part (a), prints the idle state, then runs wrk
# (100 connections, BENCH_SECONDS each) RUNS times and after each run --
# once the daemon has closed wrk's connections -- prints VmRSS, the
# anonymous memory (smaps_rollup), the threads, and, when gdb can attach,
# glibc's heaps: malloc_info(3) called inside the daemon, one figure per
# arena ("a3 196/41" = arena 3 holds 196 KiB of heap, 41 KiB of it free)
# and the chunks malloc mapped on its own.
#
# Environment: BUILD (build), BENCH_DIR (build/bench), MEM_DB (the
# database; $BENCH_DIR/bench-10k.db), BENCH_SECONDS (20), MEM_IDS (one:
# GET /articles/5000 every time, as bench part (a); random: ids 1..MEM_N
# at random, which warms every connection's SQLite page cache), MEM_N
# (10000), MEM_CLOSE=1 (every request on a new connection: wrk sends
# "Connection: close"), READ_FLAGS (--per-ip-connection-limit 200, as
# run.sh).
set -u
BUILD=${BUILD:-build}
BIN=$BUILD/skimd
BENCH_DIR=${BENCH_DIR:-$BUILD/bench}
DB=${MEM_DB:-$BENCH_DIR/bench-10k.db}
RUNS=${1:-5}
SECS=${BENCH_SECONDS:-20}
IDS=${MEM_IDS:-one}
N=${MEM_N:-10000}
CLOSE=${MEM_CLOSE:-0}
READ_FLAGS=${READ_FLAGS---per-ip-connection-limit 200}

for tool in wrk curl node; do
    command -v "$tool" >/dev/null 2>&1 || { echo "mem: $tool is missing (scripts/install-bench-deps.sh)"; exit 1; }
done
[ -x "$BIN" ] || { echo "mem: build $BIN first (make)"; exit 1; }
[ -f "$DB" ] || { echo "mem: no database $DB (make bench builds it)"; exit 1; }

WORK=$(mktemp -d /tmp/skimd-mem.XXXXXX)
PID=""
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
# shellcheck disable=SC2086
"$BIN" serve --listen "127.0.0.1:$PORT" --db "$DB" --workers 2 $READ_FLAGS 2>"$WORK/skimd.log" &
PID=$!
i=0
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -ge 200 ] || ! kill -0 "$PID" 2>/dev/null; then
        echo "mem: skimd did not start:"
        cat "$WORK/skimd.log"
        exit 1
    fi
    sleep 0.1
done
sleep 1

if [ "$IDS" = random ]; then
    cat >"$WORK/ids.lua" <<LUA
request = function()
  return wrk.format(nil, "/articles/" .. math.random(1, $N))
end
LUA
    SCRIPT="-s $WORK/ids.lua"
    WHAT="GET /articles/{random id 1..$N}"
else
    SCRIPT=""
    WHAT="GET /articles/5000"
fi

sockets() {
    find "/proc/$PID/fd" -lname 'socket:*' 2>/dev/null | wc -l
}
IDLE_SOCKS=$(sockets)

# heaps LABEL: glibc's heaps per arena, from malloc_info(3) run in the
# daemon by gdb (nothing printed when gdb is missing or cannot attach)
heaps() {
    command -v gdb >/dev/null 2>&1 || return 0
    xml="$WORK/malloc-$1.xml"
    # shellcheck disable=SC2016  # $f is a gdb variable
    gdb -p "$PID" -batch \
        -ex "set \$f = (void *) fopen(\"$xml\", \"w\")" \
        -ex 'call (int) malloc_info(0, $f)' -ex 'call (int) fclose($f)' >/dev/null 2>&1
    [ -s "$xml" ] || return 0
    awk '
        /<heap nr=/ { match($0, /nr="[0-9]+"/); nr = substr($0, RSTART + 4, RLENGTH - 5); inheap = 1; free = 0 }
        inheap && /<total type="(fast|rest)"/ { match($0, /size="[0-9]+"/); free += substr($0, RSTART + 6, RLENGTH - 7) }
        inheap && /<system type="current"/ { match($0, /size="[0-9]+"/); cur = substr($0, RSTART + 6, RLENGTH - 7) }
        /<\/heap>/ { inheap = 0; line = line sprintf(" a%s %d/%d", nr, cur / 1024, free / 1024) }
        !inheap && /<system type="current"/ { match($0, /size="[0-9]+"/); total = substr($0, RSTART + 6, RLENGTH - 7) }
        !inheap && /<total type="mmap"/ { match($0, /count="[0-9]+"/); mc = substr($0, RSTART + 7, RLENGTH - 8)
                                          match($0, /size="[0-9]+"/); ms = substr($0, RSTART + 6, RLENGTH - 7) }
        END { printf "    malloc heaps %d KiB, mapped chunks %d (%d KiB); KiB per arena, heap/free:%s\n",
                     total / 1024, mc, ms / 1024, line }' "$xml"
}

# snap LABEL: wait (at most 5 s) for wrk's connections to close, then print
snap() {
    i=0
    while [ "$(sockets)" -gt "$IDLE_SOCKS" ] && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    open=$(($(sockets) - IDLE_SOCKS))
    awk -v label="$1" -v open="$open" '
        FILENAME ~ /status$/ && /^VmRSS/ { rss = $2 }
        FILENAME ~ /status$/ && /^VmHWM/ { hwm = $2 }
        FILENAME ~ /status$/ && /^Threads/ { thr = $2 }
        FILENAME ~ /rollup$/ && /^Anonymous/ { anon = $2 }
        END { printf "%-6s VmRSS %6d KiB  anonymous %6d KiB  peak %6d KiB  threads %d%s\n",
                     label, rss, anon, hwm, thr, (open > 0 ? "  (" open " connections still open)" : "") }' \
        "/proc/$PID/status" "/proc/$PID/smaps_rollup"
    heaps "$1"
}

# shellcheck disable=SC2086
run_wrk() {
    if [ "$CLOSE" = 1 ]; then
        wrk -t2 -c100 -d"${SECS}s" -H "Connection: close" $SCRIPT "http://127.0.0.1:$PORT/articles/5000"
    else
        wrk -t2 -c100 -d"${SECS}s" $SCRIPT "http://127.0.0.1:$PORT/articles/5000"
    fi
}
[ "$CLOSE" = 1 ] && WHAT="$WHAT, Connection: close"

echo "== mem: $WHAT, 100 connections, $SECS s, $RUNS runs; database $DB"
snap idle
PREV=""
LAST=$(awk '/^VmRSS/ { print $2 }' "/proc/$PID/status")
r=1
while [ "$r" -le "$RUNS" ]; do
    rps=$(run_wrk | awk '/^Requests\/sec:/ { printf "%.0f", $2 }')
    snap "run$r"
    echo "    ($rps req/s)"
    PREV=$LAST
    LAST=$(awk '/^VmRSS/ { print $2 }' "/proc/$PID/status")
    r=$((r + 1))
done
echo "growth between the last two runs: $((LAST - PREV)) KiB"
