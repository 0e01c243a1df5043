#!/bin/bash
# The operator's list of cases with their states, GET /v1/cases/overview (TAP): only the
# operator's token; pages newest first with a cursor; states and rounds as the mediator's
# briefing shows them, changed only when both sides learn of it; bad input named; and the
# answer the same bytes whether or not a party acted alone in confidence.
set -u
. "$(dirname "$0")/lib.sh"

echo "TAP version 13"
start_server --rate 1000 --burst 1000
overview() { req ov "$OP" GET "/v1/cases/overview$1"; }

ids=()
for i in $(seq 7); do new_case; ids+=("$CASE"); done
LAST_CT=$CT; LAST_PT=$PT; LAST_MT=$MT

is "the operator reads a page" "$(overview '?limit=3')" 200
is "  newest first, three of them, and the cursor" \
	"$(jq -r '[.cases[].case] | join(" ")' "$(last)") $(jq -r .next "$(last)")" \
	"${ids[6]} ${ids[5]} ${ids[4]} ${ids[4]}"
is "  each with what the mediator's briefing shows" \
	"$(jq -c '.cases[0] | [.kind, .state, .currency, .round, .rounds, (.created_ms > 0), (.changed_ms >= .created_ms)]' "$(last)")" \
	'["figures","open","USD",1,3,true,true]'
is "  and nothing else" "$(jq -c '.cases[0] | keys' "$(last)")" \
	'["case","changed_ms","created_ms","currency","kind","round","rounds","state"]'
next=$(jq -r .next "$(last)")
is "the next page" "$(overview "?limit=3&after=$next")" 200
is "  continues after the cursor" "$(jq -r '[.cases[].case] | join(" ")' "$(last)")" \
	"${ids[3]} ${ids[2]} ${ids[1]}"
next=$(jq -r .next "$(last)")
overview "?limit=3&after=$next" >/dev/null
is "the last page has no cursor" "$(jq -r '([.cases[].case] | join(" ")) + " " + (.next // "none")' "$(last)")" \
	"${ids[0]} none"
is "without a limit, a page of 50" "$(overview '' ) $(jq '.cases | length' "$(last)")" "200 7"

# A party acting alone changes nothing in the list: the same bytes before and after.
overview '?limit=1' >/dev/null; before=$(jq -c . "$(last)")
is "the claimant submits alone" "$(req f "$LAST_CT" POST "/v1/cases/${ids[6]}/figures" '{"amount":5000}')" 200
is "the payer extends alone" "$(req f "$LAST_PT" POST "/v1/cases/${ids[6]}/extensions" '{"amount":100}')" 200
overview '?limit=1' >/dev/null
is "  the list is the same bytes" "$(jq -c . "$(last)")" "$before"
is "the payer's figure ends round 1" "$(req f "$LAST_PT" POST "/v1/cases/${ids[6]}/figures" '{"amount":4000}')" 200
overview '?limit=1' >/dev/null
is "  the list shows round 2" "$(jq -c '.cases[0] | [.state, .round]' "$(last)")" '["open",2]'
is "the mediator closes the case" "$(req c "$LAST_MT" POST "/v1/cases/${ids[6]}/close" '{}')" 200
overview '?limit=1' >/dev/null
is "  the list shows it closed" "$(jq -r '.cases[0].state' "$(last)")" closed

# A package case: its kind, its frame's currency and rounds.
is "a package case opens" "$(req p "$OP" POST /v1/cases '{"package":{"currency":"JPY","components":["grant","loan"],"solution":"nash","rounds":2,"monotone":true}}')" 201
PKG=$(jq -r .case "$(last)")
overview '?limit=1' >/dev/null
is "  the list shows it first, as a package case" \
	"$(jq -c '.cases[0] | [.case == "'"$PKG"'", .kind, .state, .currency, .round, .rounds]' "$(last)")" \
	'[true,"package","open","JPY",1,2]'

# Bad input: named, and nothing listed.
for q in '?limit=0' '?limit=101' '?limit=x' '?limit=' '?limit=%2B5' '?limit=%205' \
	'?after=not%20an%20id'; do
	field=$(echo "$q" | sed 's/^?\([a-z]*\)=.*/\1/')
	is "$q is 400, field $field" "$(overview "$q") $(jq -r .field "$(last)")" "400 $field"
done
is "a cursor that names no case is 404" "$(overview '?after=ffffffffffffffffffff') $(jq -r .field "$(last)")" "404 after"
# Only the operator: a mediator of one case must not see the others.
for who in "$LAST_MT" "$LAST_CT" "$LAST_PT"; do
	is "a case's token is refused" "$(req ov "$who" GET /v1/cases/overview)" 403
done
is "no token is 401" "$(req ov "" GET /v1/cases/overview)" 401

stop_server
echo "1..$n"
[ "$failed" -eq 0 ]
