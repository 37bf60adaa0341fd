#!/bin/sh
# Install the Debian packages skimd needs to build, run and test
# (groff-base, man-db, lintian: tests/ship checks the man page and the
# package that `make deb` builds).
# Idempotent: when everything is present it prints nothing and touches
# nothing. Needs root (or sudo) only when something is missing.
set -eu

PKGS="build-essential pkg-config
libmicrohttpd-dev libjansson-dev libsqlite3-dev libcurl4-openssl-dev libc-ares-dev
zlib1g-dev libicu-dev libfriso-dev friso-dict libstemmer-dev libcmocka-dev libpsl-dev
libssl-dev libxml2-dev libpq-dev
sqlite3 postgresql curl nodejs npm
chromium fonts-wqy-microhei
groff-base man-db lintian"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
# A machine may have node from elsewhere (nvm, tarball): that is fine.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    missing=$(echo "$missing" | tr ' ' '\n' | grep -v -x -e nodejs -e npm | tr '\n' ' ')
fi
missing=$(echo "$missing" | tr -s ' ')
[ -z "${missing# }" ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
