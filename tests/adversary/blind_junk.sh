#!/bin/bash
# Attack (the other party): before a blind round's channel opens, a client skips the
# frames of the other side's earlier runs (stream headers that answer an older hello, a
# stopped run's messages) until the hello of its new run. Each read waits at most
# --wait for the next frame, but the frames skipped were not counted: a payer posting a
# frame of no use every second kept the claimant's `nakodo submit` reading them, past its
# --wait, for as long as it liked. Now a run skips a bounded number (64) and ends, with the
# reason and nothing recorded.
set -u
. "$(dirname "$0")/../server/lib.sh"
. "$(dirname "$0")/../cli/blind_lib.sh"
# junk SEQ: the payer's signed POST of a frame of no use as its relayed message SEQ of
# round 1; prints the status
junk() {
	local body="$TMP/junk.$1" path="/v1/cases/$CASE/blind/messages?round=1&seq=$1"
	printf 'Mjunk frame %s' "$1" >"$body"
	"$NAKODO" sign-read "$CASE" --as payer --key "$TMP/payer.nkey" --body "$body" \
		POST "$path" >"$body.sig" || return 1
	curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
		-H "Authorization: Bearer $PT" -H "Content-Type: application/octet-stream" \
		-H "@$body.sig" --data-binary "@$body" "$URL$path"
}
echo "TAP version 13"
start_server --rate 1000 --burst 1000
blind_case "$(echo "$RULES" | jq -c '.rounds = 1')"
before=$(events "$CASE" "$MT")
# the claimant's client, alone, with a short wait for each frame
NAKODO_SERVER=$URL NAKODO_TOKEN=$CT timeout 120 "$NAKODO" submit "$CASE" --as claimant \
	--key "$TMP/claimant.nkey" --wait 3 50.00 >"$TMP/claimant.out" 2>"$TMP/claimant.err" &
c=$!
# the hostile payer: 100 frames of no use (a protocol message before any hello), each
# posted once the last was read (the relay keeps 8 waiting), for as long as the client reads
seq=0 started=$(date +%s)
while [ "$seq" -lt 100 ] && kill -0 "$c" 2>/dev/null && [ $(($(date +%s) - started)) -lt 90 ]; do
	status=$(junk $((seq + 1)))
	case $status in
	201) seq=$((seq + 1)) ;;
	*) sleep 0.2 ;;
	esac
done
wait "$c"
crc=$?
check "the claimant's run ends (exit $crc) while the junk still comes" \
	bash -c "[ $crc != 0 ] && [ $crc != 124 ] && [ $seq -lt 100 ]"
check "  saying why: frames that answer no hello of this run" \
	grep -q "round: the payer's client sent 64 frames that answer no hello of this run" \
	"$TMP/claimant.err"
is "  and nothing is recorded" "$(events "$CASE" "$MT")" "$before"
[ "$failed" = 0 ] || sed 's/^/# /' "$TMP/claimant.err"
echo "1..$n"
[ "$failed" = 0 ]
