#!/bin/bash
# Attack (the long-body slots, from one mediator's token): the server receives only two
# long bodies (POST /v1/analyze, up to 16 MiB) at once, and each request was given --timeout
# plus a second per 4 KiB of the body it declared. So two connections that declared 16 MiB
# and then sent a byte a second (never idle) held both slots for 68 minutes, and by
# reconnecting held them for good: every other mediator's analysis was refused (429). The
# time is now earned by the bytes that come: a connection that trickles is cut after
# --timeout and its slot freed; one that sends at 4 KiB/s or more keeps its place.
set -u
. "$(dirname "$0")/../server/lib.sh"

echo "TAP version 13"
start_server --timeout 2
check "server starts" test -n "$PORT"
new_case
python3 - "$PORT" "$MT" >"$TMP/hold" 2>&1 <<'PY'
import socket, sys, time
port, token = int(sys.argv[1]), sys.argv[2]
head = (b"POST /v1/analyze HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + token.encode() +
        b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (16 << 20))

def third(wait):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(wait)
    s.sendall(head)
    try:
        answer = s.recv(4096).split(b"\r\n", 1)[0].decode() or "closed"
    except socket.timeout:
        answer = "taken"	# the server waits for its body
    s.close()
    return answer

def trickle(conns, seconds):
    for _ in range(int(seconds * 2)):
        time.sleep(0.5)
        for s in conns:
            try:
                s.sendall(b" ")
            except OSError:
                pass

slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
for s in slow:
    s.sendall(head)
trickle(slow, 0.5)
print("at once", third(1), flush=True)
trickle(slow, 4)	# --timeout 2, the watcher's second, and slack
print("later", third(1), flush=True)
# one that keeps sending, 64 KiB every half second, is not cut after --timeout
s = socket.create_connection(("127.0.0.1", port))
s.sendall(head)
alive = "kept"
for _ in range(10):
    time.sleep(0.5)
    try:
        s.sendall(b" " * (64 << 10))
    except OSError:
        alive = "cut"
        break
print("sending", alive, flush=True)
PY
echo "# $(tr '\n' ' ' <"$TMP/hold")"
is "a long body while two trickling ones are held is refused at once" \
	"$(sed -n 's/^at once //p' "$TMP/hold")" "HTTP/1.1 429 Too Many Requests"
is "  but the trickling ones are cut after --timeout: a long body is taken again" \
	"$(sed -n 's/^later //p' "$TMP/hold")" "taken"
is "a body that keeps coming is not cut after --timeout" \
	"$(sed -n 's/^sending //p' "$TMP/hold")" "kept"

echo "1..$n"
[ "$failed" -eq 0 ]
