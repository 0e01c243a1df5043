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
# WAIT (default 60 s, for a loaded machine) bounds each wait for the other side's message.
sub() {
	NAKODO_SERVER=$URL NAKODO_TOKEN=$1 timeout 120 "$NAKODO" submit "$CASE" --as "$2" \
		--key "$TMP/$2.nkey" --wait "${4:-60}" "$3" >"$TMP/$2.out" 2>"$TMP/$2.err"
}
# both DEMAND OFFER [WAIT]: both sides at once; sets CRC and PRC. With FRAMES=TAG (and
# nakodo-test), each side's frames as the relay receives them go to $TMP/frames.TAG.ROLE.
both() {
	[ -z "${FRAMES:-}" ] || rm -f "$TMP/frames.$FRAMES".*
	NAKODO_TEST_BLIND_FRAMES=${FRAMES:+$TMP/frames.$FRAMES.claimant} \
		sub "$CT" claimant "$1" "${3:-60}" &
	local c=$!
	NAKODO_TEST_BLIND_FRAMES=${FRAMES:+$TMP/frames.$FRAMES.payer} sub "$PT" payer "$2" "${3:-60}"
	PRC=$?
	wait "$c"
	CRC=$?
}
# late_claimant DELAY DEMAND OFFER: both sides at once (waiting up to 60 s), the claimant
# giving its outcome DELAY ms late (nakodo-test), so that the payer gives first and
# waits; sets CRC, PRC and GAP, the ms between their ends.
late_claimant() {
	local c cend pend
	{ NAKODO_TEST_BLIND_OUTCOME_DELAY=$1 sub "$CT" claimant "$2" 60
	  echo "$? $(( $(date +%s%N) / 1000000 ))" >"$TMP/claimant.end"; } &
	c=$!
	sub "$PT" payer "$3" 60
	echo "$? $(( $(date +%s%N) / 1000000 ))" >"$TMP/payer.end"
	wait "$c"
	read -r CRC cend <"$TMP/claimant.end"
	read -r PRC pend <"$TMP/payer.end"
	GAP=$(( cend > pend ? cend - pend : pend - cend ))
}
# altered_round HOW DEMAND OFFER: the claimant's frame altered on its way (HOW as
# NAKODO_TEST_BLIND_ALTER takes it): the round fails on both sides with nothing recorded,
# and both run again; sets CRC and PRC. Each side waits up to 20 s for a message: the
# payer ends at once on the altered one, the claimant only at its wait's end, but 3 s was
# too short for the messages before it on a loaded machine (the payer timed out first).
altered_round() {
	local before c
	before=$(events "$CASE" "$MT")
	NAKODO_TEST_BLIND_ALTER=$1 sub "$CT" claimant "$2" 20 &
	c=$!
	sub "$PT" payer "$3" 20
	PRC=$?
	wait "$c"
	CRC=$?
	check "$1: the round fails on both sides" bash -c "[ $CRC != 0 ] && [ $PRC != 0 ]"
	check "$1: the payer's error says the message did not open or was out of order" \
		grep -q 'message: .*\(does not open\|out of order\|altered\)' "$TMP/payer.err"
	is "$1: nothing is recorded" "$(events "$CASE" "$MT")" "$before"
	both "$2" "$3"
	is "$1: run again, the round completes" "$CRC $PRC" "0 0"
}
# scan_figures FIGURE...: the server's database files, its WAL and its log searched for
# each figure as decimal text, as minor units and as 8-byte little- and big-endian
# integers: two checks, that files were scanned and that none holds a figure.
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
# on PostgreSQL (NAKODO_TEST_STORE, tests/pg/cluster.sh) the store is the cluster's
# folder: its data files and its WAL
if os.environ.get("NAKODO_TEST_STORE") == "postgresql" and os.environ.get("NAKODO_TEST_PGDIR"):
    for top, _, names in os.walk(os.environ["NAKODO_TEST_PGDIR"]):
        files += [os.path.join(top, f) for f in names
                  if os.path.isfile(os.path.join(top, f)) and not f.startswith(".s.PGSQL")]
for path in files:
    data = open(path, "rb").read()
    for fig, n in needles:
        if n in data:
            print(f"{os.path.basename(path)} holds {fig} as {n!r}")
print(f"scanned {len(files)} files")
print("pg_wal among them" if any("/pg_wal/" in f for f in files) else "")
PY
	check "the database, its WAL and the server's log were scanned" \
		bash -c "grep -Eq 'scanned ([3-9]|[1-9][0-9]+) files' '$TMP/found' &&
			{ [ '${NAKODO_TEST_STORE:-sqlite}' != postgresql ] || grep -q pg_wal '$TMP/found'; }"
	check "they hold no figure in any form" bash -c "! grep -q holds '$TMP/found'"
	grep holds "$TMP/found" | head -3 | sed 's/^/# /'
}
