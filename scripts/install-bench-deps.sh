#!/bin/sh
# Install what `make bench` needs on top of scripts/install-deps.sh: wrk
# (load generator) and nginx-light (the static-file upper bound and the
# ingest fixture server). Only `make bench` runs this; `make test` never
# does. Idempotent: prints nothing when everything is present.
set -eu

PKGS="wrk nginx-light sqlite3 curl"
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
# any nginx flavour will do
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
    missing=$(echo "$missing" | tr ' ' '\n' | grep -v -x nginx-light | tr '\n' ' ')
fi
missing=$(echo "$missing" | tr -s ' ')
[ -z "${missing# }" ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-bench-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
