# Shared by the golden runners written in shell (finance, bridge and neutral run.sh): sourced,
# it gives golden_compare I NAME GOT EXPECTED UPDATE, which rewrites EXPECTED from GOT
# when UPDATE is --update, then prints TAP line I for NAME (the difference as comments
# when they differ) and counts a failure in $failed.
golden_compare() {
	if [ "$5" = --update ]; then
		cp "$3" "$4"
	fi
	if cmp -s "$3" "$4"; then
		echo "ok $1 - $2"
	else
		echo "not ok $1 - $2"
		diff -u "$4" "$3" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
}
