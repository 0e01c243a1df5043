#!/bin/bash
# Attack: a briefing's length when a hint is withheld (doc/security.md, "Lengths").
# Whether the leakage budget withholds a side's hint depends on that side's own figure
# (case/figure_case.c), so the briefing that says "withheld" (a null hint) must be as
# long as the one that tells the band: else someone who sees the party's encrypted
# traffic learns a bound on its figure, the bound the log itself does not hold. Two
# cases with a budget of 4 bits over a range of 0 to 10,000.00: the payer offers
# 3,000.00, the claimant demands 4,200.00 in one (its hint withheld) and 7,000.00 in the
# other (told "far"); both briefings, the claimant's and the payer's, must be as long in
# each. Fails when a null is written narrower than a hint's text.
set -u
. "$(dirname "$0")/../server/lib.sh"
command -v jq >/dev/null || { echo "1..0 # SKIP jq is not installed"; exit 0; }
trap 'stop_server; rm -rf "$TMP"' EXIT
WRULES='{"currency":"USD","rounds":2,"monotone":true,"settle":"midpoint","band_bp":0,"band_amount":0,"grid":1,"hints_bp":[1000,2500],"range_low":0,"range_high":1000000,"leakage_bits":4.0,"proposals":1}'
DB="sqlite:$TMP/srv.db"
start_server --rate 1000 --burst 1000 || { echo "Bail out! the server did not start"; exit 1; }

size() {	# size TOKEN: the length of the briefing's body for TOKEN
	curl -s -o "$TMP/brief" -w '%{size_download}' -H "Authorization: Bearer $1" \
		"$URL/v1/cases/$CASE/brief"
}
round_of() {	# round_of DEMAND: sets HINT (the claimant's round-1 hint) and C, P (lengths)
	new_case "$WRULES" || { echo "Bail out! the case did not open"; exit 1; }
	req pay "$PT" POST "/v1/cases/$CASE/figures" '{"amount": 300000, "round": 1}' >/dev/null
	req claim "$CT" POST "/v1/cases/$CASE/figures" "{\"amount\": $1, \"round\": 1}" >/dev/null
	C=$(size "$CT")
	HINT=$(jq -c '[.rounds[0].hint, .rounds[0].hint_withheld]' "$TMP/brief")
	P=$(size "$PT")
}
round_of 420000
HINT1=$HINT C1=$C P1=$P
round_of 700000
HINT2=$HINT C2=$C P2=$P
echo "1..4"
# both paths taken: one withheld, one told (else the test would measure nothing)
is "the budget withholds the claimant's hint at 4,200.00" "$HINT1" '[null,true]'
is "and tells it at 7,000.00" "$(echo "$HINT2" | jq -r '.[0] != null and .[1] != true')" true
is "the claimant's briefing is as long either way" "$C1" "$C2"
is "the payer's briefing is as long either way" "$P1" "$P2"
exit $((failed > 0))
