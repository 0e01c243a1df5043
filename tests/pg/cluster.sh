#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL cluster: `make check` runs the whole test
# suite through it, and one test runs the same way:
#   tests/pg/cluster.sh meson test -C build --print-errorlogs store
# initdb into a new temporary folder (as the unprivileged user `postgres` when run as
# root, since PostgreSQL refuses to run as root), listening on a Unix socket in that
# folder only (no TCP port), trust authentication (the folder is 0700: only its owner
# and root reach the socket), fsync off (a test cluster dies with its tests). The
# command gets, in its environment:
#   NAKODO_TEST_PG      a libpq URI of the cluster's database `postgres`, superuser
#   NAKODO_TEST_PGCTL   this script's path: `$NAKODO_TEST_PGCTL stop|start` stops
#                       (immediately, as a crash would) and starts the cluster again
# The cluster is stopped and its folder removed when the command ends, whatever its
# outcome, and on INT/TERM. If the cluster cannot start, this fails (status 1) without
# running the command: the PostgreSQL tests are never skipped.
set -u

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pgctl() {	# start|stop, with NAKODO_TEST_PGDIR set
	local dir=${NAKODO_TEST_PGDIR:?NAKODO_TEST_PGDIR is not set}
	case "$1" in
	stop) as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null ;;
	start) as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
		-o "-c listen_addresses='' -k $dir -c fsync=off -c max_connections=400" \
		start >/dev/null ;;
	*) echo "cluster.sh: $1: use stop or start" >&2; return 2 ;;
	esac
}

if [ "${1:-}" = stop ] || [ "${1:-}" = start ]; then
	pgctl "$1"
	exit $?
fi
if [ $# -eq 0 ]; then
	echo "usage: $0 COMMAND [ARG...]   (runs COMMAND beside a throwaway PostgreSQL)" >&2
	exit 2
fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
	echo "cluster.sh: no PostgreSQL server (Debian package postgresql) under" \
	     "/usr/lib/postgresql: the PostgreSQL tests cannot run" >&2
	exit 1
fi
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
	echo "cluster.sh: running as root, but there is no user postgres to run the" \
	     "cluster as (Debian's postgresql package makes it)" >&2
	exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/nakodo-pg.XXXXXX") || exit 1
export NAKODO_TEST_PGDIR=$dir
cleanup() {
	pgctl stop 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 0700 "$dir"
[ "$(id -u)" = 0 ] && chown postgres: "$dir"
if ! as_owner "$bin/initdb" -D "$dir/data" -U nakodo --auth=trust -E UTF8 --no-sync \
	>"$dir/initdb.log" 2>&1; then
	echo "cluster.sh: initdb failed:" >&2
	cat "$dir/initdb.log" >&2
	exit 1
fi
if ! pgctl start; then
	echo "cluster.sh: the PostgreSQL cluster did not start:" >&2
	cat "$dir/log" >&2 2>/dev/null
	exit 1
fi
export NAKODO_TEST_PG="postgresql:///postgres?host=$dir&user=nakodo"
export NAKODO_TEST_PGCTL=$(cd "$(dirname "$0")" && pwd)/cluster.sh
# in the background, so that a signal to this script stops the command and then the
# cluster at once (a shell runs its traps only once its foreground command has ended)
"$@" <&0 &
child=$!
trap 'kill -TERM $child 2>/dev/null; wait $child; exit 130' INT TERM
wait $child
