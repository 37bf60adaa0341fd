#!/bin/sh
# Run skimd under valgrind memcheck, for the hardening suites:
#   SKIMD_BIN=tests/harness/valgrind-skimd.sh tests/robustness/run.sh
# Each daemon writes VG_LOG_DIR/vg.PID.log (default /tmp/skimd-vg); an
# empty log = no memory error and no definite/indirect leak. The exit code
# is 99 on any of them, which the suites' "clean exit" checks catch.
# SKIMD_REAL_BIN picks the binary (default build/skimd). Valgrind runs one
# thread at a time: give the suites START_SECONDS=120 and the durability
# suite SETTLE_SECONDS=600.
dir=${VG_LOG_DIR:-/tmp/skimd-vg}
mkdir -p "$dir"
exec valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --log-file="$dir/vg.%p.log" "${SKIMD_REAL_BIN:-build/skimd}" "$@"
