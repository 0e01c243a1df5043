#!/usr/bin/env bash
# `nakodo join` through a server takes the role from the token, as the server's briefing
# tells it: --as was required even there, though the join can only be the token's role's.
# A --as naming another role is refused with the reason before anything is sent; a local
# join still needs --as (no token says the role there). Prints TAP. Needs NAKODO, curl, jq.
. "$(dirname "$0")/edges_lib.sh"
start_server || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }
for who in claimant payer mediator; do
	"$NAKODO" keygen --out "$TMP/$who.nkey" >/dev/null 2>&1
done
new_case
joined() { "$NAKODO" --db "$DB" --json log "$CASE" 2>/dev/null |
	jq -c '[.events[] | select(.type == "joined") | .body.role]'; }
jn() { NAKODO_SERVER=$URL NAKODO_TOKEN=$1 "$NAKODO" "${@:2}"; }
# the server's log as the mediator reads it (signed once the mediator has joined)
srvlog() {
	[ "$(req log "$MT" GET "/v1/cases/$CASE/log")" = 401 ] &&
		sreq log "$MT" GET "/v1/cases/$CASE/log" mediator "$TMP/mediator.nkey" >/dev/null
	jq -c '[.events[] | select(.type == "joined") | .body.role]' "$(last)"
}

run 2 "join through the server, --as naming another role than the token's" \
	jn "$PT" join "$CASE" --as claimant --key "$TMP/payer.nkey"
has "  says so, with the token's role" "--as claimant, but the token is the payer's" "$TMP/err"
is "  and nothing is joined" "$(srvlog)" "[]"
run 0 "join through the server without --as" jn "$PT" join "$CASE" --key "$TMP/payer.nkey"
has "  joins as the token's role" "joined case $CASE as payer" "$TMP/out"
is "  the server records the payer's join" "$(srvlog)" '["payer"]'
run 0 "--json join without --as" jn "$CT" --json join "$CASE" --key "$TMP/claimant.nkey"
is "  its JSON names the role" "$(jq -r .role "$TMP/out")" claimant
run 0 "the mediator's join with a matching --as" \
	jn "$MT" join "$CASE" --as mediator --key "$TMP/mediator.nkey"
is "  all three joined" "$(srvlog)" '["payer","claimant","mediator"]'
run 1 "a second join of the payer without --as" jn "$PT" join "$CASE" --key "$TMP/payer.nkey"
has "  is told the role has joined already" "role: the payer has already joined this case" "$TMP/err"

is "  and changes nothing" "$(srvlog)" '["payer","claimant","mediator"]'

# a neutral's token: the server does not tell its role before it joins (409)
new_case "$(echo "$RULES" | jq -c '.neutrals = 2 | .proposals = 0')"
N1=$(jq -r '.tokens["neutral-1"]' "$(last)")
"$NAKODO" keygen --out "$TMP/n1.nkey" >/dev/null 2>&1
run 1 "a neutral's join without --as" jn "$N1" join "$CASE" --key "$TMP/n1.nkey"
has "  is told the role to name" "nakodo join CASE --as neutral-1 --key FILE" "$TMP/err"
run 0 "with --as neutral-1 it joins" jn "$N1" join "$CASE" --as neutral-1 --key "$TMP/n1.nkey"
has "  as neutral-1" "joined case $CASE as neutral-1" "$TMP/out"

# local: no token, so --as is still required
L="$TMP/local.db"
LC=$("$NAKODO" --db "$L" case new --currency USD --rounds 1 2>/dev/null)
run 2 "a local join without --as" "$NAKODO" --db "$L" join "$LC" --key "$TMP/payer.nkey"
has "  is told --as is required" "--as ROLE is required" "$TMP/err"
run 0 "with --as it joins" "$NAKODO" --db "$L" join "$LC" --as payer --key "$TMP/payer.nkey"
run 0 "join --help" "$NAKODO" join --help
has "  says --as may be left out through a server" "--as may then be left out" "$TMP/out"
echo "1..$n"
[ "$failed" -eq 0 ]
