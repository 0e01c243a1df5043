#!/usr/bin/env bash
# The relay's share per client address (doc/blind.md, "The relay"): whoever opens many
# blind cases and keeps a message waiting in each holds at most 16 of the server's relay
# slots, and the next case from that address is refused with a 429 naming the share, so
# the other blind cases on the server are still relayed. Prints TAP. Needs NAKODO, curl,
# jq.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blind_lib.sh"
BODY='one message left waiting'

start_server || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }
taken=0
for i in $(seq 16); do
	new_case "${RULES%\}},\"blind\":true}" || break
	join "$CT" claimant && join "$PT" payer || break
	[ "$(put "m$i" "$CT" claimant 1 1 "$BODY")" = 201 ] || break
	taken=$i
done
is "one address's first 16 blind cases each keep a message waiting in the relay" "$taken" 16
new_case "${RULES%\}},\"blind\":true}"
join "$CT" claimant
join "$PT" payer
is "its 17th blind case is refused a slot (429)" "$(put over "$CT" claimant 1 1 "$BODY")" 429
check "saying the address holds its share" \
	grep -q 'this client address holds 16 blind cases in the relay at once, its share' "$(last)"
is "the refusal is the relay's" "$(jq -r .field "$(last)")" relay
# the mediator closes one of its cases: the relay frees that case's slot when it is next
# asked for it, and the address may take another
CLOSED=$CASE
status=$(req close "$MT" POST "/v1/cases/$CASE/close" '{}')
is "the refused case is closed by its mediator" "$status" 200
is "a message for a closed case is refused (409)" "$(put closed "$CT" claimant 1 1 "$BODY")" 409
stop_server
echo "1..$n"
[ "$failed" = 0 ]
