#!/bin/sh
# Shipping (issue 16): version, help, man page, protected mode, --listen
# names, `make install` into a staged root run from elsewhere, SIGHUP
# re-tagging, build hardening and flags stamp, the systemd unit, `make deb`
# and lintian. Tools come from scripts/install-deps.sh (make deps).
cd "$(dirname "$0")/../.." || exit 1
exec node tests/ship/ship.js
