#!/bin/bash
# Titles that show as nothing, through the API: a mediator (any mediator may open a case)
# names a case with default-ignorable characters the title check did not list (the
# deprecated format characters U+206A..U+206F, the Khmer inherent vowels, the shorthand
# format controls, the musical formatting characters), or with only joiners, variation
# selectors or the Braille blank, which look empty. Each is refused (400, field title);
# joiners and variation selectors beside other characters still pass.
set -u
. "$(dirname "$0")/../server/lib.sh"

echo "TAP version 13"
start_server --rate 1000 --burst 1000
check "server starts" test -n "$PORT"
# titled NAME JSON_TITLE: opens a case so titled; prints the status and the field refused
titled() {
	local s
	s=$(req "$1" "$OP" POST /v1/cases "{\"rules\":$RULES,\"title\":\"$2\"}")
	echo "$s $(jq -r '.field // ""' "$(last)")"
}
for row in \
	"U+206A inside a word|Ac\\u206ame" "U+206F inside a word|Ac\\u206fme" \
	"U+17B4 inside a word|Ac\\u17b4me" "U+1BCA0 inside a word|Ac\\ud82f\\udca0me" \
	"U+1D173 inside a word|Ac\\ud834\\udd73me" "U+FFF0 inside a word|Ac\\ufff0me" \
	"a lone zero-width joiner|\\u200d" "a lone zero-width non-joiner|\\u200c" \
	"a lone variation selector|\\ufe0f" "spaces and a variation selector| \\ufe0f " \
	"a Braille blank|\\u2800" "a Mongolian variation selector|\\u180b"; do
	what=${row%%|*}; title=${row#*|}
	is "refused: $what" "$(titled blank "$title")" "400 title"
done
is "an emoji with its variation selector passes" "$(titled ok "\\u2764\\ufe0f lease")" "201 "
is "a Devanagari conjunct with its joiner passes" \
	"$(titled ok "\\u0915\\u094d\\u200d\\u0937 claim")" "201 "
echo "1..$n"
[ "$failed" -eq 0 ]
