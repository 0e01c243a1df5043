#!/usr/bin/env bash
# Black-box tests of blind package rounds in local mode: nakodo package open and submit
# with the 1962 valuations of examples/, answered with nakodo answer and seen with
# nakodo brief, down to a settlement on the proposed package; every refusal leaves the
# database byte for byte as it was. Prints TAP. Needs NAKODO (the binary).
set -u
nk=${NAKODO:?set NAKODO to the nakodo binary}
ex="$(cd "$(dirname "$0")/../../examples" && pwd)"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db="$dir/cases.db"
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
is() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got:  $2" "want: $3"; fi; }
fingerprint() { cat "$db" "$db-wal" 2>/dev/null | sha256sum | cut -d' ' -f1; }
# refuse STATUS DESCRIPTION PATTERN -- COMMAND...: that status, a message matching
# PATTERN on stderr, and the database unchanged
refuse() {
	local want=$1 what=$2 pattern=$3; shift 4
	local before after got; before=$(fingerprint)
	"$@" >/dev/null 2>"$dir/err" </dev/null; got=$?
	after=$(fingerprint)
	if [ "$got" != "$want" ]; then bad "$what" "exit $got, wanted $want" "stderr: $(cat "$dir/err")"
	elif ! grep -qE -- "$pattern" "$dir/err"; then bad "$what" "message does not match $pattern" "stderr: $(cat "$dir/err")"
	elif [ "$before" != "$after" ]; then bad "$what" "the database changed"
	else ok "$what"; fi
}
K="$ex/claims-1962-package-korea.json"
J="$ex/claims-1962-package-japan.json"

"$nk" package open --help | grep -q -- "--components" && ok "package open --help" || bad "package open --help"
"$nk" package submit --help | grep -q -- "--as claimant|payer" && ok "package submit --help" || bad "package submit --help"
id=$("$nk" --db "$db" package open --currency USD --components grant,loan --rounds 2)
is "package open prints a case id" "$?:${#id}" "0:20"
refuse 2 "a frame with hints is refused" "^nakodo: hints: package rounds give no hints" -- \
	"$nk" --db "$db" package open --currency USD --hints 10,25
refuse 2 "an unknown component is refused" "components" -- \
	"$nk" --db "$db" package open --currency USD --components grant,bonds

# refusals before the round: nothing stored
jq '.currency = "EUR"' "$K" >"$dir/eur.json"
refuse 2 "a valuation in another currency" "^nakodo: currency: the valuation is in EUR; the case is in USD" -- \
	"$nk" --db "$db" package submit "$id" --as claimant "$dir/eur.json"
jq '.components.credits = {"min": "0", "max": "10,000,000", "step": "1,000,000", "per_year": 2, "repayment": "annuity", "rate": {"min": 8, "max": 8, "step": 1}, "grace": {"min": 0, "max": 0, "step": 1}, "maturity": {"min": 5, "max": 5, "step": 1}}' "$K" >"$dir/credits.json"
refuse 2 "a component outside the frame" "^nakodo: components.credits: the case's frame has no credits component" -- \
	"$nk" --db "$db" package submit "$id" --as claimant "$dir/credits.json"
refuse 2 "the payer's valuation handed in as the claimant's" "^nakodo: role:" -- \
	"$nk" --db "$db" package submit "$id" --as claimant "$J"
jq '.surprise = 1' "$K" >"$dir/unknown.json"
refuse 2 "a valuation with an unknown field" "surprise" -- \
	"$nk" --db "$db" package submit "$id" --as claimant "$dir/unknown.json"
refuse 1 "a figure on a package case" "is a package case" -- "$nk" --db "$db" submit "$id" --as claimant 100
refuse 1 "a round that is not open" "^nakodo: round: round 2 is not open" -- \
	"$nk" --db "$db" package submit "$id" --as claimant "$K" --round 2

# round 1: both valuations, the package proposed
is "the claimant submits" "$("$nk" --db "$db" package submit "$id" --as claimant "$K" --round 1)" "ok: case $id is open"
refuse 1 "a second valuation for the round" "already submitted" -- "$nk" --db "$db" package submit "$id" --as claimant "$K"
is "the payer submits" "$("$nk" --db "$db" package submit "$id" --as payer "$J")" "ok: case $id is open"
"$nk" --db "$db" brief "$id" --as claimant >"$dir/bc"
"$nk" --db "$db" package propose "$K" "$J" | sed -n 2,4p >"$dir/direct"
sed -n '/^proposed package/,/^its value/p' "$dir/bc" | sed '1d;$d' >"$dir/inbrief"
if [ -s "$dir/direct" ] && cmp -s "$dir/direct" "$dir/inbrief"; then ok "the round proposes what nakodo package propose proposes"
else bad "the round proposes what nakodo package propose proposes" "$(cat "$dir/inbrief")"; fi
grep -q "^its value to you: USD 309,102,369.25, inside your reservation$" "$dir/bc" &&
	ok "the claimant's briefing shows its own value of the package" || bad "the claimant's briefing shows its own value" "$(cat "$dir/bc")"
grep -q "least acceptable value USD 211,814,697.61" "$dir/bc" &&
	ok "the claimant's briefing shows its own reservation" || bad "the claimant's briefing shows its own reservation"
"$nk" --db "$db" brief "$id" --as payer >"$dir/bp"
grep -q "^its cost to you: USD 268,466,530.83, inside your reservation$" "$dir/bp" &&
	! grep -qE "Korea|211,814,697" "$dir/bp" &&
	ok "the payer sees its own cost and nothing of the claimant's valuation" || bad "the payer's briefing" "$(cat "$dir/bp")"
"$nk" --db "$db" brief "$id" --as mediator >"$dir/bm"
"$nk" --db "$db" log "$id" >"$dir/log"
if grep -q "^  loan     USD 250,000,000.00" "$dir/bm" && ! grep -qE "Korea|Japan|211,814,697|380,954,758|discount|its (value|cost)" "$dir/bm" "$dir/log"
then ok "the mediator's briefing and the log hold the package and no valuation"
else bad "the mediator's briefing and the log hold the package and no valuation" "$(cat "$dir/bm")"; fi
is "the log records who submitted, then the round" "$(awk '{print $4}' "$dir/log" | tr '\n' ' ')" \
	"opened package_submitted package_submitted package_round "

# answers: both accept -> settled with the package
refuse 2 "the mediator cannot answer" "role" -- "$nk" --db "$db" answer "$id" --as mediator accept
is "the claimant accepts" "$("$nk" --db "$db" answer "$id" --as claimant accept)" "ok: case $id is open"
refuse 1 "a second answer" "already answered" -- "$nk" --db "$db" answer "$id" --as claimant decline
is "the payer accepts: settled" "$("$nk" --db "$db" answer "$id" --as payer accept)" "ok: case $id is settled (see nakodo brief)"
"$nk" --db "$db" brief "$id" --as claimant >"$dir/bc2"
grep -q "^settled with the proposed package$" "$dir/bc2" && grep -q "confidential valuations are deleted" "$dir/bc2" &&
	! grep -q "211,814,697" "$dir/bc2" && ok "settled; the valuations are deleted" || bad "settled briefing" "$(cat "$dir/bc2")"
is "the settlement names the package" "$("$nk" --db "$db" --json log "$id" | jq -r '.events[-2] | .type + " " + .body.by + " " + .body.package.loan.amount')" \
	"settled package 250,000,000.00"
if ! grep -a -q "valuation.1.claimant" "$db" "$db-wal" 2>/dev/null; then ok "no sealed valuation remains in the database files"
else bad "no sealed valuation remains in the database files"; fi
refuse 1 "nothing after the end" "has ended" -- "$nk" --db "$db" package submit "$id" --as claimant "$K"

# a case that finds no package closes after its last round
id2=$("$nk" --db "$db" package open --currency USD --components grant,loan --rounds 1)
jq '.reservation = "900,000,000"' "$K" >"$dir/greedy.json"
"$nk" --db "$db" package submit "$id2" --as claimant "$dir/greedy.json" >/dev/null
is "no package inside both reservations: closed" "$("$nk" --db "$db" package submit "$id2" --as payer "$J")" \
	"ok: case $id2 is closed (see nakodo brief)"
"$nk" --db "$db" brief "$id2" --as payer | grep -q "round 1: your valuation submitted; no deal" &&
	ok "the briefing says no deal, and no more" || bad "the briefing says no deal"
"$nk" --db "$db" brief "$id2" --as payer | grep -qx "package case $id2, as payer: closed (no package both accepted after the last round)" &&
	ok "  and why the case closed" || bad "  and why the case closed"
is "  its JSON names the reason" "$("$nk" --db "$db" --json brief "$id2" --as claimant | jq -r .closed_reason)" no_package

# a party that joined with a key signs its valuation (--key), as it signs a figure
export NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$dir/pass"
printf 'package test passphrase\n' >"$dir/pass"
for who in claimant payer; do "$nk" keygen --out "$dir/$who.key" >/dev/null 2>&1 || bad "keygen $who"; done
id3=$("$nk" --db "$db" package open --currency USD --components grant,loan --rounds 2)
for who in claimant payer; do
	"$nk" --db "$db" join "$id3" --as $who --key "$dir/$who.key" >/dev/null || bad "join $who"
done
refuse 2 "a joined party's unsigned valuation: the same words as submit" \
	"^nakodo: signature: the claimant has joined this case with a key: its requests must be signed with it \(--key FILE\)$" -- \
	"$nk" --db "$db" package submit "$id3" --as claimant "$K"
refuse 2 "a valuation signed with another party's key" "not the key the claimant registered" -- \
	"$nk" --db "$db" package submit "$id3" --as claimant "$K" --key "$dir/payer.key"
if grep -qE "211,814,697|Korea" "$dir/err"; then bad "the refusal names no part of the valuation"; else ok "the refusal names no part of the valuation"; fi
is "the claimant submits with --key" "$("$nk" --db "$db" package submit "$id3" --as claimant "$K" --key "$dir/claimant.key")" "ok: case $id3 is open"
is "the payer submits with --key" "$("$nk" --db "$db" package submit "$id3" --as payer "$J" --round 1 --key "$dir/payer.key")" "ok: case $id3 is open"
is "the log records each valuation's request number, no signature" \
	"$("$nk" --db "$db" --json log "$id3" | jq -c '[.events[] | select(.type == "package_submitted") | .body]')" \
	'[{"request":1,"role":"claimant","round":1},{"request":1,"role":"payer","round":1}]'
"$nk" --db "$db" brief "$id3" --as mediator >"$dir/bk"
safety=$("$nk" pubkey "$dir/claimant.key" | sed -n 's/^safety number  //p')
grep -q "^claimant's key: [0-9a-f]\{64\}, safety number $safety$" "$dir/bk" && grep -q "^payer's key: " "$dir/bk" &&
	ok "the package briefing lists both keys and safety numbers" || bad "the package briefing lists the keys" "$(cat "$dir/bk")"
is "the package briefing --json has the keys and the role's last request" \
	"$("$nk" --db "$db" --json brief "$id3" --as claimant | jq -r '[.keys.claimant.safety_number == "'"$safety"'", (.keys | keys | join(",")), .last_request] | join(" ")')" \
	"true claimant,payer 1"
refuse 2 "an unsigned answer on the joined package case" "must be signed" -- "$nk" --db "$db" answer "$id3" --as claimant accept
"$nk" --db "$db" answer "$id3" --as claimant accept --key "$dir/claimant.key" >/dev/null
is "both answer signed: settled" "$("$nk" --db "$db" answer "$id3" --as payer accept --key "$dir/payer.key")" \
	"ok: case $id3 is settled (see nakodo brief)"

# a second valuation the search cannot take with the first (other loan terms): the round
# ends as an incompatible no-deal, and nothing names the first side's terms
id4=$("$nk" --db "$db" package open --currency USD --components grant,loan --rounds 2)
"$nk" --db "$db" package submit "$id4" --as claimant "$K" >/dev/null || bad "the claimant submits on $id4"
jq '.components.loan.per_year = 4' "$J" >"$dir/quarterly.json"
out=$("$nk" --db "$db" package submit "$id4" --as payer "$dir/quarterly.json" 2>&1)
is "an incompatible second valuation is taken: the round moves on" "$?:$out" "0:ok: case $id4 is open"
is "the round is logged as an incompatible no-deal" \
	"$("$nk" --db "$db" --json log "$id4" | jq -c '[.events[] | select(.type == "package_round") | .body]')" \
	'[{"incompatible":true,"outcome":"no-deal","round":1}]'
if "$nk" --db "$db" brief "$id4" --as payer 2>&1 | grep -qE "2 and 4|a year\)"; then
	bad "the payer's briefing names the claimant's loan terms"
else ok "the payer's briefing names none of the claimant's terms"; fi

echo "1..$n"
exit $((failed > 0))
