#!/bin/bash
# Attacks (a review of issue 10) on a joined party by whoever holds its token alone:
# draining the token's rate bucket with unsigned or badly signed requests, so that the
# party's own signed requests get 429; and learning from a joined role's unsigned action
# that its body is malformed (400) before being told that it must be signed (401).
set -u
. "$(dirname "$0")/../server/lib.sh"

echo "TAP version 13"
# a small bucket that refills slowly (1 a second): a drain shows before it refills
start_server --rate 1 --burst 10 --fail-rate 60 --fail-burst 100
check "server starts" test -n "$PORT"
printf 'adversary test passphrase\n' >"$TMP/pass"
NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" keygen --out "$TMP/payer.nkey" >/dev/null 2>&1
rcli() { local tok=$1; shift; NAKODO_PASSPHRASE_FILE="$TMP/pass" NAKODO_SERVER=$URL NAKODO_TOKEN=$tok "$NAKODO" "$@"; }
sign() { NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" sign-read "$CASE" --as payer --key "$TMP/payer.nkey" GET "$1"; }
# hreq NAME TOKEN PATH HEADERS-FILE: a GET with the signed-read headers in the file.
hreq() {
	local out="$TMP/ans/$1.$(date +%s%N)"
	echo "$out" >"$TMP/last"
	curl -s -o "$out" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $2" -H "@$4" "$URL$3"
}
# statuses N CMD...: runs CMD N times; prints each distinct status with its count.
statuses() { local k=$1; shift; for _ in $(seq "$k"); do "$@"; echo; done | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}'; }

new_case
rcli "$PT" join "$CASE" --as payer --key "$TMP/payer.nkey" >/dev/null 2>&1
is "the payer joins with its key" "$?" 0
sleep 10	# the join's requests refill

# ---- unsigned GETs with the token alone: 401, then 429, and the party still reads ----
sign "/v1/cases/$CASE/brief" >"$TMP/h1"
got=$(statuses 30 req drain "$PT" GET "/v1/cases/$CASE/brief")
echo "# unsigned GETs: $got"
check "the unsigned GETs are refused (401) and then limited (429)" \
	bash -c "[[ '$got' == *401:* && '$got' == *429:* && '$got' != *200:* ]]"
is "the party's own signed GET right after: 200" "$(hreq own "$PT" "/v1/cases/$CASE/brief" "$TMP/h1")" 200

# ---- badly signed GETs (each a failed authentication of the address) ----
sign "/v1/cases/$CASE/messages" >"$TMP/hbad"
sign "/v1/cases/$CASE/brief" >"$TMP/h2"
got=$(statuses 20 hreq bad "$PT" "/v1/cases/$CASE/brief" "$TMP/hbad")
echo "# badly signed GETs: $got"
is "a signature over another path is refused each time (403)" "$got" "403:20 "
is "the party's own signed GET right after: 200" "$(hreq own "$PT" "/v1/cases/$CASE/brief" "$TMP/h2")" 200

# ---- a malformed body that looks signed: refused, and drains nothing of the party's ----
sign "/v1/cases/$CASE/brief" >"$TMP/h3"
got=$(statuses 20 req badbody "$PT" POST "/v1/cases/$CASE/figures" '{"amount":"x","request":1,"signature":"00"}')
echo "# malformed signed-looking POSTs: $got"
is "the malformed bodies are refused (400) each time" "$got" "400:20 "
is "the party's own signed GET right after: 200" "$(hreq own "$PT" "/v1/cases/$CASE/brief" "$TMP/h3")" 200

# ---- a joined role's unsigned action with a malformed body: 401, not 400 ----
new_case
rcli "$PT" join "$CASE" --as payer --key "$TMP/payer.nkey" >/dev/null 2>&1
is "the payer of a second case joins with its key" "$?" 0
sleep 10
for body in '{"amount":"x"}' '{"amount":5,"extra":1}' 'not json' '[1]' '{"amount":1e999}'; do
	is "the joined payer's unsigned POST figures $body: 401 signature" \
		"$(req malformed "$PT" POST "/v1/cases/$CASE/figures" "$body") $(jq -r .field "$(last)")" \
		"401 signature"
done
is "  and an unsigned DELETE deposit with a body that is not JSON: 401 signature" \
	"$(req malformed "$PT" DELETE "/v1/cases/$CASE/deposit" '{') $(jq -r .field "$(last)")" \
	"401 signature"
is "the unjoined claimant's malformed body is still told (400 amount)" \
	"$(req unjoined "$CT" POST "/v1/cases/$CASE/figures" '{"amount":"x"}') $(jq -r .field "$(last)")" \
	"400 amount"
is "a signed-looking malformed body is told (400), as the signature cannot be checked without it" \
	"$(req signedbad "$PT" POST "/v1/cases/$CASE/figures" '{"amount":"x","request":1,"signature":"00"}')" 400

echo "1..$n"
[ "$failed" -eq 0 ]
