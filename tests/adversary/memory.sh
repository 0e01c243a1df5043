# Figures outlive the case in memory (issue 10, item 7): a case of two rounds runs to an
# impasse and closes on the real `nakodo serve`, every party reading its briefing (which
# carries its own figures) on the way; then, with the server still running, its whole
# writable memory is searched for the four figures as decimal text, as little-endian
# int64 and as aligned int32. None may be left: jansson's buffers, the request bodies,
# the answers and libmicrohttpd's copy of each request are wiped when freed.
# Needs to read /proc/PID/mem of the server (root, or ptrace allowed): else it skips.

. "$(dirname "$0")/../server/lib.sh"
SCAN="$(dirname "$0")/memscan.py"
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 is not installed"; exit 0; }

# Figures whose text and byte forms do not occur by chance; they never meet (impasse).
D1=73133777; O1=61337111; D2=72913377; O2=61733119
RULES2=$(echo "$RULES" | jq -c '.rounds = 2 | .proposals = 0')

start_server --threads 2 --rate 1000 --burst 1000
probe=$(python3 "$SCAN" "$SERVER_PID" 1 2>&1)
if [ $? -eq 77 ]; then
	echo "1..0 # SKIP cannot read the server's memory ($probe): needs root or ptrace rights"
	exit 0
fi
echo "1..6"
new_case "$RULES2"
is "round 1: the claimant's demand" "$(req d1 "$CT" POST "/v1/cases/$CASE/figures" "{\"amount\":$D1}")" 200
is "round 1: the payer's offer" "$(req o1 "$PT" POST "/v1/cases/$CASE/figures" "{\"amount\":$O1}")" 200
req b "$CT" GET "/v1/cases/$CASE/brief" >/dev/null
cp "$(last)" "$TMP/brief1.json"	# the claimant's, with its demand: the command's test
req b "$PT" GET "/v1/cases/$CASE/brief" >/dev/null
req d2 "$CT" POST "/v1/cases/$CASE/figures" "{\"amount\":$D2}" >/dev/null
req o2 "$PT" POST "/v1/cases/$CASE/figures" "{\"amount\":$O2}" >/dev/null
for tok in "$CT" "$PT" "$MT"; do req b "$tok" GET "/v1/cases/$CASE/brief" >/dev/null; done
req log "$MT" GET "/v1/cases/$CASE/log" >/dev/null
req b "$MT" GET "/v1/cases/$CASE/brief" >/dev/null
is "the case ended at an impasse and closed" "$(jq -r .state "$(last)")" closed
# The parties did see their own figures, so the answers did carry them.
req b "$CT" GET "/v1/cases/$CASE/brief" >/dev/null
found=$(python3 "$SCAN" "$SERVER_PID" "$D1" "$O1" "$D2" "$O2")
if [ -z "$found" ]; then
	ok "no figure left in the server's memory after the case ended"
else
	not_ok "no figure left in the server's memory after the case ended" \
		"$(echo "$found" | head -20)" "($(echo "$found" | wc -l) hits)"
fi
stop_server

# The command's side: `nakodo submit` reads the claimant's briefing (its demand inside)
# from a stand-in server, which then holds the submission unanswered; meanwhile the
# command's memory is searched for the demand as text (its int64 form rightly stays in
# the parsed briefing the command still holds). The new figure comes on standard input.
check "the briefing the command reads carries the demand" grep -q "\b$D1\b" "$TMP/brief1.json"
python3 "$(dirname "$0")/holdserver.py" "$TMP/brief1.json" "$TMP/hold.port" "$TMP/held" \
	"$TMP/release" &
HOLD_PID=$!
for _ in $(seq 100); do [ -s "$TMP/hold.port" ] && break; sleep 0.05; done
echo 720000.00 | NAKODO_SERVER="http://127.0.0.1:$(cat "$TMP/hold.port")" NAKODO_TOKEN=$CT \
	"$NAKODO" submit "$CASE" - >/dev/null 2>&1 &
CLI_PID=$!
for _ in $(seq 200); do [ -e "$TMP/held" ] && break; sleep 0.05; done
if [ -e "$TMP/held" ]; then
	found=$(python3 "$SCAN" --text "$CLI_PID" "$D1")
	if [ -z "$found" ]; then
		ok "the briefing's text is gone from the command's memory once read"
	else
		not_ok "the briefing's text is gone from the command's memory once read" \
			"$(echo "$found" | head -10)"
	fi
else
	not_ok "the command reached its second request" "$(cat "$TMP/server.log" | tail -3)"
fi
touch "$TMP/release"
wait "$CLI_PID" 2>/dev/null
kill "$HOLD_PID" 2>/dev/null
wait "$HOLD_PID" 2>/dev/null
exit $((failed > 0))
