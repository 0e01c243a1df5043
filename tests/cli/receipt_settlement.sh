#!/usr/bin/env bash
# Black-box tests of a receipt's settlement and time (issue 15): a settled case of figures
# has a v2 closing statement that carries the amount, shown as money with an ISO 8601 UTC
# time; an altered amount fails verification; a v1 receipt made before v2 still verifies.
# Prints TAP. Needs NAKODO (the binary) and jq.
: "${NAKODO:?set NAKODO to the nakodo binary}"
command -v jq >/dev/null || { echo "1..0 # SKIP jq is not installed"; exit 0; }
DATA=$(cd "$(dirname "$0")/data" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nakodo-receipt-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
is() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi; }
jqe() { jq -e "$@" >/dev/null; }
nk() { "$NAKODO" "$@" 2>"$TMP/err" </dev/null; }
db="$TMP/r.db"
iso='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'

# ---- a receipt from before v2 (tests/cli/data, made by the v1 writer) ----
nk --json verify "$DATA/receipt-v1.txt" --server-key "$(cat "$DATA/receipt-v1.server-key")" >"$TMP/out"
is "a v1 receipt still verifies" "$(jq -r .valid "$TMP/out")" true
is "it has no settlement" "$(jq -r .settlement "$TMP/out")" null
is "its time is ISO 8601 UTC" "$(jq -r .closed "$TMP/out")" 2026-12-05T00:14:28Z

# ---- a settled case: a v2 receipt with the settlement ----
CASE=$(nk --db "$db" case new --currency EUR --range 0:1,000,000)
nk --db "$db" submit "$CASE" --as claimant 400,000 >/dev/null
nk --db "$db" submit "$CASE" --as payer 500,000 >/dev/null
nk --db "$db" receipt "$CASE" --out "$TMP/r.txt" >"$TMP/out"
is "receipt: exit 0" "$?" 0
check "it says the settlement and an ISO time" grep -qE \
	'^settled at EUR 450,000\.00, ended [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "$TMP/out"
is "the file is v2 with the amount" "$(sed -n '1p;4p;5p' "$TMP/r.txt" | tr '\n' '|')" \
	"nakodo-receipt v2|currency EUR|settlement 45000000|"
KEY=$(nk --db "$db" server-key)
nk verify "$TMP/r.txt" --server-key "$KEY" >"$TMP/out"
is "it verifies" "$?" 0
check "verify shows the settlement" grep -q '^settled  EUR 450,000.00$' "$TMP/out"
check "and the time" grep -qE '^ended    [0-9-]{10}T[0-9:]{8}Z$' "$TMP/out"
nk --json verify "$TMP/r.txt" --server-key "$KEY" >"$TMP/out"
is "--json: settlement, currency, text" \
	"$(jq -r '[.settlement, .currency, .settlement_text] | join("|")' "$TMP/out")" "45000000|EUR|EUR 450,000.00"
check "--json: closed is ISO 8601" jqe --arg re "$iso" '.closed | test($re)' "$TMP/out"
sed 's/^settlement 45000000$/settlement 46000000/' "$TMP/r.txt" >"$TMP/forged.txt"
nk --json verify "$TMP/forged.txt" --server-key "$KEY" >"$TMP/out"
is "an altered settlement does not verify" "$(jq -r .valid "$TMP/out")" false

# ---- a closed case: no settlement, a v1 statement ----
C2=$(nk --db "$db" case new --currency EUR --range 0:1,000,000)
nk --db "$db" close "$C2" >/dev/null
nk --db "$db" --json receipt "$C2" --out "$TMP/c.txt" >"$TMP/out"
is "a closed case's receipt is v1" "$(head -1 "$TMP/c.txt")" "nakodo-receipt v1"
check "--json: closed is ISO 8601, no settlement" jqe --arg re "$iso" \
	'(.closed | test($re)) and .settlement == null' "$TMP/out"
nk verify "$TMP/c.txt" --server-key "$KEY" >/dev/null
is "it verifies" "$?" 0

echo "1..$n"
[ "$failed" -eq 0 ]
