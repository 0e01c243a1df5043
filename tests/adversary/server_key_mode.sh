#!/bin/bash
# Attack (a local user's): the server's signing key countersigns every event and signs
# checkpoints and closing statements, so whoever reads its file can sign receipts in the
# server's name. nakodo makes it 0600, and an open takes other users' access away from
# the database, its -wal/-shm and the storage key beside it when a hand (a restore, a
# copy under umask 022) left them readable; the server key beside the database was left
# as it was (0644 stayed 0644). It is now made private as the storage key is.
set -u
: "${NAKODO:?set NAKODO to the nakodo binary}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nakodo-skmode-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
n=0
failed=0
is() { n=$((n + 1)); if [ "$2" = "$3" ]; then echo "ok $n - $1"; else failed=$((failed + 1)); echo "not ok $n - $1"; echo "# got:  $2"; echo "# want: $3"; fi; }
mode() { stat -c %a "$1"; }

echo "TAP version 13"
DB="sqlite:$TMP/a.db"
"$NAKODO" --db "$DB" case new --currency USD >/dev/null 2>&1
is "a new database's server key is 0600" "$(mode "$TMP/a.db.server-key")" 600
chmod 0644 "$TMP/a.db.server-key" "$TMP/a.db.key"
"$NAKODO" --db "$DB" server-key >/dev/null 2>&1
is "nakodo server-key makes a readable server key private again" \
	"$(mode "$TMP/a.db.server-key")" 600
is "  as it does the storage key beside it" "$(mode "$TMP/a.db.key")" 600
chmod 0640 "$TMP/a.db.server-key"
"$NAKODO" --db "$DB" serve --listen 127.0.0.1:0 2>"$TMP/serve.log" &
pid=$!
for _ in $(seq 1200); do grep -q "^listening on" "$TMP/serve.log" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done	# up to 60 s
kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
is "nakodo serve makes a group-readable server key private" "$(mode "$TMP/a.db.server-key")" 600

echo "1..$n"
[ "$failed" -eq 0 ]
