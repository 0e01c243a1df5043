#!/usr/bin/env bash
# The relay of a blind case (issue 16, doc/blind.md, "The relay"): only the case's two
# parties, only once both joined with keys, only signed (headers over the body), only in
# the open round; messages in order per direction, bounded in size and count, handed to
# the other party alone, wiped once acknowledged; never in the store. Prints TAP. Needs
# NAKODO, curl and jq.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blind_lib.sh"
# get NAME TOKEN ROLE [AFTER]: a signed read of the next message for ROLE.
get() { sreq "$1" "$2" GET "/v1/cases/$CASE/blind/messages${4:+?after=$4}" "$3" "$TMP/$3.nkey"; }
msg() { printf '{"round":%s,"seq":%s,"data":"%s"}' "$1" "$2" "$3"; }
A=$(printf 'ciphertext one, opaque to the server' | base64 -w0)
B=$(printf 'ciphertext two' | base64 -w0)

start_server || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }
new_case "${RULES%\}},\"blind\":true}"
is "a blind case opens" "$?" 0
status=$(req early "$CT" POST "/v1/cases/$CASE/blind/messages" "$(msg 1 1 "$A")")
is "before both parties joined, the relay refuses (409)" "$status" 409
check "saying both must join first" grep -q 'both parties join the case' "$(last)"
join "$CT" claimant
join "$PT" payer
join "$MT" mediator
status=$(req unsigned "$CT" POST "/v1/cases/$CASE/blind/messages" "$(msg 1 1 "$A")")
is "an unsigned message from a joined party is refused (401)" "$status" 401
status=$(put med "$MT" mediator "$(msg 1 1 "$A")")
is "the mediator may not relay (403)" "$status" 403
status=$(put one "$CT" claimant "$(msg 1 1 "$A")")
is "the claimant's first message is taken (201)" "$status" 201
status=$(put skip "$CT" claimant "$(msg 1 3 "$B")")
is "a message out of order is refused (409)" "$status" 409
check "naming the number expected" grep -q 'out of order: the next message to the payer is number 2' \
	"$(last)"
status=$(put round "$CT" claimant "$(msg 2 2 "$B")")
is "a message for another round than the open one is refused (409)" "$status" 409
status=$(put big "$CT" claimant "$(msg 1 2 "$(head -c 140000 /dev/zero | base64 -w0)")")
is "a message over the size bound is refused (413)" "$status" 413
status=$(put two "$CT" claimant "$(msg 1 2 "$B")")
is "the claimant's second message is taken" "$status" 201
status=$(get own "$CT" claimant)
is "the claimant reads its own box" "$status" 200
is "which holds nothing it sent" "$(jq -r 'has("data")' "$(last)")" false
get p1 "$PT" payer >/dev/null
is "the payer is handed message 1" "$(jq -r '.seq, .data' "$(last)" | tr '\n' ' ')" "1 $A "
get p2 "$PT" payer 1 >/dev/null
is "after acknowledging 1, message 2" "$(jq -r '.seq, .data' "$(last)" | tr '\n' ' ')" "2 $B "
get p3 "$PT" payer 2 >/dev/null
is "after acknowledging 2, nothing" "$(jq -r 'has("data")' "$(last)")" false
for i in $(seq 3 10); do put "q$i" "$CT" claimant "$(msg 1 "$i" "$B")" >/dev/null; done
is "more than 8 messages waiting are refused (429)" "$(put q11 "$CT" claimant "$(msg 1 11 "$B")")" \
	429
status=$(put restart "$CT" claimant "$(msg 1 1 "$A")")
is "a sender that starts over (number 1) is taken, what it sent before void" "$status" 201
get p4 "$PT" payer >/dev/null
is "the payer is handed the new message 1" "$(jq -r '.seq, .data' "$(last)" | tr '\n' ' ')" "1 $A "
status=$(put pay "$PT" payer "$(msg 1 1 "$B")")
is "the payer's message to the claimant is taken" "$status" 201
get c1 "$CT" claimant >/dev/null
is "the claimant is handed it" "$(jq -r '.data' "$(last)")" "$B"
new_case
join "$CT" claimant
status=$(put plain "$CT" claimant "$(msg 1 1 "$A")")
is "a case that is not blind has no relay (409)" "$status" 409
stop_server
check "the store holds no relayed message" \
	bash -c "! grep -qa 'ciphertext one' '$TMP'/srv.db* 2>/dev/null"
check "nor does the server's log" bash -c "! grep -q \"$A\" '$TMP/server.log'"
echo "1..$n"
[ "$failed" = 0 ]
