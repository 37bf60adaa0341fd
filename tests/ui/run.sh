#!/bin/sh
# Browser tests: called from the repository root as tests/ui/run.sh, with
# SKIMD_BIN naming the daemon (default build/skimd). Debian's chromium
# (and a CJK font for the screenshots) come from scripts/install-deps.sh,
# run here only when chromium is missing; puppeteer-core and axe-core come
# pinned from the npm registry (npm ci, only when node_modules is missing
# or older than package-lock.json; puppeteer-core downloads no browser).
# Screenshots go to build/ui-screenshots/. Last line: "N passed, N failed".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${SKIMD_BIN:=build/skimd}"
export SKIMD_BIN

if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    "$root/scripts/install-deps.sh" || true
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "ui tests: chromium is not installed (scripts/install-deps.sh installs it)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
stamp="$here/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$here/package-lock.json" -nt "$stamp" ]; then
    (cd "$here" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --silent --no-audit --no-fund >/dev/null) || {
        echo "ui tests: npm ci failed" >&2
        echo "0 passed, 1 failed"
        exit 1
    }
fi
cd "$root"
exec node "$here/main.mjs" "$@"
