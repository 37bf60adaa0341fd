#!/bin/sh
# Durability suite: SIGKILL mid-way through 500 submissions loses nothing;
# SIGTERM under load answers in-flight requests and leaves jobs queued.
cd "$(dirname "$0")/../.." || exit 1
exec node tests/durability/durability.js
