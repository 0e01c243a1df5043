# The leak hunt (sourced by api.sh): distinctive figures are planted, a whole case runs
# through every route, and every answer (headers and body), every command output and
# every log line is searched. A party's figure may appear only in that party's own
# briefings; the settlement, once reached, anywhere.

D1=73133777; O1=61337111; EC=4128953; EP=3917461; D2=69420133; O2=70002917
S=$((D2 + (O2 - D2) / 2))
LEAK="$TMP/leak"; mkdir -p "$LEAK"
start_server --rate 1000 --burst 1000
new_case
lreq() { req "../leak/$1" "${@:2}" >/dev/null; }	# answers go to $LEAK/NAME.N
lcli() { local tag=$1 tok=$2; shift 2; NAKODO_SERVER=$URL NAKODO_TOKEN=$tok "$NAKODO" "$@" >"$LEAK/$tag.cli.$(date +%s%N)" 2>&1; }

lreq claimant_own "$CT" POST "/v1/cases/$CASE/extensions" "{\"amount\":$EC}"
lreq payer_own "$PT" POST "/v1/cases/$CASE/extensions" "{\"amount\":$EP}"
lreq claimant_own "$CT" POST "/v1/cases/$CASE/figures" "{\"amount\":$D1}"
lreq payer_own "$PT" GET "/v1/cases/$CASE/brief"
lreq mediator "$MT" GET "/v1/cases/$CASE/brief"
lreq payer_own "$PT" POST "/v1/cases/$CASE/figures" "{\"amount\":$O1}"
for who in claimant:$CT payer:$PT; do
	tok=${who#*:}; role=${who%%:*}
	ext=$EC; [ "$role" = payer ] && ext=$EP
	lreq "${role}_own" "$tok" GET "/v1/cases/$CASE/brief"
	lcli "${role}_own" "$tok" brief "$CASE"
	lcli "${role}_own" "$tok" --json brief "$CASE"
	lreq "${role}_other" "$tok" GET "/v1/cases/$CASE/log"
	lreq "${role}_own" "$tok" POST "/v1/cases/$CASE/extensions" "{\"amount\":$ext}"	# round 2's: own briefing
	lreq "${role}_other" "$tok" POST "/v1/cases/$CASE/extensions" "{\"amount\":$ext}"	# again: refused
	lreq "${role}_other" "$tok" POST "/v1/cases/$CASE/proposals" "{\"amount\":$D1}"
done
lreq mediator "$MT" GET "/v1/cases/$CASE/log"
lreq mediator "$MT" GET "/v1/cases/$CASE/brief"
lcli mediator "$MT" log "$CASE"
lcli mediator "$MT" brief "$CASE"
lreq mediator "$MT" POST "/v1/cases/$CASE/proposals" "{\"amount\":$O1}"
lreq operator "$OP" GET /metrics
lreq claimant_own "$CT" POST "/v1/cases/$CASE/figures" "{\"amount\":$D2}"
lreq payer_own "$PT" POST "/v1/cases/$CASE/figures" "{\"amount\":$O2}"
for who in claimant:$CT payer:$PT mediator:$MT; do
	tok=${who#*:}; role=${who%%:*}
	[ "$role" = mediator ] || role="${role}_own"
	lreq "$role" "$tok" GET "/v1/cases/$CASE/brief"
	lcli "$role" "$tok" brief "$CASE"
done
lreq mediator "$MT" GET "/v1/cases/$CASE/log"
lreq operator "$OP" GET /metrics
stop_server
cp "$TMP/server.log" "$LEAK/server.log"

leaks=$(leaks_in "$LEAK" claimant:$D1 claimant:$EC claimant:$D2 payer:$O1 payer:$EP payer:$O2)
is "leak hunt: no figure outside its own party's briefings ($(ls "$LEAK" | wc -l) answers, outputs and the log searched)" "$leaks" ""
check "leak hunt: the planted figures do reach their owners" grep -qF "$D1" "$LEAK"/claimant_own.*
is "leak hunt: the settlement reaches all three roles" \
	"$(cat "$LEAK"/claimant_own.* | grep -c "$(money $S)") $(cat "$LEAK"/payer_own.* | grep -c "$(money $S)") $(cat "$LEAK"/mediator.* | grep -c "$(money $S)")" \
	"2 2 2"	# the round's outcome and the settlement line of the text briefing
check "leak hunt: no token in the server's log" bash -c "! grep -qE '[0-9a-f]{64}' <(grep -v '^operator token' '$LEAK/server.log')"
