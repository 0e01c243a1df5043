#!/bin/bash
# Attack (someone on the network): nakodo serve speaks plain HTTP unless given a
# certificate, and a bearer token or a figure that crosses the network in clear is
# anyone's on the way. The server listened on any address, and the command sent its token
# to any http:// server, without a word; both now warn when the plain HTTP is not on
# this machine's loopback.
set -u
: "${NAKODO:?set NAKODO to the nakodo binary}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nakodo-clear-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
n=0
failed=0
check() { n=$((n + 1)); local what=$1; shift; if "$@"; then echo "ok $n - $what"; else failed=$((failed + 1)); echo "not ok $n - $what"; fi; }

echo "TAP version 13"
# serve LISTEN: starts the server there, waits for its "listening" line, stops it.
serve() {
	: >"$TMP/log"
	"$NAKODO" --db "mem:" serve --threads 1 --listen "$1" 2>"$TMP/log" &
	local pid=$!
	for _ in $(seq 1200); do grep -q "^listening on" "$TMP/log" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done	# up to 60 s
	kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
}
serve 0.0.0.0:0
check "serve on 0.0.0.0 without TLS warns that tokens cross the network in clear" \
	grep -q '^warning: plain HTTP on 0.0.0.0, which is not a loopback address' "$TMP/log"
serve 127.0.0.1:0
check "  on 127.0.0.1 it does not" bash -c "! grep -q warning '$TMP/log'"
# a server name that cannot resolve: the warning comes before the token is sent
NAKODO_SERVER=http://nakodo.invalid:8750 NAKODO_TOKEN=$(printf '%064d' 0) \
	"$NAKODO" brief 0123456789abcdef0123 >/dev/null 2>"$TMP/err"
check "the command warns before sending its token to plain HTTP on another machine" \
	grep -q '^nakodo: warning: http://nakodo.invalid:8750 is plain HTTP to another machine' \
	"$TMP/err"
NAKODO_SERVER=http://127.0.0.1:9 NAKODO_TOKEN=$(printf '%064d' 0) \
	"$NAKODO" brief 0123456789abcdef0123 >/dev/null 2>"$TMP/err"
check "  not to this machine's loopback" bash -c "! grep -q warning '$TMP/err'"
NAKODO_SERVER=https://nakodo.invalid NAKODO_TOKEN=$(printf '%064d' 0) \
	"$NAKODO" brief 0123456789abcdef0123 >/dev/null 2>"$TMP/err"
check "  nor over https" bash -c "! grep -q warning '$TMP/err'"

echo "1..$n"
[ "$failed" -eq 0 ]
