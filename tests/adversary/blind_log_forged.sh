#!/bin/bash
# Attack (the operator, who runs the server and holds its key): after both parties signed
# a blind round's outcome, it moves the settlement in the events the go-between wrote
# (the round's and the settlement's) and in both outcomes, and re-chains and countersigns
# the log as the server would. The chain holds, but no party signed that settlement: the
# case does not load, and `nakodo log` (text and --json) and GET /v1/cases/ID/log, which
# checked only the chain and printed the forged settlement as if it held, now say the log
# does not verify and which event, `nakodo log` exiting 1 as `nakodo verify` does. Prints
# TAP. Needs NAKODO, curl, jq, python3 with PyNaCl (python3-nacl; else skipped).
set -u
. "$(dirname "$0")/../server/lib.sh"
PY=python3
$PY -c 'import nacl, sqlite3' 2>/dev/null || PY=/usr/bin/python3
$PY -c 'import nacl, sqlite3' 2>/dev/null ||
	{ echo "1..0 # SKIP python3 with PyNaCl and sqlite3 is needed"; exit 0; }
[ "${NAKODO_TEST_STORE:-sqlite}" = sqlite ] ||
	{ echo "1..0 # SKIP the operator's edit at rest is written for sqlite"; exit 0; }
. "$(dirname "$0")/../cli/blind_lib.sh"
echo "TAP version 13"
start_server || { echo "not ok - the server did not start"; echo "1..1"; exit 1; }
blind_case "$(echo "$RULES" | jq -c '.rounds = 1')"
is "a blind case opens and both parties join" "$?" 0
both 41000.00 52000.00
is "both clients end well" "$CRC $PRC" "0 0"
req log "$MT" GET "/v1/cases/$CASE/log" >/dev/null
is "before the edit, the server's log verifies" "$(jq -c '[.verified, has("unverified")]' \
	"$(last)")" '[true,false]'
"$NAKODO" --db "$DB" --json log "$CASE" >"$TMP/log0.json" 2>"$TMP/log0.err"
is "and nakodo log's, exit 0" "$? $(jq .verified "$TMP/log0.json")" "0 true"
FIG=$(jq -r '.events[] | select(.type == "settled") | .body.figure' "$TMP/log0.json")
stop_server

# the settlement moved by one cent in every event that says it, from the first outcome
PYTHONPATH="$(dirname "$0")" $PY - "$DB" "$CASE" "$FIG" >"$TMP/forged" 2>&1 <<'PY'
import sys
from rechain import rechain
old, new = '"figure":%s' % sys.argv[3], '"figure":%d' % (int(sys.argv[3]) + 1)
print(rechain(sys.argv[1], sys.argv[2], lambda seq, typ, body: body.replace(old, new)
              if typ in ("blind_outcome", "round", "settled") else body))
PY
FORGED=$(cat "$TMP/forged")
check "the operator's edit ran (from event $FORGED)" grep -qx '[0-9][0-9]*' "$TMP/forged"
"$NAKODO" --db "$DB" brief "$CASE" --as mediator >/dev/null 2>"$TMP/brief.err"
is "the case does not load (exit 3)" "$?" 3
"$NAKODO" --db "$DB" log "$CASE" >"$TMP/log1" 2>"$TMP/log1.err"
is "nakodo log exits 1, as verify does for what does not verify" "$?" 1
check "it still prints the events, to be read" grep -q " settled " "$TMP/log1"
check "its last line says the log does not verify, naming the event and why" \
	grep -q "^the log does not verify: event $FORGED: .*blind_outcome of the .*signature \
does not verify" "$TMP/log1"
check "and stderr says so too" grep -q "the log does not verify (event $FORGED)" \
	"$TMP/log1.err"
"$NAKODO" --db "$DB" --json log "$CASE" >"$TMP/log1.json" 2>/dev/null
is "--json: exit 1, verified false, the event" \
	"$? $(jq -c '[.verified, .unverified.event]' "$TMP/log1.json")" "1 [false,$FORGED]"
is "the same reason as the load's" "$(jq -r .unverified.reason "$TMP/log1.json")" \
	"$(sed 's/^nakodo[^:]*: //; s/^error: //; s/^log: //' "$TMP/brief.err" | head -1)"
# The server's routes load the case to check who asks (access.c), so they refuse the
# forged log before GET .../log is reached: the answer holds none of its events.
start_server || { echo "not ok - the server did not start again"; echo "1..$n"; exit 1; }
is "GET /v1/cases/ID/log serves no forged log: a problem saying the case does not verify" \
	"$(req log "$MT" GET "/v1/cases/$CASE/log") $(jq -c '[has("events"), .type]' "$(last)")" \
	'500 [false,"urn:nakodo:problem:corrupt"]'
check "the problem names no event" jq -e '.detail | test("event [0-9]") | not' "$(last)"
NAKODO_SERVER=$URL NAKODO_TOKEN=$MT "$NAKODO" log "$CASE" >"$TMP/log2" 2>/dev/null
is "nor nakodo log through it (exit 3, nothing printed)" "$? $(wc -c <"$TMP/log2")" "3 0"
stop_server
echo "1..$n"
[ "$failed" = 0 ]
