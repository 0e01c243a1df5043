#!/usr/bin/env bash
# The side of a blind round that gives its outcome first waits for the other's in a read
# the server holds until the round ends (doc/blind.md, "Fewer crossings"; GET
# …/blind/messages?round=R): it ends as soon as the other's outcome concluded the round,
# not when its held read's 20 s run out. And such a read of a round that is over answers
# at once. The payer's first message, which travels in its stream header's frame, cut
# short or altered, ends the round with nothing recorded. Prints TAP. Needs NAKODO
# (nakodo-test), curl and jq.
. "$(dirname "$0")/../server/lib.sh"
. "$(dirname "$0")/blind_lib.sh"
ms() { echo $(( $(date +%s%N) / 1000000 )); }
start_server || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }
blind_case "$(echo "$RULES" | jq -c '.rounds = 2')"
is "a blind case opens and both parties join" "$?" 0
for round in 1 2; do
	# the claimant gives its outcome 1.5 s late: the payer gives first and waits
	late_claimant 1500 $((95000 - 5000 * round)) $((45000 + 5000 * round))
	is "round $round: both clients end well" "$CRC $PRC" "0 0"
	check "round $round: the payer gave its outcome first and waited for the other's" \
		grep -q "waiting for the claimant's client to give its outcome" "$TMP/payer.err"
	check "round $round: it ended soon after the claimant, woken by the round's end ($GAP ms)" \
		test "$GAP" -lt 3000
done
# a read that waits in round 1, which is over: answered at once, nothing read
t0=$(ms)
status=$(sreq over "$PT" GET "/v1/cases/$CASE/blind/messages?after=0&round=1&wait=15000" payer \
	"$TMP/payer.nkey")
t1=$(ms)
is "a read waiting in a round that is over (the case ended: 409)" "$status" 409
check "  answered at once ($((t1 - t0)) ms)" test $((t1 - t0)) -lt 5000
blind_case "$(echo "$RULES" | jq -c '.rounds = 2')"
status=$(sreq early "$PT" GET "/v1/cases/$CASE/blind/messages?after=0&round=2&wait=15000" payer \
	"$TMP/payer.nkey")
t2=$(ms)
is "a read waiting in a round that is not the open one is answered at once (204)" "$status" 204
check "  at once ($((t2 - t1)) ms)" test $((t2 - t1)) -lt 5000
is "  saying the open round" "$(tr -d '\r' <"$(last).h" | sed -n 's/^Nakodo-Round: //Ip')" 1
status=$(sreq zero "$PT" GET "/v1/cases/$CASE/blind/messages?round=0" payer "$TMP/payer.nkey")
is "?round=0 is refused (400)" "$status" 400
is "  naming the round" "$(jq -r .field "$(last)")" round
# the payer's first message travels in the frame of its stream header: that frame cut
# short or altered on its way ends the round on both sides with nothing recorded, and a
# rerun completes it. Each side waits up to 20 s for a message (3 s was short for a loaded
# machine): the claimant ends at once on the altered frame, the payer at its wait's end.
blind_case "$RULES"
for how in truncate:2 tamper:2; do
	before=$(events "$CASE" "$MT")
	sub "$CT" claimant 90000 20 &
	c=$!
	NAKODO_TEST_BLIND_ALTER=$how sub "$PT" payer 50000 20
	prc=$?
	wait "$c"
	crc=$?
	check "$how of the payer's header frame: the round fails on both sides" \
		bash -c "[ $crc != 0 ] && [ $prc != 0 ]"
	check "  the claimant saying the message did not open" \
		grep -q 'message: .*does not open' "$TMP/claimant.err"
	is "  nothing is recorded" "$(events "$CASE" "$MT")" "$before"
done
both 90000 50000
is "run again, the round completes" "$CRC $PRC" "0 0"
stop_server
echo "1..$n"
[ "$failed" = 0 ]
