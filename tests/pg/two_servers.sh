#!/usr/bin/env bash
# Two `nakodo serve` on one PostgreSQL database (issue 14): CASES cases (200) opened
# through the first; in each, the claimant submits through one server and the payer
# through the other at the same instant (every case's pair sent together, BATCH cases
# at a time). Then: every round was evaluated exactly once, every log folds (the local
# command reads and checks each one), both servers brief every case the same, the
# record holds each settled case once, and only one operator token was made.
# Needs the cluster of tests/pg/cluster.sh (NAKODO_TEST_PG); run with
# NAKODO_TEST_STORE=postgresql (meson does).
set -u
. "$(dirname "$0")/../server/lib.sh"

CASES=${CASES:-200}
BATCH=${BATCH:-25}
if [ "${NAKODO_TEST_STORE:-}" != postgresql ]; then
	echo "1..1"; echo "not ok 1 - NAKODO_TEST_STORE=postgresql needed"; exit 1
fi
echo "1..9"

PID_A=""
finish() {
	kill -TERM $PID_A 2>/dev/null; wait $PID_A 2>/dev/null
	stop_server
	drop_pg_db
	[ -n "${KEEP:-}" ] || rm -rf "$TMP"
}
trap finish EXIT
start_server --threads 4 ||
	{ not_ok "the first server starts" "$(tail -5 "$TMP/server.log")"; exit 1; }
PID_A=$SERVER_PID
URL_A=$URL
SERVER_PID=""
start_server --threads 4 ||
	{ not_ok "the second server starts" "$(tail -5 "$TMP/server.log")"; exit 1; }
URL_B=$URL
ok "two servers on one database ($URL_A, $URL_B)"
is "one of them made the operator's token" "$(grep -c '^operator token:' "$TMP/server.log")" 1

# open the cases through A; keep each case's tokens
: >"$TMP/cases"
URL=$URL_A
for i in $(seq "$CASES"); do
	new_case || break
	echo "$CASE $CT $PT $MT" >>"$TMP/cases"
done
is "$CASES cases opened" "$(wc -l <"$TMP/cases")" "$CASES"

# one round each: even cases settle (the offer reaches the demand), odd ones fail
submit() {	# URL TOKEN CASE AMOUNT OUT
	curl -s -o "$5" -w '%{http_code}\n' --max-time 30 -H "Authorization: Bearer $2" \
		-H 'Content-Type: application/json' --data-binary "{\"amount\":$4,\"round\":1}" \
		"$1/v1/cases/$3/figures" >"$5.code"
}
mkdir -p "$TMP/sub"
i=0
pids=()	# the submissions only: a bare `wait` would wait for the servers too
while read -r case ct pt mt; do
	i=$((i + 1))
	if [ $((i % 2)) = 0 ]; then claim=5000; offer=7000; else claim=9000; offer=3000; fi
	submit "$URL_A" "$ct" "$case" "$claim" "$TMP/sub/$case.c" & pids+=($!)
	submit "$URL_B" "$pt" "$case" "$offer" "$TMP/sub/$case.p" & pids+=($!)
	if [ $((i % BATCH)) = 0 ]; then wait "${pids[@]}"; pids=(); fi
done <"$TMP/cases"
[ ${#pids[@]} = 0 ] || wait "${pids[@]}"
is "every submission was acknowledged (200)" \
	"$(cat "$TMP"/sub/*.code | sort | uniq -c | sed 's/^ *//')" "$((2 * CASES)) 200"

# each case's log, through each server, and through the local command (which checks the
# chain of every event and the server's countersignature)
bad_once="" bad_fold="" bad_same="" settled=0
while read -r case ct pt mt; do
	req la "$mt" GET "/v1/cases/$case/log" >/dev/null
	rounds=$(jq '[.events[] | select(.type == "round")] | length' "$(last)")
	jq -e '.events | any(.type == "settled")' "$(last)" >/dev/null && settled=$((settled + 1))
	[ "$rounds" = 1 ] || bad_once="$bad_once $case:$rounds"
	"$NAKODO" --db "$DB" log "$case" >/dev/null 2>"$TMP/fold.err" || bad_fold="$bad_fold $case"
	URL=$URL_A; req ba "$mt" GET "/v1/cases/$case/brief" >/dev/null; a=$(jq -S . "$(last)")
	URL=$URL_B; req bb "$mt" GET "/v1/cases/$case/brief" >/dev/null; b=$(jq -S . "$(last)")
	[ "$a" = "$b" ] && [ -n "$a" ] || bad_same="$bad_same $case"
	URL=$URL_A
done <"$TMP/cases"
is "every case's round was evaluated exactly once" "${bad_once:-none}" none
is "every log folds and its chain checks" "${bad_fold:-none}" none
is "both servers brief every case the same" "${bad_same:-none}" none
is "half the cases settled" "$settled" "$((CASES / 2))"
# the record: one entry per settled case, numbered without a gap, whichever server ended it
entries=$(psql -At "${DB}" -c "SELECT count(*) || ' ' || count(DISTINCT case_id) || ' ' ||
	coalesce(max(idx) + 1, 0) FROM record")
is "the record holds each settled case once, numbered 0 to n-1" "$entries" \
	"$settled $settled $settled"
exit $((failed > 0))
