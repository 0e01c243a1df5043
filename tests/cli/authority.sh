#!/usr/bin/env bash
# Principals who clear (issue 17, tool 5, --authority): a party's figure, extension or
# answer waits as a sealed draft, shown to the party and its principal only and to no one
# else (no event: the mediator's log, the overview and the counts do not move), until
# the principal approves it (the party's own event then) or rejects it (void). Locally
# and through a real server. Prints TAP. Needs NAKODO, curl and jq.
. "$(dirname "$0")/../server/lib.sh"
export NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass"
printf 'correct horse battery staple\n' >"$TMP/pass"
nk() { "$NAKODO" "$@" 2>"$TMP/err" </dev/null; }
db="$TMP/local.db"
lnk() { nk --db "$db" "$@"; }
for r in claimant payer cp pp; do
	"$NAKODO" keygen --out "$TMP/$r.nkey" >/dev/null 2>&1 || not_ok "keygen $r"
done
ck() { echo "--as claimant --key $TMP/claimant.nkey"; }
sn() { "$NAKODO" --json pubkey "$TMP/$1.nkey" 2>/dev/null | jq -r .safety_number; }
# endorse CASE PARTY KEY ROLE ROLEKEY [RUNNER...]: the party endorses role's key
endorse() { "${@:6}" endorse "$1" "$4" --as "$2" --key "$TMP/$3.nkey" --safety-number "$(sn "$5")"; }

# ---- the option and the commands ----
nk case new --help >"$TMP/out"
check "case new --help names --authority" grep -q -- '--authority' "$TMP/out"
nk --help >"$TMP/out"
check "nakodo --help lists approve and reject" \
	bash -c "grep -q '^  approve ' '$TMP/out' && grep -q '^  reject ' '$TMP/out'"
nk approve --help >"$TMP/out"
check "approve --help names --draft and --key" \
	bash -c "grep -q -- '--draft N' '$TMP/out' && grep -q -- '--key FILE' '$TMP/out'"
lnk case new --currency USD --authority >/dev/null
is "--authority without --principals is refused (exit 2)" "$?" 2
check "  naming the field" grep -q 'authority' "$TMP/err"

# ---- locally, with keys ----
CASE=$(lnk case new --currency USD --range 0:100,000 --principals --authority)
is "a case with --principals --authority opens" "$?" 0
lnk join "$CASE" --as claimant --key "$TMP/claimant.nkey" >/dev/null &&
	lnk join "$CASE" --as payer --key "$TMP/payer.nkey" >/dev/null &&
	lnk join "$CASE" --as claimant-principal --key "$TMP/cp.nkey" >/dev/null
is "the parties and the claimant's principal join" "$?" 0
endorse "$CASE" claimant claimant claimant-principal cp lnk >/dev/null
is "the claimant endorses its principal's key" "$?" 0
n0=$(lnk --json brief "$CASE" --as mediator | jq .events)
lnk submit "$CASE" $(ck) 61,234.56 >"$TMP/out"
is "the claimant submits: a draft" "$?" 0
check "  it is told the draft awaits its principal" \
	grep -q "draft 2 awaiting the claimant-principal's approval: figure USD 61,234.56" "$TMP/out"
is "  no event: the mediator's log did not move" \
	"$(lnk --json brief "$CASE" --as mediator | jq .events)" "$n0"
lnk --json brief "$CASE" --as payer --key "$TMP/payer.nkey" >"$TMP/p.json"
check "  the payer sees nothing of it" bash -c "! grep -q -e 6123456 -e draft '$TMP/p.json'"
lnk --json brief "$CASE" --as claimant-principal --key "$TMP/cp.nkey" >"$TMP/cp.json"
is "the principal's briefing shows the draft" \
	"$(jq -c .draft "$TMP/cp.json")" '{"action":"figure","amount":6123456,"number":2,"round":1}'
is "  the round is not marked submitted" "$(jq -r '.rounds[0].submitted' "$TMP/cp.json")" false
lnk submit "$CASE" $(ck) 50,000 >/dev/null
is "a second draft while one waits is refused (exit 1)" "$?" 1
lnk submit "$CASE" $(ck) 200,000 >/dev/null
is "a figure out of range is refused at once, not drafted (exit 1)" "$?" 1
lnk approve "$CASE" --as claimant-principal >/dev/null
is "the joined principal must sign (exit 2)" "$?" 2
lnk approve "$CASE" --as claimant-principal --key "$TMP/payer.nkey" >/dev/null
is "  with its own key (exit 2)" "$?" 2
lnk approve "$CASE" --as claimant-principal --key "$TMP/cp.nkey" --draft 4 >/dev/null
is "approving another draft number is refused (exit 1)" "$?" 1
lnk approve "$CASE" --as payer-principal >/dev/null
is "the payer's principal, not joined, has no draft to approve (exit 1)" "$?" 1
lnk approve "$CASE" --as claimant --key "$TMP/claimant.nkey" >/dev/null
is "a party may not approve its own draft (exit 2)" "$?" 2
lnk approve "$CASE" --as claimant-principal --key "$TMP/cp.nkey" >"$TMP/out"
is "the principal approves" "$?" 0
check "  and is told it took effect" grep -q "^approved the claimant's draft .*: it has taken effect" "$TMP/out"
lnk log "$CASE" >"$TMP/log"
check "the claimant's own figure event is in the log, with its request number" \
	grep -qE 'claimant +figure +\{"request":2,"role":"claimant","round":1\}' "$TMP/log"
is "  one event more" "$(lnk --json brief "$CASE" --as mediator | jq .events)" "$((n0 + 1))"
lnk --json brief "$CASE" --as claimant --key "$TMP/claimant.nkey" >"$TMP/c.json"
is "  the claimant's briefing shows its figure and no draft" \
	"$(jq -r '.rounds[0].own_figure, has("draft")' "$TMP/c.json" | tr '\n' ' ')" "6123456 false "
lnk approve "$CASE" --as claimant-principal --key "$TMP/cp.nkey" >/dev/null
is "approving again finds no draft (exit 1)" "$?" 1
lnk extend "$CASE" $(ck) 1,000 >/dev/null
lnk --json brief "$CASE" --as claimant-principal --key "$TMP/cp.nkey" >"$TMP/cp.json"
is "an extension is drafted too" "$(jq -c '.draft | [.action, .amount, .number]' "$TMP/cp.json")" \
	'["extension",100000,3]'
lnk reject "$CASE" --as claimant-principal --key "$TMP/cp.nkey" >/dev/null
is "  and its principal rejects it" "$?" 0
# a principal that has not joined clears nothing: its token, which the case's opener
# holds too, must not clear a party's figure
lnk submit "$CASE" --as payer --key "$TMP/payer.nkey" 70,000 >/dev/null
lnk reject "$CASE" --as payer-principal >/dev/null
is "a principal that has not joined may not clear (exit 1)" "$?" 1
check "  and is told to join with its own key" grep -q 'once it has joined with its own key' "$TMP/err"
lnk join "$CASE" --as payer-principal --key "$TMP/pp.nkey" >/dev/null
lnk reject "$CASE" --as payer-principal --key "$TMP/pp.nkey" >/dev/null
is "a joined principal its party has not endorsed may not clear either (exit 1)" "$?" 1
check "  and is told to ask the payer to endorse its key" \
	grep -q 'once the payer has endorsed its key' "$TMP/err"
endorse "$CASE" payer payer payer-principal pp lnk >/dev/null
n1=$(lnk --json brief "$CASE" --as mediator | jq .events)
lnk reject "$CASE" --as payer-principal --key "$TMP/pp.nkey" >"$TMP/out"
is "the payer's principal joins and rejects its draft" "$?" 0
is "  nothing was logged" "$(lnk --json brief "$CASE" --as mediator | jq .events)" "$n1"
lnk --json brief "$CASE" --as payer --key "$TMP/payer.nkey" >"$TMP/p.json"
is "  the payer's briefing has no draft and no figure" \
	"$(jq -r 'has("draft"), .rounds[0].submitted' "$TMP/p.json" | tr '\n' ' ')" "false false "
lnk submit "$CASE" --as payer --key "$TMP/payer.nkey" 65,000 >/dev/null &&
	lnk approve "$CASE" --as payer-principal --key "$TMP/pp.nkey" >/dev/null
is "a new draft, approved, completes the round" "$?" 0
is "  the case settles at the midpoint" \
	"$(lnk --json brief "$CASE" --as mediator | jq -r '.state, .settlement.figure' | tr '\n' ' ')" \
	"settled 6311728 "

# a draft of a round that moved on is void: answers to a proposal
CASE2=$(lnk case new --currency USD --range 0:100,000 --principals --authority --rounds 1)
lnk join "$CASE2" --as claimant-principal --key "$TMP/cp.nkey" >/dev/null &&
	lnk join "$CASE2" --as payer-principal --key "$TMP/pp.nkey" >/dev/null &&
	lnk join "$CASE2" --as claimant --key "$TMP/claimant.nkey" >/dev/null &&
	lnk join "$CASE2" --as payer --key "$TMP/payer.nkey" >/dev/null &&
	endorse "$CASE2" claimant claimant claimant-principal cp lnk >/dev/null &&
	endorse "$CASE2" payer payer payer-principal pp lnk >/dev/null
lnk submit "$CASE2" $(ck) 80,000 >/dev/null &&
	lnk approve "$CASE2" --as claimant-principal --key "$TMP/cp.nkey" >/dev/null &&
	lnk submit "$CASE2" --as payer --key "$TMP/payer.nkey" 10,000 >/dev/null &&
	lnk approve "$CASE2" --as payer-principal --key "$TMP/pp.nkey" >/dev/null
is "a one-round case reaches impasse through approvals" \
	"$(lnk --json brief "$CASE2" --as mediator | jq -r .state)" impasse
lnk propose "$CASE2" 40,000 >/dev/null
lnk answer "$CASE2" $(ck) accept >"$TMP/out"
is "  its line does not call the drafted answer recorded" "$(head -1 "$TMP/out")" \
	"ok: case $CASE2 is at impasse (see nakodo brief)"
check "  but names the draft" grep -q "^draft [0-9]* awaiting the claimant-principal's approval: accept" \
	"$TMP/out"
lnk --json brief "$CASE2" --as claimant-principal --key "$TMP/cp.nkey" >"$TMP/cp.json"
is "an answer is drafted too" \
	"$(jq -c '.draft | [.action, .accept]' "$TMP/cp.json")" '["answer",true]'
lnk --json brief "$CASE2" --as mediator >"$TMP/m.json"
is "  the mediator does not see it answered" "$(jq -c .proposal.answered "$TMP/m.json")" '{"claimant":false,"payer":false}'
lnk close "$CASE2" >/dev/null
lnk approve "$CASE2" --as claimant-principal --key "$TMP/cp.nkey" >/dev/null
is "a draft of a case that has ended cannot be approved (exit 1)" "$?" 1

# ---- through a server ----
start_server || not_ok "the server starts"
A_RULES=$(jq -c '. + {principals: true, authority: true}' <<<"$RULES")
new_case "$A_RULES"
is "a server case with authority opens" "$?" 0
CPT=$(jq -r '.tokens["claimant-principal"]' "$(last)")
PPT=$(jq -r '.tokens["payer-principal"]' "$(last)")
rt() { NAKODO_SERVER=$URL NAKODO_TOKEN=$1 "$NAKODO" "${@:2}" 2>"$TMP/err" </dev/null; }
rt "$CT" join "$CASE" --as claimant --key "$TMP/claimant.nkey" >/dev/null &&
	rt "$CPT" join "$CASE" --as claimant-principal --key "$TMP/cp.nkey" >/dev/null
is "the claimant and its principal join through the server" "$?" 0
endorse "$CASE" claimant claimant claimant-principal cp rt "$CT" >/dev/null
is "the claimant endorses its principal through the server" "$?" 0
req ov "$OP" GET "/v1/cases/overview" >/dev/null; ov0=$(jq -c .cases "$(last)")
n0=$(events "$CASE" "$MT")
rt "$CT" submit "$CASE" --key "$TMP/claimant.nkey" 61,234.56 >"$TMP/out"
is "the claimant drafts through the server" "$?" 0
is "  the mediator's log did not move" "$(events "$CASE" "$MT")" "$n0"
req ov "$OP" GET "/v1/cases/overview" >/dev/null
is "  nor the operator's overview (changed_ms included)" "$(jq -c .cases "$(last)")" "$ov0"
req b "$PT" GET "/v1/cases/$CASE/brief" >/dev/null
check "  the payer's briefing holds nothing of it" bash -c "! grep -q -e 6123456 -e draft '$(last)'"
req b "$CPT" GET "/v1/cases/$CASE/brief" >/dev/null
is "a joined principal's read must be signed" "$(cat "$(last)" | jq -r .field)" signature
rt "$CPT" --json brief "$CASE" --key "$TMP/cp.nkey" >"$TMP/cp.json"
is "the principal's remote briefing shows the draft" "$(jq -r .draft.amount "$TMP/cp.json")" 6123456
for tok in CT PT MT; do
	is "  the $tok token may not approve (403)" \
		"$(req a "${!tok}" POST "/v1/cases/$CASE/approve" '{"accept":true,"draft":1}')" 403
done
is "an unsigned approval by a joined principal is refused (401)" \
	"$(req a "$CPT" POST "/v1/cases/$CASE/approve" '{"accept":true,"draft":1}')" 401
is "the payer's principal has no draft to approve (409)" \
	"$(req a "$PPT" POST "/v1/cases/$CASE/approve" '{"accept":true,"draft":1}')" 409
is "  a draft number is required (400)" \
	"$(req a "$PPT" POST "/v1/cases/$CASE/approve" '{"accept":true}')" 400
rt "$CPT" approve "$CASE" --key "$TMP/cp.nkey" >"$TMP/out"
is "the principal approves through the server" "$?" 0
is "  the party's event is logged" "$(events "$CASE" "$MT")" "$((n0 + 1))"
req ov "$OP" GET "/v1/cases/overview" >/dev/null
is "  the overview still shows the case open in round 1" \
	"$(jq -r --arg c "$CASE" '.cases[] | select(.case == $c) | .state, .round' "$(last)" | tr '\n' ' ')" \
	"open 1 "
rt "$PT" submit "$CASE" 65,000 >/dev/null
is "an unjoined principal's approval is refused through the server (409)" \
	"$(req a "$PPT" POST "/v1/cases/$CASE/approve" '{"accept":true,"draft":1}')" 409
rt "$PPT" join "$CASE" --as payer-principal --key "$TMP/pp.nkey" >/dev/null
rt "$PPT" reject "$CASE" --key "$TMP/pp.nkey" >/dev/null
is "  joined, it is refused until the payer endorses its key (exit 1)" "$?" 1
check "  naming the field role (409 from the server)" grep -q 'role: .*endorsed its key' "$TMP/err"
rt "$PT" join "$CASE" --as payer --key "$TMP/payer.nkey" >/dev/null &&
	endorse "$CASE" payer payer payer-principal pp rt "$PT" >/dev/null
is "the payer joins and endorses its principal through the server" "$?" 0
n1=$(events "$CASE" "$MT")
rt "$PPT" reject "$CASE" --key "$TMP/pp.nkey" >"$TMP/out"
is "the payer's principal joins and rejects through the server" "$?" 0
is "  nothing logged" "$(events "$CASE" "$MT")" "$n1"
stop_server
echo "1..$n"
exit $((failed > 0))
