#!/usr/bin/env bash
# Two runs of the server tests at once must not clean up each other's things: each run's
# folder is its own (mktemp), its PostgreSQL database is named after that folder alone
# (pg_db_name: as distinct as the folders, though PostgreSQL folds names to lower case),
# and a run whose CREATE DATABASE failed (the name taken) drops nothing on its way out.
# psql is a stub here that logs its calls: no cluster is needed. Prints TAP.
set -u
export NAKODO=/bin/true
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

a=$(pg_db_name /tmp/nakodo-server-AbCdEf) b=$(pg_db_name /tmp/nakodo-server-aBcDeF)
check "two folders differing in case name two databases" [ "$a" != "$b" ]
check "each a lower-case PostgreSQL name" bash -c "[[ '$a' =~ ^t_[0-9a-f]+\$ && '$b' =~ ^t_[0-9a-f]+\$ ]]"

mkdir -p "$TMP/bin"
cat >"$TMP/bin/psql" <<'STUB'
#!/bin/sh
echo "$*" >>"$PSQL_LOG"
case "$*" in *"CREATE DATABASE"*) exit 1 ;; esac
exit 0
STUB
chmod +x "$TMP/bin/psql"
export PSQL_LOG="$TMP/psql.log"
: >"$PSQL_LOG"
PATH="$TMP/bin:$PATH" NAKODO_TEST_STORE=postgresql NAKODO_TEST_PG='postgresql:///postgres?host=none' \
	TMPDIR="$TMP" bash -c ". '$here/lib.sh'; echo unreachable" >"$TMP/out" 2>&1
check "a run whose database could not be made stops" bash -c "! grep -q unreachable '$TMP/out'"
check "it tried to make one" grep -q 'CREATE DATABASE t_' "$PSQL_LOG"
check "and dropped none: the name may be another run's" bash -c "! grep -q DROP '$PSQL_LOG'"
check "and removed its own folder only" \
	bash -c "[ -d '$TMP/bin' ] && [ -z \"\$(find '$TMP' -mindepth 1 -maxdepth 1 -name 'nakodo-server-*')\" ]"
echo "1..$n"
[ "$failed" = 0 ]
