#!/bin/bash
# Attack (a review of the rate limits): the limiter's buckets were the token's, and a
# token traded for a fresh one (POST …/token/rotate, which a role may do as often as it
# likes) started with a full bucket. So whoever held a role's token rotated it before
# each burst ran out and was never limited: 8 bursts of 8 reads, each followed by a
# rotation, were all answered at --rate 1 --burst 10. The buckets are now the role's,
# shared by every token of that role.
set -u
. "$(dirname "$0")/../server/lib.sh"

echo "TAP version 13"
start_server --rate 1 --burst 10
check "server starts" test -n "$PORT"
new_case
tok=$PT
answered=0 limited=0
for _ in $(seq 8); do
	for _ in $(seq 8); do
		case $(req read "$tok" GET "/v1/cases/$CASE/brief") in
		200) answered=$((answered + 1)) ;;
		429) limited=$((limited + 1)) ;;
		esac
	done
	[ "$(req rotate "$tok" POST "/v1/cases/$CASE/token/rotate")" = 200 ] &&
		tok=$(jq -r .token "$(last)")
done
echo "# 64 reads across rotations: $answered answered, $limited limited"
check "reads across rotated tokens are limited as one role's (at most the burst and a few)" \
	test "$answered" -le 20
check "  the rest get 429" test "$limited" -ge 40
is "another role of the case is not limited by it" \
	"$(req other "$CT" GET "/v1/cases/$CASE/brief")" 200

echo "1..$n"
[ "$failed" -eq 0 ]
