#!/bin/sh
# Run build/skimd under valgrind memcheck; used as SKIMD_BIN by
# `make valgrind-test`. Each daemon writes its report to
# $VALGRIND_DIR/vg.<pid>; the target fails when any report shows errors
# or definite/indirect leaks.
: "${VALGRIND_DIR:=/tmp/skimd-valgrind}"
mkdir -p "$VALGRIND_DIR"
exec valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
     --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
     --log-file="$VALGRIND_DIR/vg.%p" "$(dirname "$0")/../build/skimd" "$@"
