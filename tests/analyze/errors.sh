#!/usr/bin/env bash
# nakodo analyze on bad input (issue 15): a malformed file or a profile that does not fit
# its domain exits 2 (bad input), never 3 (storage); a domain and a profile given in each
# other's place are named for what they are. Prints TAP. Needs NAKODO and GOLDEN (the
# directory of the camp domain and profiles).
set -u
nk=${NAKODO:?set NAKODO to the nakodo binary}
g=${GOLDEN:?set GOLDEN to tests/golden/frontier}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift
	for l in "$@"; do echo "# $l"; done
}
# refuse STATUS DESCRIPTION PATTERN -- COMMAND...: that status and a message matching PATTERN
refuse() {
	local want=$1 what=$2 pattern=$3; shift 4
	"$@" >"$dir/out" 2>"$dir/err" </dev/null; local got=$?
	local err; err=$(cat "$dir/err")
	if [ "$got" != "$want" ]; then
		bad "$what" "exit $got, wanted $want" "stderr: $err"
	elif ! grep -qE -- "$pattern" <<<"$err"; then
		bad "$what" "message does not match $pattern" "stderr: $err"
	else
		ok "$what"
	fi
}

d=$g/camp.domain.xml a=$g/camp_ann.xml b=$g/camp_ben.xml
# a file deep in folders is named whole (its path is the error's field, once cut at 63 bytes)
deep="$dir/a-folder-whose-name-is-long-enough/to-push-the-path-well-past-sixty-four-bytes"
mkdir -p "$deep" && cp "$d" "$a" "$deep/"
refuse 2 "a file deep in folders is named whole" \
	"^nakodo: $deep/camp.domain.xml: this is a domain" -- \
	"$nk" analyze "$deep/camp.domain.xml" "$deep/camp_ann.xml" "$deep/camp.domain.xml"
printf '<negotiation_template><utility_space>' >"$dir/cut.xml"
printf '{"nakodo": "agenda", "issues": [' >"$dir/cut.json"
sed 's/name="Site"/name="Venue"/' "$b" >"$dir/other.xml"
sed 's/evaluation="[0-9.]*"/evaluation="x"/' "$b" >"$dir/noeval.xml"

refuse 2 "malformed XML domain: bad input" "cut.xml:1: malformed XML" -- \
	"$nk" analyze "$dir/cut.xml" "$a" "$b"
refuse 2 "malformed XML profile: bad input" "cut.xml:1: malformed XML" -- \
	"$nk" analyze "$d" "$a" "$dir/cut.xml"
refuse 2 "malformed JSON agenda: bad input" "cut.json.*malformed JSON" -- \
	"$nk" analyze "$dir/cut.json" "$a" "$b"
refuse 2 "a profile for another domain: bad input, file and line named" \
	"other.xml:[0-9]+: the profile does not fit the domain.*Venue" -- \
	"$nk" analyze "$d" "$a" "$dir/other.xml"
refuse 2 "an evaluation that is not a number: bad input" "noeval.xml:[0-9]+: .*evaluation" -- \
	"$nk" analyze "$d" "$a" "$dir/noeval.xml"
refuse 2 "a profile given as the domain is named a profile" \
	"camp_ann.xml: this is a profile .*not a domain" -- "$nk" analyze "$a" "$d" "$b"
refuse 2 "the domain given as a profile is named a domain" \
	"camp.domain.xml: this is a domain .*not a profile" -- "$nk" analyze "$d" "$a" "$d"
ex=${EXAMPLES:?set EXAMPLES to examples/}
refuse 2 "a JSON profile given as the agenda is named a profile" \
	"agenda-1962-japan.json: this is a profile, not an agenda" -- \
	"$nk" analyze "$ex/agenda-1962-japan.json" "$ex/agenda-1962.json" "$ex/agenda-1962-korea.json"
refuse 2 "the JSON agenda given as a profile is named an agenda" \
	"agenda-1962.json: this is an agenda, not a profile" -- \
	"$nk" analyze "$ex/agenda-1962.json" "$ex/agenda-1962.json" "$ex/agenda-1962-korea.json"
refuse 2 "--json: the error as JSON, exit 2" '' -- "$nk" analyze --json "$dir/cut.xml" "$a" "$b"
if grep -q '"exit": 2' "$dir/out"; then
	ok "--json names exit 2"
else
	bad "--json names exit 2" "$(cat "$dir/out")"
fi

# --fix with a misspelt issue or a value the issue does not take: the message says what
# would do (the agenda's issues, the issue's values whole, or its numeric bounds), so that
# the user need not open the agenda file
agenda=("$ex/agenda-1962.json" "$ex/agenda-1962-korea.json" "$ex/agenda-1962-japan.json")
refuse 2 "--fix, a misspelt issue: the agenda's issues are named" \
	"its issues are 'claims', 'fisheries', 'residents', 'cultural property', 'basic rel" -- \
	"$nk" analyze "${agenda[@]}" --fix claim=300
refuse 2 "--fix, a value not on a discrete issue: its values are named" \
	"one of 'Peace Line kept', '12-mile zone \\+ joint area', '12-mile zone', '3-mile limit'" -- \
	"$nk" analyze "${agenda[@]}" --fix fisheries=Peace
refuse 2 "--fix: whole labels, never one cut short" \
	"'residence for pre-1945 arrivals and children'" -- \
	"$nk" analyze "${agenda[@]}" --fix residents=x
refuse 2 "--fix, a number off a numeric issue: its bounds and step" \
	"it takes a number from 100 to 600 in steps of 1" -- \
	"$nk" analyze "${agenda[@]}" --fix claims=301.5
refuse 2 "--fix --json: the values are in the detail" '' -- \
	"$nk" --json analyze "${agenda[@]}" --fix fisheries=Peace
if grep -q '"field": *"fisheries"' "$dir/out" && grep -qF "'3-mile limit'" "$dir/out"; then
	ok "--fix --json: the issue is the field"
else
	bad "--fix --json: the issue is the field" "$(cat "$dir/out")"
fi

# Not an error, but where names once were cut: the points' columns are as wide as the
# longest party's name (up to 24 characters), so two long names that differ only at the
# end stay apart ("Departmen…" twice before).
cp "$a" "$dir/department_of_parks.xml"
cp "$b" "$dir/department_of_roads.xml"
"$nk" analyze "$d" "$dir/department_of_parks.xml" "$dir/department_of_roads.xml" >"$dir/out" 2>&1
if grep -qE '^point +department_of_parks department_of_roads  outcome$' "$dir/out" &&
   grep -qE '^nash +0\.860000 +0\.535000  Site=' "$dir/out"; then
	ok "the points' columns hold whole names"
else
	bad "the points' columns hold whole names" "$(grep -A1 '^point' "$dir/out")"
fi

echo "1..$n"
[ "$failed" = 0 ]
