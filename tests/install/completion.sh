#!/usr/bin/env bash
# The bash completion (completion/nakodo), driven as bash drives it: COMP_WORDS and
# COMP_CWORD set, _nakodo called, COMPREPLY read. Commands, subcommands and options are
# checked against what the command's own --help says; case ids against a real database.
# Prints TAP. Usage: completion.sh SOURCE_DIR (and NAKODO, the binary).
set -u
src=${1:?source folder}
nk=${NAKODO:?set NAKODO to the nakodo binary}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# the completion runs `nakodo` as the user typed it: here, the one under test
mkdir "$dir/bin" && ln -s "$(realpath "$nk")" "$dir/bin/nakodo"
export PATH="$dir/bin:$PATH"
unset NAKODO_DB NAKODO_SERVER NAKODO_TOKEN
# shellcheck source=tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

# shellcheck source=../../completion/nakodo
source "$src/completion/nakodo"
# comp WORD...: completes the last word; prints COMPREPLY sorted, one a line
comp() { comp_at $(($# - 1)) "$@"; }
# comp_at INDEX WORD...: completes word INDEX (nakodo is 0), the words after it typed too
comp_at() {
	COMP_CWORD=$1
	shift
	COMP_WORDS=("$@")
	COMP_LINE="$*" COMP_POINT=${#COMP_LINE}
	_nakodo
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort
}
# expect DESCRIPTION WANT WORD...: the completions are exactly WANT (words, any order)
expect() {
	local what=$1 want got
	want=$(tr ' ' '\n' <<<"$2" | sed '/^$/d' | sort)
	shift 2
	got=$(comp "$@")
	if [ "$got" = "$want" ]; then ok "$what"
	else bad "$what" "got: $(echo $got)" "want: $(echo $want)"; fi
}
# contains DESCRIPTION WORDS WORD...: the completions include every one of WORDS
contains() {
	local what=$1 want=$2 missing="" w got
	shift 2
	got=$(comp "$@")
	for w in $want; do grep -qxF -- "$w" <<<"$got" || missing="$missing $w"; done
	if [ -z "$missing" ]; then ok "$what"; else bad "$what" "missing:$missing"; fi
}

commands=$("$nk" --help | awk '/^commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }')
expect "the commands are those of nakodo --help" "$commands" nakodo ""
expect "a command from its start" "submit" nakodo su
expect "global options" "--db --keys --json --cacert --help --version" nakodo --
expect "case's subcommands" "new list" nakodo case ""
expect "package's subcommands" "propose value check open submit" nakodo package ""
contains "the command after global options" "submit" nakodo --db x.db --json su

# every option a command's --help names, offered after that command (subcommands with a
# help of their own too). options CMD HELP: the long options HELP gives CMD, leaving out
# what its prose quotes of another command ("check it with nakodo verify --server-key")
options() {
	C=$1 perl -pe 's/nakodo (?!\Q$ENV{C}\E\b)[a-z][a-z-]*.*//' <<<"$2" |
		grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}
for c in $commands; do
	help=$("$nk" "$c" --help 2>&1)
	contains "the options of 'nakodo $c --help'" "$(options "$c" "$help")" nakodo "$c" --
	for sub in $(sed -nE "s/^(usage:)? *nakodo $c ([a-z][a-z-]*).*/\2/p" <<<"$help" | sort -u); do
		subhelp=$("$nk" "$c" "$sub" --help 2>&1)
		[ "$subhelp" = "$help" ] && continue	# no help of its own: checked above
		contains "the options of 'nakodo $c $sub --help'" "$(options "$c" "$subhelp")" \
			nakodo "$c" "$sub" --
	done
done

# option values
expect "roles after --as" "claimant payer mediator claimant-principal payer-principal neutral-1 neutral-2 neutral-3 neutral-4 neutral-5" \
	nakodo brief X --as ""
expect "no principal sends" "claimant payer mediator" nakodo send X --as ""
expect "only principals approve" "claimant-principal payer-principal" nakodo approve X --as ""
expect "roles after --to" "claimant payer mediator" nakodo send X --to ""
expect "a role from its start" "mediator" nakodo brief X --as me
expect "a party's own step takes a party's role" "claimant payer" nakodo extend X --as ""
expect "a figure is a party's or a neutral's" "claimant payer neutral-1 neutral-2 neutral-3 neutral-4 neutral-5" nakodo submit X --as ""
expect "answer's accept|decline" "accept decline" nakodo answer X --as payer ""
expect "keygen's costs" "moderate interactive sensitive" nakodo keygen --cost ""
expect "loan's repayments" "equal-principal annuity bullet" nakodo loan --repayment ""
expect "the solutions" "nash kalai_smorodinsky egalitarian utilitarian" \
	nakodo package propose --solution ""
touch "$dir/alpha.key" "$dir/alpha.json"
expect "files after --key" "$dir/alpha.key" nakodo join X --as payer --key "$dir/alpha.k"
expect "files for analyze" "$dir/alpha.json" nakodo analyze "$dir/alpha.j"
expect "no guess for a value only the user knows" "" nakodo case new --rounds ""

# case ids from the database
db="$dir/cases.db"
a=$("$nk" --db "$db" case new --currency USD 2>/dev/null)
b=$("$nk" --db "$db" case new --currency EUR 2>/dev/null)
if [ -n "$a" ] && [ -n "$b" ]; then ok "two cases opened"; else bad "two cases opened"; fi
expect "case ids from --db" "$a $b" nakodo --db "$db" submit ""
expect "case ids from --db=PATH" "$a $b" nakodo --db="$db" brief ""
expect "case ids from --db sqlite:PATH" "$a $b" nakodo --db "sqlite:$db" log ""
out=$(comp_at 2 nakodo close "" --db "$db")
if [ "$out" = "$(printf '%s\n' "$a" "$b" | sort)" ]; then ok "case ids from a --db after the cursor"
else bad "case ids from a --db after the cursor" "got: $out"; fi
expect "a case id from its start" "$a" nakodo --db "$db" propose "${a:0:20}"
out=$(NAKODO_DB="$db" comp nakodo brief "")
if [ "$out" = "$(printf '%s\n' "$a" "$b" | sort)" ]; then ok "case ids from NAKODO_DB"
else bad "case ids from NAKODO_DB" "got: $out"; fi
expect "case ids for package submit" "$a $b" nakodo --db "$db" package submit ""
expect "the case id is the first word only" \
	"claimant payer mediator claimant-principal payer-principal neutral-1 neutral-2 neutral-3 neutral-4 neutral-5" \
	nakodo --db "$db" brief "$a" --as ""
# no database, or not a database: nothing offered, nothing printed, nothing made
out=$(cd "$dir" && comp nakodo --db "$dir/none.db" submit "" 2>&1)
if [ -z "$out" ] && [ ! -e "$dir/none.db" ]; then ok "no database: no ids, no error, no file made"
else bad "no database: no ids, no error, no file made" "$out"; fi
out=$(cd "$dir" && comp nakodo submit "" 2>&1)
if [ -z "$out" ] && [ ! -e "$dir/nakodo.db" ]; then ok "no --db and no nakodo.db here: nothing"
else bad "no --db and no nakodo.db here: nothing" "$out"; fi
printf 'not a database\n' >"$dir/junk.db"
out=$(comp nakodo --db "$dir/junk.db" submit "" 2>&1)
if [ -z "$out" ]; then ok "a file that is not a database: no ids, no error"
else bad "a file that is not a database: no ids, no error" "$out"; fi
out=$(NAKODO_SERVER=http://127.0.0.1:9 comp nakodo --db "$db" submit "" 2>&1)
what="ids come from the local database even with NAKODO_SERVER set"
if [ "$out" = "$(printf '%s\n' "$a" "$b" | sort)" ]; then ok "$what"; else bad "$what" "$out"; fi

echo "1..$n"
exit $((failed > 0))
