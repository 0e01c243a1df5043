#!/usr/bin/env bash
# Black-box tests of nakodo simulate (issue 17): the same seed gives the same bytes, a
# different seed different ones; --json is one object a program reads; --svg writes a
# well-formed plot and never over a file without --force; long runs report progress on
# standard error; bad options are refused with exit 2 and a reason; doc/toolkit.md's table
# and plot are what the command prints for their seed. Prints TAP. Needs NAKODO (the
# binary), jq and python3. Usage: simulate.sh SOURCE_DIR.
src=${1:?source folder}
. "$(dirname "$0")/../server/lib.sh"
# run STATUS DESCRIPTION COMMAND...: stdout in $TMP/out, stderr in $TMP/err
run() {
	local want=$1 what=$2; shift 2
	"$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	is "$what: exit $want" "$?" "$want"
}
differ() { ! cmp -s "$1" "$2"; }
lacks() { ! grep -q -- "$1" "$2"; }
has() {
	if grep -q -- "$2" "$3"; then ok "$1"
	else not_ok "$1" "no '$2' in:"; sed 's/^/#   /' "$3"; fi
}

# ---- the same seed, the same bytes ----
run 0 "simulate --cases 300 --seed 5" "$NAKODO" simulate --cases 300 --seed 5
cp "$TMP/out" "$TMP/a"
run 0 "again" "$NAKODO" simulate --cases 300 --seed 5
check "the same seed gives the same text" cmp -s "$TMP/a" "$TMP/out"
run 0 "seed 6" "$NAKODO" simulate --cases 300 --seed 6
check "another seed gives another text" differ "$TMP/a" "$TMP/out"
has "the table names the baseline" "^baseline " "$TMP/a"
has "and the bridge" "^bridge " "$TMP/a"
run 0 "the defaults" "$NAKODO" simulate --cases 50
has "the default seed is 1962" "seed 1962" "$TMP/out"

# ---- --json ----
run 0 "--json" "$NAKODO" --json simulate --cases 300 --seed 5
cp "$TMP/out" "$TMP/j"
run 0 "--json again" "$NAKODO" simulate --cases 300 --seed 5 --json
check "the same seed gives the same JSON" cmp -s "$TMP/j" "$TMP/out"
is "eight rule sets" "$(jq '.rule_sets | length' "$TMP/j")" 8
is "in order" "$(jq -r '[.rule_sets[].name] | join(",")' "$TMP/j")" \
	"baseline,plain,hints,closer,proposal,neutral,bridge,open"
is "every case counted once per rule set" \
	"$(jq '[.rule_sets[] | .zone_cases + .nozone_cases] | unique' -c "$TMP/j")" "[300]"
is "rupture and settlement add up" \
	"$(jq -c '[.rule_sets[] | .zone_settle_rate + .rupture_rate | . * 1e9 | round] | unique' \
		"$TMP/j")" \
	"[1000000000]"
is "the neutrals settle every case" "$(jq '.rule_sets[5].ends.rupture' "$TMP/j")" 0
is "the text and the JSON agree on the baseline's settlements" \
	"$(jq -r '.rule_sets[0].zone_settle_rate * 1000 | round / 10' "$TMP/j")%" \
	"$(awk '$1 == "baseline" { print $2 }' "$TMP/a")"

# ---- --svg ----
run 0 "--svg" "$NAKODO" simulate --cases 200 --svg "$TMP/plot.svg"
check "the plot is well-formed XML" python3 -c \
	'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$TMP/plot.svg"
has "the plot names the rule sets" ">neutral<" "$TMP/plot.svg"
run 2 "--svg over an existing file" "$NAKODO" simulate --cases 200 --svg "$TMP/plot.svg"
has "it says so" "exists already" "$TMP/err"
run 0 "--svg --force" "$NAKODO" simulate --cases 200 --svg "$TMP/plot.svg" --force
run 2 "--force alone" "$NAKODO" simulate --force

# ---- progress on a long run, on standard error only ----
run 0 "--cases 50000" "$NAKODO" simulate --cases 50000 --seed 3
has "progress on standard error" "50,000 of 50,000 cases played" "$TMP/err"
check "none on standard output" lacks "cases played" "$TMP/out"

# ---- bad options ----
for bad in "--cases 0" "--cases 1000001" "--cases 12x" "--cases -5" "--cases ''" \
	"--seed -1" "--seed 9007199254740992" "--seed 18446744073709551616" "--seed 1.5" \
	"--rounds 4" "extra" \
	"--cases 5 --cases 6" "--svg a.svg --svg b.svg"; do
	eval "run 2 \"simulate $bad\" \"\$NAKODO\" simulate $bad"
	has "simulate $bad says why" "nakodo simulate: " "$TMP/err"
done
run 2 "--cases 1000001 with --json" "$NAKODO" --json simulate --cases 1000001
is "the JSON error names the bound" "$(jq -r .detail "$TMP/out")" "--cases: over 1000000"
run 0 "the largest seed is taken" "$NAKODO" --json simulate --cases 1 --seed 9007199254740991
is "and kept exactly in the JSON" "$(jq .seed "$TMP/out")" 9007199254740991
run 0 "--help" "$NAKODO" simulate --help
has "the help gives the bound" "1 to 1,000,000" "$TMP/out"

# ---- the documented run: doc/toolkit.md's table and plot, README's table ----
run 0 "the documented run" "$NAKODO" simulate --cases 100000 --seed 1962 --svg "$TMP/doc.svg"
check "doc/img/toolkit.svg is its plot, byte for byte" \
	cmp -s "$TMP/doc.svg" "$src/doc/img/toolkit.svg"
for set in baseline plain hints closer proposal neutral bridge open; do
	row=$(awk -v s="$set" '$1 == s { sub("/", " / ", $8); sub("/", " / ", $9)
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |", $1, $2, $3, $4, $5, $6, $7,
			$8, $9 }' "$TMP/out")
	check "doc/toolkit.md has the $set row it prints" grep -qF -- "$row" "$src/doc/toolkit.md"
	cells=$(awk -v s="$set" '$1 == s { sub("/.*", "", $8); sub("/.*", "", $9)
		zero = $7 == "0.0%"
		printf "| %s | %s | %s / %s |", $2, (zero ? "0%" : $7), $8, $9 }' "$TMP/out")
	check "README has the $set figures it prints" grep -qF -- "$cells" "$src/README.md"
done

echo "1..$n"
exit $((failed > 0))
