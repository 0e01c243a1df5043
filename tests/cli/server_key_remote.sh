#!/usr/bin/env bash
# Black-box tests of GET /v1/server-key and `nakodo server-key --server URL` (issue 15):
# public, the same key as `nakodo serve --print-key --json` and the local command print,
# and the key receipts from that server verify against. Prints TAP. Needs NAKODO (the
# binary), curl and jq.
. "$(dirname "$0")/../server/lib.sh"
export NAKODO_TEST_KDF=min
nk() { "$NAKODO" "$@" 2>"$TMP/err" </dev/null; }

nk server-key --help >"$TMP/out"
check "server-key --help shows --server" grep -q 'server-key --server URL' "$TMP/out"
nk server-key --token x
is "--token is not an option of server-key: exit 2" "$?" 2
start_server || not_ok "the server starts"
LOCAL=$(nk --db "$DB" server-key)
PRINTED=$(nk --db "$DB" serve --print-key --json | jq -r .server_key)
status=$(req key "" GET /v1/server-key)
is "GET /v1/server-key without a token: 200" "$status" 200
is "it is the key serve --print-key --json prints" "$(jq -r .server_key "$(last)")" "$PRINTED"
is "and the local command's" "$PRINTED" "$LOCAL"
is "the answer is {\"server_key\": HEX} only" "$(jq -c 'keys' "$(last)")" '["server_key"]'
REMOTE=$(env -u NAKODO_TOKEN "$NAKODO" server-key --server "$URL" 2>"$TMP/err")
is "nakodo server-key --server URL: the same key" "$REMOTE" "$LOCAL"
REMOTE=$(NAKODO_SERVER=$URL "$NAKODO" --json server-key 2>"$TMP/err" | jq -r .server_key)
is "NAKODO_SERVER, --json: the same key" "$REMOTE" "$LOCAL"
status=$(req keypost "" POST /v1/server-key '{}')
check "POST /v1/server-key is refused" test "$status" -ge 400
stop_server
env -u NAKODO_TOKEN "$NAKODO" server-key --server "$URL" >"$TMP/out" 2>"$TMP/err"
is "a server that does not answer: exit 3" "$?" 3

echo "1..$n"
[ "$failed" -eq 0 ]
