#!/usr/bin/env bash
# A read of a blind case's relay held by the server answers as soon as what it waits for
# can no longer come (src/server/relay.c): when the round ends while the read is on its
# way (after the server checked the case, before it held the read), and when the
# mediator closes the case. Before, the first read was held until its wait ran out (up to
# 20 s) and the second until the client's own wait did. Prints TAP. Needs NAKODO
# (nakodo-test: NAKODO_TEST_RELAY_READ_PAUSE and NAKODO_TEST_BLIND_OUTCOME_DELAY), curl
# and jq.
. "$(dirname "$0")/../server/lib.sh"
. "$(dirname "$0")/blind_lib.sh"
ms() { echo $(( $(date +%s%N) / 1000000 )); }
# every read of a round's end pauses 800 ms between its check of the case and its look
# at the relay: the other side's outcome, given 200 ms after this side's, ends the round
# in between
export NAKODO_TEST_RELAY_READ_PAUSE=800
start_server || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }
unset NAKODO_TEST_RELAY_READ_PAUSE
blind_case "$(echo "$RULES" | jq -c '.rounds = 2')"
is "a blind case opens and both parties join" "$?" 0
for round in 1 2; do	# round 1 ends with no deal (the next opens), round 2 settles
	late_claimant 200 $((100000 - 20000 * round)) $((30000 + 20000 * round))
	is "round $round: both clients end well" "$CRC $PRC" "0 0"
	check "round $round: the payer gave its outcome first and waited for the other's" \
		grep -q "waiting for the claimant's client to give its outcome" "$TMP/payer.err"
	check "round $round: its read, on its way when the round ended, answered at once ($GAP ms)" \
		test "$GAP" -lt 3000
done
# the claimant alone, waiting for the payer's hello in a held read; the mediator closes
blind_case "$RULES"
{ sub "$CT" claimant 90000 60; echo "$? $(ms)" >"$TMP/claimant.end"; } &
c=$!
for _ in $(seq 100); do grep -q "waiting for the payer" "$TMP/claimant.err" 2>/dev/null && break
	sleep 0.05; done
sleep 1.5	# its read is held now, for up to 20 s
t0=$(ms)
is "the mediator closes the case while the claimant waits" \
	"$(req close "$MT" POST "/v1/cases/$CASE/close" '{}')" 200
wait "$c"
read -r crc cend <"$TMP/claimant.end"
check "  the claimant's run ends with an error" test "$crc" != 0
check "  saying the case is closed" grep -q "closed" "$TMP/claimant.err"
check "  at once, its held read answered ($((cend - t0)) ms after the close)" \
	test $((cend - t0)) -lt 5000
stop_server
echo "1..$n"
[ "$failed" = 0 ]
