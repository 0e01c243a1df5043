#!/bin/bash
# Attack (slowloris, from one address): --timeout closes a connection idle that long, but
# a client that sends a header line every second is never idle. Four such connections
# (the address's whole share here, --connections-per-address 4; 128 by default, and a few
# addresses fill --connections-max) were held for as long as the client liked, and the
# address's next connection was refused. A request must now arrive whole within
# --timeout of its start (plus a second per 4 KiB of declared body): the trickling
# connections are cut, and the address is served again.
set -u
. "$(dirname "$0")/../server/lib.sh"

echo "TAP version 13"
start_server --timeout 3 --connections-per-address 4
check "server starts" test -n "$PORT"
python3 - "$PORT" >"$TMP/slow" 2>&1 <<'PY'
import socket, sys, time
port = int(sys.argv[1])
conns = []
for _ in range(4):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n")
    conns.append(s)
start = time.time()
cut = {}
while time.time() - start < 8 and len(cut) < len(conns):
    time.sleep(0.5)
    for i, s in enumerate(conns):
        if i in cut:
            continue
        try:
            s.sendall(b"X-Slow: 1\r\n")
        except OSError:
            cut[i] = time.time() - start
print("cut", len(cut), "latest", round(max(cut.values()) if cut else -1, 1))
# the address's next connection, the four having trickled
try:
    s = socket.create_connection(("127.0.0.1", port), timeout=3)
    s.settimeout(3)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    line = s.recv(4096).split(b"\r\n", 1)[0].decode() or "closed"
except OSError as e:
    line = "refused: %s" % e
print("next", line)
PY
echo "# $(tr '\n' ' ' <"$TMP/slow")"
cut=$(awk '/^cut/ {print $2}' "$TMP/slow")
latest=$(awk '/^cut/ {print $4}' "$TMP/slow")
is "the four connections trickling their headers are cut" "$cut" 4
check "  within --timeout and the watcher's second, and some slack (latest ${latest} s)" \
	awk -v t="$latest" 'BEGIN { exit !(t >= 3 && t <= 7) }'
is "  and the address's next connection is served" "$(sed -n 's/^next //p' "$TMP/slow")" \
	"HTTP/1.1 200 OK"
# a request that comes whole in time is not cut, nor is the connection kept alive after it
python3 - "$PORT" >"$TMP/kept" 2>&1 <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(5)
out = []
for _ in range(2):
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
    out.append(s.recv(4096).split(b"\r\n", 1)[0].decode() or "closed")
    time.sleep(2)	# idle, within --timeout, between its requests
print(" ".join(out))
PY
is "two requests on one connection, two seconds apart, are both answered" "$(cat "$TMP/kept")" \
	"HTTP/1.1 200 OK HTTP/1.1 200 OK"

echo "1..$n"
[ "$failed" -eq 0 ]
