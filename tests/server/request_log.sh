#!/bin/bash
# The request log written by a thread of its own, a batch of lines at a time (TAP;
# server/reqlog.c): a line reaches the log while the server runs, every request answered
# before a clean stop has its line, once and whole, even when the stop comes in the middle
# of a stream of requests, and no line holds a token.
set -u
. "$(dirname "$0")/lib.sh"

echo "TAP version 13"
start_server --rate 1000000 --burst 1000000 --threads 4
line_of() { grep -c "request=$1 " "$TMP/server.log"; }
logged_once() { [ "$(line_of "$1")" = 1 ]; }
req one "" GET /healthz >/dev/null
ID=$(tr -d '\r' <"$(last).h" | sed -n 's/^X-Request-Id: //Ip')
seen=0
# some 20 ms alone; a loaded machine may take seconds
wait_until 30 logged_once "$ID" && seen=1
is "a request's line reaches the log while the server runs" "$seen" 1
# A method of 600 bytes (anyone can send one): its line is cut, not the next one's start.
curl -s -o /dev/null --max-time 5 -X "$(printf 'X%.0s' $(seq 600))" "$URL/v1/cases" || true
req two "" GET /healthz >/dev/null
ID2=$(tr -d '\r' <"$(last).h" | sed -n 's/^X-Request-Id: //Ip')
wait_until 30 logged_once "$ID2"
is "a long method's line does not run into the next request's" \
	"$(grep -c "^time=[^ ]* request=$ID2 " "$TMP/server.log")" 1
check "  and the method is cut to 16 bytes" grep -q ' method=XXXXXXXXXXXXXXXX route=' "$TMP/server.log"

# A stream of requests from 8 clients, some answered 200, some refused, stopped while it
# runs: each answer's id, from its headers, must be in the log after the stop. The stop
# comes once more than 50 were answered, however long that takes (not after a fixed
# time: a loaded machine answered fewer), while the rest of the 3000 are still to come.
# Each client holds stream.lock shared, so that its end can be waited for.
mkdir -p "$TMP/stream"
stream() {
	local i=$1 path=/healthz
	[ $((i % 3)) = 0 ] && path=/v1/cases
	flock -s "$TMP/stream.lock" curl -s -o /dev/null -D "$TMP/stream/$i.h" --max-time 5 \
		-H "Authorization: Bearer $OP" "$URL$path" || true
}
stream_ids() { cat "$TMP"/stream/*.h 2>/dev/null | tr -d '\r' | sed -n 's/^X-Request-Id: //Ip'; }
over_50() { [ "$(stream_ids | wc -l)" -gt 50 ]; }
export -f stream
export TMP URL OP
seq 3000 | xargs -P 8 -I{} bash -c 'stream {}' &
XARGS=$!
wait_until 120 over_50
stop_server
kill "$XARGS" 2>/dev/null	# no new clients
wait "$XARGS" 2>/dev/null
# those under way end within their 5 s (at once: the server is gone)
flock -x -w 60 "$TMP/stream.lock" true
stream_ids | sort >"$TMP/ids"
answered=$(wc -l <"$TMP/ids")
check "requests were answered before the stop ($answered)" test "$answered" -gt 50
grep -o 'request=[0-9a-f]*' "$TMP/server.log" | sed 's/request=//' | sort >"$TMP/logged"
missing=$(comm -23 "$TMP/ids" "$TMP/logged" | wc -l)
is "every answered request has its line after a clean stop" "$missing" 0
is "  and no line twice" "$(uniq -d "$TMP/logged" | wc -l)" 0
check "every line is whole (no two lines mixed)" \
	bash -c "! grep '^time=' '$TMP/server.log' | grep -qvE '^time=[^ ]+ request=[0-9a-f]{16} method=[A-Z]+ route=[^ ]+ status=[0-9]{3} ms=[0-9.]+\$'"
is "  and each request= begins a line" "$(grep -c 'request=' "$TMP/server.log")" \
	"$(grep -c '^time=.* request=' "$TMP/server.log")"
check "no token in the log" bash -c "! grep -qF '$OP' <(grep -v '^operator token: ' '$TMP/server.log')"
echo "1..$n"
[ "$failed" = 0 ]
