#!/bin/bash
# Attack (a review of POST /v1/analyze): a GENIUS domain of a few hundred KiB whose DTD
# declares an entity of 300 KiB, referenced a thousand times in an item's value. The
# parser keeps the references; reading the attribute (xmlGetProp) expands them: 300 MB
# and seconds of CPU from one request of any mediator, or with many small references a
# quadratic copy that holds the server's one analysis slot for minutes. External
# entities must not be read either. GENIUS files have no DOCTYPE: one is refused.
set -u
. "$(dirname "$0")/../server/lib.sh"

echo "TAP version 13"
# a domain and two profiles, the first with a DTD of the size it takes
python3 - "$TMP" <<'PY'
import sys
tmp = sys.argv[1]
items = "".join(f'<item index="{i}" value="V{i}" cost="0" description="v"></item>' for i in (1, 2))
def domain(dtd, value="V1"):
    return (dtd + '<negotiation_template><utility_space number_of_issues="1">'
            '<objective description="" etype="objective" index="0" name="root" type="objective">'
            '<issue etype="discrete" index="1" name="I" type="discrete" vtype="discrete">'
            + items.replace('value="V1"', f'value="{value}"') +
            '</issue></objective></utility_space></negotiation_template>\n')
def profile(e1, e2):
    return ('<utility_space><objective index="0" etype="objective" type="objective" name="root">'
            '<issue index="1" etype="discrete" type="discrete" vtype="discrete" name="I">'
            f'<item index="1" value="V1" evaluation="{e1}"></item>'
            f'<item index="2" value="V2" evaluation="{e2}"></item></issue>'
            '<weight index="1" value="1.0"></weight></objective></utility_space>\n')
big = '<!DOCTYPE negotiation_template [<!ENTITY a "' + 'A' * 300000 + '">]>\n'
open(f"{tmp}/blowup.xml", "w").write(domain(big, "&a;" * 1000))
ext = f'<!DOCTYPE negotiation_template [<!ENTITY x SYSTEM "file://{tmp}/private">]>\n'
open(f"{tmp}/external.xml", "w").write(domain(ext).replace('description="v">', 'description="v">&x;', 1))
open(f"{tmp}/plain.xml", "w").write(domain(""))
open(f"{tmp}/p1.xml", "w").write(profile(1, 0))
open(f"{tmp}/p2.xml", "w").write(profile(0, 1))
PY
echo "PRIVATE-WORDS-OF-THE-OPERATOR" >"$TMP/private"

"$NAKODO" analyze "$TMP/plain.xml" "$TMP/p1.xml" "$TMP/p2.xml" >/dev/null 2>"$TMP/err"
is "a domain without a DTD still reads" "$?" 0
start=$(date +%s%N)
timeout 60 "$NAKODO" analyze "$TMP/blowup.xml" "$TMP/p1.xml" "$TMP/p2.xml" >/dev/null 2>"$TMP/err"
rc=$? ms=$((($(date +%s%N) - start) / 1000000))
is "analyze refuses a domain that declares entities (exit 3)" "$rc" 3
check "  within a second (took ${ms} ms)" test "$ms" -lt 1000
check "  saying why" grep -q "DOCTYPE" "$TMP/err"
"$NAKODO" analyze "$TMP/external.xml" "$TMP/p1.xml" "$TMP/p2.xml" >"$TMP/out" 2>&1
is "analyze refuses a domain with an external entity" "$?" 3
check "  and shows nothing of the file it names" bash -c "! grep -q PRIVATE-WORDS '$TMP/out'"

start_server || { echo "Bail out! the server did not start"; exit 1; }
new_case
body() { jq -n --rawfile d "$1" --rawfile a "$TMP/p1.xml" --rawfile b "$TMP/p2.xml" \
	'{domain: $d, profiles: [$a, $b]}' >"$TMP/body.json"; }
body "$TMP/blowup.xml"
start=$(date +%s%N)
status=$(curl -s -o "$TMP/ans.json" -w '%{http_code}' --max-time 60 -H "Authorization: Bearer $MT" \
	-H 'Content-Type: application/json' --data-binary @"$TMP/body.json" "$URL/v1/analyze")
ms=$((($(date +%s%N) - start) / 1000000))
is "POST /v1/analyze with a mediator's token: the entity blow-up is a 400" "$status" 400
check "  within a second (took ${ms} ms)" test "$ms" -lt 1000
is "  naming the domain" "$(jq -r .field "$TMP/ans.json" | cut -d: -f1)" domain
rss=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
check "  and the server's peak memory stays under 200 MB (${rss} kB)" test "$rss" -lt 200000
sleep 2.1
body "$TMP/plain.xml"
status=$(curl -s -o "$TMP/ans.json" -w '%{http_code}' --max-time 60 -H "Authorization: Bearer $MT" \
	-H 'Content-Type: application/json' --data-binary @"$TMP/body.json" "$URL/v1/analyze")
is "  while a plain domain is analysed (200)" "$status" 200

echo "1..$n"
[ "$failed" -eq 0 ]
