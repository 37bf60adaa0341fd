#!/bin/sh
# Run every test suite and print one closing line "N passed, N failed".
#   unit: every $BUILD/tests/test_* (cmocka), run from the repository root
#   end-to-end: every tests/<suite>/run.sh (api, security, robustness, ...),
#         each against daemons it starts ($BUILD/skimd)
# Exits non-zero when anything failed (a crashed binary counts as a failure).
set -u
BUILD=${BUILD:-build}
pass=0
fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    case "$t" in *.d|*.o) continue ;; esac
    "$t" >"$log" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    p=${p:-0}
    f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1                       # crashed or sanitizer report
    fi
    if [ "$f" -ne 0 ]; then
        echo "---- $t failed:"
        cat "$log"
    else
        echo "ok   $t ($p)"
    fi
    pass=$((pass + p))
    fail=$((fail + f))
done

# End-to-end suites: each tests/<suite>/run.sh starts what it needs and
# prints its own "N passed, N failed" closing line.
for suite in tests/*/run.sh; do
    [ -x "$suite" ] || continue
    echo "---- $suite"
    SKIMD_BIN=${SKIMD_BIN:-$BUILD/skimd} "$suite" >"$log" 2>&1
    rc=$?
    cat "$log"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.*passed, \([0-9]*\) failed$/\1/p')
    p=${p:-0}
    f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
    fi
    pass=$((pass + p))
    fail=$((fail + f))
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
