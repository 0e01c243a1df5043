#!/bin/bash
# The leak hunt for open proposals (issue 17, tool 2): distinctive secret figures are
# planted beside visible proposals in a case run through the API and the remote command,
# with refusals on both sides (a proposal less generous than the secret figure, a figure
# less generous than the proposal); every answer (headers and body), command output, the
# server's log and its database are searched. A secret figure may appear only in its own
# party's briefings, never in a refusal, another role's answer, a log or the database;
# the visible proposals and the suggestion reach every role. Prints TAP.
set -u
. "$(dirname "$0")/../server/lib.sh"

echo "TAP version 13"
D1=73133777; O1=61337111; D2=69420133; O2=70002917; TRIED=59311713
S=$((D2 + (O2 - D2) / 2))
LEAK="$TMP/leak"; mkdir -p "$LEAK"
start_server --rate 1000 --burst 1000
check "server starts" test -n "$PORT"
new_case "${RULES%\}},\"open_proposals\":true}"
lreq() { req "../leak/$1" "${@:2}" >/dev/null; }	# answers go to $LEAK/NAME.N
lcli() {
	local tag=$1 tok=$2
	shift 2
	NAKODO_SERVER=$URL NAKODO_TOKEN=$tok "$NAKODO" "$@" >"$LEAK/$tag.cli.$(date +%s%N)" 2>&1
}
briefs() {	# every role's briefing through the API and the command
	for who in claimant:$CT payer:$PT mediator:$MT; do
		local tok=${who#*:} role=${who%%:*}
		[ "$role" = mediator ] || role="${role}_own"
		lreq "$role" "$tok" GET "/v1/cases/$CASE/brief"
		lcli "$role" "$tok" brief "$CASE"
		lcli "$role" "$tok" --json brief "$CASE"
	done
	lreq mediator "$MT" GET "/v1/cases/$CASE/log"
	lcli mediator "$MT" log "$CASE"
}

lreq claimant_own "$CT" POST "/v1/cases/$CASE/figures" "{\"amount\":$D1}"
# refused: a proposal below the demand already in; the answer goes to the claimant alone
status=$(req ../leak/claimant_err "$CT" POST "/v1/cases/$CASE/announcements" '{"amount":73000000}')
is "a proposal below the claimant's own demand is refused (409)" "$status" 409
lcli claimant_err "$CT" announce "$CASE" 730000
lreq claimant_own "$CT" POST "/v1/cases/$CASE/announcements" '{"amount":75000000}'
lreq payer_own "$PT" POST "/v1/cases/$CASE/announcements" '{"amount":60000000}'
status=$(req ../leak/payer_err "$PT" POST "/v1/cases/$CASE/figures" "{\"amount\":$TRIED}")
is "an offer below the payer's own proposal is refused (409)" "$status" 409
lcli payer_err "$PT" submit "$CASE" 593117.13
briefs
lreq payer_own "$PT" POST "/v1/cases/$CASE/figures" "{\"amount\":$O1}"
lreq payer_other "$PT" GET "/v1/cases/$CASE/log"
briefs
lcli claimant_own "$CT" announce "$CASE" 700000
lreq payer_own "$PT" POST "/v1/cases/$CASE/announcements" '{"amount":65000000}'
briefs
lreq claimant_own "$CT" POST "/v1/cases/$CASE/figures" "{\"amount\":$D2}"
lreq payer_own "$PT" POST "/v1/cases/$CASE/figures" "{\"amount\":$O2}"
briefs
lreq operator "$OP" GET /metrics
stop_server
cp "$TMP/server.log" "$LEAK/server.log"
case $DB in sqlite:*) cp "${DB#sqlite:}" "$LEAK/database" ;; esac

leaks=$(leaks_in "$LEAK" claimant:$D1 claimant:$D2 payer:$O1 payer:$O2 payer:$TRIED)
is "no secret figure outside its own party's briefings, refusals included" \
	"$leaks" ""
check "the planted figures do reach their owners" grep -qF "$(money $D1)" "$LEAK"/claimant_own.*
is "the refusals were answered for the rule, not another reason" \
	"$(grep -lF 'at least as generous' "$LEAK"/claimant_err.* "$LEAK"/payer_err.* | wc -l)" 4
for who in claimant_own payer_own mediator; do
	check "the visible proposals reach the $who's answers" \
		bash -c "grep -qF '$(money 75000000)' '$LEAK'/$who.* &&
			 grep -qF '$(money 65000000)' '$LEAK'/$who.*"
	check "and the suggestion" grep -qF "suggestion: USD $(money 67500000)" "$LEAK"/$who.*
	check "and the settlement" grep -qF "$(money $S)" "$LEAK"/$who.*
done
echo "1..$n"
[ "$failed" -eq 0 ]
