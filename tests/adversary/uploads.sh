#!/bin/bash
# Attack (a review of the long bodies POST /v1/analyze takes): a mediator's token is
# granted a body of up to 16 MiB on the headers, and the body is held in memory until it
# is whole. One address may hold 128 connections: each sending 16 MiB less a little and
# then waiting took the server's memory to 400 MB with 20 connections (2 GiB with 128,
# more from several addresses). Now only ANALYZE_UPLOADS_AT_ONCE (2) long bodies are
# received at once on the server; a third is refused at once (429), and once one ends
# another is taken.
set -u
. "$(dirname "$0")/../server/lib.sh"

echo "TAP version 13"
start_server || { echo "Bail out! the server did not start"; exit 1; }
new_case
# holders N SECONDS: N connections that each declare 16 MiB, send 1 MiB and wait.
python3 - "$PORT" "$MT" >"$TMP/third" 2>&1 <<'PY' &
import socket, sys, time
port, token = int(sys.argv[1]), sys.argv[2]
head = (b"POST /v1/analyze HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + token.encode() +
        b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (16 << 20))
held = []
for _ in range(2):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(head + b" " * (1 << 20))
    held.append(s)
time.sleep(0.5)
# the third: its headers alone; the old server said nothing (it waited for the body)
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(5)
s.sendall(head)
try:
    answer = s.recv(4096).split(b"\r\n", 1)[0].decode()
except socket.timeout:
    answer = "no answer"
print(answer, flush=True)
s.close()
held[0].close()	# one ends: its place is free again
time.sleep(0.5)
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(3)
s.sendall(head + b" " * 1024)
try:
    answer = s.recv(4096).split(b"\r\n", 1)[0].decode() or "closed"
except socket.timeout:
    answer = "no answer"	# taken: the server waits for the rest of the body
print(answer, flush=True)
PY
wait $!
is "a third long body while two are received is refused at once" \
	"$(sed -n 1p "$TMP/third")" "HTTP/1.1 429 Too Many Requests"
is "  and once one ends, another long body is taken (the server waits for the rest)" \
	"$(sed -n 2p "$TMP/third")" "no answer"
small=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $MT" \
	-H 'Content-Type: application/json' --data-binary '{"domain":"x","profiles":[]}' \
	"$URL/v1/analyze")
is "the server still answers an analysis afterwards (400: the files are not agendas)" \
	"$small" 400

echo "1..$n"
[ "$failed" -eq 0 ]
