#!/bin/sh
# The contract lints clean with the pinned Redocly CLI (from the npm
# registry; cached by npx after the first run).
cd "$(dirname "$0")/../.." || exit 1
if out=$(npx -y @redocly/cli@2.77.0 lint openapi.yaml 2>&1); then
    echo "ok   openapi.yaml lints clean (redocly 2.77.0)"
    echo "1 passed, 0 failed"
else
    echo "$out"
    echo "0 passed, 1 failed"
    exit 1
fi
