#!/bin/bash
# One client address may hold at most --connections-per-address connections (TAP): a
# client that opens connections and never finishes a request (slowloris) is refused
# past its share instead of taking every connection from everyone; 0 lifts the limit
# (a server behind a proxy); a share above the server's whole limit is refused.
set -u
. "$(dirname "$0")/lib.sh"

echo "TAP version 13"
health() { curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$URL/healthz"; }
served() { [ "$(health)" = 200 ]; }

# Opens connections $1 to $2 that each send half a request and hold it (fds 20 on). The
# server closes at once, by design, one it refuses: writing to it may then fail (EPIPE,
# in a subshell that ignores SIGPIPE, which would otherwise end the test).
hold() {
	for i in $(seq "$1" "$2"); do
		eval "exec $((19 + i))<>/dev/tcp/127.0.0.1/$PORT"
		(trap '' PIPE; printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' >&$((19 + i))) 2>/dev/null
	done
}
release() { for i in $(seq "$1"); do eval "exec $((19 + i))>&-"; done; }
# A connection the address had just closed (the previous check's) may still count for a
# moment, and the server then refuses one of those held, closing it: reopen 1..$1 those
# held the server closed (readable: at their end); true if none was.
reopen() {
	local i none=0
	for i in $(seq "$1"); do
		read -r -t 0 -u $((19 + i)) || continue
		eval "exec $((19 + i))>&-"
		hold "$i" "$i"
		none=1
	done
	return "$none"
}
# Served while holding 1..$1, the held ones all still open once it was.
served_holding() { served && reopen "$1"; }
# The fourth held connection opened again until a fifth is refused. Never true while
# the limit is not applied.
fifth_refused() {
	exec 23>&-
	hold 4 4
	[ "$(health)" = 000 ]
}

# Waits (up to 30 s, for a loaded machine) for the server to see connections open or
# close, instead of sleeping; --timeout 600 so that it does not cut the held requests
# meanwhile.
start_server --connections-per-address 4 --timeout 600
hold 1 3
wait_until 30 served_holding 3
is "an address holding three half-sent requests of its four is served" "$(health)" 200
wait_until 30 fifth_refused
is "a fifth connection from an address holding four half-sent requests is refused" \
	"$(health)" "000"
release 4
wait_until 30 served
is "once they close, the address is served again" "$(health)" 200
stop_server

start_server --connections-per-address 0 --timeout 600
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
