#!/bin/bash
# Attack (a review of issue 10): a local user plants a symbolic link where a party will
# write `nakodo analyze --svg`, pointing at a file of the party's, so that the picture
# (both profiles) truncates and overwrites it, or lands where the planter reads it. The
# command now refuses to follow a link at the path.
set -u
. "$(dirname "$0")/../server/lib.sh"
EXAMPLES="$(dirname "$0")/../../examples"

echo "TAP version 13"
analyze() {
	"$NAKODO" analyze "$EXAMPLES/agenda-1962.json" "$EXAMPLES/agenda-1962-korea.json" \
		"$EXAMPLES/agenda-1962-japan.json" --svg "$1" >/dev/null 2>"$TMP/err"
}
echo "the party's own notes" >"$TMP/victim"
ln -s "$TMP/victim" "$TMP/frontier.svg"
analyze "$TMP/frontier.svg"
check "analyze --svg onto a planted link fails" test "$?" -ne 0
is "  and the file the link points to is unchanged" "$(cat "$TMP/victim")" "the party's own notes"
ln -s "$TMP/absent.svg" "$TMP/dangling.svg"
analyze "$TMP/dangling.svg"
check "analyze --svg onto a dangling link fails" test "$?" -ne 0
check "  and makes no file where it points" test ! -e "$TMP/absent.svg"
analyze "$TMP/plain.svg"
is "analyze --svg onto a plain path still writes the picture" "$? $(head -c 4 "$TMP/plain.svg")" "0 <svg"

echo "1..$n"
[ "$failed" -eq 0 ]
