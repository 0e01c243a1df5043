#!/usr/bin/env bash
# The window of a role's signed reads (doc/api.md, "Signed reads"): a read signed earlier
# than the role's latest, within 512 ms below it and not taken yet, is taken (a party's
# two commands at once, or a burst that arrives out of order); the same read again is a
# replay, and one more than 512 ms below the latest is too old to tell from one. Prints
# TAP. Needs NAKODO, curl and jq.
. "$(dirname "$0")/lib.sh"
printf 'read window passphrase\n' >"$TMP/pass"
NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" keygen \
	--out "$TMP/payer.nkey" >/dev/null 2>&1
start_server --rate 100000 --burst 100000 || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }
new_case
NAKODO_PASSPHRASE_FILE="$TMP/pass" NAKODO_SERVER=$URL NAKODO_TOKEN=$PT "$NAKODO" join \
	"$CASE" --as payer --key "$TMP/payer.nkey" >/dev/null 2>&1
is "the payer joins with its key" "$?" 0
# at MS [NAME]: signs GET brief at time MS into $TMP/NAME.sig (default: at.MS)
at() {
	NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" sign-read "$CASE" --as payer \
		--key "$TMP/payer.nkey" --time "$1" GET "/v1/cases/$CASE/brief" >"$TMP/${2:-at.$1}.sig"
}
# read NAME: sends the signed read NAME; prints the status and the refusal's field
read_as() {
	curl -s -o "$TMP/$1.ans" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $PT" \
		-H "@$TMP/$1.sig" "$URL/v1/cases/$CASE/brief"
	printf ' %s' "$(jq -r '.field // "-"' "$TMP/$1.ans")"
}
now=$(($(date +%s%N) / 1000000))
for t in $now $((now - 5)) $((now - 300)) $((now - 511)) $((now - 512)) $((now - 1)); do at "$t"; done
is "the latest read is taken" "$(read_as "at.$now")" "200 -"
is "one signed 5 ms earlier, arriving after it, is taken too" "$(read_as "at.$((now - 5))")" "200 -"
is "and so are 300 and 511 ms earlier" \
	"$(read_as "at.$((now - 300))") $(read_as "at.$((now - 511))")" "200 - 200 -"
is "the one 5 ms earlier again: a replay, 403" "$(read_as "at.$((now - 5))")" "403 signature"
check "  said to be a replay" grep -q 'taken already from this role: a replay' "$TMP/at.$((now - 5)).ans"
is "the latest again: a replay, 403" "$(read_as "at.$now")" "403 signature"
is "512 ms below the latest: too old, 403" "$(read_as "at.$((now - 512))")" "403 signature"
check "  said to be too old" grep -q 'more than 512 ms below the latest' "$TMP/at.$((now - 512)).ans"
is "an unseen time within the window still reads" "$(read_as "at.$((now - 1))")" "200 -"
# a later read moves the window: what was in it and unseen falls out of it
at $((now + 600)) later; at $((now - 2)) fallen
is "a read 600 ms later moves the window up" "$(read_as later)" "200 -"
is "an unseen time now below the window: 403" "$(read_as fallen)" "403 signature"
stop_server
echo "1..$n"
[ "$failed" = 0 ]
