# Shared by the blind relay's tests (after lib.sh): the two parties' keys, joining the
# case, and a signed relay message.
printf 'relay test passphrase\n' >"$TMP/pass"
for who in claimant payer mediator; do
	NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" keygen \
		--out "$TMP/$who.nkey" >/dev/null 2>&1
done
join() { NAKODO_PASSPHRASE_FILE="$TMP/pass" NAKODO_SERVER=$URL NAKODO_TOKEN=$1 "$NAKODO" join \
		"$CASE" --as "$2" --key "$TMP/$2.nkey" >"$TMP/rj" 2>&1; }
# putf NAME TOKEN ROLE QUERY FILE [TYPE]: a signed POST of FILE's bytes, raw, as a relayed
# message to $CASE (?QUERY: round=R&seq=K), Content-Type TYPE (application/octet-stream
# unless given); prints the status (the answer: `last`).
putf() {
	local out="$TMP/ans/$1.$(date +%s%N)" path="/v1/cases/$CASE/blind/messages?$4"
	NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" sign-read "$CASE" --as "$3" \
		--key "$TMP/$3.nkey" --body "$5" POST "$path" >"$out.sig" || return 1
	echo "$out" >"$TMP/last"
	curl -s -o "$out" -D "$out.h" -w '%{http_code}' --max-time 10 -X POST \
		-H "Authorization: Bearer $2" -H "Content-Type: ${6:-application/octet-stream}" \
		-H "@$out.sig" --data-binary "@$5" "$URL$path"
}
# put NAME TOKEN ROLE ROUND SEQ TEXT [TYPE]: putf of TEXT as message SEQ of ROUND.
put() {
	local body="$TMP/ans/$1.$(date +%s%N).body"
	printf '%s' "$6" >"$body"
	putf "$1" "$2" "$3" "round=$4&seq=$5" "$body" "${7-}"
}
# hdr NAME ANSWER: the value of header NAME in ANSWER's headers (ANSWER.h), or nothing.
hdr() { tr -d '\r' <"$2.h" | sed -n "s/^$1: //Ip" | tail -1; }
# bput FROM ROLE TOKEN SEQ: a signed POST of a message of the largest size (128 KiB) as
# ROLE from 127.0.0.FROM (Linux routes 127/8 to lo); prints the status (the answer: `last`).
bput() {
	local out="$TMP/ans/b.$(date +%s%N)" path="/v1/cases/$CASE/blind/messages?round=1&seq=$4"
	[ -s "$TMP/big" ] || head -c 131072 /dev/urandom >"$TMP/big"
	NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" sign-read "$CASE" --as "$2" \
		--key "$TMP/$2.nkey" --body "$TMP/big" POST "$path" >"$out.sig" || return 1
	echo "$out" >"$TMP/last"
	curl -s -o "$out" -w '%{http_code}' --max-time 10 --interface "127.0.0.$1" -X POST \
		-H "Authorization: Bearer $3" -H 'Content-Type: application/octet-stream' \
		-H "@$out.sig" --data-binary "@$TMP/big" "$URL$path"
}
# fill FROM: a new blind case whose both directions hold 512 KiB from 127.0.0.FROM;
# prints the statuses that were not 201
fill() {
	local s bad=""
	new_case "${RULES%\}},\"blind\":true}" && join "$CT" claimant && join "$PT" payer || { echo setup; return; }
	for s in 1 2 3 4; do
		st=$(bput "$1" claimant "$CT" "$s"); [ "$st" = 201 ] || bad="$bad $st"
		st=$(bput "$1" payer "$PT" "$s"); [ "$st" = 201 ] || bad="$bad $st"
	done
	echo "${bad# }"
}
