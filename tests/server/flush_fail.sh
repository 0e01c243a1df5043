#!/bin/bash
# A flush of the log that fails (issue 13), made to fail from outside: the WAL's path is
# moved away (the server keeps writing through its open descriptors) and replaced by a
# symbolic link to itself, so that the committer's open() of it fails (ELOOP). Then the
# write whose flush failed is not acknowledged (500: its answer waited for the flush with
# its connection suspended, and is resumed with the failure), /healthz says 503 with the
# reason, every later write and read of the store is refused, and a restart over the
# restored files is healthy again. One worker thread, whose store connection is open
# before the break: a thread opening its first connection afterwards would fail on
# its own, not through the flush.
set -u
. "$(dirname "$0")/lib.sh"

echo "TAP version 13"
start_server --rate 1000 --burst 1000 --threads 1
for i in 1 2 3 4 5 6; do	# for the writers after the failure
	new_case
	echo "$CASE $CT" >>"$TMP/more"
done
new_case
WAL="$TMP/srv.db-wal"
is "a figure before the failure is acknowledged" \
	"$(req sub "$CT" POST "/v1/cases/$CASE/figures" '{"amount":6000}')" 200
is "/healthz is ok before" "$(req hz "" GET /healthz) $(jq -r .status "$(last)")" "200 ok"
check "the log has a WAL file to break" test -f "$WAL"
before=$(events "$CASE" "$MT")
printf "%s\n%s\n" "$CASE" "$MT" >"$TMP/first_case"

mv "$WAL" "$TMP/wal.kept"
ln -s "$WAL" "$WAL"
is "the write whose flush failed is not acknowledged (500)" \
	"$(req sub2 "$PT" POST "/v1/cases/$CASE/figures" '{"amount":4000}') $(jq -r .type "$(last)")" \
	"500 urn:nakodo:problem:internal"
check "its answer names no file" sh -c "! grep -q 'srv.db' '$(last)'"
is "/healthz is 503, failing" "$(req hz2 "" GET /healthz) $(jq -r .status "$(last)")" "503 failing"
check "/healthz gives the reason" grep -q "flush of the log to disk failed" "$(last)"
# several writers at once, each on its own connection: none is acknowledged
pids=()
i=0
while read -r c t; do
	i=$((i + 1))
	req "par$i" "$t" POST "/v1/cases/$c/figures" '{"amount":6000}' >"$TMP/par$i" &
	pids+=($!)
done <"$TMP/more"
wait "${pids[@]}"
is "every later write is refused (500), six at once" \
	"$(for f in "$TMP"/par[1-6]; do cat "$f"; echo; done | sort -u | xargs)" 500
is "/healthz stays 503" "$(req hz3 "" GET /healthz)" 503
# a read may show what was never flushed: it is refused too, rather than shown
is "a read of the store is refused too" "$(req list "$OP" GET /v1/cases)" 500

stop_server
rm -f "$WAL"
mv "$TMP/wal.kept" "$WAL"
start_server --rate 1000 --burst 1000 --threads 1
is "after a restart over the restored files, /healthz is ok" \
	"$(req hz4 "" GET /healthz) $(jq -r .status "$(last)")" "200 ok"
check "the case acknowledged before the failure is intact" \
	test "$(events "$(sed -n 1p "$TMP/first_case")" "$(sed -n 2p "$TMP/first_case")")" -ge "$before"
echo "1..$n"
[ "$failed" -eq 0 ]
