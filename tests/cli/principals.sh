#!/usr/bin/env bash
# Principals (issue 17, tool 5, its read-only part): a case opened with --principals lets
# each party have a principal (claimant-principal, payer-principal) with its own token and
# key, who reads its party's briefing as it is and may not act, send, deposit or read the
# inbox; the other side never sees that principal's key; a case without the rule has no
# principals. Locally and through a real server. Prints TAP. Needs NAKODO, curl and jq.
. "$(dirname "$0")/../server/lib.sh"
export NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass"
printf 'correct horse battery staple\n' >"$TMP/pass"
nk() { "$NAKODO" "$@" 2>"$TMP/err" </dev/null; }
db="$TMP/local.db"
lnk() { nk --db "$db" "$@"; }
for r in claimant payer mediator cp pp other; do
	"$NAKODO" keygen --out "$TMP/$r.nkey" >/dev/null 2>&1 || not_ok "keygen $r"
done
sn() { "$NAKODO" --json pubkey "$TMP/$1.nkey" 2>/dev/null | jq -r .safety_number; }

# ---- the option ----
nk case new --help >"$TMP/out"
check "case new --help names --principals" grep -q -- '--principals' "$TMP/out"

# ---- a case without the rule has no principals ----
PLAIN=$(lnk case new --currency USD --range 0:100,000)
lnk join "$PLAIN" --as claimant-principal --key "$TMP/cp.nkey" >/dev/null
is "without --principals a principal may not join (exit 2: a role the case does not have)" "$?" 2
check "  and it says the case was opened without principals" grep -q 'without principals' "$TMP/err"
lnk --json brief "$PLAIN" --as claimant >"$TMP/out"
is "  its rules carry no principals member" "$(jq -r '.rules | has("principals")' "$TMP/out")" false
lnk token reissue "$PLAIN" payer-principal >/dev/null
is "  and no principal's token can be issued (exit 2)" "$?" 2

# ---- locally ----
CASE=$(lnk case new --currency USD --range 0:100,000 --principals)
is "a case with --principals opens" "$?" 0
lnk join "$CASE" --as claimant --key "$TMP/claimant.nkey" >/dev/null &&
	lnk join "$CASE" --as payer --key "$TMP/payer.nkey" >/dev/null
is "the parties join" "$?" 0
lnk join "$CASE" --as claimant-principal --key "$TMP/cp.nkey" >"$TMP/out"
is "the claimant's principal joins with its own key" "$?" 0
lnk join "$CASE" --as payer-principal --key "$TMP/claimant.nkey" >/dev/null
is "a key registered for another role is refused (exit 1)" "$?" 1
lnk submit "$CASE" --as claimant --key "$TMP/claimant.nkey" 61,234.56 >/dev/null
is "the claimant submits" "$?" 0
# Endorsement: joined is not enough, the opener holds the principal's token too.
lnk --json brief "$CASE" --as claimant-principal --key "$TMP/cp.nkey" >"$TMP/cp.json"
is "a joined principal its party has not endorsed reads nothing (exit 1)" "$?" 1
check "  and is told to ask the claimant to endorse its key" \
	grep -q 'once the claimant has endorsed its key.*nakodo endorse' "$TMP/err"
check "  not a figure in the answer" bash -c "! grep -q 6123456 '$TMP/cp.json' '$TMP/err'"
lnk brief "$CASE" --as claimant --key "$TMP/claimant.nkey" >"$TMP/out"
check "the claimant's briefing says its principal's key is not endorsed yet" \
	grep -q 'not endorsed yet by the claimant' "$TMP/out"
lnk endorse "$CASE" claimant-principal --as claimant --key "$TMP/claimant.nkey" \
	--safety-number "$(sn other)" >/dev/null
is "an endorsement with another key's safety number is refused (exit 1)" "$?" 1
check "  naming the field" \
	grep -q "safety-number: the number given is not the safety number of the key that joined" \
	"$TMP/err"
check "  without repeating the joined key's number, to be copied unread" \
	sh -c "! grep -q '$(sn cp)' '$TMP/err'"
lnk endorse "$CASE" claimant-principal --as payer --key "$TMP/payer.nkey" \
	--safety-number "$(sn cp)" >/dev/null
is "the payer may not endorse the claimant's principal (exit 2)" "$?" 2
check "  told which keys it endorses, not that the other principal is absent" \
	grep -q "ROLE: the payer endorses its own principal's key (payer-principal) or a neutral's" \
	"$TMP/err"
lnk endorse "$CASE" claimant-principal --as claimant --safety-number "$(sn cp)" >/dev/null
is "an endorsement without the party's key is refused (exit 2)" "$?" 2
lnk endorse "$CASE" claimant-principal --as claimant --key "$TMP/claimant.nkey" \
	--safety-number "$(sn cp)" >"$TMP/out"
is "the claimant endorses its principal's key, its safety number compared" "$?" 0
check "  and is told so" grep -q "^endorsed: the claimant-principal's key" "$TMP/out"
lnk brief "$CASE" --as claimant --key "$TMP/claimant.nkey" >"$TMP/out"
check "  its briefing shows it endorsed" grep -q '^  endorsed by the claimant' "$TMP/out"
lnk endorse "$CASE" claimant-principal --as claimant --key "$TMP/claimant.nkey" \
	--safety-number "$(sn cp)" >/dev/null
is "  a second endorsement of the same key is refused (exit 1)" "$?" 1
lnk log "$CASE" >"$TMP/out"
check "the log shows the endorsement with the key" grep -q 'endorsed.*claimant-principal' "$TMP/out"
check "  and names the principal who joined in full (the actor was cut to 15 characters)" \
	grep -Eq 'claimant-principal +joined' "$TMP/out"
lnk --json brief "$CASE" --as claimant --key "$TMP/claimant.nkey" >"$TMP/out"
is "  and the claimant's JSON briefing lists it" \
	"$(jq -c .endorsements "$TMP/out")" '{"claimant":["claimant-principal"]}'
lnk --json brief "$CASE" --as claimant-principal --key "$TMP/cp.nkey" >"$TMP/cp.json"
is "the principal reads its briefing" "$?" 0
is "  as the claimant's, its viewer named" \
	"$(jq -r '.role, .viewer, .rules.principals' "$TMP/cp.json" | tr '\n' ' ')" \
	"claimant claimant-principal true "
is "  with the claimant's own figure, as the claimant sees it" \
	"$(jq -r '.rounds[0].own_figure' "$TMP/cp.json")" 6123456
lnk --json brief "$CASE" --as claimant --key "$TMP/claimant.nkey" >"$TMP/c.json"
is "  the same rounds as the claimant's own briefing" \
	"$(jq -c .rounds "$TMP/cp.json")" "$(jq -c .rounds "$TMP/c.json")"
lnk brief "$CASE" --as claimant-principal --key "$TMP/cp.nkey" >"$TMP/out"
check "  in words: whose briefing it is, read only" \
	grep -q "as claimant-principal (the claimant's briefing, read only)" "$TMP/out"
check "  and the rule, in plain words" grep -q '^principals: each party may have' "$TMP/out"
lnk --json brief "$CASE" --as payer --key "$TMP/payer.nkey" >"$TMP/p.json"
is "the payer is told the case allows principals" "$(jq -r .rules.principals "$TMP/p.json")" true
is "  but not whether the claimant's principal joined" \
	"$(jq -r '.keys | has("claimant-principal")' "$TMP/p.json")" false
check "  nor anything of the demand" bash -c "! grep -q 6123456 '$TMP/p.json'"
lnk --json brief "$CASE" --as mediator >"$TMP/m.json"
is "the mediator sees the principal's key" "$(jq -r '.keys | has("claimant-principal")' "$TMP/m.json")" true

# what a principal may not do
for act in "submit $CASE --as claimant-principal --key $TMP/cp.nkey 500" \
	   "extend $CASE --as claimant-principal --key $TMP/cp.nkey 500" \
	   "answer $CASE --as claimant-principal --key $TMP/cp.nkey accept" \
	   "withdraw $CASE --as claimant-principal --key $TMP/cp.nkey"; do
	# shellcheck disable=SC2086
	lnk $act >/dev/null
	rc=$?
	[ "$rc" != 0 ] && grep -q 'claimant-principal' "$TMP/err" && ! grep -q 6123456 "$TMP/err" &&
		ok "a principal may not: ${act%% *} (exit $rc)" ||
		not_ok "a principal may not: ${act%% *}" "rc $rc" "$(cat "$TMP/err")"
done
echo hi | "$NAKODO" --db "$db" send "$CASE" --as claimant-principal --key "$TMP/cp.nkey" \
	--to mediator >/dev/null 2>"$TMP/err"
is "a principal may not send a message (exit 2: refused before sealing)" "$?" 2
echo hi | "$NAKODO" --db "$db" send "$CASE" --as claimant --key "$TMP/claimant.nkey" \
	--to claimant-principal >/dev/null 2>"$TMP/err"
is "nor be sent one (exit 1)" "$?" 1
lnk inbox "$CASE" --as claimant-principal --key "$TMP/cp.nkey" >/dev/null
is "nor read its party's inbox, sealed to the party's key (exit 2)" "$?" 2
n_before=$(lnk --json brief "$CASE" --as mediator | jq .events)
lnk submit "$CASE" --as payer-principal 70,000 >/dev/null
is "an unjoined principal may not submit either" "$?" 1
is "  and nothing was written" "$(lnk --json brief "$CASE" --as mediator | jq .events)" "$n_before"

# ---- through a server ----
start_server || not_ok "the server starts"
P_RULES=$(jq -c '. + {principals: true}' <<<"$RULES")
new_case
is "a server case without principals has no principal tokens" \
	"$(jq -r '.tokens | has("claimant-principal")' "$(last)")" false
new_case "$P_RULES"
is "a server case with principals opens" "$?" 0
CPT=$(jq -r '.tokens["claimant-principal"]' "$(last)")
PPT=$(jq -r '.tokens["payer-principal"]' "$(last)")
is "  with one token per principal" "${#CPT} ${#PPT}" "64 64"
rt() { NAKODO_SERVER=$URL NAKODO_TOKEN=$1 "$NAKODO" "${@:2}" 2>"$TMP/err" </dev/null; }
NAKODO_SERVER=$URL NAKODO_TOKEN=$OP "$NAKODO" case new --currency USD --principals >"$TMP/out" 2>"$TMP/err"
check "nakodo case new --principals prints the principals' tokens" \
	grep -qE '^payer-principal token: [0-9a-f]{64}$' "$TMP/out"
rt "$CT" join "$CASE" --as claimant --key "$TMP/claimant.nkey" >/dev/null
rt "$PT" join "$CASE" --as payer --key "$TMP/payer.nkey" >/dev/null
rt "$CPT" join "$CASE" --as claimant-principal --key "$TMP/cp.nkey" >/dev/null
is "the claimant's principal joins through the server" "$?" 0
rt "$PPT" join "$CASE" --as payer-principal --key "$TMP/pp.nkey" >/dev/null
is "the payer's principal too" "$?" 0
rt "$CT" submit "$CASE" --key "$TMP/claimant.nkey" 61,234.56 >/dev/null
is "the claimant submits" "$?" 0
code=$(sreq p "$CPT" GET "/v1/cases/$CASE/brief" claimant-principal "$TMP/cp.nkey")
is "an unendorsed principal's briefing is refused through the server (409)" "$code" 409
is "  naming the field role" "$(jq -r .field "$(last)")" role
check "  with no figure in the answer" bash -c "! grep -q 6123456 '$(last)'"
code=$(req p "$CPT" POST "/v1/cases/$CASE/endorsements" \
	"{\"role\":\"claimant-principal\",\"key\":\"$(jq -r .sign <(rt "$CT" --json pubkey "$TMP/cp.nkey"))\"}")
is "  nor may the principal endorse itself (403)" "$code" 403
rt "$CT" endorse "$CASE" claimant-principal --key "$TMP/claimant.nkey" \
	--safety-number "$(sn cp)" >/dev/null
is "the claimant endorses its principal through the server" "$?" 0
rt "$PT" endorse "$CASE" payer-principal --key "$TMP/payer.nkey" \
	--safety-number "$(sn pp)" >/dev/null
is "the payer its own" "$?" 0
rt "$CPT" --json brief "$CASE" --as claimant-principal --key "$TMP/cp.nkey" >"$TMP/out"
is "the principal's remote briefing is the claimant's" \
	"$(jq -r '.role, .viewer, .rounds[0].own_figure' "$TMP/out" | tr '\n' ' ')" \
	"claimant claimant-principal 6123456 "
rt "$PPT" --json brief "$CASE" --key "$TMP/pp.nkey" >"$TMP/out"
check "the payer's principal sees nothing of the demand" bash -c "! grep -q 6123456 '$TMP/out'"
is "  nor the claimant's principal's key" "$(jq -r '.keys | has("claimant-principal")' "$TMP/out")" false
rt "$CPT" submit "$CASE" --as claimant-principal --key "$TMP/cp.nkey" 500 >/dev/null
is "a principal may not submit through the server" "$?" 1
for route in "POST figures {\"amount\":1}" "POST extensions {\"amount\":1}" \
	     "POST answers {\"accept\":true}" "GET messages" "POST close {}" "GET log" \
	     "DELETE deposit {}"; do
	set -- $route
	code=$(req p "$CPT" "$1" "/v1/cases/$CASE/$2" "${3:-}")
	is "  the principal's token: $1 $2 is forbidden" "$code" 403
done
code=$(req p "$CPT" POST "/v1/cases/$CASE/tokens/payer" "{}")
is "  nor may it reissue another role's token" "$code" 403
rt "$MT" token revoke "$CASE" claimant-principal >/dev/null
is "the mediator revokes the principal's token" "$?" 0
code=$(req p "$CPT" GET "/v1/cases/$CASE/brief")
is "  which stops at once" "$code" 401
rt "$MT" token reissue "$CASE" claimant-principal >"$TMP/out"
NEWCPT=$(sed -n 's/^claimant-principal token: //p' "$TMP/out")
is "  and reissues it: a new token" "${#NEWCPT}" 64
rt "$NEWCPT" --json brief "$CASE" --key "$TMP/cp.nkey" >"$TMP/out"
is "  that reads the claimant's briefing again" "$(jq -r .viewer "$TMP/out")" claimant-principal
rt "$MT" close "$CASE" >/dev/null
is "the mediator closes the case" "$?" 0
rt "$NEWCPT" receipt "$CASE" --key "$TMP/cp.nkey" --out "$TMP/receipt.txt" >"$TMP/out"
is "the principal fetches the receipt with its key (a signed read)" "$?" 0
check "  and does not sign it: a receipt names the parties and the mediator only" \
	bash -c "! grep -q 'signed here' '$TMP/out' && ! grep -q 'principal' '$TMP/receipt.txt'"
stop_server
echo "1..$n"
exit $((failed > 0))
