#!/bin/bash
# Attack (a review of the rate limits): whoever holds a party's token sends requests that
# only look signed — a body with "request" and "signature" that does not parse as the
# route's (400). Such a request is let through on the role's signed bucket, which only a
# signature that holds spends, and drew on the token's other bucket only while it had
# something left: so it was never limited (300 in a row were each a 400, a token lookup
# in the store apiece, while plain requests got 429 after the burst). Once the token's
# unsigned bucket is spent, each now counts as a failed authentication of its address,
# which is refused (429) before any lookup past --fail-burst.
# The flood is timed by the buckets' refills, so it must not be timed by the machine: it
# goes from one curl (one connection, no process per request), faster than the token's
# bucket refills (--rate is whole requests a second, 1 the least) even on a loaded
# machine; and the address's budget refills at 1 a minute, not 1 a second, so that a
# pause of a second before the last request (a loaded machine's, seen) cannot let it
# through to the lookup (400).
set -u
. "$(dirname "$0")/../server/lib.sh"

echo "TAP version 13"
start_server --rate 1 --burst 10 --fail-rate 1 --fail-burst 20
check "server starts" test -n "$PORT"
new_case
printf '%s' '{"amount":"x","request":1,"signature":"00"}' >"$TMP/bad.json"
# flood N: N such POSTs from one curl, one after another; the last answer's body goes
# to $TMP/flood.last; prints each distinct status of the first N-1 with its count, then
# the last one's status.
flood() {
	local i cfg="$TMP/flood.cfg"
	: >"$cfg"
	for i in $(seq "$1"); do
		[ "$i" = 1 ] || echo next >>"$cfg"
		printf '%s\n' "url = \"$URL/v1/cases/$CASE/figures\"" "silent" "max-time = 10" \
			"header = \"Authorization: Bearer $PT\"" \
			"header = \"Content-Type: application/json\"" "data-binary = \"@$TMP/bad.json\"" \
			"write-out = \"%{http_code}\\n\"" >>"$cfg"
		if [ "$i" = "$1" ]; then echo "output = \"$TMP/flood.last\"" >>"$cfg"
		else echo 'output = "/dev/null"' >>"$cfg"; fi
	done
	curl -K "$cfg" >"$TMP/flood.codes"
	head -n -1 "$TMP/flood.codes" | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}'
	echo
	tail -1 "$TMP/flood.codes"
}
got=$(flood 61)
echo "# 60 malformed signed-looking POSTs, then one more: $(echo $got)"
check "they are limited: 400 while the token's unsigned bucket and the address's budget last, then 429" \
	bash -c "[[ '$(echo "$got" | head -1)' == *400:* && '$(echo "$got" | head -1)' == *429:* ]]"
is "the last one is refused before its token is looked up (field Authorization)" \
	"$(echo "$got" | tail -1) $(jq -r .field "$TMP/flood.last")" "429 Authorization"
stop_server
start_server --rate 1 --burst 10 --fail-rate 1 --fail-burst 20
got=$(flood 5)
is "a few of them within the token's bucket are each told what is malformed (400)" \
	"$(echo $got)" "400:4 400"

echo "1..$n"
[ "$failed" -eq 0 ]
