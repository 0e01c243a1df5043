#!/usr/bin/env bash
# Black-box tests of the rough edges a new user met (issue 15): what the command accepts,
# refuses and says, locally and through a server. Prints TAP. Needs NAKODO (the binary),
# curl and jq.
. "$(dirname "$0")/edges_lib.sh"
db="$TMP/edges.db"

# ---- case new: the currency in any case, a grid that fits the range ----
run 0 "case new --currency usd" "$NAKODO" --db "$db" case new --currency usd --range 0:1,000,000
CASE=$(cat "$TMP/out")
run 0 "its mediator's briefing" "$NAKODO" --db "$db" brief "$CASE" --as mediator
has "the case's currency is USD" "grid USD 0.01, range USD 0.00" "$TMP/out"
run 0 "loan --currency eur" "$NAKODO" loan --amount 1,000 --rate 5 --maturity 2 --grace 0 \
	--per-year 1 --repayment annuity --discount 5 --currency eur
has "in euros" "Loan of EUR 1,000.00" "$TMP/out"
run 2 "case new --range 0:100 --grid 1000" "$NAKODO" --db "$db" case new --currency USD --range 0:100 --grid 1000
has "the reason names --grid and --range with their amounts" \
	"grid: --grid USD 1,000.00 is wider than --range USD 0.00 to USD 100.00" "$TMP/err"
run 0 "a grid as wide as the range is taken" "$NAKODO" --db "$db" case new --currency USD --range 0:100 --grid 100
RULES_WIDE='{"currency":"USD","rounds":3,"monotone":true,"settle":"midpoint","band_bp":0,"band_amount":0,"grid":100000,"hints_bp":[],"range_low":0,"range_high":10000,"leakage_bits":8.0,"proposals":1}'

# ---- a misspelt role or command: the nearest name ----
run 2 "submit --as claimnt" "$NAKODO" --db "$db" submit "$CASE" 100 --as claimnt
has "it suggests claimant" "did you mean 'claimant'?" "$TMP/err"
run 2 "submit --as payr" "$NAKODO" --db "$db" submit "$CASE" 100 --as payr
has "it suggests payer" "did you mean 'payer'?" "$TMP/err"
run 2 "submit --as judge" "$NAKODO" --db "$db" submit "$CASE" 100 --as judge
lacks "a far word gets no guess" "did you mean" "$TMP/err"
run 2 "nakodo sumbit" "$NAKODO" sumbit
has "an unknown command gets the nearest" "did you mean 'submit'?" "$TMP/err"

# ---- --json: usage errors as JSON on stdout ----
run 2 "--json submit --as claimnt" "$NAKODO" --db "$db" --json submit "$CASE" 100 --as claimnt
is "stdout is one JSON error object" "$(jq -r '.error, .exit, .command' "$TMP/out" | tr '\n' ' ')" \
	"usage 2 nakodo submit "
has "its detail is the message" "did you mean 'claimant'" "$TMP/out"
run 2 "--json with an unknown command" "$NAKODO" --json frobnicate
is "it is JSON too" "$(jq -r .error "$TMP/out")" usage
run 2 "--json without a command" "$NAKODO" --json
is "says so in JSON" "$(jq -r .detail "$TMP/out")" "expected a COMMAND"
run 2 "--json case new without --currency" "$NAKODO" --db "$db" --json case new
is "names the missing option" "$(jq -r .detail "$TMP/out")" "--currency is required"

# ---- inbox with another role's key; the deposit told plainly ----
CASE=$("$NAKODO" --db "$db" case new --currency USD --range 0:1,000,000)
for who in claimant payer; do
	"$NAKODO" keygen --out "$TMP/$who.key" >/dev/null 2>&1
	"$NAKODO" --db "$db" join "$CASE" --as "$who" --key "$TMP/$who.key" >/dev/null 2>&1 ||
		not_ok "the $who joins"
done
run 2 "inbox --as payer with the claimant's key" \
	"$NAKODO" --db "$db" inbox "$CASE" --as payer --key "$TMP/claimant.key"
has "it says whose key it is" "this is the claimant's key, not the payer's" "$TMP/err"
lacks "and prints no rejected item" "rejected" "$TMP/out"
run 0 "inbox --as payer with the payer's key" "$NAKODO" --db "$db" inbox "$CASE" --as payer --key "$TMP/payer.key"
run 0 "the payer's briefing before any deposit" "$NAKODO" --db "$db" brief "$CASE" --as payer
has "it says how a deposit reaches it" "released to you only when yours is in too (nakodo deposit)" "$TMP/out"
cp "$TMP/out" "$TMP/before"
echo "claimant: walk-away 420,000" | "$NAKODO" --db "$db" deposit "$CASE" --key "$TMP/claimant.key" >/dev/null 2>&1 ||
	not_ok "the claimant deposits"
run 0 "the payer's briefing after the claimant's deposit" "$NAKODO" --db "$db" brief "$CASE" --as payer
check "it is the same: the payer is never told whether the claimant deposited" cmp -s "$TMP/before" "$TMP/out"
echo "payer: ceiling 450,000" | "$NAKODO" --db "$db" deposit "$CASE" --key "$TMP/payer.key" >/dev/null 2>&1 ||
	not_ok "the payer deposits"
run 0 "the payer's briefing after the release" "$NAKODO" --db "$db" brief "$CASE" --as payer
has "it says the claimant's deposit waits for it" "the claimant's deposit waits for you (nakodo inbox)" "$TMP/out"

# ---- the briefing: no range set, "1 round", bits explained ----
ONE=$("$NAKODO" --db "$db" case new --currency USD --rounds 1)
"$NAKODO" --db "$db" submit "$ONE" --as claimant 700 >/dev/null && "$NAKODO" --db "$db" submit "$ONE" --as payer 500 >/dev/null ||
	not_ok "a one-round case without a range reaches impasse"
run 0 "the payer's briefing of a case without --range" "$NAKODO" --db "$db" brief "$ONE" --as payer
has "its rules say no range was set" "^rules: 1 round, settle midpoint, grid USD 0.01, no range set," "$TMP/out"
lacks "never the arithmetic's bound as a range" "46,116,860,184,273,879" "$TMP/out"
has "the other side's figure: at or above, not up to the bound" "demand lies at or above USD 500.01" "$TMP/out"
has "the bits are explained in one plain line" "^(bits measure what a figure gives away: each bit halves" "$TMP/out"
run 0 "the demo" "$NAKODO" demo
has "the demo explains its bits too" "^(bits measure what a figure gives away" "$TMP/out"
run 2 "the demo of a scenario file that is not there" "$NAKODO" demo "$TMP/no-such-scenario.json"
has "it says the file cannot be opened" "no-such-scenario.json: unable to open" "$TMP/err"
lacks "without a line number of nothing read" "line -1" "$TMP/err"

# ---- case list: kind, state, currency, round, times; --state ----
ldb="$TMP/list.db"
S=$("$NAKODO" --db "$ldb" case new --currency USD --rounds 1)
O=$("$NAKODO" --db "$ldb" case new --currency EUR --rounds 2)
P=$("$NAKODO" --db "$ldb" package open --currency USD | head -1)
"$NAKODO" --db "$ldb" submit "$S" --as claimant 700 >/dev/null && "$NAKODO" --db "$ldb" submit "$S" --as payer 800 >/dev/null ||
	not_ok "the first case settles"
run 0 "case list" "$NAKODO" --db "$ldb" case list
has "a header names the columns" "^CASE  *KIND  *STATE  *CUR  *ROUND  *OPENED  *LAST EVENT  *TITLE$" "$TMP/out"
has "the settled case's row" "^$S  figures  settled   USD  1 of 1    20[0-9-]*T[0-9:]*Z  20" "$TMP/out"
has "the open case's row" "^$O  figures  open      EUR  1 of 2 " "$TMP/out"
has "the package case's row" "^$P  package  open      USD  1 of 3 " "$TMP/out"
run 0 "case list --state settled" "$NAKODO" --db "$ldb" case list --state settled
is "only the settled case" "$(tail -n +2 "$TMP/out" | cut -c1-20)" "$S"
run 0 "case list --state open --state closed, --json" "$NAKODO" --db "$ldb" --json case list --state open --state closed
is "the ids, oldest first" "$(jq -r '.cases | join(" ")' "$TMP/out")" "$O $P"
is "their summaries, in the same order" \
	"$(jq -r '[.summaries[] | .case + ":" + .kind + ":" + .state + ":" + .currency + ":" + (.round | tostring) + "/" + (.rounds | tostring)] | join(" ")' "$TMP/out")" \
	"$O:figures:open:EUR:1/2 $P:package:open:USD:1/3"
check "with ISO 8601 times" bash -c "jq -e '.summaries[0].opened | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z\$\")' '$TMP/out' >/dev/null"
run 2 "case list --state ended" "$NAKODO" --db "$ldb" case list --state ended
has "it names the states" "unknown state 'ended' (open, impasse, settled or closed)" "$TMP/err"

# ---- package: each subcommand's own help; errors that name the file and the field ----
ex="$(dirname "$0")/../../examples"
for sub in propose value check open submit; do
	run 0 "package $sub --help" "$NAKODO" package "$sub" --help
	has "package $sub --help is its own usage" "^usage: nakodo package $sub " "$TMP/out"
done
has "submit's lists every option" "^  --json " "$TMP/out"
"$NAKODO" package propose --help >"$TMP/out"
has "propose's names --solution" "^  --solution NAME" "$TMP/out"
lacks "and not the others' options" "--components" "$TMP/out"
sed 's/"step": "1,000,000", "years"/"step": "3,000,000", "years"/' "$ex/claims-1962-package-korea.json" >"$TMP/k.json"
run 2 "package check of a step that does not divide the bounds" "$NAKODO" package check "$TMP/k.json"
is "the error names the file and the field, once" "$(cat "$TMP/err")" \
	"nakodo: $TMP/k.json: grant.amount: min and max must be multiples of the step"
run 2 "package value with a valuation for the package" \
	"$NAKODO" package value "$ex/claims-1962-package-korea.json" "$ex/claims-1962-package-japan.json"
is "the file is named once, no doubled prefix" "$(cat "$TMP/err")" \
	"nakodo: $ex/claims-1962-package-japan.json: not a package: \"nakodo\": \"package\" is needed"
run 2 "--json package check" "$NAKODO" --json package check "$TMP/k.json"
is "the JSON error names file and field" "$(jq -r '.file + " " + .field + " " + .detail' "$TMP/out")" \
	"$TMP/k.json grant.amount min and max must be multiples of the step"
run 2 "package chek" "$NAKODO" package chek x
has "a misspelt subcommand gets the nearest" "did you mean 'check'?" "$TMP/err"

# ---- remote: receipt without --as; a grid wider than the range ----
DB="sqlite:$TMP/srv.db"
start_server || not_ok "the server starts"
status=$(req wide "$OP" POST /v1/cases "{\"rules\":$RULES_WIDE}")
is "the API refuses a grid wider than the range: 400" "$status" 400
is "naming the grid" "$(jq -r .field "$(last)")" grid
run 2 "a server's case list takes no --state" env NAKODO_SERVER="$URL" NAKODO_TOKEN="$OP" \
	"$NAKODO" case list --state open
has "it says why" "gives ids only" "$TMP/err"
run 0 "a server URL with a trailing slash works" env NAKODO_SERVER="$URL/" NAKODO_TOKEN="$OP" \
	"$NAKODO" case list
new_case
rn() { NAKODO_SERVER=$URL NAKODO_TOKEN=$1 "$NAKODO" "${@:2}"; }
rn "$CT" submit "$CASE" 500 >/dev/null 2>&1 && rn "$PT" submit "$CASE" 600 >/dev/null 2>&1 ||
	not_ok "the case settles"
rn "$PT" token reissue "$CASE" claimant >"$TMP/out" 2>&1
has "a party's token refused a mediator's route says who may" "only the case's mediator" "$TMP/out"
run 0 "remote receipt without --as" env NAKODO_SERVER="$URL" NAKODO_TOKEN="$PT" \
	"$NAKODO" receipt "$CASE" --out "$TMP/r1.txt"
check "it writes the receipt" test -s "$TMP/r1.txt"
run 2 "remote receipt with an --as the token does not hold" env NAKODO_SERVER="$URL" NAKODO_TOKEN="$PT" \
	"$NAKODO" receipt "$CASE" --as claimant --out "$TMP/r2.txt"
has "it says whose the token is" "the token is the payer's" "$TMP/err"
"$NAKODO" keygen --out "$TMP/rpayer.key" >/dev/null 2>&1
new_case
rn "$PT" join "$CASE" --as payer --key "$TMP/rpayer.key" >/dev/null 2>&1 || not_ok "the payer joins"
rn "$CT" submit "$CASE" 500 >/dev/null 2>&1 && rn "$PT" submit "$CASE" 600 --key "$TMP/rpayer.key" >/dev/null 2>&1 ||
	not_ok "the second case settles"
run 0 "remote receipt signed with --key, without --as" env NAKODO_SERVER="$URL" NAKODO_TOKEN="$PT" \
	"$NAKODO" receipt "$CASE" --out "$TMP/r3.txt" --key "$TMP/rpayer.key"
has "signed by the token's role" "signed here by the payer's registered key" "$TMP/out"
run 0 "it verifies" "$NAKODO" verify "$TMP/r3.txt" --server-key "$("$NAKODO" --db "$DB" server-key)"
"$NAKODO" verify "$TMP/r3.txt" >"$TMP/out" 2>&1
has "verify without --server-key says where the key comes from" "from its operator" "$TMP/out"
stop_server
echo "1..$n"
exit $((failed > 0))
