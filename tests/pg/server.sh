#!/bin/sh
# A throw-away PostgreSQL server for the tests, from Debian's packages:
#   tests/pg/server.sh start DIR   initdb + pg_ctl start in DIR, listening
#                                  only on a unix socket in DIR (no TCP);
#                                  prints the base URI, e.g.
#                                  postgresql:///?host=DIR&user=postgres
#   tests/pg/server.sh stop DIR    stop it and remove DIR
# As root (CI), the server runs as the "postgres" user the package made.
# PG_EXTRA adds server options (the benchmark's pg_stat_statements).
# Authentication is "trust" over the socket: only this machine's users
# reach it, and only for the length of the test run.
set -eu
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found (make deps installs postgresql)" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "$cmd" in
start)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    user=$(if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi)
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U "$user" -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # no TCP at all; a socket in DIR; enough connections for several
    # daemons with their pools
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=1000 -c fsync=off -c synchronous_commit=on ${PG_EXTRA:-}" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql:///?host=$dir&user=$user"
    ;;
stop)
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
