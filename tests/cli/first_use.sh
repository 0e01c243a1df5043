#!/usr/bin/env bash
# Black-box tests of what a new user met running cases from README alone: an option a
# command does not take is named (not the argument it took), --bridge's refusals name
# --bridge, a figure out of range is told the range, and a blind submission says which of
# --server and --key is missing. Each refusal changes nothing. Prints TAP. Needs NAKODO,
# curl and jq.
. "$(dirname "$0")/edges_lib.sh"
db="$TMP/nu.db"

events() { "$NAKODO" --db "$db" --json log "$1" | jq '.events | length'; }

run 0 "a case" "$NAKODO" --db "$db" case new --currency USD --rounds 1 --range 0:1,000,000
CASE=$(cat "$TMP/out")
run 0 "the claimant's figure" "$NAKODO" --db "$db" submit "$CASE" --as claimant 600,000
run 0 "the payer's figure" "$NAKODO" --db "$db" submit "$CASE" --as payer 400,000
before=$(events "$CASE")

# ---- an option the command does not take: named, not its argument ----
# (the mediator's "propose CASE 500 --as mediator" was told "unknown option 'mediator'")
run 2 "propose --as mediator" "$NAKODO" --db "$db" propose "$CASE" 500,000 --as mediator
has "names --as" "propose: this command takes no --as: it is the mediator's alone" "$TMP/err"
lacks "not its argument" "option 'mediator'" "$TMP/err"
run 2 "close --as payer" "$NAKODO" --db "$db" close "$CASE" --as payer
has "names --as" "close: this command takes no --as" "$TMP/err"
run 2 "answer --round 1" "$NAKODO" --db "$db" answer "$CASE" --as payer --round 1 accept
has "names --round" "answer: this command takes no --round" "$TMP/err"
lacks "not its argument" "option '1'" "$TMP/err"
run 2 "extend --wait 5" "$NAKODO" --db "$db" extend "$CASE" --as payer --wait 5 1,000
has "names --wait" "extend: this command takes no --wait" "$TMP/err"
run 2 "--json propose --as mediator" "$NAKODO" --db "$db" --json propose "$CASE" 1 --as mediator
is "the JSON error says so" "$(jq -r .detail "$TMP/out")" \
	"this command takes no --as: it is the mediator's alone, so there is no role to name"
run 2 "an unknown option still" "$NAKODO" --db "$db" submit "$CASE" --as payer --frob 5
has "is named as unknown" "unknown or incomplete option '--frob'" "$TMP/err"
run 2 "a negative figure still" "$NAKODO" --db "$db" submit "$CASE" --as payer -5
has "is refused as negative" "amount: negative amounts are not accepted" "$TMP/err"

# ---- nakodo log: what is wrong, not only "expected CASE" ----
run 2 "log --as mediator" "$NAKODO" --db "$db" log "$CASE" --as mediator
has "names --as" "log: this command takes no --as: the log is the mediator's view" "$TMP/err"
run 2 "log with a second argument" "$NAKODO" --db "$db" log "$CASE" extra
has "names the argument" "log: unexpected argument 'extra'" "$TMP/err"
run 2 "log --frob" "$NAKODO" --db "$db" log "$CASE" --frob
has "names the option" "log: unknown or incomplete option '--frob'" "$TMP/err"
run 2 "log without a case" "$NAKODO" --db "$db" log
has "asks for the case" "log: expected CASE" "$TMP/err"
is "no refusal added an event" "$(events "$CASE")" "$before"

# ---- --bridge's refusals name --bridge, not "amount" ----
cases=$("$NAKODO" --db "$db" --json case list | jq '.cases | length')
run 2 "--bridge abc" "$NAKODO" --db "$db" case new --currency USD --bridge abc
has "names the field bridge" "^nakodo: bridge: unexpected character 'a'" "$TMP/err"
run 2 "--bridge 1.234" "$NAKODO" --db "$db" --json case new --currency USD --bridge 1.234
is "the JSON field is bridge" "$(jq -r .field "$TMP/out")" bridge
"$NAKODO" --db "$db" case new --currency USD --bridge - </dev/null >"$TMP/out" 2>"$TMP/err"
is "--bridge - with nothing on standard input: exit 2" "$?" 2
has "names the field bridge" "^nakodo: bridge: nothing on standard input" "$TMP/err"
is "no refused bridge opened a case" "$("$NAKODO" --db "$db" --json case list | jq '.cases | length')" \
	"$cases"

# ---- a figure or a proposal out of range is told the range ----
run 0 "a case in JPY" "$NAKODO" --db "$db" case new --currency JPY --range 100:1,000,000
JPY=$(cat "$TMP/out")
run 2 "an offer below the range" "$NAKODO" --db "$db" submit "$JPY" --as payer 5
has "is told the range" "amount: the offer lies outside the case's range, JPY 100 to JPY 1,000,000$" \
	"$TMP/err"
run 2 "a demand above it" "$NAKODO" --db "$db" --json submit "$JPY" --as claimant 2,000,000
is "the JSON detail has it" "$(jq -r .detail "$TMP/out")" \
	"the demand lies outside the case's range, JPY 100 to JPY 1,000,000"
run 0 "the case is untouched" "$NAKODO" --db "$db" brief "$JPY" --as mediator
has "still awaiting figures" "round 1: awaiting figures" "$TMP/out"

# ---- a draft under authority says what it still waits for, to its party ----
run 0 "a case with authority" "$NAKODO" --db "$db" case new --currency USD --principals --authority
AUTH=$(cat "$TMP/out")
run 0 "keys" "$NAKODO" keygen --out "$TMP/payer.key"
run 0 "keys" "$NAKODO" keygen --out "$TMP/pp.key"
run 0 "the payer drafts before joining" "$NAKODO" --db "$db" submit "$AUTH" --as payer 400
has "told to join and endorse" "can be approved only once you have joined with your key" "$TMP/out"
run 0 "the payer joins" "$NAKODO" --db "$db" join "$AUTH" --as payer --key "$TMP/payer.key"
run 0 "its briefing" "$NAKODO" --db "$db" brief "$AUTH" --as payer
has "says the principal has not joined" "the payer-principal has not joined the case yet" "$TMP/out"
run 0 "the principal joins" "$NAKODO" --db "$db" join "$AUTH" --as payer-principal --key "$TMP/pp.key"
run 0 "the payer's briefing" "$NAKODO" --db "$db" brief "$AUTH" --as payer
has "asks for the endorsement" "you have not endorsed the payer-principal's key" "$TMP/out"
safety=$("$NAKODO" pubkey "$TMP/pp.key" | sed -n 's/^safety number *//p')
run 0 "the payer endorses" "$NAKODO" --db "$db" endorse "$AUTH" payer-principal --key "$TMP/payer.key" \
	--safety-number "$safety"
run 0 "the payer's briefing then" "$NAKODO" --db "$db" brief "$AUTH" --as payer
has "still shows the draft" "draft 1 awaiting the payer-principal's approval" "$TMP/out"
lacks "with nothing left to do" "not joined\|not endorsed\|only once you" "$TMP/out"
run 0 "the principal's briefing" "$NAKODO" --db "$db" brief "$AUTH" --as payer-principal \
	--key "$TMP/pp.key"
has "shows the draft" "draft 1 awaiting the payer-principal's approval" "$TMP/out"
lacks "without the party's notes" "not joined\|not endorsed\|only once you" "$TMP/out"

# ---- a key file that is not there is told before its passphrase is asked for ----
for cmd in "pubkey $TMP/nope.key" "--db $db submit $JPY --as payer 500 --key $TMP/nope.key" \
	"--db $db join $JPY --as payer --key $TMP/nope.key"; do
	# shellcheck disable=SC2086
	run 2 "$(awk '{ print $1 == "--db" ? $3 : $1 }' <<<"$cmd") with a missing key file" \
		env -u NAKODO_PASSPHRASE_FILE "$NAKODO" $cmd
	has "names the file, not the passphrase" "^nakodo: key: $TMP/nope.key could not be opened" \
		"$TMP/err"
	lacks "asks for no passphrase" "passphrase" "$TMP/err"
done

# ---- nakodo loan: every missing option at once ----
run 2 "a loan with four options missing" "$NAKODO" loan --amount 100 --rate 3.5
has "names them all" "loan: --per-year, --repayment, --discount, --maturity are required" "$TMP/err"
run 2 "a loan with one missing" "$NAKODO" loan --amount 100 --rate 3.5 --maturity 10 --per-year 2 \
	--repayment bullet
has "names it" "loan: --discount is required" "$TMP/err"

# ---- the demo's rounds are not "blind": that word is --blind's ----
run 0 "the demo" "$NAKODO" demo
has "says its rounds are sealed" "^The go-between opens case [0-9a-f]*: 4 sealed rounds," "$TMP/out"
lacks "never calls them blind" "blind round" "$TMP/out"

# ---- a blind submission: which of --server and --key is missing ----
run 0 "a blind case, locally" "$NAKODO" --db "$db" case new --currency USD --blind
BLIND=$(cat "$TMP/out")
run 2 "its figure without a server" "$NAKODO" --db "$db" submit "$BLIND" --as claimant 5
has "asks for the server" "submit: no --server URL (or NAKODO_SERVER): a blind round" "$TMP/err"
start_server || not_ok "the server starts"
run 0 "a blind case on the server" env NAKODO_SERVER="$URL" NAKODO_TOKEN="$OP" \
	"$NAKODO" --json case new --currency USD --blind
RB=$(jq -r .case "$TMP/out"); RCT=$(jq -r .tokens.claimant "$TMP/out")
run 2 "its figure without --key" env NAKODO_SERVER="$URL" NAKODO_TOKEN="$RCT" \
	"$NAKODO" submit "$RB" 5
has "asks for the key alone" "submit: no --key FILE: a blind round" "$TMP/err"
lacks "not for the server it has" "no --server" "$TMP/err"

# ---- the operator's token on a case's route: told what it is for ----
run 0 "a case on the server" env NAKODO_SERVER="$URL" NAKODO_TOKEN="$OP" \
	"$NAKODO" case new --currency USD
RC=$(head -1 "$TMP/out")
run 2 "its briefing with the operator's token" env NAKODO_SERVER="$URL" NAKODO_TOKEN="$OP" \
	"$NAKODO" brief "$RC" --as mediator
has "says what the operator's token is for" "the operator's token opens and lists cases" "$TMP/err"
status=$(req opbrief "$OP" GET "/v1/cases/$RC/brief")
is "through the API: 403" "$status" 403
has "with the same detail" "a case's own routes take a token of one of its roles" "$(last)"

# ---- a second server on the same port: why, and before any token or database ----
run 2 "serve on a port in use" timeout 20 "$NAKODO" --db "sqlite:$TMP/second.db" serve \
	--listen "127.0.0.1:$PORT"
has "says the address is in use" "listen: cannot listen on 127.0.0.1:$PORT: .*another server" \
	"$TMP/err"
lacks "prints no operator token" "operator token" "$TMP/err"
check "and makes no database" test ! -e "$TMP/second.db"
stop_server

echo "1..$n"
exit $((failed > 0))
