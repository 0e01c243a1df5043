#!/usr/bin/env bash
# `meson install --destdir` into a scratch folder, then what a user gets from it: the
# command runs, the man pages and the completion are where man and bash look, every
# public header is there, and a small C program builds against the installed nakodo.pc
# alone. Prints TAP. Usage: install.sh BUILD_DIR SOURCE_DIR
set -u
build=${1:?build folder} src=$(realpath "${2:?source folder}")
dir=$(mktemp -d)
log="$build/meson-logs/install-log.txt"
# meson install rewrites the log `make uninstall` reads: keep the user's own
[ -e "$log" ] && cp -p "$log" "$dir/install-log.saved"
restore() {
	if [ -e "$dir/install-log.saved" ]; then cp -p "$dir/install-log.saved" "$log"
	else rm -f "$log"; fi
	rm -rf "$dir"
}
trap restore EXIT
dest="$dir/root"
# shellcheck source=tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

out=$(meson install -C "$build" --destdir "$dest" --no-rebuild --quiet 2>&1)
check "meson install --destdir succeeds" '[ $? = 0 ]' "$out"
prefix=$(meson introspect "$build" --buildoptions |
	python3 -c 'import json, sys
print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
root="$dest$prefix"

# ---- the command ----
nk="$root/bin/nakodo"
check "bin/nakodo is installed, executable" '[ -x "$nk" ]'
out=$("$nk" --version 2>&1)
check "the installed nakodo runs (--version)" \
	'[[ "$out" =~ ^nakodo\ [0-9]+\.[0-9]+\.[0-9]+$ ]]' "$out"
out=$(cd "$dir" && "$nk" --db "mem:" loan --amount 1,000 --rate 0 --maturity 1 \
	--per-year 1 --repayment bullet --discount 10 --json 2>&1)
check "the installed nakodo computes (a small loan)" 'grep -q "\"grant_element\"" <<<"$out"' "$out"

# ---- documentation ----
check "nakodo(1) in share/man/man1" '[ -f "$root/share/man/man1/nakodo.1" ]'
check "nakodo-serve(8) in share/man/man8" '[ -f "$root/share/man/man8/nakodo-serve.8" ]'
comp=$root/share/bash-completion/completions/nakodo
check "the bash completion in share/bash-completion/completions" '[ -f "$comp" ]'
out=$(bash -c 'source "$1" && complete -p nakodo' _ "$comp" 2>&1)
check "and it registers _nakodo for nakodo" '[ "$out" = "complete -F _nakodo nakodo" ]' "$out"
if command -v man >/dev/null; then
	out=$(MANPATH="$root/share/man" man -w nakodo-serve 2>&1)
	check "man finds the installed page by name" \
		'[ "$out" = "$root/share/man/man8/nakodo-serve.8" ]' "$out"
fi

check "README and doc/ in share/doc/nakodo, where README's links point" \
	'[ -f "$root/share/doc/nakodo/README.md" ] && [ -f "$root/share/doc/nakodo/doc/api.md" ] &&
	 [ -f "$root/share/doc/nakodo/doc/img/party-briefing.png" ]'
check "the examples the README shows, in share/doc/nakodo/examples" \
	'[ -f "$root/share/doc/nakodo/examples/claims-1962.json" ]'

# ---- the library ----
missing=""
for h in "$src"/include/nakodo/*.h; do
	[ -f "$root/include/nakodo/${h##*/}" ] || missing="$missing ${h##*/}"
done
check "every public header is installed in include/nakodo" '[ -z "$missing" ]' "missing:$missing"
pc=$(find "$root" -name nakodo.pc | head -1)
check "nakodo.pc is installed" '[ -n "$pc" ]'
libdir=$(find "$root" -name 'libnakodo.*' | head -1)
check "the library is installed" '[ -n "$libdir" ]'
{
	for h in "$root"/include/nakodo/*.h; do echo "#include <nakodo/${h##*/}>"; done
	cat <<'EOF'
#include <stdio.h>

int main(void)
{
	const struct nk_currency *usd = nk_currency_find("USD");
	struct nk_error err = { 0 };
	char text[NK_MONEY_TEXT_MAX];
	int64_t amount;

	if (!usd || nk_money_parse(usd, "1,234.50", NULL, &amount, &err) != NK_OK)
		return 1;
	nk_money_format(usd, amount, 1, text);
	printf("%s\n", text);
	return 0;
}
EOF
} >"$dir/client.c"
# the .pc as installed, moved to the scratch root (--define-variable would move the
# other modules' paths too)
mkdir -p "$dir/pc" && sed "s|^prefix=.*|prefix=$root|" "$pc" >"$dir/pc/nakodo.pc"
flags=$(PKG_CONFIG_PATH="$dir/pc" pkg-config --cflags --libs nakodo 2>&1)
check "pkg-config --cflags --libs nakodo" '[ $? = 0 ] && grep -q -- "-lnakodo" <<<"$flags"' "$flags"
# shellcheck disable=SC2086 # the flags are words
out=$(${CC:-cc} -std=c17 -Wall -Werror -o "$dir/client" "$dir/client.c" $flags 2>&1)
check "a program using the public API compiles and links with those flags alone" '[ $? = 0 ]' "$out"
out=$("$dir/client" 2>&1)
check "and runs" '[ "$out" = "1,234.50" ]' "$out"
check "no include path points into the source tree" '! grep -q -- "$src" <<<"$flags"' "$flags"

echo "1..$n"
exit $((failed > 0))
