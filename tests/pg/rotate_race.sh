#!/usr/bin/env bash
# A rotation racing the mediator's change of the same role's tokens, on PostgreSQL: the
# mediator's transaction (played here by psql, as nk_case_token_change does it: the
# case's row locked, the payer's tokens deleted) is open when the payer's old token asks
# to rotate, and commits a second later. The rotation must then find its token revoked
# (401) and leave the role with no token: before the rotation took the case's turn, it
# looked its token up outside it, saw the old one still there, waited on the row and
# issued itself a fresh token after the revocation, so the revoked token outlived it.
# Needs the cluster of tests/pg/cluster.sh (NAKODO_TEST_PG); NAKODO_TEST_STORE=postgresql.
set -u
. "$(dirname "$0")/../server/lib.sh"

if [ "${NAKODO_TEST_STORE:-}" != postgresql ]; then
	echo "1..1"; echo "not ok 1 - NAKODO_TEST_STORE=postgresql needed"; exit 1
fi
echo "1..4"
start_server || { not_ok "the server starts" "$(tail -5 "$TMP/server.log")"; exit 1; }
new_case || { not_ok "a case opens"; exit 1; }
ok "a case ($CASE)"

mkfifo "$TMP/sql"
psql -q -v ON_ERROR_STOP=1 "$DB" <"$TMP/sql" >"$TMP/psql.out" 2>&1 &
PSQL=$!
exec 7>"$TMP/sql"
echo "BEGIN; SELECT 1 FROM cases WHERE id = '$CASE' FOR UPDATE;" \
	"DELETE FROM tokens WHERE case_id = '$CASE' AND role = 'payer';" >&7
sleep 1
curl -s -o "$TMP/rotate.json" -w '%{http_code}' --max-time 30 -X POST \
	-H "Authorization: Bearer $PT" "$URL/v1/cases/$CASE/token/rotate" >"$TMP/rotate.code" &
CURL=$!
sleep 1
echo "COMMIT;" >&7
exec 7>&-
wait $PSQL
wait $CURL
is "the rotation of a token revoked meanwhile is refused" "$(cat "$TMP/rotate.code")" 401
left=$(psql -qtA "$DB" -c "SELECT count(*) FROM tokens WHERE case_id = '$CASE' AND role = 'payer'")
is "the payer has no token left" "$left" 0
new=$(jq -r '.token // empty' "$TMP/rotate.json")
if [ -n "$new" ]; then
	is "the token the rotation answered does not work" \
		"$(req brief "$new" GET "/v1/cases/$CASE/brief")" 401
else
	ok "no token was answered"
fi
