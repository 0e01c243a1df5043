#!/bin/bash
# Attack (a review of the rate limits): whoever holds a party's token sends requests that
# only look signed — a body with "request" and "signature" that does not parse as the
# route's (400). Such a request is let through on the role's signed bucket, which only a
# signature that holds spends, and drew on the token's other bucket only while it had
# something left: so it was never limited (300 in a row were each a 400, a token lookup
# in the store apiece, while plain requests got 429 after the burst). Once the token's
# unsigned bucket is spent, each now counts as a failed authentication of its address,
# which is refused (429) before any lookup past --fail-burst.
set -u
. "$(dirname "$0")/../server/lib.sh"

echo "TAP version 13"
start_server --rate 1 --burst 10 --fail-rate 60 --fail-burst 20
check "server starts" test -n "$PORT"
new_case
# statuses N CMD...: runs CMD N times; prints each distinct status with its count.
statuses() { local k=$1; shift; for _ in $(seq "$k"); do "$@"; echo; done | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}'; }
got=$(statuses 60 req flood "$PT" POST "/v1/cases/$CASE/figures" '{"amount":"x","request":1,"signature":"00"}')
echo "# 60 malformed signed-looking POSTs: $got"
check "they are limited: 400 while the token's unsigned bucket and the address's budget last, then 429" \
	bash -c "[[ '$got' == *400:* && '$got' == *429:* ]]"
is "the last one is refused before its token is looked up (field Authorization)" \
	"$(req flood "$PT" POST "/v1/cases/$CASE/figures" '{"amount":"x","request":1,"signature":"00"}') $(jq -r .field "$(last)")" \
	"429 Authorization"
stop_server
start_server --rate 1 --burst 10 --fail-rate 60 --fail-burst 20
got=$(statuses 5 req few "$PT" POST "/v1/cases/$CASE/figures" '{"amount":"x","request":1,"signature":"00"}')
is "a few of them within the token's bucket are each told what is malformed (400)" "$got" "400:5 "

echo "1..$n"
[ "$failed" -eq 0 ]
