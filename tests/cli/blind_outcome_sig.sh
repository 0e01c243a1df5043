#!/usr/bin/env bash
# A blind round's outcomes, signed by both parties, stay signed in the log (issue 16,
# item 3; doc/blind.md, "The outcome"). Two real `nakodo submit` clients settle a blind
# case through a real `nakodo serve`; each blind_outcome event holds its party's
# signature, which a check written from doc/formats.md alone verifies with the key of
# the role's joined event. Then the operator, who holds the server's key, alters the
# claimant's signature at rest and re-chains and countersigns the log as the server
# would: the chain holds (`nakodo log` prints it, and says it does not verify), but the
# case no longer loads, the error naming the event and why. Prints TAP. Needs NAKODO
# (nakodo-test), curl, jq, python3 with PyNaCl (python3-nacl, which `make deps`
# installs; else skipped).
. "$(dirname "$0")/../server/lib.sh"
PY=python3
$PY -c 'import nacl, sqlite3' 2>/dev/null || PY=/usr/bin/python3
$PY -c 'import nacl, sqlite3' 2>/dev/null ||
	{ echo "1..0 # SKIP python3 with PyNaCl and sqlite3 is needed"; exit 0; }
[ "${NAKODO_TEST_STORE:-sqlite}" = sqlite ] ||
	{ echo "1..0 # SKIP the operator's edit at rest is written for sqlite"; exit 0; }
. "$(dirname "$0")/blind_lib.sh"
start_server || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }

blind_case "$(echo "$RULES" | jq -c '.rounds = 1')"
is "a blind case opens and both parties join" "$?" 0
both 41000.00 52000.00
is "both clients end well" "$CRC $PRC" "0 0"
check "and the case settles" grep -q "case $CASE is settled" "$TMP/payer.out"
req log "$MT" GET "/v1/cases/$CASE/log" >/dev/null
cp "$(last)" "$TMP/log.json"
# the two clients give their outcomes in either order
is "each side's outcome is in the log with a signature of 128 hex digits" \
	"$(jq -c '[.events[] | select(.type == "blind_outcome") | .body |
		"\(.role) \(.signature | test("^[0-9a-f]{128}$"))"] | sort' "$TMP/log.json")" \
	'["claimant true","payer true"]'
is "no other event but a join holds a signature" \
	"$(jq '[.events[] | select(.type != "blind_outcome" and .type != "joined") |
		select(.body | has("signature"))] | length' "$TMP/log.json")" 0

# doc/formats.md, "Signed request body" and "Signing statements": the outcome's text is
# its members but role, request and signature as compact sorted JSON; the statement
# binds case, role, request number, action and the text's SHA-256.
$PY - "$TMP/log.json" "$CASE" >"$TMP/verified" 2>&1 <<'PY'
import hashlib, json, struct, sys
from nacl.signing import VerifyKey
log, case = json.load(open(sys.argv[1])), sys.argv[2]
keys = {e["body"]["role"]: bytes.fromhex(e["body"]["sign"])
        for e in log["events"] if e["type"] == "joined"}
str8 = lambda s: bytes([len(s.encode())]) + s.encode()
for e in log["events"]:
    if e["type"] != "blind_outcome":
        continue
    b = dict(e["body"])
    role, n, sig = b.pop("role"), b.pop("request"), bytes.fromhex(b.pop("signature"))
    text = json.dumps(b, separators=(",", ":"), sort_keys=True).encode()
    msg = (b"nakodo/action/v1\0" + str8(case) + bytes([{"claimant": 0, "payer": 1}[role]]) +
           struct.pack(">Q", n) + str8("blind_outcome") + hashlib.sha256(text).digest())
    VerifyKey(keys[role]).verify(msg, sig)
    print(role, "verified")
PY
is "both signatures verify from the documents alone, with the joined keys" \
	"$(sort "$TMP/verified" | tr '\n' ' ')" "claimant verified payer verified "
stop_server

# The operator alters the claimant's signature and re-chains every event from there
# with the server's key (doc/formats.md, "Event chain link"), as the server would.
PYTHONPATH="$(dirname "$0")/../adversary" $PY - "$DB" "$CASE" >"$TMP/forged" 2>&1 <<'PY'
import sys
from rechain import rechain
done = []
def edit(seq, typ, body):
    if done or typ != "blind_outcome" or '"role":"claimant"' not in body:
        return body
    done.append(seq)
    i = body.index('"signature":"') + len('"signature":"')
    return body[:i] + ("0" if body[i] != "0" else "1") + body[i + 1:]
print(rechain(sys.argv[1], sys.argv[2], edit))
PY
FORGED=$(cat "$TMP/forged")
check "the operator's edit ran (event $FORGED)" grep -qx '[0-9]*' "$TMP/forged"
"$NAKODO" --db "$DB" log "$CASE" >"$TMP/relog" 2>"$TMP/relog.err"
is "the re-chained log's links hold, but nakodo log says it does not verify (exit 1)" \
	"$? $(grep -c "^the log does not verify: event $FORGED: " "$TMP/relog")" "1 1"
"$NAKODO" --db "$DB" brief "$CASE" --as mediator >"$TMP/brief" 2>"$TMP/brief.err"
is "but the case does not load (exit 3)" "$?" 3
check "the error names the event and why" grep -q "event $FORGED (a blind_outcome of the \
claimant, round 1): its signature does not verify with the role's registered key" \
	"$TMP/brief.err"
echo "1..$n"
[ "$failed" = 0 ]
