#!/bin/bash
# Neutral evaluation against every role (issue 17, tool 3): the access matrix of a
# neutral's token over every route, before the impasse and during the neutrals' turn
# (a neutral's token, which the case's opener holds too, reads nothing and gives no
# figure until the neutral has joined with its own key; it may join and rotate); the
# mediator holding that token (from the opening, or reissued) is refused both last
# figures and the figure; then a leak hunt with distinctive figures, the neutrals joined:
# a neutral's fair figure appears only in that neutral's own answers, a party's last
# figure only in its own and (during the turn) the neutrals', and none of them in another
# role's answer (the mediator's reads with a joined neutral's token included), the
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
Z64=$(printf '0%.0s' $(seq 64)); Z128=$Z64$Z64
matrix=(
	"GET /metrics|-|403 403"
	"POST /v1/cases|{\"rules\":$RULES}|403 403"
	"GET /v1/cases|-|403 403"
	"GET /v1/cases/overview|-|403 403"
	"POST /v1/cases/{id}/figures|{\"amount\":5000}|409 409"	# unjoined: see below
	"POST /v1/cases/{id}/extensions|{\"amount\":100}|403 403"
	"POST /v1/cases/{id}/proposals|{\"amount\":5000}|403 403"
	"POST /v1/cases/{id}/answers|{\"accept\":true}|403 403"
	"POST /v1/cases/{id}/close|{}|403 403"
	"GET /v1/cases/{id}/brief|-|409 409"	# unjoined: the opener holds its token too
	"POST /v1/cases/{id}/join|{\"sign\":\"$Z64\",\"seal\":\"$Z64\",\"signature\":\"$Z128\"}|400 400"
	"GET /v1/cases/{id}/log|-|403 403"
	"GET /v1/cases/{id}/receipt|-|403 403"
	"POST /v1/cases/{id}/tokens/payer|{}|403 403"
	"DELETE /v1/cases/{id}/tokens/neutral-2|-|403 403"
	"POST /v1/cases/{id}/token/rotate|{}|200 200"
	"POST /v1/cases/{id}/messages|{\"envelope\":\"AAAA\"}|403 403"
	"GET /v1/cases/{id}/messages|-|403 403"
	"POST /v1/cases/{id}/deposit|{\"envelope\":\"AAAA\"}|403 403"
	"DELETE /v1/cases/{id}/deposit|{}|403 403"
	"POST /v1/cases/{id}/endorsements|{\"role\":\"neutral-1\",\"key\":\"$Z64\"}|403 403"
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

# ---- the mediator holding an unjoined neutral's token ----
# The case's opener is given every neutral's token, and may reissue one: until the neutral
# has joined with its own key that token alone is refused both last figures and the fair
# figure, so the mediator can neither read them nor settle the case as a neutral.
D0=73133771; O0=61337113
ncase
req x "$CT" POST "/v1/cases/$CASE/figures" "{\"amount\":$D0}" >/dev/null
req x "$PT" POST "/v1/cases/$CASE/figures" "{\"amount\":$O0}" >/dev/null
is "the mediator reissues neutral-1's token" \
	"$(req x "$MT" POST "/v1/cases/$CASE/tokens/neutral-1" '{}')" 200
HELD=$(jq -r .token "$(last)")
for tok in "$HELD" "$N2"; do
	is "an unjoined neutral's token held by the mediator is refused the last figures" \
		"$(req held "$tok" GET "/v1/cases/$CASE/brief")" 409
	is "  with field role, telling the neutral to join with its own key" \
		"$(jq -r '.field + ": " + .detail' "$(last)" |
			grep -c '^role: .*nakodo join CASE --as neutral-. --key FILE')" 1
	check "  and neither last figure is in the answer" \
		bash -c "! grep -qE '$D0|$O0' '$(last)'"
	is "  and refused the fair figure" \
		"$(req held "$tok" POST "/v1/cases/$CASE/figures" '{"amount":65000000}')" 409
	is "  with field role" "$(jq -r .field "$(last)")" role
done
# Joining with the held token and a key of its own does not help the mediator either: a
# neutral is shown the last figures, and gives its fair figure, only once both parties
# have endorsed the key it joined with (doc/security.md, "Endorsement").
printf 'adversary test passphrase\n' >"$TMP/pass"
NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" keygen --out "$TMP/m.nkey" \
	>/dev/null 2>&1
NAKODO_PASSPHRASE_FILE="$TMP/pass" NAKODO_SERVER=$URL NAKODO_TOKEN=$HELD "$NAKODO" join \
	"$CASE" --as neutral-1 --key "$TMP/m.nkey" >/dev/null 2>&1
is "the mediator joins as neutral-1 with the held token and its own key" "$?" 0
is "  its signed read is answered" \
	"$(sreq held "$HELD" GET "/v1/cases/$CASE/brief" neutral-1 "$TMP/m.nkey")" 200
check "  without either last figure, no party having endorsed its key" \
	bash -c "! grep -qE '$D0|$O0' '$(last)'"
is "  the briefing says the neutrals' turn has begun, no last_figures member" \
	"$(jq -c '[.neutral.evaluating, (.neutral | has("last_figures"))]' "$(last)")" '[true,false]'
NAKODO_PASSPHRASE_FILE="$TMP/pass" NAKODO_SERVER=$URL NAKODO_TOKEN=$HELD "$NAKODO" submit \
	"$CASE" --as neutral-1 --key "$TMP/m.nkey" 650,000.00 >"$TMP/out" 2>&1
is "  its signed fair figure is refused (exit 1)" "$?" 1
check "  naming field role and the missing endorsements" \
	grep -q 'role: .*once both parties have endorsed its key (neither has yet)' "$TMP/out"
is "  an unjoined party may not endorse it with its token alone (409)" \
	"$(req e "$CT" POST "/v1/cases/$CASE/endorsements" \
		"{\"role\":\"neutral-1\",\"key\":\"$(jq -r .sign <(NAKODO_PASSPHRASE_FILE="$TMP/pass" \
		"$NAKODO" --json pubkey "$TMP/m.nkey"))\"}")" 409
is "  an unjoined party's endorsement is refused, naming field role" "$(jq -r .field "$(last)")" role
is "  the neutral may not endorse itself (403)" \
	"$(req e "$HELD" POST "/v1/cases/$CASE/endorsements" '{"role":"neutral-1","key":"00"}')" 403
is "  nor may the mediator (403)" \
	"$(req e "$MT" POST "/v1/cases/$CASE/endorsements" '{"role":"neutral-1","key":"00"}')" 403
req x "$MT" GET "/v1/cases/$CASE/brief" >/dev/null
is "no fair figure was taken" "$(jq -r '.neutral.fair_given' "$(last)")" 0
is "the case is still the neutrals' to settle" "$(jq -r .state "$(last)")" impasse

# ---- leak hunt ----
D=73133777; O=61337111; F1=70012345; F2=65432109; F3=68888777
LEAK="$TMP/leak"; mkdir -p "$LEAK"
lreq() { req "../leak/$1" "${@:2}" >/dev/null; }	# answers go to $LEAK/NAME.N
# a joined neutral's reads are signed with its key (sreq), its figure given by the command
rcli() { local tok=$1; shift; NAKODO_PASSPHRASE_FILE="$TMP/pass" NAKODO_SERVER=$URL \
	NAKODO_TOKEN=$tok "$NAKODO" "$@"; }
nread() { sreq "../leak/n$1" "$2" GET "/v1/cases/$CASE/brief" "neutral-$1" "$TMP/n$1.nkey" \
	>/dev/null; }
nfair() { rcli "$2" submit "$CASE" --as "neutral-$1" --key "$TMP/n$1.nkey" "$3" \
	>"$LEAK/n$1.submit.$(date +%s%N)" 2>&1; }
ncase
for k in 1 2 3; do
	NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" keygen \
		--out "$TMP/n$k.nkey" >/dev/null 2>&1
	TOK=$(eval echo "\$N$k")
	rcli "$TOK" join "$CASE" --as "neutral-$k" --key "$TMP/n$k.nkey" >/dev/null 2>&1 ||
		not_ok "neutral-$k joins with its key"
done
JOINED=""	# once the parties have joined, their reads are signed too
pread() {
	if [ -n "$JOINED" ]; then
		sreq "../leak/$1" "$2" GET "/v1/cases/$CASE/brief" "$1" "$TMP/$1.nkey" >/dev/null
	else
		lreq "$1" "$2" GET "/v1/cases/$CASE/brief"
	fi
}
everyone() {	# every role's briefing, each into its own name
	pread claimant "$CT"; pread payer "$PT"
	lreq mediator "$MT" GET "/v1/cases/$CASE/brief"; lreq mediator "$MT" GET "/v1/cases/$CASE/log"
	nread 1 "$N1"; nread 2 "$N2"; nread 3 "$N3"
	# the opener holds the neutrals' tokens: unsigned, a joined neutral's token reads nothing
	lreq mediator "$N1" GET "/v1/cases/$CASE/brief"
	lreq mediator "$N3" GET "/v1/cases/$CASE/brief"
}
lreq claimant "$CT" POST "/v1/cases/$CASE/figures" "{\"amount\":$D}"
everyone
sreq ../leak/early "$N1" GET "/v1/cases/$CASE/brief" neutral-1 "$TMP/n1.nkey" >/dev/null
lreq payer "$PT" POST "/v1/cases/$CASE/figures" "{\"amount\":$O}"
everyone
check "a joined neutral is shown no figure before both parties endorse it" \
	bash -c "! grep -qE '$O|$D' '$LEAK'/n1.*"
# the parties join and endorse each neutral's key (its safety number compared)
for p in claimant payer; do
	NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" keygen \
		--out "$TMP/$p.nkey" >/dev/null 2>&1
	TOK=$CT; [ $p = payer ] && TOK=$PT
	rcli "$TOK" join "$CASE" --as $p --key "$TMP/$p.nkey" >/dev/null 2>&1 ||
		not_ok "the $p joins"
	for k in 1 2 3; do
		rcli "$TOK" endorse "$CASE" "neutral-$k" --key "$TMP/$p.nkey" --safety-number \
			"$(NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" --json pubkey "$TMP/n$k.nkey" |
			jq -r .safety_number)" >"$LEAK/$p.endorse.$k" 2>&1 || not_ok "$p endorses neutral-$k"
	done
done
JOINED=1
everyone
lreq mediator "$N1" POST "/v1/cases/$CASE/figures" "{\"amount\":$F1}"	# unsigned: refused
nfair 1 "$N1" "$(money "$F1" | tr -d ,)"
everyone
nfair 2 "$N2" "$(money "$F2" | tr -d ,)"
nfair 2 "$N2" "$(money "$F2" | tr -d ,)"	# again: refused
everyone
nfair 3 "$N3" "$(money "$F3" | tr -d ,)"
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
