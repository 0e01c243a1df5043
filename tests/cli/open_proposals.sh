#!/usr/bin/env bash
# Open proposals (issue 17, tool 2): --open-proposals and nakodo announce locally and
# through a server (the API and the remote command): the refusals, which change nothing
# and name no secret figure; every role's briefing of the proposals, their bounds and the
# suggestion, its text compared byte for byte with tests/golden/open/; the log.
# GOLDEN_WRITE=1 rewrites the golden files from this run (then read their diff).
# Prints TAP. Needs NAKODO (the binary), curl and jq.
. "$(dirname "$0")/../server/lib.sh"
GOLDEN="$(dirname "$0")/../golden/open"
nk() { "$NAKODO" "$@" 2>"$TMP/err" </dev/null; }
db="$TMP/local.db"
lnk() { nk --db "$db" "$@"; }
norm() { sed "s/$1/CASE/g" "$2"; }
count() { lnk --json log "$1" | jq '.events | length'; }

# ---- the options ----
nk case new --help >"$TMP/out"
check "case new --help names --open-proposals" grep -q -- '--open-proposals' "$TMP/out"
nk announce --help >"$TMP/out"
check "announce --help says what a proposal tells" grep -q 'tells the other side' "$TMP/out"
check "and that it is not the mediator's proposal" grep -q 'nakodo propose' "$TMP/out"

# ---- a case without the rule ----
PLAIN=$(lnk case new --currency USD --range 0:1000000)
lnk announce "$PLAIN" --as claimant 700000 >/dev/null
is "announce in a case without the rule is refused (exit 1)" "$?" 1
check "saying which opening takes them" grep -q -- '--open-proposals' "$TMP/err"
lnk announce "$PLAIN" --as mediator 700000 >/dev/null
is "the mediator announces nothing (exit 2: a role that may not)" "$?" 2
check "only a party does" grep -q 'only the claimant or the payer' "$TMP/err"

# ---- a case with it, locally ----
CASE=$(lnk case new --currency USD --range 0:1000000 --open-proposals --title "Lease")
is "a case with open proposals opens" "$?" 0
lnk --json brief "$CASE" --as payer >"$TMP/out"
is "its rules say so" "$(jq -c '[.rules.open_proposals, .open_proposals]' "$TMP/out")" '[true,{}]'
lnk announce "$CASE" --as claimant 700000 >/dev/null
is "the claimant announces 700,000" "$?" 0
before=$(count "$CASE")
lnk submit "$CASE" --as claimant 712345.67 >/dev/null
is "a demand above its own proposal is refused (exit 1)" "$?" 1
check "naming the proposal" grep -q '700,000.00' "$TMP/err"
check "never the refused figure" bash -c "! grep -q '712' '$TMP/err'"
is "and nothing is logged" "$(count "$CASE")" "$before"
lnk submit "$CASE" --as payer 412345.67 >/dev/null
lnk announce "$CASE" --as payer 450000 >/dev/null
is "a payer's proposal above its own offer is refused (exit 1)" "$?" 1
check "naming the proposal, never the offer" \
	bash -c "grep -q '450,000.00' '$TMP/err' && ! grep -q '412' '$TMP/err'"
lnk announce "$CASE" --as payer 300000 >/dev/null
is "a proposal the offer is as generous as is taken" "$?" 0
lnk announce "$CASE" --as payer 310000 >/dev/null
is "a second one in the same round is refused (exit 1)" "$?" 1
lnk submit "$CASE" --as claimant 612345.67 >/dev/null
is "round 1 fails" "$(lnk --json brief "$CASE" --as mediator | jq .round)" 2
lnk announce "$CASE" --as claimant 710000 >/dev/null
is "a proposal moving away from the other side is refused (exit 1)" "$?" 1
check "saying it moves only toward the other side" grep -q 'only toward' "$TMP/err"
lnk announce "$CASE" --as claimant 640000 >/dev/null
is "one moving toward it is taken" "$?" 0
for role in claimant payer mediator; do
	lnk brief "$CASE" --as $role >"$TMP/$role.txt"
	norm "$CASE" "$TMP/$role.txt" >"$TMP/$role.norm"
	if [ -n "${GOLDEN_WRITE:-}" ]; then cp "$TMP/$role.norm" "$GOLDEN/brief_$role.expected"; fi
	if diff -u "$GOLDEN/brief_$role.expected" "$TMP/$role.norm" >"$TMP/diff"; then
		ok "the $role's briefing is the golden one"
	else
		not_ok "the $role's briefing is the golden one" "$(cat "$TMP/diff")"
	fi
done
lnk --json brief "$CASE" --as mediator >"$TMP/out"
is "--json: the proposals, their rounds, bounds and the suggestion" \
	"$(jq -c '.open_proposals | [.claimant.amount, .claimant.round, .claimant.bound,
		.payer.amount, .payer.round, .payer.bound, .suggestion]' "$TMP/out")" \
	'[64000000,2,{"high":64000000,"low":0},30000000,1,{"high":100000000,"low":30000000},47000000]'
lnk --json brief "$CASE" --as payer >"$TMP/out"
is "the payer's view of round 1 is met with the claimant's proposal then" \
	"$(jq -c '.rounds[0].leakage.other_within.high' "$TMP/out")" 70000000
lnk log "$CASE" >"$TMP/out"
is "the log records three announcements, each by its party" \
	"$(grep -c ' announced ' "$TMP/out")" 3
check "with their amounts" grep -q '"amount":64000000,"role":"claimant","round":2' "$TMP/out"

# ---- through a server ----
start_server
is "the server starts" "$?" 0
new_case "${RULES%\}},\"open_proposals\":true}"
is "POST /v1/cases with open_proposals: 201" "$?" 0
is "the opening answer carries it" "$(jq -c .rules.open_proposals "$(last)")" true
status=$(req ann "$CT" POST "/v1/cases/$CASE/announcements" '{"amount":70000000}')
is "POST announcements by the claimant: 200" "$status" 200
is "answered with its briefing" "$(jq -c .open_proposals.claimant.amount "$(last)")" 70000000
status=$(req ann "$MT" POST "/v1/cases/$CASE/announcements" '{"amount":1}')
is "by the mediator's token: 403" "$status" 403
status=$(req ann "$PT" POST "/v1/cases/$CASE/announcements" '{"amount":"1"}')
is "a string amount: 400" "$status" 400
status=$(req ann "$PT" POST "/v1/cases/$CASE/announcements" '{"amount":30000000,"round":2}')
is "a round that is not open: 409" "$status" 409
nk announce "$CASE" --server "$URL" --token "$PT" 300000 >/dev/null
is "the remote command announces the payer's" "$?" 0
nk brief "$CASE" --server "$URL" --token "$MT" >"$TMP/out"
check "the remote briefing shows the suggestion" \
	grep -q "^the go-between's suggestion: USD 500,000.00" "$TMP/out"
req b "$CT" GET "/v1/cases/$CASE/brief" >/dev/null
is "the claimant's briefing: both and the suggestion" \
	"$(jq -c '.open_proposals | [.claimant.amount, .payer.amount, .suggestion]' "$(last)")" \
	'[70000000,30000000,50000000]'
status=$(req fig "$PT" POST "/v1/cases/$CASE/figures" '{"amount":29999999}')
is "an offer below the payer's proposal: 409" "$status" 409
check "naming the proposal only" \
	bash -c "grep -q '300,000.00' '$(last)' && ! grep -q '299,999' '$(last)'"
RCID=$(nk --json case new --server "$URL" --token "$OP" --currency USD --open-proposals |
	jq -r .case)
nk --json brief "$RCID" --server "$URL" --token "$OP" >/dev/null 2>&1
req b "$OP" GET "/v1/cases/$RCID/brief" >/dev/null
nk --json case new --server "$URL" --token "$OP" --currency USD --open-proposals >"$TMP/out"
is "case new --open-proposals through the server" "$(jq -c .rules.open_proposals "$TMP/out")" true
stop_server
echo "1..$n"
[ "$failed" = 0 ]
