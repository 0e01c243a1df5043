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
# got: the last read's message number and bytes, "SEQ BYTES" (SEQ "-" when none).
got() { printf '%s %s' "$(hdr Nakodo-Seq "$(last)")" "$(cat "$(last)")"; }
A='ciphertext one, opaque to the server'
B='ciphertext two'

start_server || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }
new_case "${RULES%\}},\"blind\":true}"
is "a blind case opens" "$?" 0
printf '%s' "$A" >"$TMP/a.bin"
# raw NAME TOKEN: an unsigned POST of message 1
raw() {
	echo "$TMP/ans/$1" >"$TMP/last"
	curl -s -o "$TMP/ans/$1" -w '%{http_code}' -X POST -H "Authorization: Bearer $2" \
		-H 'Content-Type: application/octet-stream' --data-binary "@$TMP/a.bin" \
		"$URL/v1/cases/$CASE/blind/messages?round=1&seq=1"
}
status=$(raw early "$CT")
is "before both parties joined, the relay refuses (409)" "$status" 409
check "saying both must join first" grep -q 'both parties join the case' "$(last)"
join "$CT" claimant
join "$PT" payer
join "$MT" mediator
status=$(raw unsigned "$CT")
is "an unsigned message from a joined party is refused (401)" "$status" 401
status=$(put med "$MT" mediator 1 1 "$A")
is "the mediator may not relay (403)" "$status" 403
status=$(put one "$CT" claimant 1 1 "$A")
is "the claimant's first message is taken (201)" "$status" 201
is "  its answer names its number" "$(jq -r '.round, .seq' "$(last)" | tr '\n' ' ')" "1 1 "
status=$(put skip "$CT" claimant 1 3 "$B")
is "a message out of order is refused (409)" "$status" 409
check "naming the number expected" grep -q 'out of order: the next message to the payer is number 2' \
	"$(last)"
status=$(put round "$CT" claimant 2 2 "$B")
is "a message for another round than the open one is refused (409)" "$status" 409
head -c 131073 /dev/zero >"$TMP/big.bin"
status=$(putf big "$CT" claimant "round=1&seq=2" "$TMP/big.bin")
is "a message over the size bound is refused (413)" "$status" 413
: >"$TMP/empty.bin"
status=$(putf empty "$CT" claimant "round=1&seq=2" "$TMP/empty.bin")
is "an empty message is refused (400)" "$status" 400
is "  naming the body" "$(jq -r .field "$(last)")" body
status=$(put json "$CT" claimant 1 2 "{\"round\":1,\"seq\":2,\"data\":\"$B\"}" application/json)
is "a message as JSON is refused (415)" "$status" 415
check "  naming the type it takes" grep -q 'expected Content-Type: application/octet-stream' "$(last)"
for q in "seq=2" "round=1" "round=1&seq=x2" "round=1&seq=-2" "round=1&seq=2.0" "round=0&seq=2" \
	"round=1&seq=1000001" "round=99999999999999999999&seq=2"; do
	status=$(putf "bad" "$CT" claimant "$q" "$TMP/a.bin")
	is "a message with ?$q is refused (400)" "$status" 400
done
is "  naming the number" "$(jq -r .field "$(last)")" round
status=$(put two "$CT" claimant 1 2 "$B")
is "the claimant's second message is taken" "$status" 201
status=$(get own "$CT" claimant)
is "the claimant reads its own box: nothing it sent (204)" "$status" 204
is "  with the round and its sender's epoch" \
	"$(hdr Nakodo-Round "$(last)") $(hdr Nakodo-Epoch "$(last)") $(hdr Nakodo-Seq "$(last)")" "1 0 "
get p1 "$PT" payer >/dev/null
is "the payer is handed message 1, raw" "$(got)" "1 $A"
is "  as application/octet-stream" "$(hdr Content-Type "$(last)")" application/octet-stream
get p2 "$PT" payer 1 >/dev/null
is "after acknowledging 1, message 2" "$(got)" "2 $B"
is "after acknowledging 2, nothing" "$(get p3 "$PT" payer 2)" 204
for i in $(seq 3 10); do put "q$i" "$CT" claimant 1 "$i" "$B" >/dev/null; done
is "more than 8 messages waiting are refused (429)" "$(put q11 "$CT" claimant 1 11 "$B")" 429
status=$(put restart "$CT" claimant 1 1 "$A")
is "a sender that starts over (number 1) is taken, what it sent before void" "$status" 201
get p4 "$PT" payer >/dev/null
is "the payer is handed the new message 1" "$(got)" "1 $A"
is "  of the sender's next epoch" "$(hdr Nakodo-Epoch "$(last)")" 2
status=$(put pay "$PT" payer 1 1 "$B")
is "the payer's message to the claimant is taken" "$status" 201
get c1 "$CT" claimant >/dev/null
is "the claimant is handed it" "$(cat "$(last)")" "$B"
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 4)' >"$TMP/bytes.bin"
is "a message of every byte value is taken" "$(putf all "$PT" payer "round=1&seq=2" "$TMP/bytes.bin")" 201
get c2 "$CT" claimant 1 >/dev/null
check "  and handed on byte for byte" cmp -s "$(last)" "$TMP/bytes.bin"
new_case
join "$CT" claimant
status=$(put plain "$CT" claimant 1 1 "$A")
is "a case that is not blind has no relay (409)" "$status" 409
stop_server
check "the store holds no relayed message" \
	bash -c "! grep -qa 'ciphertext one' '$TMP'/srv.db* 2>/dev/null"
check "nor does the server's log" bash -c "! grep -q 'ciphertext one' '$TMP/server.log'"
echo "1..$n"
[ "$failed" = 0 ]
