#!/bin/sh
# Copies the browser's libsodium from the npm registry into web/assets/vendor/libsodium/,
# pinned by package-lock.json. Run it by hand after changing the pinned version and
# commit the result: the C build and `make check` use the committed copy, never npm.
#
#   tools/web_vendor/vendor.sh   (needs npm and the registry; writes nothing else but
#                                 tools/web_vendor/SHA256SUMS, the files' hashes)
#
# The sumo build is the one with every primitive the CLI uses (Ed25519, X25519 sealed
# boxes, Argon2id, XChaCha20-Poly1305, BLAKE2b, SHA-256/512); its WebAssembly is inlined
# in the module, so the pages load it with 'wasm-unsafe-eval' and nothing else.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../web/assets/vendor/libsodium"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)

w="$work/node_modules/libsodium-wrappers-sumo"
s="$work/node_modules/libsodium-sumo"
mkdir -p "$out"
# The wrappers import the bare name "libsodium-sumo", which a browser cannot resolve
# without an import map (an inline script, which the pages' CSP forbids): point it at
# the file beside it.
sed 's|from"libsodium-sumo"|from"./libsodium-sumo.mjs"|' \
	"$w/dist/modules-sumo-esm/libsodium-wrappers.mjs" >"$out/libsodium-wrappers.mjs"
grep -q 'from"./libsodium-sumo.mjs"' "$out/libsodium-wrappers.mjs" ||
	{ echo "vendor.sh: the wrappers' import of libsodium-sumo was not found" >&2; exit 1; }
cp "$s/dist/modules-sumo-esm/libsodium-sumo.mjs" "$out/libsodium-sumo.mjs"
cp "$w/LICENSE" "$out/LICENSE"
{
	echo "libsodium-wrappers-sumo $(node -p "require('$w/package.json').version")"
	echo "libsodium-sumo $(node -p "require('$s/package.json').version")"
	echo "from the npm registry by tools/web_vendor/vendor.sh, pinned by its package-lock.json"
} >"$out/VERSION"
cmp -s "$w/LICENSE" "$s/LICENSE" || cp "$s/LICENSE" "$out/LICENSE.libsodium-sumo"
# The SHA-256 of every file vendored, which tests/web/vendor_sums.sh (meson test
# web_vendor, in make check) checks the committed copy against: a hand edit, a partial
# re-vendoring or a stray file fails it. Commit it with the files.
(cd "$here/../.." && find web/assets/vendor/libsodium -type f | LC_ALL=C sort |
	xargs sha256sum) >"$here/SHA256SUMS"
echo "vendored into $out:"
cat "$out/VERSION"
