#!/usr/bin/env bash
# The relay's reads that wait (doc/blind.md, "The relay"; GET …/blind/messages?wait=MS):
# a read with nothing waiting is held until a message is posted to its box, then
# answered at once, or answered empty when its wait ends; a held read holds no worker
# thread (the server runs with one here, and the other party's message still goes
# through while the read waits); the wait is bounded. Prints TAP. Needs NAKODO, curl, jq.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blind_lib.sh"
# get NAME TOKEN ROLE QUERY: a signed read of ROLE's box; prints the status.
get() { sreq "$1" "$2" GET "/v1/cases/$CASE/blind/messages?$4" "$3" "$TMP/$3.nkey"; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
A='a message the payer waits for'

start_server --threads 1 || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }
new_case "${RULES%\}},\"blind\":true}"
join "$CT" claimant
join "$PT" payer
t0=$(ms)
status=$(get empty "$PT" payer "after=0&wait=1500")
t1=$(ms)
is "a read with nothing waiting is answered with no message (204)" "$status" 204
check "after its wait, not at once ($((t1 - t0)) ms)" test $((t1 - t0)) -ge 1200
# a read held while the claimant posts: answered as soon as the message is there
t0=$(ms)
get held "$PT" payer "after=0&wait=15000" >"$TMP/held.status" &
reader=$!
sleep 0.7
is "the claimant's message goes through while the read waits, one worker thread" \
	"$(put msg "$CT" claimant 1 1 "$A")" 201
wait "$reader"
t1=$(ms)
is "the held read is answered (200)" "$(cat "$TMP/held.status")" 200
held=$(ls "$TMP"/ans/held.* | grep -v '\.\(sig\|h\)$')	# `last` is the post's now
is "with the message" "$(hdr Nakodo-Seq "$held") $(cat "$held")" "1 $A"
check "soon after it was posted, not at the end of the wait ($((t1 - t0)) ms)" \
	test $((t1 - t0)) -lt 5000
is "a wait over 20 s is refused (400)" "$(get long "$PT" payer "after=1&wait=20001")" 400
is "naming the wait" "$(jq -r .field "$(last)")" wait
# a read held when the server stops is answered, and the server stops at once
get stop "$PT" payer "after=1&wait=15000" >/dev/null &
reader=$!
sleep 0.5
t0=$(ms)
stop_server
t1=$(ms)
wait "$reader"
check "a server with a read held stops without waiting for it ($((t1 - t0)) ms)" \
	test $((t1 - t0)) -lt 3000
echo "1..$n"
[ "$failed" = 0 ]
