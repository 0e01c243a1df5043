#!/bin/bash
# Principals (issue 17, tool 5) against the real `nakodo serve`: the access matrix of a
# principal's token over every route (it may join, read its party's briefing and the
# receipt, and rotate its own token; nothing else), another case's principal, a revoked
# principal's token stopping at once, the mediator joined as a principal with the token it
# was given reading and clearing nothing without its party's endorsement, and a leak
# hunt: a party's figure reaches that
# party and its own principal only, never the other side or the other side's principal,
# and the database holds no figure in clear. Under --authority: only a principal approves,
# and a drafted figure moves nothing the mediator or the operator reads and reaches the
# drafting party and its principal only.
set -u
. "$(dirname "$0")/../server/lib.sh"

echo "TAP version 13"
start_server --rate 1000 --burst 1000
check "server starts" test -n "$PORT"
P_RULES=$(jq -c '. + {principals: true}' <<<"$RULES")
popen() { new_case "$P_RULES" && CPT=$(jq -r '.tokens["claimant-principal"]' "$(last)") &&
	  PPT=$(jq -r '.tokens["payer-principal"]' "$(last)"); }
popen; OTHER_CPT=$CPT
Z64=$(printf '0%.0s' $(seq 64)); Z128=$Z64$Z64
KOREA=$(jq -c . "$(dirname "$0")/../../examples/claims-1962-package-korea.json")
# route | body | expected for: claimant-principal payer-principal other case's principal
matrix=(
	"GET /metrics|-|403 403 403"
	"POST /v1/cases|{\"rules\":$RULES}|403 403 403"
	"GET /v1/cases|-|403 403 403"
	"GET /v1/cases/overview|-|403 403 403"
	"POST /v1/analyze|{}|403 403 403"
	"POST /v1/cases/{id}/figures|{\"amount\":5000}|403 403 403"
	"POST /v1/cases/{id}/extensions|{\"amount\":100}|403 403 403"
	"POST /v1/cases/{id}/package|{\"valuation\":$KOREA}|403 403 403"
	"POST /v1/cases/{id}/proposals|{\"amount\":5000}|403 403 403"
	"POST /v1/cases/{id}/answers|{\"accept\":true}|403 403 403"
	"POST /v1/cases/{id}/close|{}|403 403 403"
	"POST /v1/cases/{id}/join|{\"sign\":\"$Z64\",\"seal\":\"$Z64\",\"signature\":\"$Z128\"}|400 400 403"
	"GET /v1/cases/{id}/brief|-|409 409 403"	# unjoined: the opener holds its token too
	"GET /v1/cases/{id}/log|-|403 403 403"
	"GET /v1/cases/{id}/receipt|-|409 409 403"
	"POST /v1/cases/{id}/tokens/payer|{}|403 403 403"
	"DELETE /v1/cases/{id}/tokens/claimant|-|403 403 403"
	"POST /v1/cases/{id}/tokens/claimant-principal|{}|403 403 403"
	"POST /v1/cases/{id}/token/rotate|{}|200 200 403"
	"POST /v1/cases/{id}/messages|{\"envelope\":\"AAAA\"}|403 403 403"
	"GET /v1/cases/{id}/messages|-|403 403 403"
	"POST /v1/cases/{id}/deposit|{\"envelope\":\"AAAA\"}|403 403 403"
	"DELETE /v1/cases/{id}/deposit|{}|403 403 403"
	"POST /v1/cases/{id}/approve|{\"accept\":true,\"draft\":1}|409 409 403"
	"POST /v1/cases/{id}/endorsements|{\"role\":\"claimant-principal\",\"key\":\"$Z64\"}|403 403 403"
)
for row in "${matrix[@]}"; do
	IFS='|' read -r route body want <<<"$row"
	method=${route%% *}; path=${route#* }
	popen
	before=$(events "$CASE" "$MT")
	path=${path//\{id\}/$CASE}
	[ "$body" = "-" ] && body=""
	got=""
	for tok in "$CPT" "$PPT" "$OTHER_CPT"; do
		got="$got $(req matrix "$tok" "$method" "$path" "$body")"
	done
	is "principals' access: $route" "${got# }" "$want"
	after=$(events "$CASE" "$MT")
	[ "$route" = "POST /v1/cases/{id}/token/rotate" ] || is "  changed nothing in the log" "$after" "$before"
done

# ---- the principal's brief is its party's, and names it ----
popen
# Not before it has joined with its own key: its token, which the case's opener holds too,
# would otherwise show the party's figure to whoever holds it (tests/cli/principals.sh
# reads a joined principal's briefing, through the server too).
is "an unjoined principal is refused its party's briefing" \
	"$(req b "$CPT" GET "/v1/cases/$CASE/brief")" 409
is "  and told to join with its own key" \
	"$(jq -r '.field + ": " + .detail' "$(last)" | grep -c 'role: .*once it has joined')" 1
req b "$CT" GET "/v1/cases/$CASE/brief" >/dev/null
is "the claimant's own briefing names no viewer" "$(jq -r 'has("viewer")' "$(last)")" false

# ---- a revoked principal's token stops at once ----
is "the mediator revokes the payer's principal" \
	"$(req r "$MT" DELETE "/v1/cases/$CASE/tokens/payer-principal")" 200
is "  its next read is refused" "$(req b "$PPT" GET "/v1/cases/$CASE/brief")" 401
is "  and the claimant's principal's token still stands (refused for not joining, not 401)" \
	"$(req b "$CPT" GET "/v1/cases/$CASE/brief")" 409

# ---- the mediator joins as a principal with the token it was given ----
# Joined is not enough: the principal reads the party's briefing, and clears its drafts,
# only once the party has endorsed the very key it joined with (doc/security.md,
# "Endorsement"). The claimant joins and signs; the mediator joins first as its principal.
printf 'adversary test passphrase\n' >"$TMP/pass"
for k in c m cp; do
	NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" keygen \
		--out "$TMP/$k.nkey" >/dev/null 2>&1 || not_ok "keygen $k"
done
rcli() { local tok=$1; shift; NAKODO_PASSPHRASE_FILE="$TMP/pass" NAKODO_SERVER=$URL \
	NAKODO_TOKEN=$tok "$NAKODO" "$@" 2>"$TMP/err" </dev/null; }
sn() { NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" --json pubkey "$TMP/$1.nkey" |
	jq -r .safety_number; }
D3=73133779
for rules in "$P_RULES" "$(jq -c '. + {authority: true}' <<<"$P_RULES")"; do
	new_case "$rules"; CPT=$(jq -r '.tokens["claimant-principal"]' "$(last)")
	auth=$(jq -r '.authority // false' <<<"$rules")
	rcli "$CT" join "$CASE" --as claimant --key "$TMP/c.nkey" >/dev/null &&
		rcli "$CT" submit "$CASE" --key "$TMP/c.nkey" "$(money $D3 | tr -d ,)" >/dev/null
	is "(authority $auth) the claimant joins and submits" "$?" 0
	rcli "$CPT" join "$CASE" --as claimant-principal --key "$TMP/m.nkey" >"$TMP/out"
	is "  the mediator joins as the claimant-principal with its kept token" "$?" 0
	check "  the join's answer holds no figure" bash -c "! grep -q $D3 '$TMP/out'"
	n0=$(events "$CASE" "$MT")
	is "  its signed read of the briefing is refused (409)" \
		"$(sreq mb "$CPT" GET "/v1/cases/$CASE/brief" claimant-principal "$TMP/m.nkey")" 409
	is "  naming field role, the claimant's endorsement missing" \
		"$(jq -r '.field + ": " + .detail' "$(last)" | grep -c 'role: .*once the claimant has endorsed its key')" 1
	check "  and the figure is not in the answer" bash -c "! grep -q $D3 '$(last)'"
	rcli "$CPT" brief "$CASE" --key "$TMP/m.nkey" >"$TMP/out"
	is "  through the command too (exit 1)" "$?" 1
	check "  with no figure in what it printed" \
		bash -c "! grep -q -e $D3 -e '$(money $D3)' '$TMP/out' '$TMP/err'"
	if [ "$auth" = true ]; then
		rcli "$CPT" approve "$CASE" --key "$TMP/m.nkey" --draft 1 >"$TMP/out"
		is "  it may not approve the claimant's draft (exit 1)" "$?" 1
		check "  and is shown none of it" bash -c "! grep -q -e $D3 -e '$(money $D3)' '$TMP/out' '$TMP/err'"
	fi
	is "  the claimant's token alone may not endorse for it (401: the claimant signs)" \
		"$(req e "$CT" POST "/v1/cases/$CASE/endorsements" \
			"{\"role\":\"claimant-principal\",\"key\":\"$Z64\"}")" 401
	rcli "$CT" endorse "$CASE" claimant-principal --key "$TMP/c.nkey" \
		--safety-number "$(sn cp)" >/dev/null
	is "  the claimant compares with its real principal's number and will not endorse (exit 1)" \
		"$?" 1
	check "  told the joined key's number differs" \
		grep -q "safety-number: the number given is not the safety number" "$TMP/err"
	is "  nothing was written" "$(events "$CASE" "$MT")" "$n0"
	rcli "$CPT" join "$CASE" --as claimant-principal --key "$TMP/cp.nkey" >/dev/null
	rc=$?
	check "  the real principal cannot take the role over with the token (refused)" \
		test "$rc" -ne 0
	is "  and the mediator still reads nothing" \
		"$(sreq mb "$CPT" GET "/v1/cases/$CASE/brief" claimant-principal "$TMP/m.nkey")" 409
done

# ---- the leak hunt ----
D1=73133777; O1=61337111
LEAK="$TMP/leak"; mkdir -p "$LEAK"
lreq() { req "../leak/$1" "${@:2}" >/dev/null; }
lcli() { local tag=$1 tok=$2; shift 2; NAKODO_SERVER=$URL NAKODO_TOKEN=$tok "$NAKODO" "$@" >"$LEAK/$tag.cli.$(date +%s%N)" 2>&1; }
popen
lreq claimant_own "$CT" POST "/v1/cases/$CASE/figures" "{\"amount\":$D1}"
for who in claimant_own:$CPT payer_own:$PPT payer_own:$PT; do
	lreq "${who%%:*}" "${who#*:}" GET "/v1/cases/$CASE/brief"
	lcli "${who%%:*}" "${who#*:}" brief "$CASE"
	lcli "${who%%:*}" "${who#*:}" --json brief "$CASE"
done
lreq payer_own "$PT" POST "/v1/cases/$CASE/figures" "{\"amount\":$O1}"
for who in claimant_own:$CPT claimant_own:$CT payer_own:$PPT payer_own:$PT; do
	lreq "${who%%:*}" "${who#*:}" GET "/v1/cases/$CASE/brief"
	lreq "${who%%:*}" "${who#*:}" POST "/v1/cases/$CASE/figures" "{\"amount\":5}"
	lcli "${who%%:*}" "${who#*:}" brief "$CASE"
done
lreq operator "$OP" GET /metrics
lreq operator "$OP" GET /v1/cases/overview

# ---- authority: a drafted figure reaches its party and its principal only ----
A_RULES=$(jq -c '. + {principals: true, authority: true}' <<<"$RULES")
new_case "$A_RULES"; CPT=$(jq -r '.tokens["claimant-principal"]' "$(last)")
PPT=$(jq -r '.tokens["payer-principal"]' "$(last)")
for tok in CT PT MT OP; do
	is "only a principal may approve: the ${tok} token gets 403" \
		"$(req a "${!tok}" POST "/v1/cases/$CASE/approve" '{"accept":true,"draft":1}')" 403
done
D2=48151623
cases_metrics() { req m "$OP" GET /metrics >/dev/null; grep '^nakodo_cases{' "$(last)"; }
req ov "$OP" GET /v1/cases/overview >/dev/null; ov0=$(jq -c .cases "$(last)")
m0=$(cases_metrics); n0=$(events "$CASE" "$MT")
req ml "$MT" GET "/v1/cases/$CASE/log" >/dev/null; log0=$(jq -c .events "$(last)")
lreq claimant_own "$CT" POST "/v1/cases/$CASE/figures" "{\"amount\":$D2}"
is "a drafted figure moves nothing the mediator reads: its log" \
	"$(req ml "$MT" GET "/v1/cases/$CASE/log" >/dev/null; jq -c .events "$(last)")" "$log0"
req ov "$OP" GET /v1/cases/overview >/dev/null
is "  nor the operator's overview (changed_ms included)" "$(jq -c .cases "$(last)")" "$ov0"
is "  nor the cases counted by state in /metrics" "$(cases_metrics)" "$m0"
for who in claimant_own:$CT claimant_own:$CPT payer_own:$PT payer_own:$PPT mediator:$MT; do
	lreq "${who%%:*}" "${who#*:}" GET "/v1/cases/$CASE/brief"
	lcli "${who%%:*}" "${who#*:}" brief "$CASE"
done
lreq mediator "$MT" GET "/v1/cases/$CASE/log"
lreq operator "$OP" GET /metrics
lreq operator "$OP" GET /v1/cases/overview
lreq payer_own "$PPT" POST "/v1/cases/$CASE/approve" '{"accept":true,"draft":1}'
check "the claimant's principal is shown the draft" \
	bash -c "grep -qF '$(money $D2)' <(cat '$LEAK'/claimant_own.cli.*)"
lreq claimant_own "$CPT" POST "/v1/cases/$CASE/approve" '{"accept":false,"draft":1}'
is "  its principal rejects it: nothing logged" "$(events "$CASE" "$MT")" "$n0"
stop_server
cp "$TMP/server.log" "$LEAK/server.log"
is "leak hunt with principals: no figure outside its own side's answers" \
	"$(leaks_in "$LEAK" claimant:$D1 payer:$O1 claimant:$D2)" ""
check "  the claimant's figure does reach its principal, in words too" \
	bash -c "grep -qF '$(money $D1)' <(cat '$LEAK'/claimant_own.cli.*)"
db_file=${DB#sqlite:}
if [ -f "$db_file" ]; then
	check "the database holds neither figure in clear" \
		bash -c "! grep -aqE '$D1|$O1|$D2' '$db_file'"
fi
echo "1..$n"
exit $((failed > 0))
