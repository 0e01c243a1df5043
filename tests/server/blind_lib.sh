# Shared by the blind relay's tests (after lib.sh): the two parties' keys, joining the
# case, and a signed relay message.
printf 'relay test passphrase\n' >"$TMP/pass"
for who in claimant payer mediator; do
	NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" keygen \
		--out "$TMP/$who.nkey" >/dev/null 2>&1
done
join() { NAKODO_PASSPHRASE_FILE="$TMP/pass" NAKODO_SERVER=$URL NAKODO_TOKEN=$1 "$NAKODO" join \
		"$CASE" --as "$2" --key "$TMP/$2.nkey" >"$TMP/rj" 2>&1; }
# put NAME TOKEN ROLE BODY: a signed POST of a relayed message to $CASE; prints the
# status (the answer: `last`).
put() {
	local out="$TMP/ans/$1.$(date +%s%N)" path="/v1/cases/$CASE/blind/messages"
	printf '%s' "$4" >"$out.body"
	NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" sign-read "$CASE" --as "$3" \
		--key "$TMP/$3.nkey" --body "$out.body" POST "$path" >"$out.sig" || return 1
	echo "$out" >"$TMP/last"
	curl -s -o "$out" -w '%{http_code}' --max-time 10 -X POST -H "Authorization: Bearer $2" \
		-H 'Content-Type: application/json' -H "@$out.sig" --data-binary "@$out.body" \
		"$URL$path"
}
