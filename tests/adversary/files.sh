#!/bin/bash
# Files readable by others (TAP). The attack: another local user reads the database, its
# WAL (settlements, proposals, seeds, sealed figures) or a key file. Under a permissive
# umask (022, then 000) a case is run through the command and through `nakodo serve`;
# every file nakodo created (database, -wal, -shm, the storage and server key files, a
# receipt with --out, a key file from keygen, an SVG from analyze) must be 0600 and
# every folder it created 0700. A database an earlier nakodo left 0644 is made private
# when it is opened.
set -u
. "$(dirname "$0")/../server/lib.sh"
EXAMPLES="$(dirname "$0")/../../examples"
export NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass"
echo "a passphrase for the test" >"$TMP/pass"

# modes DIR: every entry under DIR (not DIR itself) that is not private, one a line.
modes() {
	find "$1" -mindepth 1 \( -type f ! -perm 0600 -o -type d ! -perm 0700 \) \
		-printf '%p %m\n' | sed "s|$1/||"
}

echo "TAP version 13"
for mask in 022 000; do
	dir="$TMP/cli-$mask"
	mkdir -m 700 "$dir"
	db="$dir/cases.db"
	(
		umask "$mask"
		nk() { "$NAKODO" --db "$db" "$@"; }
		id=$(nk case new --currency USD) || exit 1
		nk submit "$id" --as claimant 1000 >/dev/null && nk submit "$id" --as payer 3000 >/dev/null &&
			nk receipt "$id" --as mediator --out "$dir/receipt.json" >/dev/null &&
			nk server-key >/dev/null &&
			"$NAKODO" keygen --out "$dir/party.key" >/dev/null 2>&1 &&
			"$NAKODO" analyze "$EXAMPLES/agenda-1962.json" "$EXAMPLES/agenda-1962-korea.json" \
				"$EXAMPLES/agenda-1962-japan.json" --svg "$dir/frontier.svg" >/dev/null
	)
	is "umask $mask: a case through the command ran" "$?" 0
	for f in cases.db cases.db.key cases.db.server-key receipt.json party.key frontier.svg; do
		check "umask $mask: the command made $f" test -f "$dir/$f"
	done
	is "umask $mask: every file the command made is 0600" "$(modes "$dir")" ""

	# The server keeps the database open: its -wal and -shm are there to look at.
	sdir="$TMP/srv-$mask"
	mkdir -m 700 "$sdir"
	DB="sqlite:$sdir/srv.db"
	OP="" STARTS=0
	: >"$TMP/server.log"
	(umask "$mask"; start_server; echo "$SERVER_PID $PORT $OP" >"$TMP/started")
	read -r SERVER_PID PORT OP <"$TMP/started"
	URL="http://127.0.0.1:$PORT"
	check "umask $mask: the server started" test -n "$PORT"
	new_case
	req f "$CT" POST "/v1/cases/$CASE/figures" '{"amount":100000}' >/dev/null
	is "umask $mask: the server settles" "$(req f "$PT" POST "/v1/cases/$CASE/figures" \
		'{"amount":300000}')" 200
	(umask "$mask"; NAKODO_SERVER=$URL NAKODO_TOKEN=$MT "$NAKODO" receipt "$CASE" --as mediator \
		--out "$sdir/receipt.json" >/dev/null)
	for f in srv.db srv.db-wal srv.db-shm srv.db.key srv.db.server-key receipt.json; do
		check "umask $mask: serving made $f" test -f "$sdir/$f"
	done
	is "umask $mask: every file of the running server is 0600" "$(modes "$sdir")" ""
	stop_server
	is "umask $mask: and after it stopped" "$(modes "$sdir")" ""
done

# A database left readable by an earlier nakodo is made private on open.
old="$TMP/cli-022/cases.db"
chmod 0644 "$old" "$old.key"
"$NAKODO" --db "$old" case list >/dev/null 2>&1
is "an existing 0644 database and key file are made private when opened" \
	"$(stat -c '%a' "$old" "$old.key" | tr '\n' ' ')" "600 600 "
echo "1..$n"
exit $((failed > 0))
