#!/usr/bin/env bash
# A settled package case's receipt names its package (doc/formats.md, "Closing
# statement"): a v3 statement with the currency and the SHA-256 of the settled event's
# package (compact JSON, sorted keys, reals as %.17g with ".0" when whole), which this test
# recomputes from the log; it verifies, an altered package does not, a party's key signs
# it, and a closed package case keeps a v1 receipt. Prints TAP. Needs NAKODO, jq, python3.
. "$(dirname "$0")/../server/lib.sh"	# TAP helpers and $TMP (no server is started)
nk() { "$NAKODO" --db "$TMP/r.db" "$@" 2>"$TMP/err" </dev/null; }
EX="$(cd "$(dirname "$0")/../../examples" && pwd)"
echo 'a passphrase for the claimant' >"$TMP/pass"
export NAKODO_PASSPHRASE_FILE="$TMP/pass"
nk keygen --out "$TMP/c.key" --cost interactive >/dev/null

ID=$(nk package open --currency USD --components grant,loan)
nk join "$ID" --as claimant --key "$TMP/c.key" >/dev/null
is "the claimant joins with a key" "$?" 0
nk package submit "$ID" --as claimant --key "$TMP/c.key" "$EX/claims-1962-package-korea.json" >/dev/null
nk package submit "$ID" --as payer "$EX/claims-1962-package-japan.json" >/dev/null
nk answer "$ID" --as claimant accept --key "$TMP/c.key" >/dev/null
nk answer "$ID" --as payer accept >/dev/null
is "both accept: settled" "$(nk --json brief "$ID" --as payer | jq -r .state)" settled
nk receipt "$ID" --as payer --out "$TMP/r.txt" >"$TMP/out"
is "receipt: exit 0" "$?" 0
want=$(nk --json log "$ID" | python3 -c '
import hashlib, json, sys
def enc(v):
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, float):
        t = "%.17g" % v
        return t if ("." in t or "e" in t) else t + ".0"
    if isinstance(v, int): return str(v)
    if isinstance(v, str): return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(k) + ":" + enc(v[k]) for k in sorted(v)) + "}"
    return "[" + ",".join(enc(x) for x in v) + "]"
ev = [e for e in json.load(sys.stdin)["events"] if e["type"] == "settled"][-1]
print(hashlib.sha256(enc(ev["body"]["package"]).encode()).hexdigest())')
is "the file is v3, naming the settled package by its digest" \
	"$(sed -n '1p;4p;5p' "$TMP/r.txt" | tr '\n' '|')" "nakodo-receipt v3|currency USD|package $want|"
check "the command says so" \
	grep -qE "^settled on the package ${want:0:16}… \(USD\), ended [0-9-]{10}T[0-9:]{8}Z$" "$TMP/out"
KEY=$(nk server-key)
"$NAKODO" verify "$TMP/r.txt" --server-key "$KEY" >"$TMP/out" 2>"$TMP/err"
is "it verifies" "$?" 0
check "verify shows the package" grep -q "^package  $want (USD)$" "$TMP/out"
"$NAKODO" --json verify "$TMP/r.txt" --server-key "$KEY" >"$TMP/out" 2>"$TMP/err"
is "--json: package and currency" "$(jq -r '[.valid, .package, .currency] | join("|")' "$TMP/out")" \
	"true|$want|USD"
sed "s/^package $want\$/package $(printf '%064d' 0)/" "$TMP/r.txt" >"$TMP/forged.txt"
"$NAKODO" --json verify "$TMP/forged.txt" --server-key "$KEY" >"$TMP/out" 2>/dev/null
is "another package does not verify" "$(jq -r .valid "$TMP/out")" false
nk receipt "$ID" --as claimant --key "$TMP/c.key" --out "$TMP/signed.txt" >/dev/null
is "the claimant signs it with its key" "$?" 0
"$NAKODO" --json verify "$TMP/signed.txt" --server-key "$KEY" >"$TMP/out" 2>"$TMP/err"
is "the signed receipt verifies" "$(jq -r .valid "$TMP/out")" true

C=$(nk package open --currency USD)
nk close "$C" >/dev/null
nk receipt "$C" --out "$TMP/c.txt" >/dev/null
is "a closed package case's receipt stays v1" "$(head -1 "$TMP/c.txt")" "nakodo-receipt v1"
echo "1..$n"
[ "$failed" -eq 0 ]
