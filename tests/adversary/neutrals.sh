#!/bin/bash
# Neutral evaluation against every role (issue 17, tool 3): the access matrix of a
# neutral's token over every route, before the impasse and during the neutrals' turn
# (a neutral reads only its own briefing and acts only with its fair figure, and only
# after the impasse); then a leak hunt with distinctive figures: a neutral's fair figure
# appears only in that neutral's own answers, a party's last figure only in its own and
# (during the turn) the neutrals', and none of them in another role's answer, the
# server's log or the database file.
set -u
. "$(dirname "$0")/../server/lib.sh"

echo "TAP version 13"
start_server --rate 1000 --burst 1000
check "server starts" test -n "$PORT"
NRULES='{"currency":"USD","rounds":1,"monotone":true,"settle":"midpoint","band_bp":0,"band_amount":0,"grid":1,"hints_bp":[],"range_low":0,"range_high":100000000,"leakage_bits":8.0,"proposals":0,"neutrals":3}'
# ncase: a neutral case; sets CASE, CT, PT, MT and N1, N2, N3.
ncase() {
	new_case "$NRULES" || return 1
	N1=$(jq -r '.tokens."neutral-1"' "$(last)"); N2=$(jq -r '.tokens."neutral-2"' "$(last)")
	N3=$(jq -r '.tokens."neutral-3"' "$(last)")
	[ "$(jq -r '.tokens."neutral-4" // "none"' "$(last)")" = none ]
}
check "a case with three neutrals issues three neutral tokens, no fourth" ncase
new_case
is "a case without neutrals issues none" "$(jq -c '.tokens | keys' "$(last)")" \
	'["claimant","mediator","payer"]'

# ---- access matrix: neutral-1's token, before the impasse | during the neutrals' turn ----
impasse() {
	req x "$CT" POST "/v1/cases/$CASE/figures" '{"amount":9000}' >/dev/null
	req x "$PT" POST "/v1/cases/$CASE/figures" '{"amount":1000}' >/dev/null
}
matrix=(
	"GET /metrics|-|403 403"
	"POST /v1/cases|{\"rules\":$RULES}|403 403"
	"GET /v1/cases|-|403 403"
	"GET /v1/cases/overview|-|403 403"
	"POST /v1/cases/{id}/figures|{\"amount\":5000}|409 200"
	"POST /v1/cases/{id}/extensions|{\"amount\":100}|403 403"
	"POST /v1/cases/{id}/proposals|{\"amount\":5000}|403 403"
	"POST /v1/cases/{id}/answers|{\"accept\":true}|403 403"
	"POST /v1/cases/{id}/close|{}|403 403"
	"GET /v1/cases/{id}/brief|-|200 200"
	"GET /v1/cases/{id}/log|-|403 403"
	"GET /v1/cases/{id}/receipt|-|403 403"
	"POST /v1/cases/{id}/tokens/payer|{}|403 403"
	"DELETE /v1/cases/{id}/tokens/neutral-2|-|403 403"
	"POST /v1/cases/{id}/token/rotate|{}|200 200"
	"POST /v1/cases/{id}/messages|{\"envelope\":\"AAAA\"}|403 403"
	"GET /v1/cases/{id}/messages|-|403 403"
	"POST /v1/cases/{id}/deposit|{\"envelope\":\"AAAA\"}|403 403"
	"DELETE /v1/cases/{id}/deposit|{}|403 403"
)
for row in "${matrix[@]}"; do
	IFS='|' read -r route body want <<<"$row"
	method=${route%% *}
	[ "$body" = "-" ] && body=""
	got=""
	for phase in before during; do
		ncase
		[ "$phase" = during ] && impasse
		path=${route#* }; path=${path//\{id\}/$CASE}
		got="$got $(req nmatrix "$N1" "$method" "$path" "$body")"
	done
	is "neutral access: $route" "${got# }" "$want"
done
# a neutral's token is for its own case only
ncase; OTHER_N1=$N1; ncase; impasse
is "another case's neutral token is refused" \
	"$(req x "$OTHER_N1" GET "/v1/cases/$CASE/brief")" 403
is "and cannot give a figure here" \
	"$(req x "$OTHER_N1" POST "/v1/cases/$CASE/figures" '{"amount":5000}')" 403
is "the mediator may reissue a neutral's token" \
	"$(req x "$MT" POST "/v1/cases/$CASE/tokens/neutral-2" '{}')" 200
is "but not make one for a neutral the case lacks" \
	"$(req x "$MT" POST "/v1/cases/$CASE/tokens/neutral-4" '{}')" 409
new_case
is "nor in a case without neutrals" \
	"$(req x "$MT" POST "/v1/cases/$CASE/tokens/neutral-1" '{}')" 409

# ---- leak hunt ----
D=73133777; O=61337111; F1=70012345; F2=65432109; F3=68888777
LEAK="$TMP/leak"; mkdir -p "$LEAK"
lreq() { req "../leak/$1" "${@:2}" >/dev/null; }	# answers go to $LEAK/NAME.N
ncase
everyone() {	# every role's briefing, each into its own name
	lreq claimant "$CT" GET "/v1/cases/$CASE/brief"; lreq payer "$PT" GET "/v1/cases/$CASE/brief"
	lreq mediator "$MT" GET "/v1/cases/$CASE/brief"; lreq mediator "$MT" GET "/v1/cases/$CASE/log"
	lreq n1 "$N1" GET "/v1/cases/$CASE/brief"; lreq n2 "$N2" GET "/v1/cases/$CASE/brief"
	lreq n3 "$N3" GET "/v1/cases/$CASE/brief"
}
lreq claimant "$CT" POST "/v1/cases/$CASE/figures" "{\"amount\":$D}"
everyone
lreq early "$N1" GET "/v1/cases/$CASE/brief"
lreq payer "$PT" POST "/v1/cases/$CASE/figures" "{\"amount\":$O}"
everyone
lreq n1 "$N1" POST "/v1/cases/$CASE/figures" "{\"amount\":$F1}"
everyone
lreq n2 "$N2" POST "/v1/cases/$CASE/figures" "{\"amount\":$F2}"
lreq n2 "$N2" POST "/v1/cases/$CASE/figures" "{\"amount\":$F2}"	# again: refused
everyone
lreq n3 "$N3" POST "/v1/cases/$CASE/figures" "{\"amount\":$F3}"
everyone
lreq mediator "$MT" GET "/v1/cases/$CASE/receipt"
lreq claimant "$CT" GET "/v1/cases/$CASE/receipt"
# the median F3 lies above the midpoint: the demand was closer, and is the settlement
is "the case settled on the demand" \
	"$(jq -c '[.state, .settlement.figure, .neutral.rule]' "$(ls -t "$LEAK"/payer.* | grep -v '\.h$' | head -1)")" \
	"[\"settled\",$D,\"demand\"]"
# where each figure may appear (by answer name); the demand is public once it settled
allowed() {	# FIGURE NAME: may NAME's answers hold FIGURE?
	case "$1:$2" in
	"$F1:n1" | "$F2:n2" | "$F3:n3") return 0 ;;
	"$O:payer" | "$O:n1" | "$O:n2" | "$O:n3" | "$D:"*) return 0 ;;
	esac
	return 1
}
leaks=0
for f in "$F1" "$F2" "$F3" "$O"; do
	for file in "$LEAK"/*; do
		name=$(basename "$file"); name=${name%%.*}
		grep -q "$f" "$file" || continue
		allowed "$f" "$name" && continue
		not_ok "figure $f leaked into $name's answer" "$(head -c 300 "$file")"
		leaks=$((leaks + 1))
	done
done
is "no figure in an answer of a role not entitled to it" "$leaks" 0
# the hunt finds what it looks for: each neutral's own answers do show its figure
check "the hunt sees neutral-1's figure in its own briefing" bash -c "grep -lq $F1 '$LEAK'/n1.*"
check "and the payer's offer in its own" bash -c "grep -lq $O '$LEAK'/payer.*"
check "a neutral shown nothing before the impasse" bash -c "! grep -q $D '$LEAK'/early.*"
check "a neutral was shown both last figures during its turn" \
	bash -c "grep -l '\"offer\": *$O' '$LEAK'/n3.* >/dev/null || grep -l '\"offer\":$O' '$LEAK'/n3.* >/dev/null"
for f in "$F1" "$F2" "$F3" "$O"; do
	check "figure $f is not in the server's log" bash -c "! grep -q $f '$TMP/server.log'"
	if [ "${NAKODO_TEST_STORE:-sqlite}" = sqlite ]; then
		check "figure $f is not in the database in clear" \
			bash -c "! grep -qa $f '$TMP/srv.db'* 2>/dev/null"
	fi
done
stop_server
echo "1..$n"
[ "$failed" -eq 0 ]
