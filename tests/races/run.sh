#!/bin/sh
# Race and fault suite: the job model (generations, leases), one daemon
# per file, health under a full disk, a vanished or immutable database, a
# corrupt file, SIGKILL during a refresh storm. Deterministic: fixtures and
# failpoints hold each race in place (tests/races/races.js).
cd "$(dirname "$0")/../.." || exit 1
exec node tests/races/races.js
