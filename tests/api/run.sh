#!/bin/sh
# API tests: called from the repository root as tests/api/run.sh, with
# SKIMD_BIN naming the daemon (default build/skimd). Installs the pinned
# npm dependencies (npm ci) only when node_modules is missing or older than
# package-lock.json, then runs the suite; the last line reads
# "N passed, N failed" and the exit status is non-zero on any failure.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${SKIMD_BIN:=build/skimd}"
export SKIMD_BIN

if ! command -v node >/dev/null 2>&1; then
    echo "api tests: node is not installed (make deps installs it)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
stamp="$here/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$here/package-lock.json" -nt "$stamp" ]; then
    (cd "$here" && npm ci --silent --no-audit --no-fund >/dev/null) || {
        echo "api tests: npm ci failed" >&2
        echo "0 passed, 1 failed"
        exit 1
    }
fi
cd "$root"
exec node "$here/main.mjs" "$@"
