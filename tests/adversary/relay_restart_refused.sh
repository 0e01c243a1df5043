#!/usr/bin/env bash
# Bad input changes nothing, on the blind relay too: a party's message number 1 starts its
# direction over (what it sent before is void, its epoch moves on), but the relay did so
# before its bounds were checked, so a message 1 that was then refused (its address over
# its share of the relay's bytes, or the relay full) had already wiped what its sender had
# waiting and told the other side's client that it started over. Now a refused message 1
# leaves the direction as it was. Prints TAP. Needs NAKODO, curl, jq, and loopback
# addresses beyond 127.0.0.1 (Linux routes 127/8 to lo).
. "$(dirname "$0")/../server/lib.sh"
. "$(dirname "$0")/../server/blind_lib.sh"
get() { sreq "$1" "$2" GET "/v1/cases/$CASE/blind/messages${4:+?after=$4}" "$3" "$TMP/$3.nkey"; }
echo "TAP version 13"
start_server --rate 100000 --burst 100000 || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }
full=0
for i in 1 2 3 4; do [ -z "$(fill 2)" ] && full=$i; done
is "127.0.0.2 holds its whole share of the relay's bytes (4 MiB)" "$full" 4
new_case "${RULES%\}},\"blind\":true}" && join "$CT" claimant && join "$PT" payer
is "the claimant's message 1 of a new case, from 127.0.0.1, is taken" \
	"$(put one "$CT" claimant 1 1 'a message that waits for the payer')" 201
is "its message 1 again, from 127.0.0.2, is refused: that address's share is full (429)" \
	"$(bput 2 claimant "$CT" 1)" 429
is "the payer still reads the message that waited (number 1)" \
	"$(get read "$PT" payer 0)" 200
is "  its bytes" "$(cat "$(last)")" 'a message that waits for the payer'
is "  and the claimant's epoch did not move (the refused start over changed nothing)" \
	"$(hdr Nakodo-Epoch "$(last)")" 1
is "a message 1 that is taken still starts the direction over" \
	"$(put two "$CT" claimant 1 1 'the run started over')" 201
get again "$PT" payer 0 >/dev/null
is "  the payer reads the new run's message, in the next epoch" \
	"$(cat "$(last)") $(hdr Nakodo-Epoch "$(last)")" 'the run started over 2'
stop_server
echo "1..$n"
[ "$failed" = 0 ]
