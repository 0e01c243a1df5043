#!/usr/bin/env bash
# The bridge (issue 17, tool 4) as a rule of a case, locally, through the API and through
# the remote command: --bridge and "bridge" in the rules and their refusals; the bridge
# tried only after the last round; what each role is told of a bridged settlement (its
# own sum, and for the mediator the gap); who may read what of such a case (an access
# matrix over its briefing, log and receipt); and a leak hunt: the budget and each side's
# figure must appear nowhere the other side can read (answers, briefings, receipts, the
# log), the budget nowhere at all (the server's log, the database files, in text and as
# the 8 bytes a sealed amount holds). Prints TAP. Needs NAKODO, curl, jq and python3.
. "$(dirname "$0")/../server/lib.sh"
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 is not installed"; exit 0; }
nk() { "$NAKODO" "$@" 2>"$TMP/err" </dev/null; }
db="$TMP/local.db"
lnk() { nk --db "$db" "$@"; }
# Distinctive amounts (cents): the budget, and the last round's figures, whose gap
# (4,197.63) is within it. The first rounds' gaps are within it too: they must not settle.
BUDGET=773129 BUDGET_TEXT=7,731.29
DEMAND=60543219 DEMAND_TEXT=605,432.19
OFFER=60123456 OFFER_TEXT=601,234.56
GAP_TEXT=4,197.63
# lacks WHAT FILE AMOUNT...: none of the amounts (cents, or as formatted) is in FILE.
lacks() {
	local what=$1 file=$2; shift 2
	for a in "$@"; do
		if grep -aqF -- "$a" "$file"; then not_ok "$what" "'$a' is in $file"; return; fi
	done
	ok "$what"
}
# sealed_bytes FILE AMOUNT: whether FILE holds AMOUNT as 8 little-endian bytes, the form
# a sealed amount has before it is sealed.
holds_bytes() {
	python3 -c 'import struct, sys
data = open(sys.argv[1], "rb").read()
sys.exit(0 if struct.pack("<q", int(sys.argv[2])) in data else 1)' "$1" "$2"
}
files_lack() {	# WHAT FILE...: no file holds the budget, in text or as bytes
	local what=$1 f; shift
	for f in "$@"; do
		[ -e "$f" ] || continue
		if grep -aqF -e "$BUDGET" -e "$BUDGET_TEXT" "$f" || holds_bytes "$f" "$BUDGET"; then
			not_ok "$what" "the budget is in $f"; return
		fi
	done
	ok "$what"
}

echo "TAP version 13"
# ---- the option and its refusals ----
nk case new --help >"$TMP/out"
check "case new --help names --bridge AMOUNT" grep -q -- '--bridge AMOUNT' "$TMP/out"
for bad in 0 -5 abc '' 1.234; do
	lnk case new --currency USD --bridge "$bad" >/dev/null
	is "--bridge '$bad' is refused (exit 2)" "$?" 2
	grep -q 'bridge\|amount' "$TMP/err" ||
		not_ok "its error names the field ('$bad')" "$(cat "$TMP/err")"
done
lnk case new --currency USD --range 0:1000 --bridge 1000.01 >/dev/null
is "a budget wider than the range is refused (exit 2)" "$?" 2
check "naming the bridge" grep -q 'bridge' "$TMP/err"
lacks "and not the amount" "$TMP/err" 1000.01 100001
check "a refused opening leaves no case" \
	bash -c "[ ! -e '$db' ] || [ -z \"\$('$NAKODO' --db '$db' case list 2>/dev/null)\" ]"

# ---- locally: three rounds, the bridge tried after the last only ----
CASE=$(echo "$BUDGET_TEXT" | "$NAKODO" --db "$db" case new --currency USD --bridge - \
	--title "bridged" 2>"$TMP/err")
is "a case with a bridge opens (budget from standard input)" "$?" 0
for role in claimant payer mediator; do
	lnk brief "$CASE" --as $role >"$TMP/rules.$role"
	check "the $role's briefing says there is a bridge" \
		grep -q "^bridge: a confidential budget pays the gap" "$TMP/rules.$role"
	is "--json: the $role's rules say \"bridge\": true" \
		"$(lnk --json brief "$CASE" --as $role | jq .rules.bridge)" true
done
for round in 1 2; do
	lnk submit "$CASE" --as claimant 606000.00 >/dev/null
	lnk submit "$CASE" --as payer 600500.00 >/dev/null
	is "round $round's gap is within the budget, yet the case goes on" \
		"$(lnk --json brief "$CASE" --as mediator | jq -c '[.state, .round]')" \
		"[\"open\",$((round + 1))]"
done
lnk submit "$CASE" --as claimant "$DEMAND_TEXT" >/dev/null
lnk submit "$CASE" --as payer "$OFFER_TEXT" >"$TMP/submit.payer"
check "the last round settles by the bridge" grep -q "is settled" "$TMP/submit.payer"
for role in claimant payer mediator; do
	lnk brief "$CASE" --as $role >"$TMP/b.$role"
	lnk --json brief "$CASE" --as $role >"$TMP/j.$role"
done
check "the claimant receives its demand, as one sum" \
	grep -q "^settled by the bridge: you receive your demand, USD $DEMAND_TEXT$" \
	"$TMP/b.claimant"
check "the payer pays its offer" \
	grep -q "^settled by the bridge: you pay your offer, USD $OFFER_TEXT$" "$TMP/b.payer"
check "the mediator is told the gap the bridge pays" \
	grep -q "^settled by the bridge: the bridge pays the gap, USD $GAP_TEXT$" "$TMP/b.mediator"
is "--json: each role its own sum, by the bridge" \
	"$(for r in claimant payer mediator; do
		jq -c '[.settlement.by, .settlement.figure]' "$TMP/j.$r"; done | tr -d '\n')" \
	"[\"bridge\",$DEMAND][\"bridge\",$OFFER][\"bridge\",419763]"
lacks "the claimant sees neither the offer nor the budget" "$TMP/b.claimant" \
	"$OFFER" "$OFFER_TEXT" "$BUDGET" "$BUDGET_TEXT" 419763 "$GAP_TEXT"
lacks "nor in JSON" "$TMP/j.claimant" "$OFFER" "$BUDGET" 419763
lacks "the payer sees neither the demand nor the budget" "$TMP/b.payer" \
	"$DEMAND" "$DEMAND_TEXT" "$BUDGET" "$BUDGET_TEXT" 419763 "$GAP_TEXT"
lacks "nor in JSON" "$TMP/j.payer" "$DEMAND" "$BUDGET" 419763
lacks "the mediator sees no figure and no budget" "$TMP/j.mediator" \
	"$DEMAND" "$OFFER" "$BUDGET" 60600000 60050000
lnk log "$CASE" >"$TMP/log"
check "the log records the bridged settlement by its gap" \
	grep -q '"by":"bridge","gap":419763,"round":3' "$TMP/log"
lacks "the log holds no figure and no budget" "$TMP/log" "$DEMAND" "$OFFER" "$BUDGET"
check "the opening holds only that there is a bridge" grep -q '"bridge":true' "$TMP/log"
lnk receipt "$CASE" --out "$TMP/receipt" >"$TMP/out"
check "the receipt names the bridge" grep -q 'settled-by-bridge' "$TMP/out"
lacks "the receipt holds no amount" "$TMP/receipt" "$DEMAND" "$OFFER" "$BUDGET" 419763
KEY=$(lnk server-key | grep -o '[0-9a-f]\{64\}' | head -1)
nk verify "$TMP/receipt" --server-key "$KEY" >"$TMP/out"
check "the receipt verifies: the server signed a settlement by the bridge" \
	grep -q '^holds *statement-signature .*settled-by-bridge' "$TMP/out"
files_lack "the database files hold no budget" "$db" "$db-wal" "$db-shm"

# a gap beyond the budget: impasse, as without a bridge
C2=$(lnk case new --currency USD --rounds 1 --bridge 10)
lnk submit "$C2" --as claimant 100 >/dev/null && lnk submit "$C2" --as payer 89.99 >/dev/null
is "a gap beyond the budget goes to impasse" \
	"$(lnk --json brief "$C2" --as payer | jq -r .state)" impasse

# ---- through a server ----
start_server
is "the server starts" "$?" 0
for body in '"bridge":true' '"bridge":0' '"bridge":-1' '"bridge":"7731.29"' '"bridge":7.5'; do
	status=$(req open "$OP" POST /v1/cases "{\"rules\":${RULES%\}},$body}}")
	is "POST /v1/cases with $body: 400" "$status" 400
	check "naming the bridge" bash -c "jq -r .field '$(last)' | grep -q bridge"
done
status=$(req open "$OP" POST /v1/cases "{\"rules\":${RULES%\}},\"bridge\":100000001}}")
is "a budget wider than the range: 400" "$status" 400
lacks "and the answer does not repeat it" "$(last)" 100000001
new_case "${RULES%\}},\"bridge\":false}"
is "POST /v1/cases with \"bridge\": false opens a case without one" \
	"$?:$(jq -c .rules.bridge "$(last)")" "0:null"
new_case "${RULES%\}},\"bridge\":$BUDGET}"
is "POST /v1/cases with a budget: 201" "$?" 0
is "the answer's rules say only that there is a bridge" "$(jq -c .rules.bridge "$(last)")" true
lacks "never the budget" "$(last)" "$BUDGET"
# the access matrix of a bridged case: none, malformed, other case's mediator,
# operator, mediator, claimant, payer
OTHER=$MT
new_case "${RULES%\}},\"bridge\":$BUDGET}"
for r in 1 2; do
	req f "$CT" POST "/v1/cases/$CASE/figures" '{"amount":60600000}' >/dev/null
	req f "$PT" POST "/v1/cases/$CASE/figures" '{"amount":60050000}' >/dev/null
done
req f "$CT" POST "/v1/cases/$CASE/figures" "{\"amount\":$DEMAND}" >/dev/null
req f "$PT" POST "/v1/cases/$CASE/figures" "{\"amount\":$OFFER}" >"$TMP/status"
cp "$(last)" "$TMP/api.answer.payer"
is "the payer's last figure is taken" "$(cat "$TMP/status")" 200
for route in brief log receipt; do
	got=""
	for tok in "" "-" "$OTHER" "$OP" "$MT" "$CT" "$PT"; do
		got="$got $(req m "$tok" GET "/v1/cases/$CASE/$route")"
		cp "$(last)" "$TMP/api.$route.${tok:-none}"
	done
	case $route in
	brief) want="401 401 403 403 200 200 200" ;;
	log) want="401 401 403 403 200 403 403" ;;
	receipt) want="401 401 403 200 200 200 200" ;;
	esac
	is "access: GET $route of a bridged case" "${got# }" "$want"
done
is "the API's briefings: each role its own sum" \
	"$(for t in "$CT" "$PT" "$MT"; do
		jq -c .settlement.figure "$TMP/api.brief.$t"; done | tr -d '\n')" \
	"$DEMAND$OFFER"419763
lacks "the claimant's answers hold neither the offer nor the budget" "$TMP/api.brief.$CT" \
	"$OFFER" "$BUDGET" 419763
lacks "the payer's answers hold neither the demand nor the budget" "$TMP/api.brief.$PT" \
	"$DEMAND" "$BUDGET" 419763
lacks "nor the answer to its figure" "$TMP/api.answer.payer" "$DEMAND" "$BUDGET" 419763
lacks "the mediator's briefing and log hold no figure and no budget" "$TMP/api.log.$MT" \
	"$DEMAND" "$OFFER" "$BUDGET"
lacks "nor its briefing" "$TMP/api.brief.$MT" "$DEMAND" "$OFFER" "$BUDGET"
lacks "the receipt holds no amount" "$TMP/api.receipt.$CT" "$DEMAND" "$OFFER" "$BUDGET" 419763
check "and names the bridge" grep -q 'settled-by-bridge' "$TMP/api.receipt.$CT"
# the remote command
RCID=$(echo "$BUDGET_TEXT" | "$NAKODO" --json case new --server "$URL" --token "$OP" \
	--currency USD --bridge - 2>"$TMP/err" | tee "$TMP/opened" | jq -r .case)
is "case new --bridge through the server" "$(jq -c .rules.bridge "$TMP/opened")" true
lacks "its answer holds no budget" "$TMP/opened" "$BUDGET" "$BUDGET_TEXT"
nk brief "$RCID" --server "$URL" --token "$(jq -r .tokens.payer "$TMP/opened")" >"$TMP/out"
check "the remote briefing states the bridge" grep -q '^bridge: a confidential budget' "$TMP/out"
stop_server
lacks "the server's log holds no budget and no figure" "$TMP/server.log" \
	"$BUDGET" "$BUDGET_TEXT" "$DEMAND" "$OFFER"
files_lack "the server's database files hold no budget" "${DB#sqlite:}" \
	"${DB#sqlite:}-wal" "${DB#sqlite:}-shm"
echo "1..$n"
[ "$failed" = 0 ]
