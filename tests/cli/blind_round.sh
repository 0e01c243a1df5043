#!/usr/bin/env bash
# Blind rounds end to end (issue 16, doc/blind.md): two real `nakodo submit` clients
# compute each round through a real `nakodo serve`. A three-round case settles; a
# four-round case with hints tells each side what a plain case tells it; another
# reaches impasse and settles on the mediator's proposal; then the server's database
# files, its WAL and its log are searched for every figure as decimal text, as minor units
# and as 8-byte little- and big-endian integers: none may be there. A relayed message
# tampered, truncated or replayed on its way ends the round with a clear error and
# nothing recorded; a client stopped half-way leaves the round open, and running both
# again completes it. Prints TAP. Needs NAKODO (nakodo-test, whose hooks alter a frame:
# tests/support/test_hooks.c), curl, jq and python3.
. "$(dirname "$0")/../server/lib.sh"
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 is not installed"; exit 0; }
. "$(dirname "$0")/blind_lib.sh"
start_server || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }

# ---- a three-round case to a settlement ----
blind_case "$RULES"
is "a blind case opens and both parties join" "$?" 0
both 91337.13 51337.31
is "round 1: both clients end well" "$CRC $PRC" "0 0"
check "the claimant's client prints where the case stands" grep -qx "ok: case $CASE: round 1: no deal; round 2 of 3 is open" \
	"$TMP/claimant.out"
check "and the safety number, on stderr" grep -q '^safety number of case' "$TMP/claimant.err"
check "both sides print the same safety number" \
	bash -c "[ \"\$(grep '^safety' '$TMP/claimant.err')\" = \"\$(grep '^safety' '$TMP/payer.err')\" ]"
NAKODO_SERVER=$URL NAKODO_TOKEN=$CT "$NAKODO" brief "$CASE" --key "$TMP/claimant.nkey" \
	>"$TMP/brief" 2>&1
check "the claimant's briefing says its figure stayed on its machine" \
	grep -q 'round 1: your outcome given (your demand stayed on your machine)' "$TMP/brief"
NAKODO_SERVER=$URL NAKODO_TOKEN=$CT "$NAKODO" --json brief "$CASE" --key "$TMP/claimant.nkey" \
	>"$TMP/brief.json" 2>&1
is "and its JSON has no own figure" "$(jq '.rounds[0] | has("own_figure")' "$TMP/brief.json")" \
	false
both 83133.71 61733.13
is "round 2 ends well" "$CRC $PRC" "0 0"
both 73313.77 75131.37
is "round 3 ends well" "$CRC $PRC" "0 0"
check "and settles" grep -q "case $CASE is settled" "$TMP/payer.out"
req log "$MT" GET "/v1/cases/$CASE/log" >/dev/null
is "the log: three rounds, the settlement at the midpoint, the end" \
	"$(jq -c '[.events[] | select(.type == "round" or .type == "settled") | .body.figure] ' \
	"$(last)")" "[null,null,7422257,7422257]"
is "each round has both sides' signed outcomes" \
	"$(jq '[.events[] | select(.type == "blind_outcome")] | length' "$(last)")" 6
status=$(req rcpt "$OP" GET "/v1/cases/$CASE/receipt")
is "the ended case has its receipt" "$status" 200
FIRST=$CASE

# ---- to impasse, then the mediator's proposal ----
blind_case "$(echo "$RULES" | jq -c '.rounds = 2')"
both 88133.17 41337.71
is "impasse case, round 1" "$CRC $PRC" "0 0"
both 87331.19 43317.13
is "impasse case, round 2" "$CRC $PRC" "0 0"
req b "$MT" GET "/v1/cases/$CASE/brief" >/dev/null
is "the case is at impasse" "$(jq -r .state "$(last)")" impasse
NAKODO_SERVER=$URL NAKODO_TOKEN=$MT "$NAKODO" propose "$CASE" 65000 >/dev/null 2>&1
for r in claimant:$CT payer:$PT; do
	NAKODO_SERVER=$URL NAKODO_TOKEN=${r#*:} "$NAKODO" answer "$CASE" --as "${r%%:*}" \
		--key "$TMP/${r%%:*}.nkey" accept >/dev/null 2>&1
done
req b "$MT" GET "/v1/cases/$CASE/brief" >/dev/null
is "both accept the proposal: settled at it" "$(jq -r '.state, .settlement.figure' "$(last)" |
	tr '\n' ' ')" "settled 6500000 "

# ---- hints over four rounds: each side's hint or withheld hint as in a plain case ----
# Figures kept from one round to the next make each side's decision turn on what the
# other kept, which it cannot see (doc/blind.md, "Hint decisions"); the same figures in
# a plain local case give the hints to expect.
HRULES=$(echo "$RULES" | jq -c '.rounds = 4 | .hints_bp = [1000, 3000] |
	.range_high = 10000000 | .leakage_bits = 4.0')
HD=(90013.37 90013.37 80031.73 80031.73)
HO=(40017.31 45071.13 45071.13 60013.17)
blind_case "$HRULES"
for i in 0 1 2 3; do
	both "${HD[$i]}" "${HO[$i]}"
	is "hinted case, round $((i + 1)) ends well" "$CRC $PRC" "0 0"
	for r in claimant payer; do
		sed -n 's/^round \([0-9]\): no deal; your hint (yours alone): \(.*\)$/\1:\2/p
			s/^round \([0-9]\): no deal; a hint was due but withheld.*/\1:withheld/p' \
			"$TMP/$r.out" >>"$TMP/$r.hints"
	done
	[ "$i" -eq 0 ] || continue
	# the line after the round's figure and the briefing's round line: one wording, the
	# same for both sides whatever each was told (its client printed that just above)
	sealed="no deal; your hint was sealed to you alone: nakodo submit printed it (or that the leakage budget withheld it)"
	for r in claimant payer; do
		check "the $r's line after round 1 says its hint was sealed to it" grep -qx \
			"ok: case $CASE: round 1: $sealed; round 2 of 4 is open" "$TMP/$r.out"
	done
	NAKODO_SERVER=$URL NAKODO_TOKEN=$PT "$NAKODO" brief "$CASE" --key "$TMP/payer.nkey" \
		>"$TMP/brief" 2>&1
	check "and its briefing's round 1 in the same words" grep -qx \
		"  round 1: your outcome given (your offer stayed on your machine); $sealed" "$TMP/brief"
done
PDB="$TMP/plain_hints.db"
PC=$("$NAKODO" --db "$PDB" case new --currency USD --rounds 4 --hints 10,30 --leakage-bits 4 \
	--range 0:100000 2>/dev/null)
for i in 0 1 2 3; do
	"$NAKODO" --db "$PDB" submit "$PC" --as claimant "${HD[$i]}" >/dev/null 2>&1
	"$NAKODO" --db "$PDB" submit "$PC" --as payer "${HO[$i]}" >/dev/null 2>&1
done
for r in claimant payer; do
	"$NAKODO" --db "$PDB" --json brief "$PC" --as "$r" 2>/dev/null |
		jq -r '.rounds[] | "\(.round):\(if .hint_withheld then "withheld" else .hint end)"' \
		>"$TMP/$r.plain"
	is "the $r's four hints are the plain case's" "$(tr '\n' ' ' <"$TMP/$r.hints")" \
		"$(tr '\n' ' ' <"$TMP/$r.plain")"
done
check "and the comparison covers told and withheld hints" \
	bash -c "grep -q withheld '$TMP/payer.plain' && grep -qv withheld '$TMP/payer.plain'"
req log "$MT" GET "/v1/cases/$CASE/log" >/dev/null
is "the hinted case's log holds no figure: four rounds, no settlement" \
	"$(jq -c '[.events[] | select(.type == "round") | .body.figure]' "$(last)")" \
	"[null,null,null,null]"

# ---- altered on the way: the round ends, nothing is recorded, a rerun completes ----
for how in tamper:4 truncate:4 replay:3; do
	blind_case "$(echo "$RULES" | jq -c '.rounds = 1')"
	altered_round "$how" 70000 60000
done

# ---- a client stopped half-way ----
# stopped_claimant: a new one-round blind case whose claimant's client, alone, waits and
# is stopped by Ctrl-C; sets STOPPED to its exit status. A background job of a
# non-interactive shell starts with SIGINT ignored: give it back its default, as a
# terminal's Ctrl-C would find it.
stopped_claimant() {
	blind_case "$(echo "$RULES" | jq -c '.rounds = 1')"
	rm -f "$TMP/stopped.err"	# the last run's 'waiting' is not this one's
	NAKODO_SERVER=$URL NAKODO_TOKEN=$CT env --default-signal=INT "$NAKODO" submit "$CASE" \
		--as claimant --key "$TMP/claimant.nkey" --wait 30 70000 >/dev/null \
		2>"$TMP/stopped.err" &
	local c=$!
	wait_until 60 grep -q '^waiting' "$TMP/stopped.err"
	kill -INT "$c"
	wait "$c" 2>/dev/null
	STOPPED=$?
}
stopped_claimant
check "a lone client says that it waits" grep -q "^waiting for the payer's client" \
	"$TMP/stopped.err"
is "the lone client stopped at Ctrl-C (exit 130: by SIGINT)" "$STOPPED" 130
is "stopped half-way, nothing is recorded" "$(events "$CASE" "$MT")" 3
both 70000 60000
is "both run again: the round completes" "$CRC $PRC" "0 0"

# ---- the other side answers a stopped run's hello ----
# the claimant's stopped run leaves its hello on the relay; the payer, started alone,
# answers it and waits; the claimant's new run must not read that answer as its own
# (the payer answers its new hello with the same key, doc/blind.md)
stopped_claimant
rm -f "$TMP/payer.err"	# the last run's 'waiting' is not this one's
sub "$PT" payer 60000 30 &
p=$!
wait_until 60 grep -q '^waiting' "$TMP/payer.err"
check "the payer, alone, answered the stopped run's hello and waits" \
	grep -q "^waiting for the claimant's client" "$TMP/payer.err"
sub "$CT" claimant 70000 30
CRC=$?
wait "$p"
PRC=$?
is "the claimant's new run and the waiting payer complete the round" "$CRC $PRC" "0 0"
[ "$CRC $PRC" = "0 0" ] || sed 's/^/# /' "$TMP/claimant.err" "$TMP/payer.err"

# ---- no figure in the server's files or log ----
stop_server
scan_figures 91337.13 51337.31 83133.71 61733.13 73313.77 75131.37 88133.17 41337.71 \
	87331.19 43317.13 90013.37 80031.73 40017.31 45071.13 60013.17
echo "1..$n"
[ "$failed" = 0 ]
