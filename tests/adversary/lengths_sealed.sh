#!/bin/bash
# Attack: a sealed message's or deposit's length (doc/security.md, "Lengths"). The
# go-between cannot open an envelope, but its length was the text's plus a constant, so
# the operator (the stored envelope, the `message` event's `size` in the log the other
# side reads too) and anyone watching a party's TLS (the request that carries it, the
# inbox that returns it) learned each text's exact length: "I accept 900" and "I accept
# 1,200,000" differed by six bytes. Here texts of 1 and 200 bytes, and those two, go
# both ways as messages and as deposits, through the command and a proxy that measures
# every body; each kind's envelopes, its events' sizes, the requests that carried them
# and the inbox answers that return them must be as long whatever the text, and each
# recipient still opens the other side's texts exactly.
set -u
. "$(dirname "$0")/../server/lib.sh"
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 is not installed"; exit 0; }
PROXY=$(dirname "$0")/record_proxy.py
PROXY_PID=""
trap 'stop_proxy; stop_server; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
export NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass"
echo secret-passphrase >"$TMP/pass"
chmod 600 "$TMP/pass"
for who in claimant payer; do "$NAKODO" keygen --out "$TMP/$who.nkey" >/dev/null 2>&1; done

stop_proxy() {
	[ -n "$PROXY_PID" ] || return 0
	kill "$PROXY_PID" 2>/dev/null
	wait "$PROXY_PID" 2>/dev/null
	PROXY_PID=""
}
# as ROLE ARGS...: ROLE's command through the proxy, text on standard input
as() {
	local role=$1 tok
	shift
	[ "$role" = claimant ] && tok=$CT || tok=$PT
	NAKODO_SERVER=$P NAKODO_TOKEN=$tok "$NAKODO" "$@" --key "$TMP/$role.nkey" 2>>"$TMP/cli.err"
}
a200=$(head -c 200 /dev/zero | tr '\0' a)

start_server --rate 1000 --burst 1000 || { echo "1..1"; echo "not ok 1 - the server did not start"; exit 1; }
new_case || { echo "1..1"; echo "not ok 1 - the case did not open"; exit 1; }
mkdir -p "$TMP/answers"
python3 "$PROXY" "$PORT" "$TMP/answers" "$TMP/proxy.port" "$TMP/raw" 2>>"$TMP/proxy.err" &
PROXY_PID=$!
for _ in $(seq 100); do [ -s "$TMP/proxy.port" ] && break; sleep 0.05; done
P="http://127.0.0.1:$(cat "$TMP/proxy.port")"
as claimant join "$CASE" --as claimant </dev/null >/dev/null
as payer join "$CASE" --as payer </dev/null >/dev/null
: >"$TMP/raw"
sent=0
for text in y "$a200" "I accept 900" "I accept 1,200,000"; do
	printf '%s' "$text" | as claimant send "$CASE" --to payer >/dev/null && sent=$((sent + 1))
	printf '%s' "$text" | as payer send "$CASE" --to claimant >/dev/null && sent=$((sent + 1))
done
is "eight messages sent, four each way" "$sent" 8
is "each send carried a request body as long as every other" \
	"$(grep '^POST /v1/cases/[^ ]*/messages ' "$TMP/raw" | sed 's/ answer=.*//' | sort -u | wc -l)" 1
printf y | as claimant deposit "$CASE" >/dev/null || not_ok "the claimant deposits 1 byte"
printf '%s' "$a200" | as payer deposit "$CASE" >/dev/null || not_ok "the payer deposits 200 bytes"
is "both deposits' request bodies are as long" \
	"$(grep '^POST /v1/cases/[^ ]*/deposit ' "$TMP/raw" | sed 's/ answer=.*//' | sort -u | wc -l)" 1

# the operator's record, which the parties read as well
req log "$MT" GET "/v1/cases/$CASE/log" >/dev/null
jq -c '[.events[] | select(.type == "message") | .body.size // .size] ' "$(last)" >"$TMP/msg.sizes"
jq -c '[.events[] | select(.type == "deposited") | .body.size // .size] ' "$(last)" >"$TMP/dep.sizes"
is "the log has eight message events with a size" "$(jq 'map(select(. != null)) | length' "$TMP/msg.sizes")" 8
is "every message event's size is one and the same" "$(jq 'unique | length' "$TMP/msg.sizes")" 1
is "both deposits' sizes are the same" "$(jq 'unique | length' "$TMP/dep.sizes")" 1
is "and as large as a message's: one size class, 256 bytes of text" \
	"$(jq -c unique "$TMP/dep.sizes")" "$(jq -c unique "$TMP/msg.sizes")"
is "that size is 204 + the case id + 256" "$(jq '.[0]' "$TMP/msg.sizes")" $((204 + ${#CASE} + 256))

# what each recipient fetches, and opens
for who in claimant payer; do
	as $who --json inbox "$CASE" </dev/null >"$TMP/$who.inbox"
	is "the $who opens all five of the other side's texts" \
		"$(jq '[.items[] | select(.status == "ok")] | length' "$TMP/$who.inbox")" 5
	is "the $who reads 1, 200, 12 and 18 bytes exactly" \
		"$(jq -c '[.items[] | select(.kind == "message") | .text | length]' "$TMP/$who.inbox")" \
		'[1,200,12,18]'
done
is "the deposits open to their texts" \
	"$(jq -r '.items[] | select(.kind == "deposit") | .text | length' "$TMP/claimant.inbox" "$TMP/payer.inbox" | tr '\n' ' ')" \
	"200 1 "
is "each inbox answer is as long as the other side's" \
	"$(grep '^GET /v1/cases/[^ ]*/messages 200 ' "$TMP/raw" | sed 's/.* answer=//' | sort -u | wc -l)" 1
sreq box "$PT" GET "/v1/cases/$CASE/messages" payer "$TMP/payer.nkey" >/dev/null
jq -r '.items[].envelope' "$(last)" | while read -r e; do printf '%s' "$e" | base64 -d | wc -c; done | sort -u >"$TMP/env.lengths"
is "the envelopes the payer fetches are all one length" "$(wc -l <"$TMP/env.lengths")" 1
is "the clear header shows version 2" \
	"$(jq -r '.items[0].envelope' "$(last)" | base64 -d | head -c 8)" NKMSG002
stop_proxy
echo "1..$n"
[ "$failed" = 0 ]
