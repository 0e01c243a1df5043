#!/bin/bash
# /metrics' request-duration histogram (TAP): cumulative by upper bound, its +Inf bucket
# and its count both the number of requests counted by route and status, whether the
# server keeps each bucket apart or not.
set -u
. "$(dirname "$0")/lib.sh"

echo "TAP version 13"
start_server --rate 100000 --burst 100000
for _ in $(seq 20); do req h "" GET /healthz >/dev/null; done
req nf "" GET /no/such/route >/dev/null
req un "-" GET /metrics >/dev/null
is "a request is answered" "$(req m "$OP" GET /metrics)" 200
M=$(last)
buckets=$(sed -n 's/^nakodo_request_duration_seconds_bucket{le="\([^"]*\)"} \([0-9]*\)$/\2/p' "$M" | tr '\n' ' ')
is "thirteen buckets, +Inf last" "$(grep -c '^nakodo_request_duration_seconds_bucket' "$M") $(grep '_bucket' "$M" | tail -1 | grep -c 'le="+Inf"')" "13 1"
mono=yes; prev=0
for b in $buckets; do [ "$b" -ge "$prev" ] || mono=no; prev=$b; done
is "the buckets never fall from one bound to the next" "$mono" yes
inf=$(sed -n 's/^nakodo_request_duration_seconds_bucket{le="+Inf"} //p' "$M")
count=$(sed -n 's/^nakodo_request_duration_seconds_count //p' "$M")
total=$(sed -n 's/^nakodo_requests_total{.*} \([0-9]*\)$/\1/p' "$M" | awk '{ s += $1 } END { print s }')
is "+Inf, the count and the requests by route agree" "$inf $count" "$total $total"
check "every request before this one is counted" [ "$count" -ge 23 ]
check "the sum of the durations is positive" awk -v s="$(sed -n 's/^nakodo_request_duration_seconds_sum //p' "$M")" 'BEGIN { exit !(s > 0) }'
stop_server
echo "1..$n"
exit $((failed > 0))
