#!/usr/bin/env bash
# `nakodo serve` with a bad option changes nothing: a malformed --listen was refused only
# after the server's key had been made beside the database (the text was left to the
# server, which the command started after making the key). Each option the server would
# refuse is now refused first, naming the option, and the database's folder stays empty.
# Prints TAP. Needs NAKODO.
. "$(dirname "$0")/edges_lib.sh"
mkdir -p "$TMP/d"

# refused STATUS FIELD OPTIONS...: serve with OPTIONS exits STATUS naming FIELD, and
# leaves no file (database, key, journal) in the folder
refused() {
	local want=$1 field=$2; shift 2
	run "$want" "serve $*" timeout 20 "$NAKODO" --db "sqlite:$TMP/d/srv.db" serve "$@"
	has "  names $field" "^nakodo: $field: " "$TMP/err"
	is "  and makes no file" "$(ls -A "$TMP/d")" ""
}
refused 2 listen --listen 127.0.0.1
refused 2 listen --listen 127.0.0.1:99999
refused 2 listen --listen localhost:8750
refused 2 listen --listen ::1:8750
refused 2 listen --listen '[127.0.0.1]:8750'
refused 2 threads --listen 127.0.0.1:0 --threads 0
refused 2 body-max --listen 127.0.0.1:0 --body-max 10
refused 2 public-url --listen 127.0.0.1:0 --public-url ftp://example.org
lacks "no operator token was printed" "operator token" "$TMP/err"

# the same text served is accepted: the checks refuse no good option
"$NAKODO" --db "sqlite:$TMP/d/srv.db" serve --listen 127.0.0.1:0 --threads 1 \
	--public-url http://127.0.0.1:1 2>"$TMP/served" &
pid=$!
wait_until 60 grep -q '^listening on' "$TMP/served"
check "good options are served" grep -q '^listening on http://127.0.0.1:' "$TMP/served"
kill -TERM "$pid"
wait "$pid"
echo "1..$n"
[ "$failed" -eq 0 ]
