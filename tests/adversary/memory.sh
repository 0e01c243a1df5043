# Figures outlive the case in memory (issue 10, item 7): on the real `nakodo serve`, one
# case runs to an impasse and closes (figures and deal-closer extensions), another
# settles in its second round, every party reading its briefing (which carries its own
# figures) on the way; then, with the server still running, its whole writable memory
# is searched for every confidential figure as decimal text, as little-endian int64 and
# as aligned int32. Only the settlement may remain (both sides are told it). None else
# may: jansson's buffers, the request bodies and answers, libmicrohttpd's copy of each
# request and the workers' stacks are wiped. Then the command's side (see below).
# Needs to read /proc/PID/mem (root, or ptrace allowed): else it skips, saying so.

. "$(dirname "$0")/../server/lib.sh"
SCAN="$(dirname "$0")/memscan.py"
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 is not installed"; exit 0; }

# Figures whose text and byte forms do not occur by chance. Case A never meets (the
# extensions do not close its gap); case B meets in round 2 at the midpoint.
D1=73133777; O1=61337111; EC=4128953; EP=3917461; D2=72913377; O2=61733119
D3=79313377; O3=60731133; D4=68813177; O4=71133377; LATE=77313311; CUT=76131337
RULES2=$(echo "$RULES" | jq -c '.rounds = 2 | .proposals = 0')

start_server --threads 2 --rate 1000 --burst 1000
probe=$(python3 "$SCAN" "$SERVER_PID" 2>&1)	# no figure: can it read at all?
if [ $? -eq 77 ]; then
	echo "1..0 # SKIP cannot read the server's memory ($probe): needs root or ptrace rights"
	exit 0
fi
echo "1..8"
post() { req "$1" "$2" POST "/v1/cases/$CASE/$3" "{\"amount\":$4}"; }
brief() { req b "$1" GET "/v1/cases/$CASE/brief" >/dev/null; }

new_case "$RULES2"
post ec "$CT" extensions "$EC" >/dev/null
post ep "$PT" extensions "$EP" >/dev/null
is "case A, round 1: the claimant's demand" "$(post d1 "$CT" figures "$D1")" 200
is "case A, round 1: the payer's offer" "$(post o1 "$PT" figures "$O1")" 200
brief "$CT"
cp "$(last)" "$TMP/brief1.json"	# the claimant's, with its demand: the command's test
brief "$PT"
post d2 "$CT" figures "$D2" >/dev/null
post o2 "$PT" figures "$O2" >/dev/null
for tok in "$CT" "$PT" "$MT"; do brief "$tok"; done
req log "$MT" GET "/v1/cases/$CASE/log" >/dev/null
brief "$MT"
is "case A ended at an impasse and closed" "$(jq -r .state "$(last)")" closed
CASE_A=$CASE; CT_A=$CT

new_case "$RULES2"
post d3 "$CT" figures "$D3" >/dev/null
post o3 "$PT" figures "$O3" >/dev/null
for tok in "$CT" "$PT"; do brief "$tok"; done
post d4 "$CT" figures "$D4" >/dev/null
post o4 "$PT" figures "$O4" >/dev/null
for tok in "$CT" "$PT" "$MT"; do brief "$tok"; done
is "case B settled at the midpoint" "$(jq -c '[.state, .settlement.figure]' "$(last)")" \
	"[\"settled\",$((D4 + (O4 - D4) / 2))]"

# Last, a figure sent to the ended case A: refused, but it was a party's figure all the
# same, and nothing after it overwrites libmicrohttpd's copy of the request by chance.
CASE_B=$CASE; CASE=$CASE_A
is "a figure sent after the end is refused" "$(post late "$CT_A" figures "$LATE")" 409
# And a submission whose client hangs up in the middle of the body: libmicrohttpd frees
# the connection's memory (the raw request) without wiping it, so the server wipes the
# body there as it copies it.
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
{
	printf '%s\r\n' "POST /v1/cases/$CASE_B/figures HTTP/1.1" "Host: 127.0.0.1" \
		"Authorization: Bearer $CT" "Content-Type: application/json" "Content-Length: 64" ""
	printf '{"amount":%s' "$CUT"	# 64 promised, 19 sent
} >&3
sleep 0.5
exec 3>&-
sleep 0.5
found=$(python3 "$SCAN" "$SERVER_PID" "$D1" "$O1" "$EC" "$EP" "$D2" "$O2" "$D3" "$O3" "$D4" "$O4" \
	"$LATE" "$CUT")
if [ -z "$found" ]; then
	ok "no confidential figure left in the server's memory after the cases ended"
else
	not_ok "no confidential figure left in the server's memory after the cases ended" \
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
