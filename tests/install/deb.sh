#!/usr/bin/env bash
# The Debian packages (tools/deb.sh, as `make deb` runs it): built with dpkg-buildpackage
# from a copy of the tree, their contents checked, linted when lintian is there, and the
# command run from nakodo's .deb unpacked into a scratch root. Prints TAP.
# Usage: deb.sh SOURCE_DIR OUTPUT_DIR
set -u
src=${1:?source folder} out=${2:?output folder}
if out_text=$("$src/tools/deb.sh" "$out" 2>&1); then
	echo "ok 1 - the .deb builds, holds what it should, lints and runs unpacked"
else
	echo "not ok 1 - the .deb builds, holds what it should, lints and runs unpacked"
fi
sed 's/^/# /' <<<"$out_text"
echo "1..1"
