#!/usr/bin/env bash
# Black-box tests of `nakodo extend --round N` and the extension's "round" member (issue
# 15): an extension retried after its round closed is refused, never landed in the next
# round; locally, through a server, and signed by a joined key. Prints TAP. Needs NAKODO
# (the binary), curl and jq.
. "$(dirname "$0")/../server/lib.sh"
export NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass"
printf 'correct horse battery staple\n' >"$TMP/pass"
nk() { "$NAKODO" "$@" 2>"$TMP/err" </dev/null; }
db="$TMP/local.db"

nk extend --help >"$TMP/out"
check "extend --help shows --round" grep -q 'extend CASE --as claimant|payer \[--round N\]' "$TMP/out"
nk --db "$db" extend x --as payer --round 0 5
is "--round 0 is bad usage" "$?" 2

# ---- locally: round 1 ends without a deal, round 2 is open ----
CASE=$(nk --db "$db" case new --currency USD --range 0:1,000,000 --rounds 3)
nk --db "$db" submit "$CASE" --as claimant 800,000 >/dev/null
nk --db "$db" submit "$CASE" --as payer 100,000 >/dev/null
nk --db "$db" extend "$CASE" --as payer --round 1 10,000 >"$TMP/out"
is "an extension for round 1, once round 2 is open: refused, exit 1" "$?" 1
check "the reason names the open round" grep -q 'round 1 is not open; round 2 is' "$TMP/err"
nk --db "$db" --json brief "$CASE" --as payer >"$TMP/out"
is "and no extension landed in round 2" "$(jq '[.rounds[] | .own_extension // 0] | add' "$TMP/out")" 0
nk --db "$db" extend "$CASE" --as payer --round 2 10,000 >/dev/null
is "an extension for the open round 2: accepted" "$?" 0
nk --db "$db" --json brief "$CASE" --as payer >"$TMP/out"
is "it is round 2's" "$(jq '.rounds[1].own_extension' "$TMP/out")" 1000000

# ---- through a server, unsigned and signed ----
start_server || not_ok "the server starts"
new_case
rt() { NAKODO_SERVER=$URL NAKODO_TOKEN=$1 "$NAKODO" "${@:2}" 2>"$TMP/err" </dev/null; }
rt "$CT" submit "$CASE" 800000 >/dev/null
rt "$PT" submit "$CASE" 100000 >/dev/null
status=$(req ext1 "$PT" POST "/v1/cases/$CASE/extensions" '{"amount":1000,"round":1}')
is "POST extensions with round 1 in round 2: 409" "$status" 409
is "field round" "$(jq -r .field "$(last)")" round
status=$(req ext0 "$PT" POST "/v1/cases/$CASE/extensions" '{"amount":1000,"round":0}')
is "round 0 is bad input: 400" "$status" 400
rt "$PT" extend "$CASE" --round 1 1,000
is "remote extend --round 1 in round 2: exit 1" "$?" 1
check "with the reason" grep -q 'round 1 is not open; round 2 is' "$TMP/err"
"$NAKODO" keygen --out "$TMP/payer.nkey" >/dev/null 2>&1
rt "$PT" join "$CASE" --as payer --key "$TMP/payer.nkey" >/dev/null
is "the payer joins with a key" "$?" 0
rt "$PT" extend "$CASE" --round 2 --key "$TMP/payer.nkey" 1,000 >/dev/null
is "a signed remote extend --round 2: accepted (the signature binds the round)" "$?" 0
rt "$PT" extend "$CASE" --round 2 --key "$TMP/payer.nkey" 1,000 >/dev/null
is "a retried one is refused: exit 1" "$?" 1
check "as already authorised" grep -q 'an extension for round 2 was already authorised' "$TMP/err"

echo "1..$n"
[ "$failed" -eq 0 ]
