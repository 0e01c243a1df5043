#!/bin/bash
# The browser's libsodium is the copy tools/web_vendor/vendor.sh wrote from the pinned npm
# packages: every file under web/assets/vendor/ is listed in tools/web_vendor/SHA256SUMS,
# which vendor.sh writes, and matches its SHA-256. A hand edit of the vendored code, a
# partial re-vendoring or a file added beside it fails here, in make check.
set -euo pipefail
cd "$(dirname "$0")/../.."
sums=tools/web_vendor/SHA256SUMS
sha256sum --check --strict --quiet "$sums" ||
	{ echo "vendor_sums: the vendored files differ from $sums: run tools/web_vendor/vendor.sh" >&2; exit 1; }
listed=$(awk '{ print $2 }' "$sums" | LC_ALL=C sort)
present=$(find web/assets/vendor -type f | LC_ALL=C sort)
if [ "$listed" != "$present" ]; then
	echo "vendor_sums: files under web/assets/vendor that $sums does not list, or the reverse:" >&2
	diff <(echo "$listed") <(echo "$present") >&2 || true
	exit 1
fi
echo "vendor_sums: $(echo "$listed" | wc -l) vendored files match $sums"
