#!/usr/bin/env bash
# Small wording faults, each checked where a role reads it: an ended briefing speaks of
# hints only when one was told; a blind case's ended briefing does not say the go-between
# deleted figures it never held; the open-proposal refusals give amounts with their
# currency; a package's loan rate reaches the API's answers without binary noise
# (3.5, not 3.5000000000000004). Prints TAP. Needs NAKODO, curl and jq.
. "$(dirname "$0")/../server/lib.sh"
nk() { "$NAKODO" --db "$TMP/w.db" "$@" 2>"$TMP/err" </dev/null; }

# ---- an ended briefing and hints ----
A=$(nk case new --currency USD)
nk submit "$A" --as claimant 5000 >/dev/null && nk submit "$A" --as payer 6000 >/dev/null
for role in claimant payer; do
	nk brief "$A" --as $role >"$TMP/out"
	check "no hint was told: the $role's ended briefing does not speak of hints" \
		bash -c "! grep -q 'hint' '$TMP/out'"
	check "and still says its figure was deleted" grep -q '^(doc/security.md)$' "$TMP/out"
done
H=$(nk case new --currency USD --range 0:100000 --hints 10,50 --leakage-bits 32)
nk submit "$H" --as claimant 9000 >/dev/null && nk submit "$H" --as payer 1000 >/dev/null
nk close "$H" >/dev/null
nk brief "$H" --as payer >"$TMP/out"
check "a hint was told: the ended briefing says where it is" \
	grep -q "what each hint told you is above, in terms of your own offer" "$TMP/out"

# ---- a blind case's end ----
B=$(nk case new --currency USD --blind)
nk close "$B" >/dev/null
nk brief "$B" --as claimant >"$TMP/out"
check "a blind case's ended briefing does not say the go-between deleted the party's figures" \
	bash -c "! grep -q 'deleted' '$TMP/out'"
check "it says the go-between never held them" \
	grep -q "^the case has ended; the go-between never held your demand or the other side's" \
	"$TMP/out"
nk brief "$B" --as mediator >"$TMP/out"
is "the mediator's likewise" "$(grep '^the case has ended' "$TMP/out")" \
	"the case has ended; the go-between never held its figures (a blind case)"

# ---- the open-proposal refusals name the currency ----
O=$(nk case new --currency JPY --open-proposals)
nk announce "$O" --as claimant 3000 >/dev/null
nk submit "$O" --as claimant 4000 >/dev/null
is "a figure less generous than the proposal is refused" "$?" 1
check "naming the proposal with its currency" \
	grep -q 'at most your open proposal of JPY 3,000:' "$TMP/err"
nk submit "$O" --as claimant 2000 >/dev/null && nk submit "$O" --as payer 1000 >/dev/null
nk announce "$O" --as claimant 4000 >/dev/null
check "a proposal that moves away names its amount with its currency" \
	grep -q 'JPY 4,000 must be lower than your standing proposal' "$TMP/err"
P=$(nk case new --currency USD --open-proposals)
nk submit "$P" --as payer 1000 >/dev/null
nk announce "$P" --as payer 2000 >/dev/null
check "a proposal beyond the secret figure names its amount with its currency" \
	grep -q 'not as generous as USD 2,000.00:' "$TMP/err"

# ---- a package's rate through the API ----
start_server
EX="$(cd "$(dirname "$0")/../../examples" && pwd)"
FRAME='{"currency":"USD","components":["grant","loan"],"solution":"nash","rounds":2,'
FRAME+='"monotone":true,"hints":"none"}'
req pk "$OP" POST /v1/cases "{\"package\":$FRAME}" >/dev/null
PC=$(jq -r .case "$(last)"); PCT=$(jq -r .tokens.claimant "$(last)")
PPT=$(jq -r .tokens.payer "$(last)")
req pk "$PCT" POST "/v1/cases/$PC/package" \
	"{\"valuation\":$(jq -c . "$EX/claims-1962-package-korea.json")}" >/dev/null
req pk "$PPT" POST "/v1/cases/$PC/package" \
	"{\"valuation\":$(jq -c . "$EX/claims-1962-package-japan.json")}" >/dev/null
req pk "$PPT" GET "/v1/cases/$PC/brief" >/dev/null
is "the proposed package's loan rate in the API's briefing is 3.5, to the digit" \
	"$(grep -o '"rate": *[0-9.]*' "$(last)" | tr -d ' ')" '"rate":3.5'
stop_server
echo "1..$n"
[ "$failed" = 0 ]
