# Shared by the server's black-box tests: TAP helpers, starting the real `nakodo serve`
# on a free loopback port (127.0.0.1 only), waiting for /healthz, stopping it, and curl
# wrappers that record every answer. Every loop is bounded in count and time.

: "${NAKODO:?set NAKODO to the nakodo binary}"
for tool in curl jq; do
	command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool is not installed"; exit 0; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nakodo-server-XXXXXX")
n=0
failed=0
SERVER_PID=""
PG_DB=""
trap 'stop_server; drop_pg_db; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT

# pg_db_name DIR: the database of the run whose folder is DIR, "t_" and the hex of its
# mktemp suffix: as distinct as the folders (PostgreSQL folds unquoted names to lower
# case, so "AbC" and "aBc" must not both become "abc").
pg_db_name() {
	printf 't_%s' "$(printf '%s' "${1##*-}" | od -An -tx1 | tr -d ' \n')"
}

# The store the suite runs on: NAKODO_TEST_STORE=sqlite (the default) or postgresql, a
# database of its own in the cluster tests/pg/cluster.sh runs (NAKODO_TEST_PG), with its
# keys in $TMP/keys. Without the cluster a postgresql run fails; it never skips.
case "${NAKODO_TEST_STORE:-sqlite}" in
sqlite) DB="sqlite:$TMP/srv.db" ;;
postgresql)
	if [ -z "${NAKODO_TEST_PG:-}" ]; then
		echo "1..1"
		echo "not ok 1 - NAKODO_TEST_PG is not set: run through tests/pg/cluster.sh (make check does)"
		exit 1
	fi
	# named after this run's folder alone, and dropped only once this run made it: a
	# name another run made is never this run's to drop
	pg_name=$(pg_db_name "$TMP")
	psql -q "$NAKODO_TEST_PG" -c "CREATE DATABASE $pg_name" >/dev/null || exit 1
	PG_DB=$pg_name
	DB=${NAKODO_TEST_PG/\/\/\/postgres\?/\/\/\/$PG_DB?}
	export NAKODO_KEYS="$TMP/keys"
	;;
*) echo "NAKODO_TEST_STORE: sqlite or postgresql" >&2; exit 2 ;;
esac
drop_pg_db() {
	[ -n "$PG_DB" ] && psql -q "$NAKODO_TEST_PG" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" \
		>/dev/null 2>&1
	return 0
}

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
is() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi; }

# wait_until SECONDS COMMAND...: runs COMMAND every 50 ms until it succeeds (status 0)
# or SECONDS have passed (status 1). A test waits for a condition, never for a fixed time:
# on a loaded machine (CI, two cores) what takes 50 ms alone can take seconds, so the
# bound is generous; only a behaviour that is broken reaches it.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# start_server [OPTIONS...]: serves $DB; sets PORT, URL and, on first start, OP.
# LISTEN (if set) fixes the address, else a free port is picked; SERVE_EXTRA (if set)
# adds options to every start (a test run again under another configuration). Waits
# (up to 60 s, for a loaded machine) until it answers /healthz; fails if it does not,
# at once if it exits.
start_server() {
	# shellcheck disable=SC2086	# SERVE_EXTRA is a list of options
	"$NAKODO" --db "$DB" serve --listen "${LISTEN:-127.0.0.1:0}" ${SERVE_EXTRA:-} "$@" \
		2>>"$TMP/server.log" &
	SERVER_PID=$!
	wait_until 60 server_listening
	STARTS=$(grep -c '^listening on' "$TMP/server.log")
	PORT=$(grep -o '^listening on http://127.0.0.1:[0-9]*' "$TMP/server.log" | tail -1 | sed 's/.*://')
	URL="http://127.0.0.1:$PORT"
	[ -n "${OP:-}" ] || OP=$(sed -n 's/^operator token: //p' "$TMP/server.log" | head -1)
	wait_until 60 server_answers && kill -0 "$SERVER_PID" 2>/dev/null
}
# start_server's conditions: this start's "listening on" line is in the log, or the
# server has exited; the server answers /healthz, or it has exited.
server_listening() {
	[ "$(grep -c '^listening on' "$TMP/server.log" 2>/dev/null)" -gt "${STARTS:-0}" ] ||
		! kill -0 "$SERVER_PID" 2>/dev/null
}
server_answers() {
	curl -s -o /dev/null --max-time 5 "$URL/healthz" || ! kill -0 "$SERVER_PID" 2>/dev/null
}

# stop_server: SIGTERM, a clean stop waited for (up to 60 s: a loaded machine is slow to
# flush and join), then SIGKILL.
stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill -TERM "$SERVER_PID" 2>/dev/null
	wait_until 60 server_gone
	kill -KILL "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=""
}
server_gone() { ! kill -0 "$SERVER_PID" 2>/dev/null; }

# req NAME TOKEN METHOD PATH [BODY]: one request; the answer (headers and body) goes to
# $TMP/ans/NAME.N (see `last`); prints the status. TOKEN "" sends none, "-" a malformed
# one. Safe inside $(...): the answer's name is kept in a file, not a variable.
mkdir -p "$TMP/ans"
req() {
	local name=$1 token=$2 method=$3 path=$4 body=${5-}
	local out="$TMP/ans/$name.$(date +%s%N)"
	local args=(-s -o "$out" -D "$out.h" -w '%{http_code}' --max-time 10 -X "$method")
	[ "$token" = "-" ] && args+=(-H "Authorization: Bearer not-a-token")
	[ -n "$token" ] && [ "$token" != "-" ] && args+=(-H "Authorization: Bearer $token")
	[ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
	echo "$out" >"$TMP/last"
	curl "${args[@]}" "$URL$path"
}
last() { cat "$TMP/last"; }

# money CENTS: "731,337.77", the major-unit form the command prints.
money() { local m=$(($1 / 100)) c=$(printf '%02d' $(($1 % 100))); echo "$(echo "$m" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta').$c"; }

# leaks_in DIR OWNER:FIGURE...: every file of DIR holding a planted figure (in cents or as
# money prints it) whose name does not begin with OWNER_own, as "FILE:PATTERN ...".
leaks_in() {
	local dir=$1 planted owner fig pat f out=""
	shift
	for planted in "$@"; do
		owner=${planted%%:*}; fig=${planted#*:}
		for pat in "$fig" "$(money "$fig")"; do
			for f in $(grep -rlaF -- "$pat" "$dir"); do
				case $(basename "$f") in "${owner}_own".*) ;; *) out="$out $(basename "$f"):$pat" ;; esac
			done
		done
	done
	echo "${out# }"
}

RULES='{"currency":"USD","rounds":3,"monotone":true,"settle":"midpoint","band_bp":0,"band_amount":0,"grid":1,"hints_bp":[],"range_low":0,"range_high":100000000,"leakage_bits":8.0,"proposals":1}'

# new_case [RULES]: opens a case with the operator's token; sets CASE, CT, PT, MT.
new_case() {
	local status
	status=$(req open "$OP" POST /v1/cases "{\"rules\":${1:-$RULES}}")
	CASE=$(jq -r .case "$(last)"); CT=$(jq -r .tokens.claimant "$(last)")
	PT=$(jq -r .tokens.payer "$(last)"); MT=$(jq -r .tokens.mediator "$(last)")
	[ "$status" = 201 ]
}

# events CASE TOKEN: the number of events in the case's log.
events() { req events "$2" GET "/v1/cases/$1/log" >/dev/null; jq '.events | length' "$(last)"; }

# sreq NAME TOKEN METHOD PATH ROLE KEYFILE: req signed in headers as ROLE with the key
# file (nakodo sign-read; passphrase from $TMP/pass), as a joined role's reads must be.
sreq() {
	local name=$1 token=$2 method=$3 path=$4 case_id
	local out="$TMP/ans/$name.$(date +%s%N)"
	case_id=${path#/v1/cases/}; case_id=${case_id%%/*}
	NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" sign-read "$case_id" --as "$5" --key "$6" \
		"$method" "$path" >"$out.sig" || return 1
	echo "$out" >"$TMP/last"
	curl -s -o "$out" -D "$out.h" -w '%{http_code}' --max-time 10 -X "$method" \
		-H "Authorization: Bearer $token" -H "@$out.sig" "$URL$path"
}

