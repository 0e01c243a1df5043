#!/usr/bin/env bash
# A hostile server (or anyone between the command and a plain-HTTP server) writes to the
# party's terminal only through the command: the problem documents it answers carry
# terminal escape sequences (clear the screen, set the window title, a C1 CSI), a bell,
# a carriage return and direction overrides in their field and detail. The command
# prints the refusal with none of them, so that the server cannot paint a false
# outcome over the party's screen (doc/security.md, "In the browser": against a
# hostile server only the command line holds).
set -u
NAKODO=${NAKODO:?NAKODO must name the nakodo binary}
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 is not installed"; exit 0; }
TMP=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$TMP"' EXIT
python3 "$(dirname "$0")/hostile_text.py" "$TMP/port" & PID=$!
for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$TMP/port")"
TOKEN=$(printf '%064d' 7)
CASE=0123456789abcdef0123
echo "1..3"
n=0
check() {	# NAME FILE: no byte of an escape, bell, CR or C1, no direction mark, in FILE
	n=$((n + 1))
	local bad='[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]'
	bad="$bad|\xe2\x81[\xa6-\xa9]|\xd8\x9c"
	if LC_ALL=C grep -qP "$bad" "$2"; then
		echo "not ok $n - $1"; od -c "$2" | head -5 | sed 's/^/# /'
	else
		echo "ok $n - $1"
	fi
}
NAKODO_TOKEN=$TOKEN "$NAKODO" brief "$CASE" --as claimant --server "$URL" >/dev/null \
	2>"$TMP/brief.err"
check "brief: the refusal reaches the terminal without control or direction characters" \
	"$TMP/brief.err"
NAKODO_TOKEN=$TOKEN "$NAKODO" submit "$CASE" --as payer --server "$URL" 100 >/dev/null \
	2>"$TMP/submit.err" </dev/null
check "submit: the same" "$TMP/submit.err"
n=$((n + 1))
if grep -q "refused" "$TMP/brief.err"; then echo "ok $n - the detail is still told"
else echo "not ok $n - the detail is still told"; sed 's/^/# /' "$TMP/brief.err"; fi
