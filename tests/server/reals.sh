#!/usr/bin/env bash
# Reals in the server's answers (formats/json_short.c): each in the shortest form that
# reads back as the same double, as the command prints them, so that a rule's bits off
# the binary grid read as they were typed (0.1, not 0.10000000000000001) and no real
# loses a bit. Prints TAP. Needs NAKODO, curl and jq.
# (Each value is followed by the spaces that bring it to its fixed width: doc/api.md.)
. "$(dirname "$0")/lib.sh"

start_server || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }
new_case "${RULES/\"leakage_bits\":8.0/\"leakage_bits\":0.1}"
is "a case opens with 0.1 bits" "$?" 0
is "its brief answers" "$(req brief "$CT" GET "/v1/cases/$CASE/brief")" 200
check "  with the bits as typed, 0.1" grep -q '"leakage_bits": 0.1 *[,}]' "$(last)"
check "  and no real longer than 17 digits" \
	bash -c '! grep -Eq "[0-9]\.[0-9]{17,}" "$1"' _ "$(last)"
new_case "${RULES/\"leakage_bits\":8.0/\"leakage_bits\":2.0000000000000004}"
req brief2 "$CT" GET "/v1/cases/$CASE/brief" >/dev/null
check "a real that needs 17 digits keeps them (2.0000000000000004)" \
	grep -q '"leakage_bits": 2.0000000000000004 *[,}]' "$(last)"
new_case "${RULES/\"leakage_bits\":8.0/\"leakage_bits\":8}"
req brief3 "$CT" GET "/v1/cases/$CASE/brief" >/dev/null
check "a whole real keeps its .0" grep -q '"leakage_bits": 8.0 *[,}]' "$(last)"
stop_server
echo "1..$n"
[ "$failed" = 0 ]
