# Helpers of the blind-round scripts (blind_round.sh, blind_random.sh), sourced after
# ../server/lib.sh: two party keys, a blind case both joined, and both clients at once.
printf 'blind round passphrase\n' >"$TMP/pass"
export NAKODO_PASSPHRASE_FILE="$TMP/pass"
for who in claimant payer; do
	NAKODO_TEST_KDF=min "$NAKODO" keygen --out "$TMP/$who.nkey" >/dev/null 2>&1
done

# blind_case RULES: a blind case both parties joined; sets CASE, CT, PT, MT.
blind_case() {
	new_case "$(echo "$1" | jq -c '.blind = true')" || return 1
	for r in claimant:$CT payer:$PT; do
		NAKODO_SERVER=$URL NAKODO_TOKEN=${r#*:} "$NAKODO" join "$CASE" --as "${r%%:*}" \
			--key "$TMP/${r%%:*}.nkey" >/dev/null 2>&1 || return 1
	done
	rm -f "$TMP"/*.nkey."$CASE".blind
}
# sub TOKEN ROLE AMOUNT [WAIT]: one side's submit, its output in $TMP/ROLE.out and .err.
sub() {
	NAKODO_SERVER=$URL NAKODO_TOKEN=$1 timeout 120 "$NAKODO" submit "$CASE" --as "$2" \
		--key "$TMP/$2.nkey" --wait "${4:-30}" "$3" >"$TMP/$2.out" 2>"$TMP/$2.err"
}
# both DEMAND OFFER [WAIT]: both sides at once; sets CRC and PRC.
both() {
	sub "$CT" claimant "$1" "${3:-30}" &
	local c=$!
	sub "$PT" payer "$2" "${3:-30}"
	PRC=$?
	wait "$c"
	CRC=$?
}
# scan_figures FIGURE...: the server's database files, its WAL and its log searched for
# each figure as decimal text, as minor units and as 8-byte little- and big-endian
# integers; what is found goes to $TMP/found, with the count of files scanned.
scan_figures() {
	python3 - "$TMP" "$@" >"$TMP/found" <<'PY'
import os, struct, sys
tmp = sys.argv[1]
needles = []
for t in sys.argv[2:]:
    minor = int(t.replace(".", ""))
    needles += [(t, t.encode()), (t, str(minor).encode()),
                (t, struct.pack("<q", minor)), (t, struct.pack(">q", minor))]
files = [os.path.join(tmp, f) for f in os.listdir(tmp)
         if f.startswith("srv.db") or f == "server.log"]
for path in files:
    data = open(path, "rb").read()
    for fig, n in needles:
        if n in data:
            print(f"{os.path.basename(path)} holds {fig} as {n!r}")
print(f"scanned {len(files)} files")
PY
}
