#!/usr/bin/env bash
# Two `nakodo serve` on one PostgreSQL database: a case with a deadline opened through
# the second server, which then stops, still closes on time by the first server's timer
# (its keeper looks for cases opened elsewhere: src/server/deadlines_scan.c), a case of
# figures and a package case alike, with no request on either. The clock is the file
# NAKODO_TEST_CLOCK names (NAKODO is the test build). Needs the cluster of
# tests/pg/cluster.sh (NAKODO_TEST_PG); run with NAKODO_TEST_STORE=postgresql.
set -u
. "$(dirname "$0")/../server/lib.sh"

if [ "${NAKODO_TEST_STORE:-}" != postgresql ]; then
	echo "1..1"; echo "not ok 1 - NAKODO_TEST_STORE=postgresql needed"; exit 1
fi
export NAKODO_TEST_CLOCK="$TMP/clock"
T0=1800000000000			# 2027-01-15T08:00:00Z
DEADLINE=2027-01-20T08:00:00Z		# T0 + 5 days
echo "$T0" >"$NAKODO_TEST_CLOCK"
echo "1..6"

start_server || { not_ok "the first server starts" "$(tail -5 "$TMP/server.log")"; exit 1; }
PID_A=$SERVER_PID
SERVER_PID=""
start_server || { not_ok "the second server starts" "$(tail -5 "$TMP/server.log")"; exit 1; }
ok "two servers on one database"

# both opened through the second server, which the first has not seen
new_case "${RULES%\}},\"deadline\":\"$DEADLINE\"}"
is "a case of figures with a deadline opens through the second server" "$?" 0
FIG=$CASE
FRAME='{"currency":"USD","components":["grant","loan"],"solution":"nash","rounds":2,'
FRAME+="\"monotone\":true,\"hints\":\"none\",\"deadline\":\"$DEADLINE\"}"
is "and a package case with one" "$(req open "$OP" POST /v1/cases "{\"package\":$FRAME}")" 201
PKG=$(jq -r .case "$(last)")
stop_server
SERVER_PID=$PID_A	# lib.sh's clean-up stops the first
ok "the second server stops: only the first can keep the deadlines"

echo $((T0 + 5 * 86400000 + 1000)) >"$NAKODO_TEST_CLOCK"
# read through the database by `log`, which keeps no deadlines: a closing seen there is
# the first server's timer's (its look comes every 10 s of real time)
closed() {
	"$NAKODO" --db "$DB" --json log "$1" 2>/dev/null |
		jq '[.events[] | select(.type == "closed")] | length'
}
for _ in $(seq 300); do
	[ "$(closed "$FIG")" = 1 ] && [ "$(closed "$PKG")" = 1 ] && break
	sleep 0.1
done
is "the first server's timer closes the case of figures opened elsewhere" "$(closed "$FIG")" 1
is "and the package case" "$(closed "$PKG")" 1
