#!/usr/bin/env bash
# The random rule in a blind case (issue 16, doc/blind.md, "The random rule"): two real
# `nakodo submit` clients settle at random through a real `nakodo serve`, from a seed of
# both sides' committed shares; each party then checks the draw with `nakodo verify
# --draw` from its own state. The relay receives the same frames, kind by kind and size
# by size, whether the figures lie far apart or a few cents apart (the draw is padded to a
# fixed count). A draw frame altered on its way ends the round with nothing recorded, and
# the round run again settles. Then the server's database files, its WAL and its log
# hold no figure in any form. Prints TAP. Needs NAKODO (nakodo-test, whose hooks log and
# alter frames: tests/support/test_hooks.c), curl, jq and python3.
. "$(dirname "$0")/../server/lib.sh"
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 is not installed"; exit 0; }
. "$(dirname "$0")/blind_lib.sh"
start_server || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }
RRULES=$(echo "$RULES" | jq -c '.settle = "random" | .rounds = 2')

# settled: the case's settlement in minor units, from the log
settled() {
	req log "$MT" GET "/v1/cases/$CASE/log" >/dev/null
	jq -r '.events[] | select(.type == "settled") | .body.figure' "$(last)"
}
# verify ROLE AMOUNT: the party's check of the draw, its output in $TMP/verify.out
verify() {
	local t=$CT
	[ "$1" = payer ] && t=$PT
	NAKODO_SERVER=$URL NAKODO_TOKEN=$t "$NAKODO" verify --draw "$CASE" --as "$1" \
		--key "$TMP/$1.nkey" "$2" >"$TMP/verify.out" 2>&1
}

# ---- close figures: a zone of five cents, after a round without a deal ----
blind_case "$RRULES"
is "a blind case under the random rule opens and both join" "$?" 0
both 91373.17 41733.19
is "round 1 (no deal): both clients end well" "$CRC $PRC" "0 0"
FRAMES=close both 61337.13 61337.17
is "round 2: both clients end well" "$CRC $PRC" "0 0"
check "and settle" grep -q "case $CASE is settled" "$TMP/payer.out"
CLOSE=$(settled)
check "the settlement lies between the figures ($CLOSE)" \
	bash -c "[ '$CLOSE' -ge 6133713 ] && [ '$CLOSE' -le 6133717 ]"
verify claimant 61337.13
is "the claimant's verify --draw holds" "$?" 0
check "from both committed shares" grep -q 'match the commitments exchanged at the set-up' \
	"$TMP/verify.out"
verify payer 61337.17
is "the payer's verify --draw holds" "$?" 0
NAKODO_SERVER=$URL NAKODO_TOKEN=$CT "$NAKODO" verify --draw "$CASE" --as claimant 61337.13 \
	>/dev/null 2>"$TMP/verify.err"
is "without --key it is refused (exit 2): the party's reads and state need its key" "$?" 2
check "naming --key" grep -q -- '--key' "$TMP/verify.err"
verify payer 61337.12
is "a payer who misremembers its offer is told the draw does not replay" "$?" 1
check "saying so" grep -q 'NOT VERIFIED' "$TMP/verify.out"
req b "$PT" GET "/v1/cases/$CASE/brief" >/dev/null
is "the briefing shows no seed: the go-between never held the clients'" \
	"$(jq '.settlement | has("seed")' "$(last)")" false
CLOSE_CASE=$CASE

# ---- far figures: most of the range between them ----
blind_case "$RRULES"
both 93711.37 31773.91
is "far case, round 1 (no deal)" "$CRC $PRC" "0 0"
FRAMES=far both 10137.31 987313.73
is "far case, round 2: both clients end well" "$CRC $PRC" "0 0"
FAR=$(settled)
check "and settle between the figures ($FAR)" \
	bash -c "[ '$FAR' -ge 1013731 ] && [ '$FAR' -le 98731373 ]"
verify claimant 10137.31
is "the claimant's verify --draw holds" "$?" 0

# ---- what the relay received: the same frames either way ----
for r in claimant payer; do
	is "the $r's frames: the same kinds and sizes for close and far figures" \
		"$(md5sum <"$TMP/frames.close.$r")" "$(md5sum <"$TMP/frames.far.$r")"
done
is "a hello, a stream header and 259 protocol messages both ways (the payer's first with its header)" \
	"$(cat "$TMP"/frames.far.* | cut -c1 | sort | uniq -c | tr -s ' ' | tr '\n' ',')" \
	" 2 H, 258 M, 2 S,"
is "the draw frames have one size, their own (89 bytes, not the circuit's)" \
	"$(sed -n '4,$p' "$TMP/frames.far.payer" | sort -u)" "M 89"

# ---- a draw frame altered on its way: nothing recorded, and the rerun settles ----
blind_case "$(echo "$RRULES" | jq -c '.rounds = 1')"
altered_round tamper:40 50173.31 70331.17
TAMPERED=$(settled)
verify payer 70331.17
is "and the payer's verify --draw holds" "$?" 0

# ---- no figure in the server's files or log (a settlement is public, and may be one) ----
stop_server
figs=""
for f in 91373.17 41733.19 61337.13 61337.17 93711.37 31773.91 10137.31 987313.73 \
	50173.31 70331.17; do
	m=$(echo "$f" | tr -d .)
	case " $CLOSE $FAR $TAMPERED " in *" $m "*) ;; *) figs="$figs $f" ;; esac
done
scan_figures $figs
echo "1..$n"
[ "$failed" = 0 ]
