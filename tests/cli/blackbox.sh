#!/usr/bin/env bash
# Black-box tests of the nakodo command in local mode: every subcommand, its output
# and exit status, and that each refusal leaves the database byte for byte as it was.
# Prints TAP. Needs NAKODO (the binary).
set -u
nk=${NAKODO:?set NAKODO to the nakodo binary}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db="$dir/cases.db"
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
# expect STATUS DESCRIPTION -- COMMAND...: runs it, keeps stdout in $out and stderr in $err
expect() {
	local want=$1 what=$2; shift 3
	out=$("$@" 2>"$dir/err"); local got=$?
	err=$(cat "$dir/err")
	if [ "$got" = "$want" ]; then ok "$what"; else bad "$what" "exit $got, wanted $want" "stderr: $err"; fi
}
fingerprint() { cat "$db" "$db-wal" 2>/dev/null | sha256sum | cut -d' ' -f1; echo "events $($nk --db "$db" log "$1" 2>/dev/null | wc -l)"; }
# refuse STATUS DESCRIPTION PATTERN -- COMMAND...: refused with that status, a message
# matching PATTERN, and the database unchanged
refuse() {
	local want=$1 what=$2 pattern=$3 case_id=${CASE:-x}; shift 4
	local before after; before=$(fingerprint "$case_id")
	out=$("$@" 2>"$dir/err" </dev/null); local got=$?
	err=$(cat "$dir/err"); after=$(fingerprint "$case_id")
	if [ "$got" != "$want" ]; then bad "$what" "exit $got, wanted $want" "stderr: $err"
	elif ! grep -qE -- "$pattern" <<<"$err"; then bad "$what" "message does not match $pattern" "stderr: $err"
	elif [ "$before" != "$after" ]; then bad "$what" "the database changed"
	else ok "$what"; fi
}


expect 0 "nakodo --help" -- "$nk" --help
grep -q "submit" <<<"$out" && ok "--help lists the commands" || bad "--help lists the commands"
for c in "case new" "case list" submit extend propose answer close brief log demo; do
	expect 0 "nakodo $c --help" -- "$nk" $c --help
done
expect 2 "an unknown command is bad usage" -- "$nk" negotiate
expect 3 "a command without a database is a storage error" -- "$nk" --db "$dir/none.db" brief abc --as mediator
[ ! -e "$dir/none.db" ] && ok "nothing is created for a missing database" || bad "nothing is created for a missing database"

expect 0 "case new prints an id" -- "$nk" --db "$db" case new --currency USD --rounds 3 --hints 10,25 --range 0:1,000,000 --grid 1,000
CASE=$out
[[ "$CASE" =~ ^[0-9a-f]{20}$ ]] && ok "the id is 20 hex digits" || bad "the id is 20 hex digits" "$CASE"
[ "$(stat -c %a "$db.key")" = 600 ] && ok "the storage key file has mode 0600" || bad "the storage key file has mode 0600"
expect 0 "case new --json, global option after the command" -- "$nk" case new --currency JPY --json --db "$db"
grep -q '"case"' <<<"$out" && ok "the JSON answer carries the case" || bad "the JSON answer carries the case" "$out"

refuse 2 "an unknown flag" "unknown" -- "$nk" --db "$db" submit "$CASE" --as payer --bogus 5
refuse 2 "a negative amount" "negative" -- "$nk" --db "$db" submit "$CASE" --as payer -- -5
refuse 2 "a negative amount without --" "negative" -- "$nk" --db "$db" submit "$CASE" --as payer -5
refuse 2 "a malformed amount" "unexpected character" -- "$nk" --db "$db" submit "$CASE" --as payer 12x
refuse 2 "too many decimals" "USD has 2 decimals" -- "$nk" --db "$db" submit "$CASE" --as payer 1.005
refuse 2 "an amount outside the range" "outside the case's range" -- "$nk" --db "$db" submit "$CASE" --as payer 2,000,000
refuse 2 "an overflowing amount" "too large" -- "$nk" --db "$db" submit "$CASE" --as payer 999999999999999999999
refuse 2 "an unknown role" "unknown role" -- "$nk" --db "$db" submit "$CASE" --as judge 5
refuse 2 "a role that may not act (bad input, as through a server)" "only the claimant or the payer" -- "$nk" --db "$db" submit "$CASE" --as mediator 5
out=$("$nk" --db "$db" --json submit "$CASE" --as mediator 5 2>/dev/null)
if grep -q '"error": "invalid"' <<<"$out" && grep -q '"exit": 2' <<<"$out"; then ok "  with --json the same error kind as a server's 403 (invalid, exit 2)"
else bad "  with --json the same error kind as a server's 403 (invalid, exit 2)" "$out"; fi
refuse 2 "an unknown case" "no case" -- "$nk" --db "$db" submit 0123456789abcdef0123 --as payer 5
refuse 1 "a proposal before impasse, saying when it can come" "only once every round has failed" -- "$nk" --db "$db" propose "$CASE" 500
refuse 1 "an answer before impasse, saying why there is none" "no proposal to answer: the case is open" -- "$nk" --db "$db" answer "$CASE" --as claimant accept

expect 0 "the claimant submits from standard input" -- bash -c "echo 700,000 | '$nk' --db '$db' submit '$CASE' --as claimant -"
refuse 1 "a second figure in the same round" "already submitted" -- "$nk" --db "$db" submit "$CASE" --as claimant 650,000
expect 0 "the payer submits" -- "$nk" --db "$db" submit "$CASE" --as payer 400,000
refuse 1 "a demand that rises" "monotone" -- "$nk" --db "$db" submit "$CASE" --as claimant 700,000.01

expect 0 "brief as claimant" -- "$nk" --db "$db" brief "$CASE" --as claimant
grep -q "your demand USD 700,000.00" <<<"$out" && ok "the claimant sees its own figure" || bad "the claimant sees its own figure" "$out"
grep -q "400,000" <<<"$out" && bad "the claimant never sees the offer" "$out" || ok "the claimant never sees the offer"
expect 0 "brief as mediator" -- "$nk" --db "$db" brief "$CASE" --as mediator
grep -qE "700,000|400,000" <<<"$out" && bad "the mediator sees no figure" "$out" || ok "the mediator sees no figure"
expect 0 "log" -- "$nk" --db "$db" log "$CASE"
grep -qE "70000000|40000000" <<<"$out" && bad "the log holds no figure" "$out" || ok "the log holds no figure"

expect 0 "round 2 settles" -- bash -c "'$nk' --db '$db' submit '$CASE' --as claimant 500,000 && '$nk' --db '$db' submit '$CASE' --as payer 520,000"
expect 0 "brief --json as payer" -- "$nk" --db "$db" --json brief "$CASE" --as payer
if python3 -c 'import json,sys; b=json.load(sys.stdin); assert b["state"]=="settled" and b["settlement"]["figure"]==51000000 and b["currency"]=="USD" and b["round"]==2' <<<"$out"
then ok "settled at the midpoint 510,000 on the grid, in minor units"; else bad "settled at 510,000" "$out"; fi
refuse 1 "a figure after the case ended" "ended" -- "$nk" --db "$db" submit "$CASE" --as payer 600,000
# the sealed figures' rows are named figure.ROUND.ROLE; once the case ended none may remain
if ! grep -qaE "figure\.[12]\.(claimant|payer)" "$db" "$db-wal" 2>/dev/null; then ok "no sealed figure remains in the database files"; else bad "no sealed figure remains in the database files"; fi

cp "$db.key" "$dir/key.bak"
head -c 10 "$dir/key.bak" >"$db.key"
refuse 3 "a damaged key file" "key" -- "$nk" --db "$db" brief "$CASE" --as mediator
rm -f "$db.key"
refuse 3 "a missing key file" "key" -- "$nk" --db "$db" brief "$CASE" --as mediator
cp "$dir/key.bak" "$db.key"
printf 'this is not a database at all, just some text\n%.0s' {1..200} >"$dir/other.db"
before=$(sha256sum <"$dir/other.db")
expect 3 "a file that is not nakodo's" -- "$nk" --db "$dir/other.db" case list
[ "$before" = "$(sha256sum <"$dir/other.db")" ] && ok "the foreign file is left as it was" || bad "the foreign file is left as it was"

expect 0 "the demo runs" -- "$nk" demo
grep -q "Settled at USD 500,000,000.00" <<<"$out" && ok "the demo settles at USD 500,000,000" || bad "the demo settles at USD 500,000,000" "$out"
korea=$(grep '^    Korea |' <<<"$out"); japan=$(grep '^    Japan |' <<<"$out")
if grep -qE "(70|170|300|350),000,000" <<<"$korea"; then bad "Korea's screen holds none of Japan's figures"; else ok "Korea's screen holds none of Japan's figures"; fi
if grep -qE "(700|600),000,000" <<<"$japan"; then bad "Japan's screen holds none of Korea's figures"; else ok "Japan's screen holds none of Korea's figures"; fi

echo "1..$n"
[ "$failed" = 0 ]
