#!/bin/bash
# Attack (issue 10, items 4 and 5): counts that betray hidden actions. The claimant watches
# everything it can see of its case — raw answers (headers and body) and, through a
# recording proxy, every answer its own CLI receives — while the payer, between two of its
# looks, extends, deposits, withdraws and writes to the mediator. The same sequence runs
# twice, on a fresh server each time, with and without the payer's hidden actions; after
# normalising only what legitimately varies (case id, tokens, times, random ids, hashes and
# envelopes made with fresh randomness), the claimant's two views must be byte for byte
# the same. Also: X-Request-Id is not a counter, and /metrics needs the operator's token
# and names no action inside a case.
set -u
. "$(dirname "$0")/../server/lib.sh"
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 is not installed"; exit 0; }
PROXY=$(dirname "$0")/record_proxy.py
PROXY_PID=""
trap 'stop_proxy; stop_server; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
export NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass"
echo secret-passphrase >"$TMP/pass"
for who in claimant payer mediator; do
	"$NAKODO" keygen --out "$TMP/$who.nkey" >/dev/null 2>&1
done
HINTS='{"currency":"USD","rounds":3,"monotone":true,"settle":"midpoint","band_bp":0,"band_amount":0,"grid":1,"hints_bp":[1000,2500],"range_low":0,"range_high":100000000,"leakage_bits":8.0,"proposals":1}'

start_proxy() {	# start_proxy DIR: the claimant's CLI goes through it; sets PROXY_URL
	mkdir -p "$1"
	python3 "$PROXY" "$PORT" "$1" "$TMP/proxy.port" &
	PROXY_PID=$!
	for _ in $(seq 100); do [ -s "$TMP/proxy.port" ] && break; sleep 0.05; done
	PROXY_URL="http://127.0.0.1:$(cat "$TMP/proxy.port")"
	rm -f "$TMP/proxy.port"
}
stop_proxy() { [ -z "$PROXY_PID" ] || { kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null; PROXY_PID=""; }; }

# party KEY TOKEN ARGS...: another role's CLI straight to the server (not observed)
party() { local key=$1 tok=$2; shift 2; NAKODO_SERVER=$URL NAKODO_TOKEN=$tok "$NAKODO" "$@" --key "$TMP/$key.nkey"; }
# seen NAME ARGS...: the claimant's CLI through the proxy, its output kept as well
seen() { local name=$1; shift; NAKODO_SERVER=$PROXY_URL NAKODO_TOKEN=$CT "$NAKODO" "$@" >"$OBS/cli.$name" 2>&1; echo "exit $?" >>"$OBS/cli.$name"; }
# look NAME METHOD PATH: a raw request of the claimant's, headers and body kept
# (signed with the claimant's key: it has joined, so its reads must be)
look() { local status; status=$(sreq look "$CT" "$2" "$3" claimant "$TMP/claimant.nkey"); { echo "status $status"; cat "$(last).h" "$(last)"; } >"$OBS/raw.$1"; }

# run DIR HIDDEN: one whole sequence on a fresh server and database; the claimant's
# view goes to DIR. HIDDEN=1 adds the payer's confidential actions.
run() {
	OBS=$1; mkdir -p "$OBS"
	DB="sqlite:$OBS/srv.db"; OP=""
	start_server --rate 1000 --burst 1000
	OP=$(sed -n 's/^operator token: //p' "$TMP/server.log" | tail -1)
	new_case "$HINTS"
	echo "$CASE $CT $PT $MT $OP" >"$OBS/secrets"
	start_proxy "$OBS/proxy"
	party mediator "$MT" join "$CASE" --as mediator >/dev/null 2>&1
	party payer "$PT" join "$CASE" --as payer >/dev/null 2>&1
	seen join join "$CASE" --as claimant --key "$TMP/claimant.nkey" </dev/null
	echo "A word before we start." | party payer "$PT" send "$CASE" --to claimant >/dev/null 2>&1
	look brief1 GET "/v1/cases/$CASE/brief"
	look inbox1 GET "/v1/cases/$CASE/messages"

	if [ "$2" = 1 ]; then	# what the claimant must not learn of
		party payer "$PT" extend "$CASE" --as payer 1.00 >/dev/null 2>&1 || echo "# extend failed"
		echo "payer: up to 60.00" | party payer "$PT" deposit "$CASE" >/dev/null 2>&1 || echo "# deposit failed"
		party payer "$PT" withdraw "$CASE" >/dev/null 2>&1 || echo "# withdraw failed"
		echo "For your eyes only." | party payer "$PT" send "$CASE" --to mediator >/dev/null 2>&1 || echo "# send failed"
		echo "payer: up to 61.00" | party payer "$PT" deposit "$CASE" >/dev/null 2>&1 || echo "# deposit failed"
		party payer "$PT" withdraw "$CASE" >/dev/null 2>&1 || echo "# withdraw failed"
		party payer "$PT" brief "$CASE" >/dev/null 2>&1
	fi

	look brief2 GET "/v1/cases/$CASE/brief"
	look inbox2 GET "/v1/cases/$CASE/messages"
	look inbox2a GET "/v1/cases/$CASE/messages?after=1"
	look receipt GET "/v1/cases/$CASE/receipt"	# not ended: a problem document
	look log GET "/v1/cases/$CASE/log"		# not the claimant's: a problem document
	seen brief brief "$CASE" --key "$TMP/claimant.nkey" </dev/null
	seen brief.json --json brief "$CASE" --key "$TMP/claimant.nkey" </dev/null
	seen inbox inbox "$CASE" --key "$TMP/claimant.nkey" </dev/null
	seen submit submit "$CASE" --as claimant 70.00 --key "$TMP/claimant.nkey" </dev/null
	seen extend extend "$CASE" --as claimant 0.50 --key "$TMP/claimant.nkey" </dev/null
	echo "claimant: at least 65.00" | seen deposit deposit "$CASE" --key "$TMP/claimant.nkey"
	seen withdraw withdraw "$CASE" --key "$TMP/claimant.nkey" </dev/null
	echo "Noted." | seen send send "$CASE" --to payer --key "$TMP/claimant.nkey"

	# public: the payer's figure ends the round without a deal; it writes again
	party payer "$PT" submit "$CASE" --as payer 50.00 >/dev/null 2>&1 || echo "# payer submit failed"
	echo "Round one is over." | party payer "$PT" send "$CASE" --to claimant >/dev/null 2>&1
	look brief3 GET "/v1/cases/$CASE/brief"
	look inbox3 GET "/v1/cases/$CASE/messages?after=1"
	seen brief3 brief "$CASE" --key "$TMP/claimant.nkey" </dev/null
	seen inbox3 --json inbox "$CASE" --key "$TMP/claimant.nkey" </dev/null

	# the disclosure: the payer's deposit, then the claimant's, releases both; the payer's
	# earlier deposits and withdrawals show neither in its number nor in its time
	echo "payer: up to 55.00" | party payer "$PT" deposit "$CASE" >/dev/null 2>&1 || echo "# payer's deposit failed"
	echo "claimant: at least 66.00" | seen deposit2 deposit "$CASE" --key "$TMP/claimant.nkey"
	look inbox4 GET "/v1/cases/$CASE/messages?after=2"
	seen inbox4 inbox "$CASE" --key "$TMP/claimant.nkey" </dev/null
	sreq log "$MT" GET "/v1/cases/$CASE/log" mediator "$TMP/mediator.nkey" >/dev/null && cp "$(last)" "$OBS/mediator.log"
	jq '.events | length' "$OBS/mediator.log" >"$OBS/mediator.events"
	stop_proxy
	stop_server
}

# The same length in, the same length out: only what legitimately differs between two
# runs is replaced, each by a placeholder of its own length.
normalise() {	# normalise FILE SECRETS-FILE
	python3 - "$1" "$2" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
for s in open(sys.argv[2]).read().split():
    data = data.replace(s, "S" * len(s))
same = lambda c: lambda m: m.group(1) + c * len(m.group(2))
data = re.sub(r"(?im)^(date: )(.*)$", same("D"), data)
data = re.sub(r"(?im)^(x-request-id: )([0-9a-f]+)", same("R"), data)
data = re.sub(r'("request_id": ")([0-9a-f]+)', same("R"), data)
data = re.sub(r'("time_ms": )(\d+)', same("T"), data)
data = re.sub(r'("time": ")([^"]*)', same("T"), data)
data = re.sub(r"(, )(\d{4}-\d\d-\d\d[ T][0-9:.]+Z?)", same("T"), data)
data = re.sub(r'("envelope": ")([A-Za-z0-9+/=]+)', same("E"), data)
data = re.sub(r"()([0-9a-f]{64,})", same("h"), data)	# keys, hashes, seeds: fresh per run
print(data, end="")
PY
}

echo "TAP version 13"
run "$TMP/with" 1
run "$TMP/without" 0
is "the payer's six hidden actions are in the first run's log, not the second's" \
	"$(($(cat "$TMP/with/mediator.events") - $(cat "$TMP/without/mediator.events")))" 6
for f in $(cd "$TMP/without" && ls raw.* cli.* | sort) $(cd "$TMP/without/proxy" && ls | sed 's|^|proxy/|'); do
	a="$TMP/with/$f"; b="$TMP/without/$f"
	if [ ! -e "$a" ]; then not_ok "the claimant's $f exists in both runs"; continue; fi
	is "the claimant's $f: same byte length with or without the payer's hidden actions" \
		"$(wc -c <"$a")" "$(wc -c <"$b")"
	na=$(normalise "$a" "$TMP/with/secrets"); nb=$(normalise "$b" "$TMP/without/secrets")
	if [ "$na" = "$nb" ]; then ok "the claimant's $f: same content"
	else not_ok "the claimant's $f: same content" "$(diff <(echo "$na") <(echo "$nb") | head -8)"; fi
done
check "the claimant saw its briefings, inbox and actions (sanity)" \
	grep -q '"round": 2' "$TMP/with/raw.brief3"
body() { sed '1,/^\r\?$/d' "$1"; }
is "the claimant's inbox numbers its own items: 1, then 2" \
	"$(jq -c '[.items[].index]' <(body "$TMP/with/raw.inbox3"))" "[2]"
is "the released deposit is item 3, number 1, dated at the release" \
	"$(jq -c '[.items[] | .index, .kind, .n, .time_ms]' <(body "$TMP/with/raw.inbox4"))" \
	"$(jq -c '[3, "deposit", 1, (.events[] | select(.type == "released") | .time_ms)]' "$TMP/with/mediator.log")"
check "the claimant's CLI opened the payer's deposit" grep -qx "  payer: up to 55.00" "$TMP/with/cli.inbox4"

# ---- X-Request-Id: random, never a count of the server's requests ----
DB="sqlite:$TMP/ids.db"; OP=""
start_server
OP=$(sed -n 's/^operator token: //p' "$TMP/server.log" | tail -1)
ids=()
for _ in 1 2 3 4 5 6; do
	req id "" GET /healthz >/dev/null
	ids+=("$(sed -n 's/^x-request-id: *\([^[:space:]]*\).*/\1/ip' "$(last).h")")
done
is "every X-Request-Id is 16 hex digits" "$(printf '%s\n' "${ids[@]}" | grep -c '^[0-9a-f]\{16\}$')" 6
is "no two alike" "$(printf '%s\n' "${ids[@]}" | sort -u | wc -l)" 6
steps=0
for i in 1 2 3 4 5; do
	[ $((16#${ids[$i]} - 16#${ids[$((i - 1))]})) = 1 ] && steps=$((steps + 1))
done
is "consecutive requests do not get consecutive ids" "$steps" 0
req pid "-" GET /v1/cases >/dev/null
is "a problem document's request_id is its answer's X-Request-Id" \
	"$(jq -r .request_id "$(last)")" "$(sed -n 's/^x-request-id: *\([^[:space:]]*\).*/\1/ip' "$(last).h")"

# ---- package briefings: the count is the mediator's alone, as in a case of figures ----
req pk "$OP" POST /v1/cases '{"package":{"currency":"USD","components":["grant","loan"],"solution":"nash","rounds":2,"monotone":true}}' >/dev/null
PC=$(jq -r .case "$(last)"); PCT=$(jq -r .tokens.claimant "$(last)"); PMT=$(jq -r .tokens.mediator "$(last)")
has_events() { req b "$1" GET "/v1/cases/$2/brief" >/dev/null; jq -r 'has("events")' "$(last)"; }
is "a party's package briefing has no event count; the mediator's has" \
	"$(has_events "$PCT" "$PC") $(has_events "$PMT" "$PC")" "false true"

# ---- /metrics: the operator's, and no action of a case by name ----
new_case
req m "$CT" POST "/v1/cases/$CASE/extensions" '{"amount":100}' >/dev/null
is "a party's briefing has no event count; the mediator's has" \
	"$(has_events "$CT" "$CASE") $(has_events "$MT" "$CASE")" "false true"
is "/metrics without a token: 401" "$(req m "" GET /metrics)" 401
is "/metrics with a malformed token: 401" "$(req m "-" GET /metrics)" 401
is "/metrics with a party's token: 403" "$(req m "$CT" GET /metrics)" 403
is "/metrics with a mediator's token: 403" "$(req m "$MT" GET /metrics)" 403
is "/metrics with the operator's token: 200" "$(req m "$OP" GET /metrics)" 200
check "metrics name no route inside a case" \
	bash -c "! grep -q 'route=\"/v1/cases/{id}/[a-z]' '$(last)'"
check "metrics count a case's requests as one" \
	grep -q 'route="/v1/cases/{id}/\*",status="200"} 5$' "$(last)"
stop_server

echo "1..$n"
[ "$failed" = 0 ]
