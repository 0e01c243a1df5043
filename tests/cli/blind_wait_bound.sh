#!/usr/bin/env bash
# What a blind submit's --wait bounds (doc/blind.md): each wait for the other side's
# client, from the moment this side has something to wait for; the computing and the
# set-up before it never count. A lone client says it waits up to --wait seconds and gives
# up after that long; a client whose other side comes late, but within --wait, completes
# the round however long the round's own computing then takes. Prints TAP. Needs NAKODO,
# curl, jq and python3.
. "$(dirname "$0")/../server/lib.sh"
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 is not installed"; exit 0; }
. "$(dirname "$0")/blind_lib.sh"
start_server || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }

blind_case "$(echo "$RULES" | jq -c '.rounds = 2')"
is "a blind case opens and both parties join" "$?" 0
start=$(date +%s%N)
sub "$CT" claimant 70000 2
rc=$? took=$((($(date +%s%N) - start) / 1000000))
check "a lone client says it waits up to --wait's 2 s" \
	grep -q "^waiting for the payer's client (nakodo submit on its side; up to 2 s)" \
	"$TMP/claimant.err"
check "it gives up with a clear error" grep -q "did not answer in time" "$TMP/claimant.err"
check "  exit 3: the same command may work later (was $rc)" [ "$rc" = 3 ]
check "after waiting 2 s at least (took ${took} ms)" [ "$rc" != 0 -a "$took" -ge 2000 ]
# the payer comes 2.5 s late; the claimant waits up to 3 s for each message: the first
# wait is most of it, and what the round then computes does not count against it
sub "$CT" claimant 70000 3 &
c=$!
sleep 2.5
sub "$PT" payer 60000 30
prc=$?
wait "$c"
is "the other side comes late within --wait: both complete the round" "$? $prc" "0 0"
stop_server
echo "1..$n"
[ "$failed" = 0 ]
