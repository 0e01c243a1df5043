#!/usr/bin/env bash
# Black-box tests of the last rough edges of issue 15: the demo's log in columns, a case's
# title, the mediator's history of proposals, a party's briefing after settlement, and the
# operator's token reissued from the database. Prints TAP. Needs NAKODO, curl and jq.
. "$(dirname "$0")/edges_lib.sh"
db="$TMP/rough.db"

# ---- the demo's log: one column for the body, whatever the event's number ----
run 0 "the demo" "$NAKODO" demo
grep '^    go-between | #' "$TMP/out" | awk '{ print index($0, "{") }' | sort -u >"$TMP/cols"
is "every log line's body starts in one column" "$(wc -l <"$TMP/cols")" 1
has "the log reaches two-digit numbers" "go-between | #10 " "$TMP/out"

# ---- a case's title: bounded, no control characters, shown to every role ----
run 0 "case new --title" "$NAKODO" --db "$db" case new --currency USD --range 0:1,000,000 \
	--title "Claims – Korea and Japan, 1962"
TITLED=$(cat "$TMP/out")
for who in mediator claimant payer; do
	run 0 "the $who's briefing" "$NAKODO" --db "$db" brief "$TITLED" --as "$who"
	has "the $who sees the title" "^title: Claims – Korea and Japan, 1962$" "$TMP/out"
done
run 0 "brief --json" "$NAKODO" --db "$db" --json brief "$TITLED" --as payer
is "its JSON has the title" "$(jq -r .title "$TMP/out")" "Claims – Korea and Japan, 1962"
run 0 "case list" "$NAKODO" --db "$db" case list
has "the list shows the title last" "  Claims – Korea and Japan, 1962$" "$TMP/out"
run 0 "case list --json" "$NAKODO" --db "$db" --json case list
is "its summary has the title" "$(jq -r ".summaries[] | select(.case == \"$TITLED\") | .title" "$TMP/out")" \
	"Claims – Korea and Japan, 1962"
run 2 "a title with a tab" "$NAKODO" --db "$db" case new --currency USD --title "$(printf 'a\tb')"
has "names the field and the character" "title: .*control.*U+0009" "$TMP/err"
run 2 "a title with an escape sequence" "$NAKODO" --db "$db" case new --currency USD \
	--title "$(printf 'a\033[2Jb')"
run 2 "a title of 121 bytes" "$NAKODO" --db "$db" case new --currency USD --title "$(printf 'x%.0s' $(seq 121))"
has "says the bound" "at most 120 bytes" "$TMP/err"
run 2 "an empty title" "$NAKODO" --db "$db" case new --currency USD --title ""
count=$("$NAKODO" --db "$db" --json case list | jq '.cases | length')
is "no refused title opened a case" "$count" 1
run 0 "package open --title" "$NAKODO" --db "$db" package open --currency USD --title "Loan package"
PKG=$(cat "$TMP/out")
run 0 "the package case's payer briefing" "$NAKODO" --db "$db" brief "$PKG" --as payer
has "shows the title" "^title: Loan package$" "$TMP/out"

# ---- through a server: POST /v1/cases {"title"} ----
start_server || not_ok "the server starts"
run 0 "case new --title --server" env NAKODO_SERVER="$URL" NAKODO_TOKEN="$OP" \
	"$NAKODO" --json case new --currency EUR --title "Remote lease"
is "the answer has the title" "$(jq -r .title "$TMP/out")" "Remote lease"
RCASE=$(jq -r .case "$TMP/out"); RPT=$(jq -r .tokens.payer "$TMP/out")
run 0 "the payer's remote briefing" env NAKODO_SERVER="$URL" NAKODO_TOKEN="$RPT" \
	"$NAKODO" brief "$RCASE" --as payer
has "shows the title" "^title: Remote lease$" "$TMP/out"
status=$(req badtitle "$OP" POST /v1/cases "{\"rules\":$RULES,\"title\":\"a\\u0007b\"}")
is "a title with BEL is refused: 400" "$status" 400
is "naming the field" "$(jq -r .field "$(last)")" title
status=$(req numtitle "$OP" POST /v1/cases "{\"rules\":$RULES,\"title\":5}")
is "a title that is not text: 400" "$status" 400
stop_server

# ---- the mediator's briefing: every proposal with its answer ----
run 0 "a case with two proposals" "$NAKODO" --db "$db" case new --currency USD --rounds 1 \
	--proposals 2 --range 0:1,000
PROP=$(cat "$TMP/out")
"$NAKODO" --db "$db" submit "$PROP" --as claimant 900 >/dev/null 2>&1
"$NAKODO" --db "$db" submit "$PROP" --as payer 100 >/dev/null 2>&1
run 0 "proposal 1" "$NAKODO" --db "$db" propose "$PROP" 500
"$NAKODO" --db "$db" answer "$PROP" --as claimant decline >/dev/null 2>&1
"$NAKODO" --db "$db" answer "$PROP" --as payer accept >/dev/null 2>&1
run 0 "proposal 2" "$NAKODO" --db "$db" propose "$PROP" 600
"$NAKODO" --db "$db" answer "$PROP" --as claimant accept >/dev/null 2>&1
run 0 "the mediator's briefing" "$NAKODO" --db "$db" brief "$PROP" --as mediator
has "shows the first proposal and its answer" "^mediator's proposal 1: USD 500.00; not accepted by both$" "$TMP/out"
has "shows who has answered the second" \
	"^mediator's proposal 2: USD 600.00; the claimant has answered, the payer not yet$" "$TMP/out"
run 0 "its JSON" "$NAKODO" --db "$db" --json brief "$PROP" --as mediator
is "the history in JSON" "$(jq -c '[.proposal.history[] | [.number, .figure, .accepted]]' "$TMP/out")" \
	'[[1,50000,false],[2,60000,null]]'
is "who has answered, in JSON" "$(jq -c .proposal.answered "$TMP/out")" '{"claimant":true,"payer":false}'
run 0 "the payer's briefing" "$NAKODO" --db "$db" --json brief "$PROP" --as payer
is "a party is not told whether the other answered" "$(jq -c .proposal.answered "$TMP/out")" null
"$NAKODO" --db "$db" answer "$PROP" --as payer accept >/dev/null 2>&1
run 0 "the claimant's briefing after settlement" "$NAKODO" --db "$db" brief "$PROP" --as claimant
has "still shows proposal 1" "^mediator's proposal 1: USD 500.00; not accepted by both$" "$TMP/out"
has "and the accepted one" "^mediator's proposal 2: USD 600.00; both accepted$" "$TMP/out"

# ---- a party's briefing after settlement: what it learnt, in terms of its own figure ----
run 0 "a case with hints" "$NAKODO" --db "$db" case new --currency USD --rounds 2 --hints 10,25 \
	--range 0:10,000 --leakage-bits 64
HINTED=$(cat "$TMP/out")
"$NAKODO" --db "$db" submit "$HINTED" --as claimant 1,000 >/dev/null 2>&1
"$NAKODO" --db "$db" submit "$HINTED" --as payer 850 >/dev/null 2>&1
"$NAKODO" --db "$db" submit "$HINTED" --as claimant 1,000 >/dev/null 2>&1
"$NAKODO" --db "$db" submit "$HINTED" --as payer 1,000 >/dev/null 2>&1
run 0 "the claimant's briefing after settlement" "$NAKODO" --db "$db" brief "$HINTED" --as claimant
has "the hint, in terms of the deleted demand" \
	"^    so the payer's offer was more than 10.00% and at most 25.00% below your demand$" "$TMP/out"
has "what the midpoint told" "what the settlement told you: it is the midpoint of the two figures, so the payer's offer was twice the settlement less your demand, to within USD 0.01" "$TMP/out"
has "why the figures are gone" "deleted then, as every party's are,$" "$TMP/out"
lacks "no figure of its own is shown" "your demand USD" "$TMP/out"
run 0 "the payer's briefing after settlement" "$NAKODO" --db "$db" brief "$HINTED" --as payer
has "the hint, as a share of the offer (rounded outward)" \
	"^    so the claimant's demand was more than 11.11% and at most 33.34% above your offer$" "$TMP/out"
run 0 "the mediator's" "$NAKODO" --db "$db" brief "$HINTED" --as mediator
lacks "the mediator is told no hint's meaning" "so the" "$TMP/out"
has "the mediator's last line as before" "^the case has ended; its confidential figures are deleted$" "$TMP/out"

# ---- a lost operator token: reissued on the database, the old one revoked ----
start_server || not_ok "the server starts again"
status=$(req oldop "$OP" GET /v1/cases)
is "the first operator token works" "$status" 200
run 0 "serve --reissue-operator-token, the server running" "$NAKODO" --db "$DB" serve --reissue-operator-token
NEWOP=$(sed -n 's/^operator token: \([0-9a-f]\{64\}\)$/\1/p' "$TMP/out")
is "prints a new token of 64 hex digits" "${#NEWOP}" 64
has "says the old one is revoked" "1 earlier operator token revoked" "$TMP/err"
status=$(req oldop2 "$OP" GET /v1/cases)
is "the old token no longer works: 401" "$status" 401
status=$(req newop "$NEWOP" GET /v1/cases)
is "the new one does: 200" "$status" 200
stop_server
run 0 "--json" "$NAKODO" --db "$DB" --json serve --reissue-operator-token
is "gives the token and the count" "$(jq -r '.revoked, (.operator_token | length)' "$TMP/out" | tr '\n' ' ')" "1 64 "
run 3 "without a database" "$NAKODO" --db "sqlite:$TMP/none.db" serve --reissue-operator-token
has "says there is none" "no database at" "$TMP/err"
check "and makes none" test ! -e "$TMP/none.db"
echo "1..$n"
exit $((failed > 0))
