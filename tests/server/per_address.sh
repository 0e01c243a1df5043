#!/bin/bash
# One client address may hold at most --connections-per-address connections (TAP): a
# client that opens connections and never finishes a request (slowloris) is refused
# past its share instead of taking every connection from everyone; 0 lifts the limit
# (a server behind a proxy); a share above the server's whole limit is refused.
set -u
. "$(dirname "$0")/lib.sh"

echo "TAP version 13"
health() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/healthz"; }

# Opens connections $1 to $2 that each send half a request and hold it (fds 20 on).
hold() {
	for i in $(seq "$1" "$2"); do
		eval "exec $((19 + i))<>/dev/tcp/127.0.0.1/$PORT"
		printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' >&$((19 + i))
	done
	sleep 0.3
}
release() { for i in $(seq "$1"); do eval "exec $((19 + i))>&-"; done; sleep 0.3; }

start_server --connections-per-address 4
hold 1 3
is "an address holding three half-sent requests of its four is served" "$(health)" 200
hold 4 4
is "a fifth connection from an address holding four half-sent requests is refused" \
	"$(health)" "000"
release 4
is "once they close, the address is served again" "$(health)" 200
stop_server

start_server --connections-per-address 0
hold 1 6
is "with 0 (behind a proxy) the address is not limited" "$(health)" 200
release 6
stop_server

out=$("$NAKODO" --db "$DB" serve --listen 127.0.0.1:0 --connections-max 10 \
	--connections-per-address 11 2>&1)
is "a share above the whole limit is refused, naming the option" \
	"$?:$(grep -c 'connections-per-address' <<<"$out")" "2:1"

echo "1..$n"
[ "$failed" -eq 0 ]
