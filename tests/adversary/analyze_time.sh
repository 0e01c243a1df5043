#!/bin/bash
# Attack (a review of POST /v1/analyze): a mediator posts an agenda of 64 issues of 16
# values and five profiles, 170 KiB in all. The frontier's pruning is quadratic in its
# candidates: the fold of issue 8 alone took 38 s, the whole would take hours of one
# core, the server's one analysis slot is held all that while (everyone else gets 429),
# and SIGTERM waits for it. The server now bounds an analysis's time (10 s): 400.
set -u
. "$(dirname "$0")/../server/lib.sh"
EXAMPLES="$(dirname "$0")/../../examples"

echo "TAP version 13"
python3 - "$TMP" <<'PY'
import json, random, sys
tmp = sys.argv[1]
random.seed(1)
issues, values = 64, 16
json.dump({"nakodo": "agenda", "name": "wide", "issues": [
    {"name": f"i{k}", "type": "discrete", "values": [f"v{j}" for j in range(values)]}
    for k in range(issues)]}, open(f"{tmp}/domain.json", "w"))
for p in range(5):
    json.dump({"nakodo": "profile", "name": f"p{p}", "reservation": 0.0, "issues": {
        f"i{k}": {"weight": 1.0 / issues,
                  "scores": {f"v{j}": random.random() for j in range(values)}}
        for k in range(issues)}}, open(f"{tmp}/p{p}.json", "w"))
PY
start_server || { echo "Bail out! the server did not start"; exit 1; }
new_case
jq -n --rawfile d "$TMP/domain.json" --rawfile a "$TMP/p0.json" --rawfile b "$TMP/p1.json" \
	--rawfile c "$TMP/p2.json" --rawfile e "$TMP/p3.json" --rawfile f "$TMP/p4.json" \
	'{domain: $d, profiles: [$a, $b, $c, $e, $f]}' >"$TMP/wide.json"
start=$(date +%s)
status=$(curl -s -o "$TMP/ans.json" -w '%{http_code}' --max-time 60 \
	-H "Authorization: Bearer $MT" -H 'Content-Type: application/json' \
	--data-binary @"$TMP/wide.json" "$URL/v1/analyze")
secs=$(($(date +%s) - start))
is "a wide agenda from a mediator is refused (400) rather than run for hours" "$status" 400
check "  within 20 seconds (took ${secs} s)" test "$secs" -le 20
is "  naming the frontier" "$(jq -r .field "$TMP/ans.json" 2>/dev/null)" frontier
sleep 2.1
jq -n --rawfile d "$EXAMPLES/agenda-1962.json" --rawfile a "$EXAMPLES/agenda-1962-korea.json" \
	--rawfile b "$EXAMPLES/agenda-1962-japan.json" '{domain: $d, profiles: [$a, $b]}' \
	>"$TMP/small.json"
status=$(curl -s -o "$TMP/ans.json" -w '%{http_code}' --max-time 60 \
	-H "Authorization: Bearer $OP" -H 'Content-Type: application/json' \
	--data-binary @"$TMP/small.json" "$URL/v1/analyze")
is "the slot is free again: the operator's analysis runs (200)" "$status" 200

echo "1..$n"
[ "$failed" -eq 0 ]
