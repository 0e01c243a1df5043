#!/bin/bash
# A blocked scrub (TAP). When a case ends, its sealed figures are deleted and the WAL that
# still holds their earlier pages is checkpointed away. Another process that keeps a read
# open on the database (a backup, an sqlite3 shell) blocks that checkpoint. The attack:
# hold such a read while a settlement commits. The settlement must still be answered as
# committed, /healthz must say that a scrub is behind, and once the read ends the scrub
# must finish by itself: retried by the server, and at the next start of the server or
# of a local command. No sealed byte of the case may then remain in the files.
set -u
. "$(dirname "$0")/../server/lib.sh"
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 is not installed"; exit 0; }
FILE=${DB#sqlite:}

# hold NAME: another process opens the database read-only, begins a read and keeps it
# until `release NAME` (read-only, so that its close never checkpoints on its own).
hold() {
	python3 - "$FILE" "$TMP/held.$1" <<'EOF' &
import os, sqlite3, sys, time
db, flag = sys.argv[1], sys.argv[2]
c = sqlite3.connect("file:" + db + "?mode=ro", uri=True, isolation_level=None)
c.execute("BEGIN")
c.execute("SELECT count(*) FROM events").fetchall()
open(flag, "w").close()
for _ in range(1200):
    if not os.path.exists(flag):
        break
    time.sleep(0.05)
c.execute("COMMIT")
c.close()
EOF
	HOLD_PID=$!
	for _ in $(seq 100); do [ -e "$TMP/held.$1" ] && return 0; sleep 0.05; done
	return 1
}
release() { rm -f "$TMP/held.$1"; wait "$HOLD_PID" 2>/dev/null; }

# sql QUERY: one read-only query's rows (read-only, so that its close never checkpoints;
# retried while a writer's checkpoint briefly keeps a reader out).
sql() {
	python3 - "$FILE" "$1" <<'EOF'
import sqlite3, sys, time
for attempt in range(50):
    try:
        c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True, timeout=5)
        rows = c.execute(sys.argv[2]).fetchall()
        c.close()
        break
    except sqlite3.OperationalError as e:
        print("# sql: %s" % e, file=sys.stderr)
        time.sleep(0.1)
else:
    sys.exit(1)
for row in rows:
    print("|".join(str(v) for v in row))
EOF
}

# found HEX...: how many of the sealed blobs (hex) occur in the database's files.
found() {
	python3 - "$FILE" "$@" <<'EOF'
import os, sys
data = b""
for suffix in ("", "-wal", "-shm", "-journal"):
    try:
        with open(sys.argv[1] + suffix, "rb") as f:
            data += f.read()
    except FileNotFoundError:
        pass
print(sum(1 for h in sys.argv[2:] if bytes.fromhex(h) in data))
EOF
}

# settle_held NAME: a case whose claimant's figure is stored, then settled while another
# process holds a read. Sets CASE, BLOBS (the case's sealed secrets, hex) and STATUS.
settle_held() {
	new_case
	req s "$CT" POST "/v1/cases/$CASE/figures" '{"amount":400000}' >/dev/null
	BLOBS=$(sql "SELECT hex(sealed) FROM secrets WHERE case_id = '$CASE'")
	hold "$1" || not_ok "the read on the database is held"
	STATUS=$(req settle "$PT" POST "/v1/cases/$CASE/figures" '{"amount":600000}')
}


# health: /healthz's body, keys sorted.
health() { curl -s --max-time 10 "$URL/healthz" | jq -cS .; }

echo "TAP version 13"
start_server
check "server starts" test -n "$PORT"
is "healthz is ok before anything" "$(health)" '{"scrub_pending":false,"status":"ok"}'

settle_held one
is "the settlement held up by a reader is answered as committed" "$STATUS" 200
is "its answer is the settled briefing" \
	"$(jq -c '[.state, .settlement.figure, .figures_deleted]' "$(last)")" \
	'["settled",500000,true]'
check "the case had sealed figures" test -n "$BLOBS"
is "the secrets' rows are gone" "$(sql "SELECT count(*) FROM secrets WHERE case_id = '$CASE'")" 0
check "while the read is held, the sealed figures are still in the WAL" \
	test "$(found $BLOBS)" -gt 0
is "the scrub is owed, durably" "$(sql "SELECT count(*) FROM scrubs WHERE case_id = '$CASE'")" 1
sleep 2.5	# the server's retries fail meanwhile
is "healthz says a scrub is behind, and nothing else" "$(health)" \
	'{"scrub_pending":true,"status":"degraded"}'
is "healthz still answers 200: the server serves, only its scrub is behind" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")" 200
check "the server's log says the scrub is behind, without the case" \
	bash -c "grep -q 'scrub behind' '$TMP/server.log' &&
		! grep 'scrub behind' '$TMP/server.log' | grep -q '$CASE'"
is "the brief still answers" "$(req b "$MT" GET "/v1/cases/$CASE/brief")" 200
release one
for _ in $(seq 200); do [ "$(sql 'SELECT count(*) FROM scrubs')" = 0 ] && break; sleep 0.1; done
is "once the read ends, the server's retry scrubs: nothing owed" \
	"$(sql 'SELECT count(*) FROM scrubs')" 0
is "no sealed figure of the case is left in any file" "$(found $BLOBS)" 0
HEALTHY='{"scrub_pending":false,"status":"ok"}'
for _ in $(seq 50); do [ "$(health)" = "$HEALTHY" ] && break; sleep 0.1; done
is "healthz is ok again" "$(health)" "$HEALTHY"

# The server stops (cleanly) while the read is still held: a local command's start scrubs.
settle_held two
is "second settlement answered as committed" "$STATUS" 200
stop_server
check "stopped with the sealed figures still in the WAL" test "$(found $BLOBS)" -gt 0
release two
is "still owed after the stop" "$(sql 'SELECT count(*) FROM scrubs')" 1
"$NAKODO" --db "$DB" brief "$CASE" --as mediator >/dev/null 2>"$TMP/cli.err"
is "a local command's start scrubs what was owed" "$(sql 'SELECT count(*) FROM scrubs')" 0
is "and no sealed figure of that case is left" "$(found $BLOBS)" 0

# The server is killed while the read is held: the next server start scrubs.
start_server
settle_held three
is "third settlement answered as committed" "$STATUS" 200
kill -KILL "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""
release three
is "owed after the kill" "$(sql 'SELECT count(*) FROM scrubs')" 1
check "the sealed figures survived the kill in the WAL" test "$(found $BLOBS)" -gt 0
start_server
for _ in $(seq 50); do [ "$(sql 'SELECT count(*) FROM scrubs')" = 0 ] && break; sleep 0.1; done
is "the server's start scrubs what was owed" "$(sql 'SELECT count(*) FROM scrubs')" 0
is "no sealed figure of the third case is left" "$(found $BLOBS)" 0

# A local settlement held up by a reader: exit 0, the settlement printed; the next
# command warns while the read lasts and scrubs once it ended.
"$NAKODO" --db "$DB" case new --currency USD --json >"$TMP/local.json" 2>/dev/null
LCASE=$(jq -r .case "$TMP/local.json")
stop_server
"$NAKODO" --db "$DB" submit "$LCASE" --as claimant 1000 >/dev/null 2>&1
hold four
"$NAKODO" --db "$DB" submit "$LCASE" --as payer 3000 >"$TMP/local.out" 2>"$TMP/local.err"
is "a local settlement held up by a reader exits 0" "$?" 0
check "and prints the settlement" grep -qi "settled" "$TMP/local.out"
"$NAKODO" --db "$DB" case list >/dev/null 2>"$TMP/local.err"
check "the next command, still held up, warns that a scrub is owed" grep -q "scrub" "$TMP/local.err"
check "its warning names no case" bash -c "! grep -q '$LCASE' '$TMP/local.err'"
release four
"$NAKODO" --db "$DB" case list >/dev/null 2>&1
is "the next local command scrubs it" "$(sql 'SELECT count(*) FROM scrubs')" 0
check "no sanitizer report from the server" \
	bash -c "! grep -qE 'Sanitizer|runtime error' '$TMP/server.log'"
echo "1..$n"
exit $((failed > 0))
