#!/usr/bin/env bash
# Black-box tests of `nakodo token reissue|revoke CASE ROLE`: on the database (the tokens a
# server on it then honours) and through a server, where a joined mediator signs.
# Prints TAP. Needs NAKODO (the binary), curl and jq.
. "$(dirname "$0")/../server/lib.sh"
export NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass"
printf 'correct horse battery staple\n' >"$TMP/pass"
nk() { "$NAKODO" "$@" 2>"$TMP/err" </dev/null; }
local_db="$TMP/local.db"

# ---- usage ----
nk token --help >"$TMP/out"
is "token --help: exit 0" "$?" 0
check "the help names both subcommands and --key" grep -q 'token revoke CASE ROLE \[--key' "$TMP/out"
nk --db "$local_db" token forget x payer
is "an unknown subcommand is bad usage" "$?" 2
nk --db "$local_db" token reissue onlycase
is "a missing ROLE is bad usage" "$?" 2
nk --db "$local_db" token reissue somecase judge
is "an unknown ROLE is bad usage" "$?" 2
check "it names the roles" grep -q "unknown role 'judge' (claimant, payer, mediator, claimant-principal, payer-principal or neutral-K)" "$TMP/err"

# ---- locally: the tokens a server on this database honours ----
CASE=$(nk --db "$local_db" case new --currency USD --range 0:1,000,000)
is "a local case is opened" "$?" 0
nk --db "$local_db" token reissue "$CASE" payer >"$TMP/out"
is "token reissue, locally: exit 0" "$?" 0
PT=$(sed -n 's/^payer token: //p' "$TMP/out")
check "it prints a new payer token" grep -qE '^payer token: [0-9a-f]{64}$' "$TMP/out"
check "none revoked before it" grep -q "^case $CASE: 0 payer tokens revoked$" "$TMP/out"
nk --db "$local_db" --json token reissue "$CASE" payer >"$TMP/out"
is "a second reissue, --json" "$(jq -r '.revoked, .role, (.token | length)' "$TMP/out" | tr '\n' ' ')" "1 payer 64 "
PT2=$(jq -r .token "$TMP/out")
nk --db "$local_db" log "$CASE" >"$TMP/out"
is "each change is a token event in the log" "$(grep -c '"change":"reissued"' "$TMP/out")" 2
check "the log holds no token" bash -c "! grep -q '$PT2' '$TMP/out'"
nk --db "$local_db" brief "$CASE" --as payer >"$TMP/out"
check "the payer's briefing tells of the reissue" grep -qi 'reissued' "$TMP/out"
nk --db "$local_db" token reissue nosuchcase payer
is "an unknown case: exit 2, nothing made" "$?" 2

DB="sqlite:$local_db"
start_server || not_ok "the server starts on the local database"
req brief1 "$PT" GET "/v1/cases/$CASE/brief" >"$TMP/code"
is "the first reissued token was revoked by the second" "$(cat "$TMP/code")" 401
req brief2 "$PT2" GET "/v1/cases/$CASE/brief" >"$TMP/code"
is "the server honours the token reissued locally" "$(cat "$TMP/code")" 200
is "as the payer's" "$(jq -r .role "$(last)")" payer

# ---- remotely, through the mediator's token ----
new_case
rt() { NAKODO_SERVER=$URL NAKODO_TOKEN=$1 "$NAKODO" "${@:2}" 2>"$TMP/err" </dev/null; }
rt "$CT" token reissue "$CASE" payer >"$TMP/out"
is "the claimant may not reissue a token: exit 2" "$?" 2
rt "$MT" token reissue "$CASE" payer >"$TMP/out"
is "the mediator reissues the payer's token remotely" "$?" 0
NEWPT=$(sed -n 's/^payer token: //p' "$TMP/out")
check "one token revoked, a new one printed" grep -q "^case $CASE: 1 payer token revoked$" "$TMP/out"
check "  and its invitation link for a browser" \
	grep -qxF "payer link: $URL/case/$CASE#token=$NEWPT" "$TMP/out"
req b "$PT" GET "/v1/cases/$CASE/brief" >"$TMP/code"
is "the old payer token is refused" "$(cat "$TMP/code")" 401
req b "$NEWPT" GET "/v1/cases/$CASE/brief" >"$TMP/code"
is "the new one works" "$(cat "$TMP/code")" 200

"$NAKODO" keygen --out "$TMP/mediator.nkey" >/dev/null 2>&1
rt "$MT" join "$CASE" --as mediator --key "$TMP/mediator.nkey" >/dev/null
is "the mediator joins with a key" "$?" 0
rt "$MT" token revoke "$CASE" claimant
is "once joined, an unsigned token change is refused: exit 2" "$?" 2
check "it asks for the signature" grep -q 'signature' "$TMP/err"
rt "$MT" --json token revoke "$CASE" claimant --key "$TMP/mediator.nkey" >"$TMP/out"
is "with --key the request is signed and taken" "$?" 0
is "the answer: one revoked, no token" "$(jq -r '.revoked, has("token")' "$TMP/out" | tr '\n' ' ')" "1 false "
req b "$CT" GET "/v1/cases/$CASE/brief" >"$TMP/code"
is "the revoked claimant token is refused" "$(cat "$TMP/code")" 401

# ---- token rotate: a role trades its own token for a fresh one ----
new_case
nk --db "$local_db" token rotate "$CASE"
is "rotate without a server is bad usage" "$?" 2
check "  it says to use a server, or a reissue" grep -q 'reissue' "$TMP/err"
rt "$PT" token rotate "$CASE" payer
is "rotate takes no ROLE (the token says it): exit 2" "$?" 2
rt "$PT" token rotate "$CASE" >"$TMP/out"
is "the payer rotates its own token" "$?" 0
ROTPT=$(sed -n 's/^payer token: //p' "$TMP/out")
check "  one revoked, a fresh one printed" grep -q "^case $CASE: 1 payer token revoked$" "$TMP/out"
req b "$PT" GET "/v1/cases/$CASE/brief" >"$TMP/code"
is "  the old token is dead at once" "$(cat "$TMP/code")" 401
req b "$ROTPT" GET "/v1/cases/$CASE/brief" >"$TMP/code"
is "  the fresh one is the payer's" "$(cat "$TMP/code") $(jq -r .role "$(last)")" "200 payer"
rt "$PT" token rotate "$CASE"
is "  the old one cannot rotate again: exit 2" "$?" 2
rt "$MT" join "$CASE" --as mediator --key "$TMP/mediator.nkey" >/dev/null
rt "$MT" token rotate "$CASE"
is "a joined mediator's unsigned rotation is refused: exit 2" "$?" 2
rt "$MT" --json token rotate "$CASE" --key "$TMP/mediator.nkey" >"$TMP/out"
is "with --key it is signed and taken" "$? $(jq -r '.role, .revoked' "$TMP/out" | tr '\n' ' ')" "0 mediator 1 "
stop_server
echo "1..$n"
exit $((failed > 0))
