#!/usr/bin/env bash
# What a new user's walkthrough of the command missed (issue 13's closing note): a figure
# that ends a round without a deal says so and where the case now stands, the same words
# whatever the figures were (but the hint the rules tell); at impasse `submit` (and its
# refusal) and `brief` say what comes next (the mediator: propose, with the proposals left, or close; a party:
# wait for the proposal, then answer it; the neutrals' turn); the briefing says that the
# leakage budget bounds the hints alone; `submit --as` lists the roles that may submit;
# one wording for an option given without its value; "see --help" only after bad usage;
# a receipt's doubled space named as such; `case new --server` warns that a link opened
# in a browser uses up its token; --json prints an error whose text is not UTF-8.
# Prints TAP. Needs NAKODO, curl, jq.
. "$(dirname "$0")/edges_lib.sh"
db="$TMP/n.db"
nk() { "$NAKODO" --db "$db" "$@"; }

# ---- a round that ends without a deal ----
A=$(nk case new --currency USD --rounds 3 --proposals 2 2>/dev/null)
run 0 "the first figure of round 1" nk submit "$A" --as claimant 700
is "  still says only that the case is open" "$(cat "$TMP/out")" "ok: case $A is open"
run 0 "the figure that ends round 1 without a deal" nk submit "$A" --as payer 300
is "  says the round failed and which is open now" "$(cat "$TMP/out")" \
	"ok: case $A: round 1: no deal; round 2 of 3 is open"
sed "s/$A/CASE/" "$TMP/out" >"$TMP/a1"
B=$(nk case new --currency USD --rounds 3 --proposals 2 2>/dev/null)
nk submit "$B" --as payer 1 >/dev/null 2>&1
run 0 "another case, the other way round and far other figures" \
	nk submit "$B" --as claimant 9,999,999
is "  the same words as the first case's but for its id (no hint in these rules)" \
	"$(sed "s/$B/CASE/" "$TMP/out")" "$(cat "$TMP/a1")"
H=$(nk case new --currency USD --rounds 2 --range 0:1,000 --hints 10,25 2>/dev/null)
nk submit "$H" --as claimant 700 >/dev/null 2>&1
run 0 "in a case with hints" nk submit "$H" --as payer 300
is "  the line holds the hint the briefing tells that side" "$(cat "$TMP/out")" \
	"ok: case $H: round 1: no deal; hint: far (gap over 25.00% of the demand); round 2 of 2 is open"
nk brief "$H" --as payer >"$TMP/brief" 2>&1
has "  the same hint as its briefing's" "round 1: your offer USD 300.00; no deal; hint: far (gap over 25.00% of the demand)" "$TMP/brief"

# ---- impasse: what comes next ----
nk submit "$A" --as claimant 700 >/dev/null 2>&1 && nk submit "$A" --as payer 300 >/dev/null 2>&1 &&
	nk submit "$A" --as claimant 700 >/dev/null 2>&1
run 0 "the figure that fails the last round" nk submit "$A" --as payer 300
has "  says every round failed" "^ok: case $A: round 3: no deal; every round has failed: the case is at impasse$" "$TMP/out"
has "  and tells the payer to wait for the mediator's proposal" \
	"^next: wait for the mediator's proposal (2 of 2 proposals left) or its closing of the case;$" "$TMP/out"
has "  and how to answer it" "^  once one is made, answer it: nakodo answer $A --as payer accept|decline$" "$TMP/out"
run 1 "a figure at impasse: refused" nk submit "$A" --as claimant 650
has "  with the next step after the refusal" "^next: wait for the mediator's proposal (2 of 2 proposals left)" "$TMP/err"
run 0 "the mediator's briefing at impasse" nk brief "$A" --as mediator
has "  says: propose (with the proposals left) or close" \
	"^next: propose a settlement figure (nakodo propose $A AMOUNT; 2 of 2 proposals left) or end the case (nakodo close $A)$" \
	"$TMP/out"
run 0 "the claimant's briefing at impasse" nk brief "$A" --as claimant
has "  says to wait for the proposal" "^next: wait for the mediator's proposal (2 of 2 proposals left)" "$TMP/out"
nk propose "$A" 500 >/dev/null 2>&1
run 0 "once a proposal is made, the claimant's briefing" nk brief "$A" --as claimant
has "  says to answer it, and how" "^next: answer the mediator's proposal 1: nakodo answer $A --as claimant accept|decline$" "$TMP/out"
run 0 "the mediator's" nk brief "$A" --as mediator
has "  says the parties answer it, and that it may close" \
	"^next: the parties answer proposal 1 (nakodo answer); you may end the case meanwhile (nakodo close $A)$" "$TMP/out"
nk answer "$A" --as claimant decline >/dev/null 2>&1
run 0 "the claimant, having answered" nk brief "$A" --as claimant
has "  waits for the outcome" "^next: wait for the outcome of proposal 1" "$TMP/out"
nk answer "$A" --as payer decline >/dev/null 2>&1
run 0 "the first proposal declined: the mediator's briefing" nk brief "$A" --as mediator
has "  counts one proposal left" "(nakodo propose $A AMOUNT; 1 of 2 proposals left)" "$TMP/out"
nk close "$A" >/dev/null 2>&1
run 0 "a closed case's briefing" nk brief "$A" --as claimant
lacks "  has no next step" "^next:" "$TMP/out"
has "  says the mediator closed it" "^case $A, as claimant: closed (the mediator closed it)$" "$TMP/out"
C=$(nk case new --currency USD --rounds 1 --proposals 0 2>/dev/null)
nk submit "$C" --as claimant 700 >/dev/null 2>&1
run 0 "the last round failed in rules without a proposal" nk submit "$C" --as payer 300
is "  says why the case closed" "$(cat "$TMP/out")" \
	"ok: case $C: round 1: no deal; every round has failed and the rules allow no mediator's proposal: the case is closed (see nakodo brief)"
run 0 "  its briefing" nk brief "$C" --as mediator
has "  says why it closed" \
	"^case $C, as mediator: closed (every round failed and the rules allow no mediator's proposal)$" "$TMP/out"
N=$(nk case new --currency USD --rounds 1 --proposals 0 --neutrals 1 2>/dev/null)
nk submit "$N" --as claimant 700 >/dev/null 2>&1
run 0 "the last round failed in a case with a neutral and no proposal" nk submit "$N" --as payer 300
has "  the party waits for the neutrals" "^next: wait for the neutrals' fair figures" "$TMP/out"
run 0 "  the mediator's briefing" nk brief "$N" --as mediator
has "  the neutrals give their figures, or the mediator closes" \
	"^next: the neutrals give their fair figures; you may end the case meanwhile (nakodo close $N)$" "$TMP/out"

# ---- --json: the same next step, for a program ----
# Two cases alike but for their figures (far apart, then close): every role's "next" is
# the same, at every step, as the text's next: line (and none before impasse or after
# the end); the --json answer to the figure that ends the last round carries it too.
J1=$(nk case new --currency USD --rounds 1 --proposals 2 --hints 10,25 --range 0:1,000 2>/dev/null)
J2=$(nk case new --currency USD --rounds 1 --proposals 2 --hints 10,25 --range 0:1,000 2>/dev/null)
nk submit "$J1" --as claimant 900 >/dev/null 2>&1
nk submit "$J2" --as payer 640 >/dev/null 2>&1
nk --json brief "$J1" --as mediator >"$TMP/j" 2>&1
is "an open case's JSON briefing has no next" "$(jq 'has("next")' "$TMP/j")" false
nk --json submit "$J1" --as payer 100 >"$TMP/j1" 2>&1
nk --json submit "$J2" --as claimant 650 >"$TMP/j2" 2>&1
is "the --json answer to the figure that ends the last round: what the payer does next" \
	"$(jq -c .next "$TMP/j1")" '{"action":"wait","proposals":2,"proposals_left":2,"waiting_for":"proposal"}'
is "  the same for the claimant of a case whose figures were close" \
	"$(jq -c .next "$TMP/j2")" "$(jq -c .next "$TMP/j1")"
# nextof CASE ROLE: the JSON briefing's next, compact
nextof() { nk --json brief "$1" --as "$2" 2>/dev/null | jq -c .next; }
same_next() {	# same_next WHAT ROLE EXPECTED: both cases' next, and the text's line
	is "$1" "$(nextof "$J1" "$2")" "$3"
	is "  the same in the other case" "$(nextof "$J2" "$2")" "$3"
	nk brief "$J1" --as "$2" 2>/dev/null | grep '^next:' >"$TMP/n1"
	nk brief "$J2" --as "$2" 2>/dev/null | grep '^next:' | sed "s/$J2/$J1/g" >"$TMP/n2"
	is "  and so is the text's next: line" "$(cat "$TMP/n2")" "$(cat "$TMP/n1")"
}
same_next "at impasse the mediator's JSON says: propose, or close" mediator \
	'{"action":"propose","may_close":true,"proposals":2,"proposals_left":2}'
same_next "the claimant's: wait for a proposal" claimant \
	'{"action":"wait","proposals":2,"proposals_left":2,"waiting_for":"proposal"}'
nk propose "$J1" 500 >/dev/null 2>&1
nk propose "$J2" 600 >/dev/null 2>&1
same_next "once a proposal is made, the claimant's: answer it" claimant \
	'{"action":"answer","proposal":1}'
same_next "the mediator's: wait for the answers, or close" mediator \
	'{"action":"wait","may_close":true,"proposal":1,"waiting_for":"answers"}'
nk answer "$J1" --as payer accept >/dev/null 2>&1
nk answer "$J2" --as payer decline >/dev/null 2>&1
same_next "the payer, having answered (accepted in one case, declined in the other)" payer \
	'{"action":"wait","proposal":1,"waiting_for":"outcome"}'
same_next "the claimant, whether or not the payer answered or how" claimant \
	'{"action":"answer","proposal":1}'
nk answer "$J1" --as claimant decline >"$TMP/a1" 2>&1
nk answer "$J2" --as claimant decline >"$TMP/a2" 2>&1
is "the claimant's answer, declining in both cases: its line says it is recorded" \
	"$(sed "s/$J1/CASE/" "$TMP/a1")" "ok: case CASE: your answer is recorded; the case is at impasse (see nakodo brief)"
is "  the same words in the case of close figures, where the payer declined (not accepted)" \
	"$(sed "s/$J2/CASE/" "$TMP/a2")" "$(sed "s/$J1/CASE/" "$TMP/a1")"
nk close "$J1" >/dev/null 2>&1
nk --json brief "$J1" --as claimant >"$TMP/j" 2>&1
is "a closed case's JSON briefing has no next" "$(jq 'has("next")' "$TMP/j")" false
is "  and says the mediator closed it" "$(jq -r .closed_reason "$TMP/j")" mediator

# ---- the leakage budget bounds the hints alone ----
run 0 "a party's briefing, no range set" nk brief "$B" --as payer
has "  says the budget does not bound a round's outcome, and why the bits may pass it" \
	"^(whatever the leakage budget, a round's outcome is always told, and with no range set its bits count against the whole 0 to 2^62-1, so the bits below may pass the budget)$" \
	"$TMP/out"
run 0 "a party's briefing with hints and a range" nk brief "$H" --as claimant
has "  says a hint past the budget is withheld" \
	"^(the leakage budget bounds the hints alone: a hint that would pass it is withheld; a round's outcome is always told, so the bits below may pass the budget)$" \
	"$TMP/out"
run 0 "the mediator's briefing, which counts no bits" nk brief "$H" --as mediator
lacks "  says nothing of them" "bounds the hints alone" "$TMP/out"

# ---- roles, option values, see --help ----
run 2 "submit --as a misspelt role" nk submit "$B" --as claimnt 5
has "  lists the roles that submit, neutral-K among them" \
	"unknown role 'claimnt': did you mean 'claimant'? (claimant, payer or neutral-K)$" "$TMP/err"
run 2 "submit --as neutral2" nk submit "$B" --as neutral2 5
has "  guesses the neutral it named" "did you mean 'neutral-2'? (claimant, payer or neutral-K)$" "$TMP/err"
run 2 "extend --as an unknown role" nk extend "$B" --as judge 5
has "  lists the claimant and the payer alone" "unknown role 'judge' (claimant or payer)$" "$TMP/err"
run 2 "brief --as an unknown role" nk brief "$B" --as judge
has "  lists every role, neutral-K too" \
	"unknown role 'judge' (claimant, payer, mediator, claimant-principal, payer-principal or neutral-K)$" "$TMP/err"
for cmd in "submit $B --as" "submit $B 5 --round" "brief $B --as" "send $B --key k --to" \
	"case new --currency" "inbox $B --key"; do
	opt=${cmd##* }
	run 2 "'$cmd' without its value" nk $cmd
	has "  says '$opt' needs a value" "option '$opt' needs a value$" "$TMP/err"
done
run 2 "--db without its value" "$NAKODO" --db
has "  in the same words" "^nakodo: option '--db' needs a value (PATH)$" "$TMP/err"
"$NAKODO" keygen --out "$TMP/c.nkey" >/dev/null 2>&1
nk join "$B" --as claimant --key "$TMP/c.nkey" >/dev/null 2>&1
echo hello >"$TMP/msg"
"$NAKODO" --db "$db" send "$B" --to payer --key "$TMP/c.nkey" <"$TMP/msg" >"$TMP/out" 2>"$TMP/err"
is "send to a party that has no key: refused, exit 2" "$?" 2
has "  says why" "the payer has not joined case $B with a key" "$TMP/err"
lacks "  without sending the user to --help, which would not help" "see 'nakodo send --help'" "$TMP/err"
run 2 "send without CASE: bad usage" nk send --key "$TMP/c.nkey" --to payer
has "  which does send the user to --help, once" "^(see 'nakodo send --help')$" "$TMP/err"
lacks "  and no '(see --help)' inside the message" "CASE (see --help)" "$TMP/err"

# ---- a receipt line with two spaces ----
nk receipt "$A" --as claimant --out "$TMP/r.txt" >/dev/null 2>&1
sk=$(nk server-key 2>/dev/null)
sed 's/^events /events  /' "$TMP/r.txt" >"$TMP/r2.txt"
run 1 "a receipt whose 'events' line has two spaces" nk verify "$TMP/r2.txt" --server-key "$sk"
has "  is refused for that, not for a character outside printable ASCII" \
	"'events' is followed by more than one space" "$TMP/err"
sed 's/^events \(.*\)$/events \1 /' "$TMP/r.txt" >"$TMP/r3.txt"
run 1 "one with a space after the value" nk verify "$TMP/r3.txt" --server-key "$sk"
has "  says so" "'events' has a space in or after its value" "$TMP/err"
sed 's/$/\r/' "$TMP/r.txt" >"$TMP/r4.txt"
run 1 "one with Windows line ends" nk verify "$TMP/r4.txt" --server-key "$sk"
has "  names the carriage return" "ends in a carriage return" "$TMP/err"

# ---- --json: an error whose text is not UTF-8 ----
run 2 "--json submit --as a role with a byte that is not UTF-8" \
	nk --json submit "$B" --as $'cl\xffaimant' 5
is "  still prints the error as JSON, the byte escaped" \
	"$(jq -r .detail "$TMP/out" 2>&1)" \
	"--as: unknown role 'cl\\xffaimant': did you mean 'claimant'? (claimant, payer or neutral-K)"
lacks "  and is not taken for a lack of memory" "out of memory" "$TMP/err"
has "  while stderr shows the byte as '?'" "unknown role 'cl?aimant'" "$TMP/err"
run 3 "--json with a database path that is not UTF-8" "$NAKODO" --json --db $'/nonexistent/x\xff' brief "$B" --as claimant
is "  prints its error as JSON" "$(jq -r .field "$TMP/out" 2>&1)" "db"

# ---- words of a later walkthrough: "at impasse", a closed case's rounds, a band's width ----
I=$(nk case new --currency USD --rounds 1 --proposals 1 2>/dev/null)
nk submit "$I" --as claimant 700 >/dev/null 2>&1 && nk submit "$I" --as payer 300 >/dev/null 2>&1
nk propose "$I" 500 >/dev/null 2>&1
run 0 "an answer that leaves the case at impasse" nk answer "$I" --as claimant accept
is "  says the answer is recorded, and 'at impasse', not 'is impasse'" "$(cat "$TMP/out")" \
	"ok: case $I: your answer is recorded; the case is at impasse (see nakodo brief)"
run 1 "a figure at impasse: refused" nk submit "$I" --as payer 400
has "  as 'the case is at impasse, not open'" "the case is at impasse, not open" "$TMP/err"
C=$(nk case new --currency USD --rounds 2 2>/dev/null)
nk submit "$C" --as claimant 700 >/dev/null 2>&1
nk close "$C" >/dev/null 2>&1
run 0 "the briefing of a case closed before its round's figures were in" nk brief "$C" --as payer
has "  does not say the round awaits figures" "^  round 1: your offer not yet submitted; not evaluated: the case ended first$" "$TMP/out"
D=$(nk case new --currency USD --settle band:10%,2,500 2>/dev/null)
run 0 "a band case's briefing" nk brief "$D" --as claimant
has "  gives the band's width in its rules" "^rules: 3 rounds, settle band (a gap within 10% of the demand or USD 2,500.00), grid " "$TMP/out"

run 2 "a server named only by NAKODO_SERVER, without a token" env -u NAKODO_TOKEN \
	NAKODO_SERVER=http://127.0.0.1:9 "$NAKODO" brief "$A" --as claimant
has "  says where the server came from and how to work locally" \
	"NAKODO_SERVER names a server (http://127.0.0.1:9), which needs --token TOKEN (or NAKODO_TOKEN); to use a local database instead, unset NAKODO_SERVER" "$TMP/err"

run 2 "an ambiguous start of two options, its value given" nk case new --r 3
has "  is not called an option missing its value" "unknown or incomplete option '--r'" "$TMP/err"

# ---- case new through a server: links open once ----
start_server || not_ok "the server did not start"
NAKODO_TOKEN=$OP run 0 "case new through a server" "$NAKODO" case new --currency USD --server "$URL"
has "  prints each role's link" "^claimant link: $URL/case/" "$TMP/out"
has "  and warns that opening one in a browser uses up its token" \
	"^each link opens once: a browser that opens it trades its token for one of its own" "$TMP/err"
NAKODO_TOKEN=$OP run 0 "with --json" "$NAKODO" --json case new --currency USD --server "$URL"
is "  no warning to a program" "$(cat "$TMP/err")" ""

# ---- the API's briefing carries the same "next" (the answer to an action too) ----
NAKODO_TOKEN=$OP "$NAKODO" case new --currency USD --rounds 1 --proposals 2 --server "$URL" \
	>"$TMP/rc" 2>/dev/null
R=$(head -1 "$TMP/rc")
RC=$(sed -n 's/^claimant token: //p' "$TMP/rc")
RP=$(sed -n 's/^payer token: //p' "$TMP/rc")
NAKODO_SERVER=$URL NAKODO_TOKEN=$RC "$NAKODO" submit "$R" 900 >/dev/null 2>&1
NAKODO_SERVER=$URL NAKODO_TOKEN=$RP "$NAKODO" --json submit "$R" 100 >"$TMP/rj" 2>&1
is "the server's answer to the figure that ends the last round has the payer's next" \
	"$(jq -c .next "$TMP/rj")" '{"action":"wait","proposals":2,"proposals_left":2,"waiting_for":"proposal"}'
curl -s -H "Authorization: Bearer $RC" "$URL/v1/cases/$R/brief" >"$TMP/rb"
is "  and GET brief the claimant's, as the local briefing's" "$(jq -c .next "$TMP/rb")" \
	'{"action":"wait","proposals":2,"proposals_left":2,"waiting_for":"proposal"}'
RM=$(sed -n 's/^mediator token: //p' "$TMP/rc")
NAKODO_SERVER=$URL NAKODO_TOKEN=$RM "$NAKODO" close "$R" >/dev/null 2>&1
curl -s -H "Authorization: Bearer $RP" "$URL/v1/cases/$R/brief" >"$TMP/rb"
is "a case the mediator closed: the server's briefing says so" "$(jq -r .closed_reason "$TMP/rb")" mediator
NAKODO_SERVER=$URL NAKODO_TOKEN=$RP "$NAKODO" brief "$R" >"$TMP/out" 2>&1
has "  and the CLI through the server prints it" "^case $R, as payer: closed (the mediator closed it)$" "$TMP/out"

echo "1..$n"
[ "$failed" -eq 0 ]
