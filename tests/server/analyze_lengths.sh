#!/usr/bin/env bash
# POST /v1/analyze's answer, whose length TLS shows, against the real `nakodo serve`
# (doc/api.md, "POST /v1/analyze"): its values are written at the fixed widths of every
# answer and the whole is padded with spaces to its size class, so that three analyses
# of the 1962 agenda that differ only in the Korean profile's reservation (0.10, 0.45,
# 0.70: 756, 475 and 197 outcomes acceptable to both, the plot's points coloured so)
# are as long, where they differed by up to 1,478 bytes; the analysis and the plot are
# still those of `nakodo analyze --json --svg`. Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"
EX="$(cd "$(dirname "$0")/../../examples" && pwd)"

echo "TAP version 13"
start_server || { echo "not ok - the server did not start"; echo "1..1"; exit 1; }

# size_class LEN: nk_json_size_class (json_build.h), LEN rounded up to a multiple of
# 2^(E - B), E = floor(log2 LEN), B the bits E is written in
size_class() {
	local len=$1 e=0 b=0 x step
	x=$len; while [ "$x" -gt 1 ]; do x=$((x / 2)); e=$((e + 1)); done
	x=$e; while [ "$x" -gt 0 ]; do x=$((x / 2)); b=$((b + 1)); done
	step=$((1 << (e - b)))
	echo $(((len + step - 1) / step * step))
}

DOMAIN=$(jq -Rs . "$EX/agenda-1962.json"); JAPAN=$(jq -Rs . "$EX/agenda-1962-japan.json")
lens=""
for r in 0.10 0.45 0.70; do
	jq ".reservation = $r" "$EX/agenda-1962-korea.json" >"$TMP/korea-$r.json"
	printf '{"domain": %s, "profiles": [%s, %s]}' "$DOMAIN" "$(jq -Rs . "$TMP/korea-$r.json")" \
		"$JAPAN" >"$TMP/body-$r"
	new_case	# a mediator's token of its own: a token's analyses have a rate
	curl -s -o "$TMP/answer-$r" -w '%{http_code}' --max-time 60 -H "Authorization: Bearer $MT" \
		-H 'Content-Type: application/json' --data-binary "@$TMP/body-$r" \
		"$URL/v1/analyze" >"$TMP/status-$r"
	lens="$lens $(wc -c <"$TMP/answer-$r")"
done
is "three analyses answer 200" "$(cat "$TMP"/status-* | tr -d '\n')" "200200200"
is "each tells its own count of acceptable outcomes" \
	"$(for r in 0.10 0.45 0.70; do jq .analysis.acceptable_points "$TMP/answer-$r"; done | tr '\n' ' ')" \
	"756 475 197 "
is "the three answers are as long" "$(echo $lens | tr ' ' '\n' | sort -u | wc -l)" 1
len=$(wc -c <"$TMP/answer-0.45")
is "the length is its size class's" "$len" "$(size_class "$len")"
# the analysis, before the plot (keys sorted): no number ends without its padding
head=$(sed 's/, "svg": ".*//' "$TMP/answer-0.45")
is "every number of the analysis is followed by its padding" \
	"$(printf '%s' "$head" | grep -cE '[0-9][],}]')" 0
check "the reservation is written at a real's width, 24 bytes" \
	grep -qF '"reservation": 0.45                    ' "$TMP/answer-0.45"
"$NAKODO" analyze "$EX/agenda-1962.json" "$TMP/korea-0.45.json" "$EX/agenda-1962-japan.json" \
	--json --svg "$TMP/cli.svg" >"$TMP/cli.json"
is "the analysis is nakodo analyze --json's" \
	"$(jq -S .analysis "$TMP/answer-0.45" | md5sum)" "$(jq -S . "$TMP/cli.json" | md5sum)"
is "the plot is nakodo analyze --svg's, byte for byte" \
	"$(jq -j .svg "$TMP/answer-0.45" | md5sum)" "$(md5sum <"$TMP/cli.svg")"
check "the plot's points below a reservation are as long as the others" \
	grep -q 'fill="#aaaaaa"' "$TMP/cli.svg"
curl -s -o "$TMP/party" -w '%{http_code}' --max-time 60 -H "Authorization: Bearer $CT" \
	-H 'Content-Type: application/json' --data-binary "@$TMP/body-0.45" "$URL/v1/analyze" \
	>"$TMP/party-status"
is "a party's token is refused, naming both who may analyse" \
	"$(cat "$TMP/party-status") $(jq -r .detail "$TMP/party")" \
	"403 only the operator or a case's mediator may do this"
printf '{"domain": %s, "profiles": [%s, %s], "fix": {"claims": "lots"}}' "$DOMAIN" \
	"$(jq -Rs . "$TMP/korea-0.45.json")" "$JAPAN" >"$TMP/body-fix"
curl -s -o "$TMP/badfix" -w '%{http_code}' --max-time 60 -H "Authorization: Bearer $MT" \
	-H 'Content-Type: application/json' --data-binary "@$TMP/body-fix" "$URL/v1/analyze" \
	>"$TMP/badfix-status"
is "a fix the issue does not take: 400, the field fix (doc/api.md), the issue in the detail" \
	"$(cat "$TMP/badfix-status") $(jq -r .field "$TMP/badfix") $(jq -r .detail "$TMP/badfix" | cut -c1-31)" \
	"400 fix 'claims': \"lots\" is not a value"
stop_server
echo "1..$n"
[ "$failed" = 0 ]
