#!/usr/bin/env bash
# The man pages: mandoc reads them without a warning, and they document what the
# command says it takes: every command of `nakodo --help`, every option each command's
# --help prints (subcommands of case and package too), every NAKODO_* variable the
# sources read. Prints TAP. Usage: man.sh SOURCE_DIR (and NAKODO, the binary).
set -u
src=${1:?source folder}
nk=${NAKODO:?set NAKODO to the nakodo binary}
page1="$src/man/nakodo.1" page8="$src/man/nakodo-serve.8"
# shellcheck source=tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

if ! command -v mandoc >/dev/null; then
	bad "mandoc is installed (Debian's mandoc; make deps installs it)"
	echo "1..$n"; exit 1
fi
# Warnings and errors: none. Style notes too, but for cross-references to pages this
# machine may not have installed (curl(1), systemd.exec(5)), which depend on it, not us.
for page in "$page1" "$page8"; do
	out=$(mandoc -T lint -W style "$page" 2>&1 |
		grep -v -e 'referenced manual not found' -e 'mandoc.db')
	if [ -z "$out" ]; then ok "mandoc -T lint: ${page##*/} has no warning"
	else bad "mandoc -T lint: ${page##*/} has no warning" "$out"; fi
done
text1=$(mandoc -T ascii "$page1" 2>/dev/null | col -b)
text8=$(mandoc -T ascii "$page8" 2>/dev/null | col -b)

# has TEXT WORD: WORD stands alone in TEXT (not as part of a longer option or name)
has() { grep -qE -- "(^|[^A-Za-z0-9_-])$2([^A-Za-z0-9_-]|$)" <<<"$1"; }

commands=$("$nk" --help | awk '/^commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }')
[ -n "$commands" ] || bad "nakodo --help lists commands"
missing=""
for c in $commands; do has "$text1" "$c" || missing="$missing $c"; done
if [ -z "$missing" ]; then ok "nakodo(1) names every command of nakodo --help"
else bad "nakodo(1) names every command of nakodo --help" "missing:$missing"; fi

# options HELP-TEXT: the long options it mentions
options() { grep -oE -- '--[a-z][a-z0-9-]*' <<<"$1" | sort -u; }
check_options() {	# check_options WHAT PAGE-TEXT PAGE-NAME HELP-TEXT
	local missing="" o
	for o in $(options "$4"); do has "$2" "$o" || missing="$missing $o"; done
	if [ -z "$missing" ]; then ok "$3 documents every option of '$1 --help'"
	else bad "$3 documents every option of '$1 --help'" "missing:$missing"; fi
}
check_options "nakodo" "$text1" "nakodo(1)" "$("$nk" --help)"
for c in $commands; do
	help=$("$nk" "$c" --help 2>&1)
	if [ "$c" = serve ]; then check_options "nakodo serve" "$text8" "nakodo-serve(8)" "$help"
	else check_options "nakodo $c" "$text1" "nakodo(1)" "$help"; fi
	# commands with subcommands: each one's own --help (nakodo case new, ...)
	for sub in $(sed -nE "s/^(usage:)? *nakodo $c ([a-z][a-z-]*).*/\2/p" <<<"$help" | sort -u); do
		sub_help=$("$nk" "$c" "$sub" --help 2>&1)
		check_options "nakodo $c $sub" "$text1" "nakodo(1)" "$sub_help"
	done
done

vars=$(grep -rhoE 'getenv\("NAKODO_[A-Z_]+"\)' "$src/src" | grep -oE 'NAKODO_[A-Z_]+' | sort -u)
missing=""
for v in $vars; do has "$text1" "$v" || missing="$missing $v"; done
what="nakodo(1) documents every NAKODO_* variable the sources read"
if [ -n "$vars" ] && [ -z "$missing" ]; then ok "$what"; else bad "$what" "missing:$missing"; fi
for s in ENVIRONMENT FILES "EXIT STATUS"; do
	if grep -q "^$s" <<<"$text1"; then ok "nakodo(1) has $s"; else bad "nakodo(1) has $s"; fi
done
for s in SIGNALS FILES "SECURITY CONSIDERATIONS"; do
	if grep -q "^$s" <<<"$text8"; then ok "nakodo-serve(8) has $s"
	else bad "nakodo-serve(8) has $s"; fi
done

echo "1..$n"
exit $((failed > 0))
