#!/bin/bash
# Attack (a review of issue 10): one joined party fills the server's memory of signed
# reads with many distinct reads of its own case, timestamped within the window, so that
# another case's joined role is refused. The server now keeps one mark per case and role
# (its last signed read's time): a party's reads can only refuse its own older ones.
# READFLOOD is tests/adversary/readflood.c built.
set -u
. "$(dirname "$0")/../server/lib.sh"
: "${READFLOOD:?set READFLOOD to the readflood helper}"

echo "TAP version 13"
start_server --rate 1000000 --burst 1000000
check "server starts" test -n "$PORT"
printf 'adversary test passphrase\n' >"$TMP/pass"
for who in a b; do
	NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" keygen --out "$TMP/$who.nkey" >/dev/null 2>&1
done
rcli() { local tok=$1; shift; NAKODO_PASSPHRASE_FILE="$TMP/pass" NAKODO_SERVER=$URL NAKODO_TOKEN=$tok "$NAKODO" "$@"; }

new_case; CASE_A=$CASE; PT_A=$PT
rcli "$PT_A" join "$CASE_A" --as payer --key "$TMP/a.nkey" >/dev/null 2>&1
is "case A's payer joins with its key" "$?" 0
new_case; CASE_B=$CASE; PT_B=$PT
rcli "$PT_B" join "$CASE_B" --as payer --key "$TMP/b.nkey" >/dev/null 2>&1
is "case B's payer joins with its key" "$?" 0

# more distinct signed reads than the old replay memory's 65536 slots, within 120 s
NAKODO_PASSPHRASE_FILE="$TMP/pass" "$READFLOOD" "$URL" "$PT_A" "$CASE_A" payer "$TMP/a.nkey" 70000 \
	>"$TMP/flood" 2>"$TMP/flood.err"
is "the flood ran" "$?" 0
echo "# case A's flood: $(tr '\n' ' ' <"$TMP/flood")"
is "case A's party read its own case throughout (rising times)" "$(awk '$1 == 200 {print $2}' "$TMP/flood")" 70000
got=""
for i in 1 2 3 4 5; do got+="$(sreq b$i "$PT_B" GET "/v1/cases/$CASE_B/brief" payer "$TMP/b.nkey") "; done
is "case B's payer still reads its briefing, signed, five times" "$got" "200 200 200 200 200 "

# the mark refuses what the replay memory refused, and an older read as well
sig=$(ls "$TMP"/ans/b5.*.sig | tail -1)
is "the same signed read again (a replay): 403 signature" \
	"$(curl -s -o "$TMP/replay" -w '%{http_code}' -H "Authorization: Bearer $PT_B" -H "@$sig" \
		"$URL/v1/cases/$CASE_B/brief") $(jq -r .field "$TMP/replay")" "403 signature"
when=$(sed -n 's/^Nakodo-Request: //p' "$sig")
NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" sign-read "$CASE_B" --as payer --key "$TMP/b.nkey" \
	--time $((when - 1000)) GET "/v1/cases/$CASE_B/brief" >"$TMP/older.sig"
is "a fresh signature older than the role's last read: 403 signature" \
	"$(curl -s -o "$TMP/older" -w '%{http_code}' -H "Authorization: Bearer $PT_B" -H "@$TMP/older.sig" \
		"$URL/v1/cases/$CASE_B/brief") $(jq -r .field "$TMP/older")" "403 signature"
is "and a newer one reads again: 200" \
	"$(sreq b6 "$PT_B" GET "/v1/cases/$CASE_B/brief" payer "$TMP/b.nkey")" 200
# case A's own mark is its last flood read, up to 70 s ahead of the clock: only A waits
is "case B's mediator is not held back by either: 200 (unjoined, unsigned)" \
	"$(req bm "$MT" GET "/v1/cases/$CASE_B/brief")" 200

echo "1..$n"
[ "$failed" -eq 0 ]
