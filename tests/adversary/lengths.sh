#!/bin/bash
# Attack: lengths on the wire (doc/security.md, "Lengths"). TLS hides a body's bytes, not
# its length; someone who sees a party's encrypted traffic must not learn the order of
# magnitude of its figures, of a hint's band or of the settlement from them. The same
# steps of a case of figures run for figures of every magnitude, from 1 minor unit to
# 10^15: the claimant through the command (joined, signing its actions), the payer and the
# mediator by the API with bodies at the fixed widths the pages send (web/assets/js/wire.js):
# two rounds without a deal, each with an extension, briefings, the mediator's proposal,
# both answers, the briefings of the settled case, its log and receipt. Every request goes
# through a proxy that measures its body and its answer's; the measures of every run must
# equal the first's. Each run has a server of its own, so that the receipt's server-wide
# count of ended cases is the same in each.
set -u
. "$(dirname "$0")/../server/lib.sh"
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 is not installed"; exit 0; }
PROXY=$(dirname "$0")/record_proxy.py
PROXY_PID=""
trap 'stop_proxy; stop_server; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
export NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass"
echo secret-passphrase >"$TMP/pass"
"$NAKODO" keygen --out "$TMP/claimant.nkey" >/dev/null 2>&1
# a range wide enough for 3 x 10^15; no leakage cap, so that no hint is withheld at one
# magnitude and shown at another (the steps stay the same)
LRULES='{"currency":"USD","rounds":2,"monotone":true,"settle":"midpoint","band_bp":0,"band_amount":0,"grid":1,"hints_bp":[1000,2500],"range_low":0,"range_high":4000000000000000,"leakage_bits":64.0,"proposals":1}'

stop_proxy() {
	[ -n "$PROXY_PID" ] || return 0
	kill "$PROXY_PID" 2>/dev/null
	wait "$PROXY_PID" 2>/dev/null
	PROXY_PID=""
}
start_proxy() {	# start_proxy DIR: answers into DIR, measures into DIR/../raw; sets P (its URL)
	mkdir -p "$1"
	python3 "$PROXY" "$PORT" "$1" "$TMP/proxy.port" "$1/../raw" &
	PROXY_PID=$!
	for _ in $(seq 100); do [ -s "$TMP/proxy.port" ] && break; sleep 0.05; done
	P="http://127.0.0.1:$(cat "$TMP/proxy.port")"
	rm -f "$TMP/proxy.port"
}
major() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }	# cents as the command takes them
# cli ARGS...: the claimant's command through the proxy
cli() {
	NAKODO_SERVER=$P NAKODO_TOKEN=$CT "$NAKODO" "$@" --key "$TMP/claimant.nkey" </dev/null \
		>>"$RUN/cli" 2>&1 || echo "# $* failed" >>"$RUN/errors"
}
# api TOKEN METHOD ROUTE [BODY]: a request through the proxy, as the pages send it
api() {
	local args=(-s -o /dev/null -w '%{http_code}\n' --max-time 30 -X "$2"
		-H "Authorization: Bearer $1")
	[ -z "${4-}" ] || args+=(-H 'Content-Type: application/json' --data-binary "$4")
	curl "${args[@]}" "$P/v1/cases/$CASE$3" >>"$RUN/status"
}
n24() { printf '%-24s' "$1"; }	# a number at the pages' width

run() {	# run M: one whole sequence with figures scaled by M; the measures go to $TMP/M/lengths
	local m=$1 r
	RUN=$TMP/$m; mkdir -p "$RUN"; : >"$RUN/errors"
	DB="sqlite:$RUN/srv.db"; OP=""; STARTS=0; : >"$TMP/server.log"
	start_server --rate 1000 --burst 1000 || { echo "# server did not start" >>"$RUN/errors"; return; }
	new_case "$LRULES" || echo "# the case did not open" >>"$RUN/errors"
	start_proxy "$RUN/answers"
	cli join "$CASE" --as claimant
	for r in 1 2; do
		cli submit "$CASE" --as claimant --round "$r" "$(major $((3 * m)))"
		cli extend "$CASE" --as claimant --round "$r" "$(major "$m")"
		api "$PT" POST /figures "{\"amount\": $(n24 "$m"), \"round\": $(n24 "$r")}"
		cli brief "$CASE"
		api "$PT" GET /brief
		api "$MT" GET /brief
	done
	api "$MT" POST /proposals "{\"amount\": $(n24 $((2 * m)))}"
	cli answer "$CASE" --as claimant accept
	api "$PT" POST /answers '{"accept": true }'
	cli brief "$CASE"
	api "$PT" GET /brief
	api "$MT" GET /brief
	api "$MT" GET /log
	cli receipt "$CASE" --out "$RUN/receipt"
	api "$PT" GET /receipt
	stop_proxy
	stop_server
	sed "s/$CASE/ID/g" "$RUN/raw" >"$RUN/lengths"
	grep -q '^settlement '"$((2 * m))"'$' "$RUN/receipt" ||
		echo "# the receipt does not hold the settlement $((2 * m))" >>"$RUN/errors"
}

M=1
for _ in $(seq 0 15); do
	run "$M"
	M=$((M * 10))
done
is "every run's steps went through" \
	"$(cat "$TMP"/*/errors "$TMP"/*/status | grep -v '^20[01]$' | sort -u | head -5)" ""
# 39: the join reads the token's briefing before it joins (to check the role)
is "each run made the same requests" "$(wc -l <"$TMP/1/lengths")" 39
M=10
for _ in $(seq 1 15); do
	if cmp -s "$TMP/1/lengths" "$TMP/$M/lengths"; then
		ok "figures of $M minor units: every body as long as with figures of 1"
	else
		not_ok "figures of $M minor units: every body as long as with figures of 1" \
			"$(diff "$TMP/1/lengths" "$TMP/$M/lengths" | grep '^[<>]' | head -6)"
	fi
	M=$((M * 10))
done
echo "1..$n"
[ "$failed" = 0 ]
