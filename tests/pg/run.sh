#!/bin/sh
# The PostgreSQL backend: a throw-away server (tests/pg/server.sh) for
# the whole run; the API, robustness, durability and security suites
# against it (every daemon on a database of its own), then the
# several-daemons suite (tests/pg/multi.js). One closing line "N passed,
# N failed" for all.
set -u
cd "$(dirname "$0")/../.." || exit 1
dir=$(mktemp -d /tmp/skimd-pg-XXXXXX)
trap 'tests/pg/server.sh stop "$dir"' EXIT INT TERM
base=$(tests/pg/server.sh start "$dir") || { echo "0 passed, 1 failed"; exit 1; }
export SKIMD_TEST_PG="$base"
log=$(mktemp)
pass=0
fail=0
for suite in "tests/api/run.sh" "tests/robustness/run.sh" "tests/durability/run.sh" \
             "tests/security/run.sh" "node tests/pg/multi.js"; do
    echo "---- $suite (PostgreSQL)"
    $suite >"$log" 2>&1
    rc=$?
    cat "$log"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.*passed, \([0-9]*\) failed$/\1/p')
    p=${p:-0}
    f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    pass=$((pass + p))
    fail=$((fail + f))
done
rm -f "$log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
