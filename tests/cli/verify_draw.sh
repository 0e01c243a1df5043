#!/usr/bin/env bash
# Black-box tests of `nakodo verify --draw` (issue 15): a party checks its random
# settlement's revealed seed against the case's commitment and replays the draw with its
# own figure, locally and through a server; the mediator is refused. Prints TAP. Needs
# NAKODO (the binary), curl and jq.
. "$(dirname "$0")/../server/lib.sh"
export NAKODO_TEST_KDF=min
nk() { "$NAKODO" "$@" 2>"$TMP/err" </dev/null; }
db="$TMP/local.db"

nk verify --help >"$TMP/out"
check "verify --help shows --draw" grep -q 'verify --draw CASE --as claimant|payer AMOUNT' "$TMP/out"
CASE=$(nk --db "$db" case new --currency USD --range 0:1,000,000 --settle random)
nk --db "$db" verify --draw "$CASE" --as claimant 300,000
is "before a settlement: refused, exit 1" "$?" 1
check "it says there is no random settlement" grep -q 'has no random settlement' "$TMP/err"
nk --db "$db" submit "$CASE" --as claimant 300,000 >/dev/null
nk --db "$db" submit "$CASE" --as payer 700,000 >/dev/null
nk --db "$db" verify --draw "$CASE" --as payer 700,000 >"$TMP/out"
is "the payer's check: exit 0" "$?" 0
check "the commitment holds" grep -q '^holds   seed-commitment' "$TMP/out"
check "the draw holds" grep -q '^holds   draw' "$TMP/out"
"$NAKODO" --db "$db" --json verify --draw "$CASE" --as claimant - <<<"300,000" >"$TMP/out" 2>"$TMP/err"
is "the claimant's, figure from stdin, --json: valid" "$(jq -r '.valid, .role' "$TMP/out" | tr '\n' ' ')" "true claimant "
nk --db "$db" verify --draw "$CASE" --as claimant 999,999 >"$TMP/out"
is "a demand above the settlement: exit 1" "$?" 1
nk --db "$db" verify --draw "$CASE" --as mediator 1
is "the mediator: bad usage" "$?" 2
nk --db "$db" verify --draw "$CASE" --as payer
is "no AMOUNT: bad usage" "$?" 2

# ---- through a server: the party's token says the role; the mediator's is refused ----
start_server || not_ok "the server starts"
new_case '{"currency":"USD","rounds":3,"monotone":true,"settle":"random","band_bp":0,"band_amount":0,"grid":1,"hints_bp":[],"range_low":0,"range_high":100000000,"leakage_bits":8.0,"proposals":1}'
rt() { NAKODO_SERVER=$URL NAKODO_TOKEN=$1 "$NAKODO" "${@:2}" 2>"$TMP/err" </dev/null; }
rt "$CT" submit "$CASE" 300000 >/dev/null
rt "$PT" submit "$CASE" 700000 >/dev/null
rt "$PT" verify --draw "$CASE" 700,000 >"$TMP/out"
is "remote: the payer's check holds" "$?" 0
rt "$MT" verify --draw "$CASE" 1 >"$TMP/out"
is "remote: the mediator's token is refused, exit 1" "$?" 1
check "the mediator's briefing has no seed" bash -c "! grep -q seed '$TMP/out'"

echo "1..$n"
[ "$failed" -eq 0 ]
