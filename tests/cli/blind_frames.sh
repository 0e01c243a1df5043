#!/usr/bin/env bash
# What the relay sees of a blind round under the midpoint rule with hints (issue 16,
# doc/blind.md, "The client"): each protocol message travels at its kind's size, which
# the case's rules fix, not padded to the circuit's. Two cases whose figures differ (a
# wide gap then a deal far inside the zone, against a gap of cents then a deal at its
# edge) give the relay the same frames, kind by kind and size by size, round by round;
# and the payer's extension and output are smaller than the claimant's circuit. Prints
# TAP. Needs NAKODO (nakodo-test, whose hook logs the frames), curl, jq.
. "$(dirname "$0")/../server/lib.sh"
. "$(dirname "$0")/blind_lib.sh"
start_server || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }
HRULES=$(echo "$RULES" | jq -c '.rounds = 2 | .grid = 100 | .hints_bp = [1000, 2500]')

# two_rounds TAG WHAT1 DEMAND1 OFFER1 WHAT2 DEMAND2 OFFER2: a case, its two rounds with
# their frames logged as TAG1 and TAG2
two_rounds() {
	blind_case "$HRULES"
	is "case $1 opens and both join" "$?" 0
	FRAMES=${1}1 both "$3" "$4"
	is "case $1, round 1, $2 (no deal): both clients end well" "$CRC $PRC" "0 0"
	FRAMES=${1}2 both "$6" "$7"
	is "case $1, round 2 ($5): both clients end well" "$CRC $PRC" "0 0"
}
two_rounds a "far apart" 90000.00 30000.00 "a deal inside the zone" 50000.00 55000.00
two_rounds b "eleven dollars apart" 40001.00 39990.00 "a deal with a wide zone" 35000.00 90000.00

for r in 1 2; do
	for who in claimant payer; do
		is "round $r, the $who's frames: the same kinds and sizes in both cases" \
			"$(md5sum <"$TMP/frames.a$r.$who")" "$(md5sum <"$TMP/frames.b$r.$who")"
	done
done
# frames as the hook logs them, "KIND SIZE" a line: the payer's protocol messages of
# round 2 (extension, output) against the claimant's one (the circuit); the payer's
# extension goes in the frame of its stream header, the 24 bytes of the header before it
CIRCUIT=$(grep '^M' "$TMP/frames.a2.claimant" | cut -d' ' -f2 | sort -u)
HEADER=$(grep '^S' "$TMP/frames.a2.payer" | cut -d' ' -f2)
PAYER="$((HEADER - 24)) $(grep '^M' "$TMP/frames.a2.payer" | cut -d' ' -f2 | tr '\n' ' ')"
is "the claimant sends one protocol message in round 2, the circuit" \
	"$(grep -c '^M' "$TMP/frames.a2.claimant")" 1
is "the payer two, the extension in its stream header's frame and the output" \
	"$(grep -c '^S' "$TMP/frames.a2.payer") $(grep -c '^M' "$TMP/frames.a2.payer")" "1 1"
check "  a frame longer than the header alone ($HEADER bytes)" test "$HEADER" -gt 25
# shellcheck disable=SC2086
check "each of the payer's smaller than the circuit ($PAYER< $CIRCUIT): not padded to it" \
	bash -c 'for s in '"$PAYER"'; do [ "$s" -lt '"$CIRCUIT"' ] || exit 1; done'
check "and of two sizes: each its kind's" \
	bash -c '[ "$(echo '"$PAYER"' | tr " " "\n" | sort -u | wc -l)" -eq 2 ]'
echo "1..$n"
[ "$failed" = 0 ]
