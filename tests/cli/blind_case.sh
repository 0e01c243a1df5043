#!/usr/bin/env bash
# A blind case (issue 16, doc/blind.md): --blind and "blind": true open one, the rules a
# blind case cannot keep are refused at the opening with their reason, the opening event
# says so (version 4) while every other case keeps the bytes it had, and the go-between
# refuses a plain figure or deal-closer in it, recording nothing. Prints TAP. Needs
# NAKODO, curl and jq.
. "$(dirname "$0")/../server/lib.sh"
nk() { "$NAKODO" "$@" 2>"$TMP/err" </dev/null; }
db="$TMP/local.db"
lnk() { nk --db "$db" "$@"; }

nk case new --help >"$TMP/out"
check "case new --help names --blind" grep -q -- '--blind' "$TMP/out"

# ---- what a blind case refuses at the opening ----
# the random rule is kept blind: its draw is padded to a fixed count of messages
nk --db "$TMP/random.db" case new --currency USD --blind --settle random >"$TMP/out"
is "--blind --settle random opens a case (exit 0)" "$?" 0
is "a blind case under the random rule, in its rules" "$(nk --db "$TMP/random.db" brief \
	"$(cat "$TMP/out")" --as mediator --json | jq -r '"\(.rules.settle) \(.rules.blind)"')" \
	"random true"
lnk case new --currency USD --blind --rounds 3 --hints 10 --range 0:1000 --no-monotone \
	>/dev/null
is "--blind with hints over three rounds without monotone concessions is refused (exit 2)" \
	"$?" 2
check "its error names the hints and the reason" \
	grep -q '^nakodo: hints: a blind case .*monotone' "$TMP/err"
lnk case new --currency USD --blind --rounds 20 --hints 5,10,15,20,25,30 --range 0:1000 \
	>/dev/null
is "--blind with six hint thresholds over twenty rounds is refused (exit 2)" "$?" 2
check "its error says the messages would not fit the relay" \
	grep -q "^nakodo: rounds: a blind case of 20 rounds .* over the relay's 131072" "$TMP/err"
# rules the go-between keeps by holding the figures, which a blind case never gives it
lnk case new --currency USD --blind --open-proposals >/dev/null
is "--blind --open-proposals is refused (exit 2)" "$?" 2
check "its error names open proposals" grep -q '^nakodo: open_proposals: a blind case' "$TMP/err"
lnk case new --currency USD --blind --neutrals 3 >/dev/null
is "--blind --neutrals is refused (exit 2)" "$?" 2
check "its error names the neutrals" grep -q '^nakodo: neutrals: a blind case' "$TMP/err"
check "a refused opening leaves no case" \
	bash -c "[ ! -e '$db' ] || [ -z \"\$('$NAKODO' --db '$db' case list 2>/dev/null)\" ]"

# ---- locally ----
HINTED=$(lnk case new --currency USD --blind --rounds 3 --hints 10 --range 0:1000)
is "a blind case of three rounds with hints opens (monotone concessions)" "$?" 0
lnk brief "$HINTED" --as claimant >"$TMP/brief"
check "its rules say hints and blind" grep -q 'blind' "$TMP/brief"
CASE=$(lnk case new --currency USD --blind --rounds 1 --hints 10 --range 0:100000)
is "a blind case of one round with hints opens" "$?" 0
PLAIN=$(lnk case new --currency USD)
lnk log "$CASE" >"$TMP/log"
check "its opening is version 4 and blind" grep -q '"blind":true.*"v":4' "$TMP/log"
lnk log "$PLAIN" >"$TMP/plog"
check "a plain case's opening has no blind member and stays below version 4" \
	bash -c "! grep -q 'blind' '$TMP/plog' && ! grep -q '\"v\":4' '$TMP/plog'"
lnk brief "$CASE" --as claimant >"$TMP/brief"
check "the briefing says the case is blind" grep -q '^blind: ' "$TMP/brief"
lnk submit "$CASE" --as claimant 5000 >/dev/null
is "locally, a figure in a blind case is refused (exit 2)" "$?" 2
check "its error says the round runs through a server" \
	grep -q "computed with the other party's client through the server" "$TMP/err"
lnk extend "$CASE" --as payer 100 >/dev/null
is "a deal-closer in a blind case is refused" "$?" 1
check "its error names the deal-closer" grep -q 'extension: this case is blind' "$TMP/err"
is "nothing was recorded" "$(lnk log "$CASE" | wc -l)" 1

# ---- through a server ----
start_server || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }
BRULES=${RULES%\}}',"blind":true}'
new_case "$BRULES"
is "\"blind\": true opens a blind case over the API" "$?" 0
is "the answer's rules say blind" "$(jq -r .rules.blind "$(last)")" true
status=$(req fig "$CT" POST "/v1/cases/$CASE/figures" '{"amount":5000}')
is "a plain figure over the API is refused (409)" "$status" 409
check "the problem says why" grep -q 'this case is blind' "$(last)"
is "and nothing was recorded" "$(events "$CASE" "$MT")" 1
status=$(req open "$OP" POST /v1/cases "{\"rules\":${RULES%\}},\"blind\":\"yes\"}}")
is "\"blind\": \"yes\" is refused (400)" "$status" 400
check "naming blind" grep -q '"blind"\|blind: must be true or false\|must be true or false' "$(last)"
RANDOM_RULES=${BRULES/\"midpoint\"/\"random\"}
status=$(req open "$OP" POST /v1/cases "{\"rules\":$RANDOM_RULES}")
is "a blind case under the random rule opens over the API (201)" "$status" 201
is "its rules say random and blind" "$(jq -r '"\(.rules.settle) \(.rules.blind)"' "$(last)")" \
	"random true"
new_case
is "a plain case's rules over the API carry no blind member" \
	"$(jq -r '.rules | has("blind")' "$(last)")" false
echo "1..$n"
[ "$failed" = 0 ]
