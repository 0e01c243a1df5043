#!/usr/bin/env bash
# The relay's bytes per client address are charged to the address that posted each
# message (doc/blind.md, "A share per address"): the other party's messages, posted from
# its own address into a case whose slot the first poster took, count against the other
# party's address, never against the slot taker's. Prints TAP. Needs NAKODO, curl, jq,
# base64, and loopback addresses beyond 127.0.0.1 (Linux routes 127/8 to lo).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blind_lib.sh"
# case_of: a new blind case ($CASE), both parties joined; notes a failed set-up in $bad
case_of() {
	new_case "${RULES%\}},\"blind\":true}" && join "$CT" claimant && join "$PT" payer ||
		bad="$bad setup"
}
# posts FROM ROLE TOKEN: four messages of 128 KiB as ROLE from 127.0.0.FROM; prints the
# statuses that were not 201
posts() {
	local s st bad=""
	for s in 1 2 3 4; do
		st=$(bput "$1" "$2" "$3" "$s"); [ "$st" = 201 ] || bad="$bad $st"
	done
	echo "${bad# }"
}

start_server --rate 100000 --burst 100000 || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }
# Four cases: the claimant at .2 takes each slot with 512 KiB, the payer at .3 answers
# with 512 KiB: 2 MiB posted from each address, all in .2's slots.
bad=""
for i in 1 2 3 4; do
	case_of; bad="$bad$(posts 2 claimant "$CT")$(posts 3 payer "$PT")"
done
is "both parties post 2 MiB each into four cases the claimant's address took" "$bad" ""
case_of
is "the slot taker's address is charged only its own 2 MiB: a fifth case is relayed" \
	"$(posts 2 claimant "$CT")" ""
# .3 has posted 2 MiB; 2 MiB more in cases of its own fill its share
bad=""
for i in 1 2; do
	case_of; bad="$bad$(posts 3 claimant "$CT")$(posts 3 payer "$PT")"
done
is "the answering address posts 2 MiB more in slots of its own" "$bad" ""
case_of
is "its next message is refused: its answers in the other's slots count against it" \
	"$(bput 3 claimant "$CT" 1)" 429
check "  naming the address's bytes" grep -q 'this client address has 4 MiB waiting in the relay' "$(last)"
stop_server
echo "1..$n"
[ "$failed" = 0 ]
