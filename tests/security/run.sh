#!/bin/sh
# Security limits not covered by tests/api: slow clients, connection limit,
# header/body/JSON-depth caps, API keys never logged, per-client rate limit.
cd "$(dirname "$0")/../.." || exit 1
exec node tests/security/security.js
