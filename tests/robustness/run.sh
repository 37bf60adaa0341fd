#!/bin/sh
# Malformed-input suite: >= 200 bad requests, each a 4xx problem document;
# the daemon stays up and the database is unchanged. Run from the repo root.
cd "$(dirname "$0")/../.." || exit 1
exec node tests/robustness/robustness.js
