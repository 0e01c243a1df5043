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
# bput FROM ROLE TOKEN SEQ: a signed POST of a message of the largest size (128 KiB) as
# ROLE from 127.0.0.FROM (Linux routes 127/8 to lo); prints the status (the answer: `last`).
bput() {
	local out="$TMP/ans/b.$(date +%s%N)" path="/v1/cases/$CASE/blind/messages"
	[ -s "$TMP/big" ] || head -c 131072 /dev/urandom | base64 -w0 >"$TMP/big"
	{ printf '{"round":1,"seq":%d,"data":"' "$4"; cat "$TMP/big"; printf '"}'; } >"$out.body"
	NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" sign-read "$CASE" --as "$2" \
		--key "$TMP/$2.nkey" --body "$out.body" POST "$path" >"$out.sig" || return 1
	echo "$out" >"$TMP/last"
	curl -s -o "$out" -w '%{http_code}' --max-time 10 --interface "127.0.0.$1" -X POST \
		-H "Authorization: Bearer $3" -H 'Content-Type: application/json' -H "@$out.sig" \
		--data-binary "@$out.body" "$URL$path"
}
