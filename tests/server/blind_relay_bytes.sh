#!/usr/bin/env bash
# The relay's bytes per client address (doc/blind.md, "The relay"): the slots an address
# takes hold at most RELAY_BYTES_MAX / RELAY_PER_ADDRESS bytes waiting between them, so
# that four addresses, each keeping full directions in their 16 cases, cannot hold the
# server's whole 64 MiB and stop every other blind case. Prints TAP. Needs NAKODO, curl,
# jq, base64, and loopback addresses beyond 127.0.0.1 (Linux routes 127/8 to lo).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blind_lib.sh"
start_server --rate 100000 --burst 100000 || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }
ok=0
for i in 1 2 3 4; do [ -z "$(fill 2)" ] && ok=$i; done
is "one address keeps 4 MiB waiting in the relay (four cases, both directions full)" "$ok" 4
new_case "${RULES%\}},\"blind\":true}" && join "$CT" claimant && join "$PT" payer
is "a fifth case's first message from it is refused (429)" "$(bput 2 claimant "$CT" 1)" 429
check "  naming the address's bytes" grep -q 'this client address has 4 MiB waiting in the relay' "$(last)"
is "  the refusal is the relay's" "$(jq -r .field "$(last)")" relay
is "another address's case is relayed meanwhile" "$(fill 3)" ""
stop_server
echo "1..$n"
[ "$failed" = 0 ]
