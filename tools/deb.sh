#!/bin/sh
# `make deb`: builds the Debian packages from a copy of the working tree (so that
# dpkg-buildpackage writes neither into the tree nor beside it), lists and lints them,
# then unpacks nakodo's .deb into a scratch root and runs the command from there.
# Usage: tools/deb.sh OUTDIR. Run as root, it first installs what the build lacks.
set -eu
out=$(realpath -m "${1:?output folder}")
cd "$(dirname "$0")/.."

need=""
for p in dpkg-buildpackage:dpkg-dev dh:debhelper; do
	command -v "${p%%:*}" >/dev/null 2>&1 || need="$need ${p##*:}"
done
# the build dependencies debian/control names (test-only ones left out: nocheck), each
# as the first of its alternatives, without its version
missing=$(dpkg-checkbuilddeps -Pnocheck 2>&1 | sed -n 's/.*Unmet build dependencies: //p' |
	sed -E 's/\([^)]*\)//g; s/\|[^ ]*//g; s/ +/ /g') || true
command -v dpkg-checkbuilddeps >/dev/null 2>&1 || missing=""
need="$need $missing"
if [ -n "$(echo $need)" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "installing:$need"
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
		# dpkg-checkbuilddeps may only now exist: ask it again
		missing=$(dpkg-checkbuilddeps -Pnocheck 2>&1 | sed -n 's/.*Unmet build dependencies: //p' |
			sed -E 's/\([^)]*\)//g; s/\|[^ ]*//g; s/ +/ /g') || true
		[ -z "$(echo $missing)" ] ||
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
	else
		echo "missing for the package build; install them with:"
		echo "  sudo apt-get install -y$need"
		exit 1
	fi
fi

version=$(dpkg-parsechangelog -S Version)
rm -rf "$out"
mkdir -p "$out/nakodo-$version"
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -co --exclude-standard -z | tar --null -T - -cf - |
		tar -xf - -C "$out/nakodo-$version"
else
	tar --exclude='./build*' --exclude='./.git' -cf - . | tar -xf - -C "$out/nakodo-$version"
fi
start=$(date +%s)
(cd "$out/nakodo-$version" &&
	DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" dpkg-buildpackage -us -uc -b -Pnocheck \
		>"../build.log" 2>&1) ||
	{ tail -40 "$out/build.log"; echo "deb: the build failed ($out/build.log)"; exit 1; }
echo "built in $(($(date +%s) - start)) s:"
ls "$out"/*.deb

# what each package holds, checked for the files a user needs
deb=$(ls "$out"/nakodo_*.deb) dev=$(ls "$out"/libnakodo-dev_*.deb)
dpkg-deb -c "$deb" >"$out/nakodo.contents"
dpkg-deb -c "$dev" >"$out/libnakodo-dev.contents"
fail=0
for f in ./usr/bin/nakodo ./usr/share/man/man1/nakodo.1.gz ./usr/share/man/man8/nakodo-serve.8.gz \
	./usr/share/bash-completion/completions/nakodo ./lib/systemd/system/nakodo.service \
	./etc/default/nakodo ./usr/share/doc/nakodo/README.md ./usr/share/doc/nakodo/doc/api.md \
	./usr/share/doc/nakodo/copyright; do
	grep -q " $f\$" "$out/nakodo.contents" || { echo "deb: nakodo lacks $f"; fail=1; }
done
for f in ./usr/include/nakodo/case.h ./usr/lib/.*/libnakodo.a ./usr/lib/.*/pkgconfig/nakodo.pc; do
	grep -q " $f\$" "$out/libnakodo-dev.contents" || { echo "deb: libnakodo-dev lacks $f"; fail=1; }
done
if command -v lintian >/dev/null 2>&1; then
	# errors fail the build; warnings are printed for whoever reads them
	lintian --fail-on error "$out"/*.changes || fail=1
else
	echo "deb: lintian is not installed; not linted"
fi

# unpacked, not installed (no user is made, no service registered): does it run?
root="$out/root"
dpkg-deb -x "$deb" "$root"
v=$("$root/usr/bin/nakodo" --version) || fail=1
[ "$v" = "nakodo ${version%%-*}" ] || { echo "deb: the unpacked nakodo says '$v'"; fail=1; }
(cd "$out" && "$root/usr/bin/nakodo" demo >"$out/demo.txt" 2>&1) ||
	{ echo "deb: the unpacked nakodo's demo failed ($out/demo.txt)"; fail=1; }
[ $fail = 0 ] && echo "deb: $(basename "$deb") and $(basename "$dev") hold what they should;" \
	"the unpacked command runs"
exit $fail
