#!/bin/bash
# Black-box tests of `nakodo serve` (TAP): the access matrix (every route against no,
# malformed, other-case, operator, mediator, claimant and payer tokens), bad input and
# attacks that must change nothing, remote CLI against local output, concurrent
# submissions giving one evaluation, limits, and the leak hunt over every answer and log.
set -u
. "$(dirname "$0")/lib.sh"

echo "TAP version 13"
start_server --rate 1000 --burst 1000 --timeout 2
check "server starts and answers /healthz" test -n "$PORT"
check "operator token printed once at first start" test "$(grep -c '^operator token: [0-9a-f]\{64\}$' "$TMP/server.log")" = 1

# ---- access matrix ----
new_case; OTHER_MT=$MT; OTHER_CASE=$CASE
# route | body | expected for: none malformed other operator mediator claimant payer
matrix=(
	"GET /healthz|-|200 200 200 200 200 200 200"
	"GET /metrics|-|401 401 403 200 403 403 403"
	"POST /v1/cases|{\"rules\":$RULES}|401 401 201 201 201 403 403"
	"GET /v1/cases|-|401 401 403 200 403 403 403"
	"GET /v1/cases/overview|-|401 401 403 200 403 403 403"
	"POST /v1/cases/{id}/figures|{\"amount\":5000}|401 401 403 403 403 200 200"
	"POST /v1/cases/{id}/extensions|{\"amount\":100}|401 401 403 403 403 200 200"
	"POST /v1/cases/{id}/announcements|{\"amount\":5000}|401 401 403 403 403 409 409"
	"POST /v1/cases/{id}/package|{\"valuation\":$(jq -c . "$(dirname "$0")/../../examples/claims-1962-package-korea.json")}|401 401 403 403 403 409 400"
	"POST /v1/cases/{id}/proposals|{\"amount\":5000}|401 401 403 403 409 403 403"
	"POST /v1/cases/{id}/answers|{\"accept\":true}|401 401 403 403 403 409 409"
	"POST /v1/cases/{id}/close|{}|401 401 403 403 200 403 403"
	"POST /v1/cases/{id}/join|{\"sign\":\"0000000000000000000000000000000000000000000000000000000000000000\",\"seal\":\"0000000000000000000000000000000000000000000000000000000000000000\",\"signature\":\"00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\"}|401 401 403 403 400 400 400"
	"GET /v1/cases/{id}/brief|-|401 401 403 403 200 200 200"
	"GET /v1/cases/{id}/log|-|401 401 403 403 200 403 403"
	"GET /v1/cases/{id}/receipt|-|401 401 403 409 409 409 409"
	"POST /v1/cases/{id}/tokens/payer|{}|401 401 403 403 200 403 401"
	"DELETE /v1/cases/{id}/tokens/claimant|-|401 401 403 403 200 401 403"
	"POST /v1/cases/{id}/token/rotate|{}|401 401 403 403 200 200 200"
	"POST /v1/cases/{id}/messages|{\"envelope\":\"AAAA\"}|401 401 403 403 400 400 400"
	"GET /v1/cases/{id}/messages|-|401 401 403 403 200 200 200"
	"POST /v1/cases/{id}/deposit|{\"envelope\":\"AAAA\"}|401 401 403 403 403 400 400"
	"DELETE /v1/cases/{id}/deposit|{}|401 401 403 403 403 409 409"
	"POST /v1/cases/{id}/endorsements|{\"role\":\"neutral-1\",\"key\":\"$(printf '0%.0s' $(seq 64))\"}|401 401 403 403 403 409 409"
)
cells=0
for row in "${matrix[@]}"; do
	IFS='|' read -r route body want <<<"$row"
	method=${route%% *}; path=${route#* }
	new_case
	path=${path//\{id\}/$CASE}
	[ "$body" = "-" ] && body=""
	got=""
	for tok in "" "-" "$OTHER_MT" "$OP" "$MT" "$CT" "$PT"; do
		got="$got $(req matrix "$tok" "$method" "$path" "$body")"
		cells=$((cells + 1))
	done
	is "access: $route" "${got# }" "$want"
done
is "access matrix has 24 routes x 7 callers" "$cells" 168

# ---- bad input and attacks: each gets its status and a problem document, and changes nothing ----
new_case
before=$(events "$CASE" "$MT")
bad=(
	"malformed JSON|$CT|POST|/v1/cases/$CASE/figures|{\"amount\":|400|body"
	"duplicate key|$CT|POST|/v1/cases/$CASE/figures|{\"amount\":1,\"amount\":2}|400|body"
	"unknown key|$CT|POST|/v1/cases/$CASE/figures|{\"amount\":1,\"x\":1}|400|body"
	"party acting for the other side|$CT|POST|/v1/cases/$CASE/figures|{\"amount\":1,\"role\":\"payer\"}|400|body"
	"real where an integer belongs|$CT|POST|/v1/cases/$CASE/figures|{\"amount\":1.0}|400|amount"
	"string where an integer belongs|$CT|POST|/v1/cases/$CASE/figures|{\"amount\":\"1\"}|400|amount"
	"missing member|$CT|POST|/v1/cases/$CASE/figures|{}|400|amount"
	"rules missing a member|$OP|POST|/v1/cases|{\"rules\":{\"currency\":\"USD\",\"rounds\":3}}|400|monotone"
	"not an object|$CT|POST|/v1/cases/$CASE/figures|[1]|400|body"
	"deep nesting|$CT|POST|/v1/cases/$CASE/figures|{\"a\":$(printf '[%.0s' $(seq 40))$(printf ']%.0s' $(seq 40))}|400|body"
	"negative figure|$CT|POST|/v1/cases/$CASE/figures|{\"amount\":-5}|400|amount"
	"figure outside the range|$CT|POST|/v1/cases/$CASE/figures|{\"amount\":100000001}|400|amount"
	"unknown route|$CT|GET|/v1/nothing||404|url"
	"wrong method|$CT|PUT|/v1/cases/$CASE/figures||405|method"
	"unknown case|$CT|GET|/v1/cases/ffffffffffffffffffff/brief||403|Authorization"
	"revoked-looking token|0000000000000000000000000000000000000000000000000000000000000000|GET|/v1/cases/$CASE/brief||401|Authorization"
	"body on a GET|$CT|GET|/v1/cases/$CASE/brief|{}|400|body"
)
for row in "${bad[@]}"; do
	IFS='|' read -r what tok method path body want field <<<"$row"
	got=$(req bad "$tok" "$method" "$path" "$body")
	type=$(grep -i '^content-type' "$(last).h" | tr -d '\r' | cut -d' ' -f2)
	gotfield=$(jq -r .field "$(last)" 2>/dev/null)
	is "$what: status, problem+json, field" "$got $type $gotfield" "$want application/problem+json $field"
done
got=$(curl -s -o "$TMP/ans/ct" -w '%{http_code}' -H "Authorization: Bearer $CT" -H 'Content-Type: text/plain' \
	--data-binary '{"amount":1}' "$URL/v1/cases/$CASE/figures")
is "wrong content type is 415" "$got $(jq -r .type "$TMP/ans/ct")" "415 urn:nakodo:problem:unsupported-media-type"
head -c 70000 /dev/zero | tr '\0' ' ' >"$TMP/big"
got=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $CT" -H 'Content-Type: application/json' \
	--data-binary @"$TMP/big" "$URL/v1/cases/$CASE/figures")
is "a 70 KB body is 413" "$got" 413
# The same body chunked (no length declared, so refused only once past the limit, as its
# bytes come): the same 413 problem, read by the client (libmicrohttpd queues no answer
# while a body comes: the server closed, and curl read nothing, 000)
got=$(curl -s -o "$TMP/ans/chunked" -D "$TMP/ans/chunked.h" -w '%{http_code}' --max-time 20 \
	-H "Authorization: Bearer $CT" -H 'Content-Type: application/json' \
	-H 'Transfer-Encoding: chunked' --data-binary @"$TMP/big" "$URL/v1/cases/$CASE/figures")
is "a 70 KB chunked body is the 413 problem, read" \
	"$got $(jq -r '.type + " " + .field' "$TMP/ans/chunked")" "413 urn:nakodo:problem:too-large body"
is "its headers say the connection closes" \
	"$(grep -ci '^connection: close' "$TMP/ans/chunked.h") $(grep -ci '^x-request-id' "$TMP/ans/chunked.h")" "1 1"
head -c 20000000 /dev/zero >"$TMP/huge"
got=$(curl -s -o "$TMP/ans/chunked" -w '%{http_code}' --max-time 20 -H "Authorization: Bearer $CT" \
	-H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
	--data-binary @"$TMP/huge" "$URL/v1/cases/$CASE/figures")
is "a 20 MB chunked body is the 413 problem too" "$got $(jq -r .type "$TMP/ans/chunked")" \
	"413 urn:nakodo:problem:too-large"
# A raw client: what the server sends, byte for byte, and when. One that sends a chunk past
# the limit and stops (no last chunk) reads the answer and its end at once; one that keeps
# sending is read only so far (bounded: its sends fail well before 128 MiB, where a server
# that read the whole body to answer would take all of them) and still reads the answer.
cat >"$TMP/chunked.py" <<'PY'
import socket, sys, time
port, token, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.create_connection(("127.0.0.1", port), timeout=15)
s.sendall(("POST /v1/cases/%s/figures HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
           "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
           % (sys.argv[4], token)).encode())
chunk = b"10000\r\n" + b" " * 65536 + b"\r\n"
sent, start, stopped = 0, time.monotonic(), "no"
if mode == "stop":
    s.sendall(chunk * 2)
else:
    s.setblocking(False)
    while sent < 128 << 20 and time.monotonic() - start < 15:
        try:
            sent += s.send(chunk)
        except BlockingIOError:
            time.sleep(0.005)
        except OSError:
            stopped = "yes"
            break
    s.settimeout(15)
answer = b""
try:
    while True:
        got = s.recv(65536)
        if not got:
            break
        answer += got
except OSError:
    pass
head, _, body = answer.partition(b"\r\n\r\n")
print(head.split(b"\r\n")[0].decode(errors="replace"), "|", body.decode(errors="replace").replace(" ", ""),
      "| stopped:", stopped, "| took %d s" % (time.monotonic() - start))
PY
got=$(python3 "$TMP/chunked.py" "$PORT" "$CT" stop "$CASE")
is "a raw chunked client that stops reads the 413 problem and its end" \
	"$(echo "$got" | sed 's/"request_id":"[0-9a-f]*"/ID/; s/| took [0-9]* s//')" \
	'HTTP/1.1 413 Content Too Large | {"detail":"thebodyislongerthanthelimit","field":"body",ID,"status":413,"title":"Therequestbodyistoolarge","type":"urn:nakodo:problem:too-large"} | stopped: no '
check "... at once, not at the timeout (${got##*took })" test "${got##*took }" = "0 s"
got=$(python3 "$TMP/chunked.py" "$PORT" "$CT" flood "$CASE")
is "a raw client that keeps sending is stopped, and reads the 413 first" \
	"$(echo "$got" | cut -d'|' -f1,3)" "HTTP/1.1 413 Content Too Large | stopped: yes "
# A HEAD is told the 413 without its body, as a declared length's HEAD is.
got=$(python3 - "$PORT" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"HEAD /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10001\r\n"
          + b"a" * 0x10001 + b"\r\n0\r\n\r\n")
s.settimeout(5)
got = b""
try:
    while True:
        part = s.recv(65536)
        if not part:
            break
        got += part
except (socket.timeout, ConnectionResetError):
    pass
head, _, body = got.partition(b"\r\n\r\n")
print(head.split(b"\r\n")[0].decode(), len(body))
PY
)
is "a chunked HEAD past the limit is the 413 with no body" "$got" "HTTP/1.1 413 Content Too Large 0"
is "a chunked body within the limit is read as any other" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $CT" -H 'Content-Type: application/json' \
	   -H 'Transfer-Encoding: chunked' --data-binary '{"amount":-5}' "$URL/v1/cases/$CASE/figures")" 400
got=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $CT" "$URL/v1/cases/$CASE/$(head -c 3000 /dev/zero | tr '\0' a)")
is "a 3000-byte URL is 414" "$got" 414
got=$(curl -s -o "$TMP/ans/hdr" -w '%{http_code}' -H "X-Filler: $(head -c 20000 /dev/zero | tr '\0' a)" "$URL/healthz")
is "20 KB of headers is 431, a problem document" "$got $(jq -r '.type + " " + .field' "$TMP/ans/hdr")" \
	"431 urn:nakodo:problem:headers-too-large headers"
is "bad input changed nothing" "$(events "$CASE" "$MT")" "$before"

is "first figure accepted" "$(req sub "$CT" POST "/v1/cases/$CASE/figures" '{"amount":6000}')" 200
after=$(events "$CASE" "$MT")
is "a replayed figure is refused (409)" "$(req sub "$CT" POST "/v1/cases/$CASE/figures" '{"amount":6000}') $(jq -r .field "$(last)")" "409 round"
is "the replay changed nothing" "$(events "$CASE" "$MT")" "$after"

# slow client: a request that never finishes is cut off after the 2 s timeout (well
# before 15 s: a loaded machine's watcher may be late, one that never cuts waits 30 s)
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'POST /v1/cases HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"ru' >&3
start=$(date +%s)
timeout 30 cat <&3 >/dev/null
elapsed=$(($(date +%s) - start))
exec 3<&-
check "a slow client is disconnected after the timeout ($elapsed s)" test "$elapsed" -le 15

# keep-alive survives: two requests on one connection
got=$(curl -s -o /dev/null -o /dev/null -w '%{num_connects} ' "$URL/healthz" "$URL/healthz")
is "keep-alive: two requests, one connection" "$got" "1 0 "

# ---- revocation and reissue ----
new_case
req reissue "$MT" POST "/v1/cases/$CASE/tokens/claimant" '{}' >/dev/null
NEWCT=$(jq -r .token "$(last)")
is "the old claimant token is revoked" "$(req rv "$CT" GET "/v1/cases/$CASE/brief")" 401
is "the reissued claimant token works" "$(req rv "$NEWCT" GET "/v1/cases/$CASE/brief") $(jq -r .role "$(last)")" "200 claimant"
is "a reissued token grants nothing on another case" "$(req rv "$NEWCT" GET "/v1/cases/$OTHER_CASE/brief")" 403
# a role trades its own token for a fresh one (an invitation link opens once)
is "the claimant rotates its token" "$(req rot "$NEWCT" POST "/v1/cases/$CASE/token/rotate")" 200
ROTCT=$(jq -r .token "$(last)")
is "the rotation answers the role and a new token" "$(jq -r '.role + " " + (.revoked|tostring)' "$(last)") $([ "$ROTCT" != "$NEWCT" ] && echo new)" "claimant 1 new"
is "the rotated-out token is dead at once" "$(req rv "$NEWCT" GET "/v1/cases/$CASE/brief")" 401
is "a second rotation with it is refused" "$(req rot "$NEWCT" POST "/v1/cases/$CASE/token/rotate")" 401
is "the fresh token works" "$(req rv "$ROTCT" GET "/v1/cases/$CASE/brief") $(jq -r .role "$(last)")" "200 claimant"
is "the payer's token is untouched" "$(req rv "$PT" GET "/v1/cases/$CASE/brief")" 200
is "a rotation logs nothing" "$(req lg "$MT" GET "/v1/cases/$CASE/log" >/dev/null; jq '[.events[] | select(.type == "token")] | length' "$(last)")" 1

# ---- remote CLI: same output as local mode ----
new_case '{"currency":"USD","rounds":3,"monotone":true,"settle":"midpoint","band_bp":0,"band_amount":0,"grid":1,"hints_bp":[1000,2500],"range_low":0,"range_high":100000000,"leakage_bits":8.0,"proposals":1}'
NAKODO_SERVER=$URL NAKODO_TOKEN=$CT "$NAKODO" submit "$CASE" 400000 >"$TMP/r1" 2>&1
NAKODO_SERVER=$URL NAKODO_TOKEN=$PT "$NAKODO" submit "$CASE" --as payer - <<<"300,000.00" >>"$TMP/r1" 2>&1
is "remote submit prints as local" "$(cat "$TMP/r1")" "ok: case $CASE is open
ok: case $CASE: round 1: no deal; hint: apart (gap 10.00%–25.00% of the demand); round 2 of 3 is open"
NAKODO_SERVER=$URL NAKODO_TOKEN=$CT "$NAKODO" brief "$CASE" >"$TMP/rb"
stop_server
"$NAKODO" --db "$DB" brief "$CASE" --as claimant >"$TMP/lb"
"$NAKODO" --db "$DB" --json brief "$CASE" --as claimant >"$TMP/lbj"
"$NAKODO" --db "$DB" log "$CASE" >"$TMP/ll"
start_server --rate 1000 --burst 1000 --timeout 2
NAKODO_SERVER=$URL NAKODO_TOKEN=$CT "$NAKODO" --json brief "$CASE" >"$TMP/rbj"
NAKODO_SERVER=$URL NAKODO_TOKEN=$MT "$NAKODO" log "$CASE" >"$TMP/rl"
check "remote brief text equals local" cmp -s "$TMP/rb" "$TMP/lb"
check "remote brief --json equals local" cmp -s "$TMP/rbj" "$TMP/lbj"
check "remote log equals local" cmp -s "$TMP/rl" "$TMP/ll"
NAKODO_SERVER=$URL NAKODO_TOKEN=$MT "$NAKODO" brief "$CASE" --as claimant >"$TMP/ras" 2>&1
is "remote brief --as another role names the token's role" "$? $(cat "$TMP/ras")" \
	"2 nakodo brief: --as claimant, but the token is the mediator's
(see 'nakodo brief --help')"
NAKODO_SERVER=$URL NAKODO_TOKEN=$PT "$NAKODO" submit "$CASE" 250000 >"$TMP/r2" 2>&1
is "remote refusal: exit status 1 and the local message" "$? $(cat "$TMP/r2")" \
	"1 nakodo: amount: an offer may not fall from one round to the next (monotone concessions)"
NAKODO_SERVER=$URL NAKODO_TOKEN=$OP "$NAKODO" case list >"$TMP/rlist"
check "remote case list holds the case" grep -qx "$CASE" "$TMP/rlist"
NAKODO_SERVER=$URL "$NAKODO" case new --currency EUR --token "$OP" >"$TMP/rnew"
check "remote case new prints the id and three tokens" test "$(grep -c ' token: [0-9a-f]\{64\}$' "$TMP/rnew")" = 3

# ---- a blind package round through the API and the remote CLI ----
EX="$(dirname "$0")/../../examples"
FRAME='{"currency":"USD","components":["grant","loan"],"solution":"nash","rounds":2,"monotone":true,"hints":"none"}'
is "a package case opens from a frame" "$(req pk "$OP" POST /v1/cases "{\"package\":$FRAME}") $(jq -r .frame.solution "$(last)")" "201 nash"
PCASE=$(jq -r .case "$(last)"); PCT=$(jq -r .tokens.claimant "$(last)")
PPT=$(jq -r .tokens.payer "$(last)"); PMT=$(jq -r .tokens.mediator "$(last)")
is "rules and a frame at once are refused" "$(req pk "$OP" POST /v1/cases "{\"package\":$FRAME,\"rules\":$RULES}") $(jq -r .field "$(last)")" "400 body"
is "a frame with hints is refused by name" \
	"$(req pk "$OP" POST /v1/cases "{\"package\":${FRAME/\"none\"/\"10,25\"}}") $(jq -r .field "$(last)")" "400 hints"
KOREA=$(jq -c . "$EX/claims-1962-package-korea.json")
before=$(events "$PCASE" "$PMT")
is "a valuation in another currency: 400 currency" \
	"$(req pk "$PCT" POST "/v1/cases/$PCASE/package" "{\"valuation\":$(jq -c '.currency = "EUR"' <<<"$KOREA")}") $(jq -r .field "$(last)")" "400 currency"
is "a figure on a package case: 409" "$(req pk "$PCT" POST "/v1/cases/$PCASE/figures" '{"amount":5}')" 409
is "refused inputs append nothing" "$(events "$PCASE" "$PMT")" "$before"
is "the claimant's valuation through the API" \
	"$(req pk "$PCT" POST "/v1/cases/$PCASE/package" "{\"round\":1,\"valuation\":$KOREA}") $(jq -r '.kind, .own.party, .rounds[0].outcome' "$(last)" | tr '\n' ' ')" \
	"200 package Korea pending "
NAKODO_SERVER=$URL NAKODO_TOKEN=$PPT "$NAKODO" package submit "$PCASE" "$EX/claims-1962-package-japan.json" --round 1 >"$TMP/pk1" 2>&1
is "the payer's valuation through the remote CLI" "$?: $(cat "$TMP/pk1")" "0: ok: case $PCASE is open"
req pk "$PMT" GET "/v1/cases/$PCASE/log" >/dev/null
is "the round is evaluated once, with the package nk_package_propose finds" \
	"$(jq -c '[.events[] | select(.type == "package_round") | .body.package | .grant.amount, .loan.amount, .loan.rate, .loan.grace, .loan.maturity, .label]' "$(last)")" \
	"$("$NAKODO" --json package propose "$EX/claims-1962-package-korea.json" "$EX/claims-1962-package-japan.json" | jq -c '[.package | .grant.amount, .loan.amount, .loan.rate, .loan.grace, .loan.maturity, .label]')"
check "the log holds no reservation, party or discount" bash -c "! grep -qE '21181469761|38095475831|211,814,697|380,954,758|Korea|Japan|discount' '$(last)'"
req pk "$PMT" GET "/v1/cases/$PCASE/brief" >/dev/null
check "the mediator's briefing has the package and nothing of either valuation" \
	bash -c "jq -e '.package.package.loan and (has(\"own\") | not)' '$(last)' >/dev/null && ! grep -qE '21181469761|38095475831|Korea|Japan' '$(last)'"
req pk "$PPT" GET "/v1/cases/$PCASE/brief" >/dev/null
check "the payer's briefing has its own cost of the package, not the claimant's valuation" \
	bash -c "jq -e '.own.party == \"Japan\" and .own.value_of_package.total == 26846653083' '$(last)' >/dev/null && ! grep -qE '21181469761|Korea' '$(last)'"
NAKODO_SERVER=$URL NAKODO_TOKEN=$PCT "$NAKODO" brief "$PCASE" >"$TMP/prb"
NAKODO_SERVER=$URL NAKODO_TOKEN=$PCT "$NAKODO" --json brief "$PCASE" >"$TMP/prbj"
stop_server
"$NAKODO" --db "$DB" brief "$PCASE" --as claimant >"$TMP/plb"
"$NAKODO" --db "$DB" --json brief "$PCASE" --as claimant >"$TMP/plbj"
start_server --rate 1000 --burst 1000 --timeout 2
check "remote package briefing text equals local" cmp -s "$TMP/prb" "$TMP/plb"
check "remote package briefing --json equals local" cmp -s "$TMP/prbj" "$TMP/plbj"
NAKODO_SERVER=$URL NAKODO_TOKEN=$PCT "$NAKODO" answer "$PCASE" --as claimant accept >"$TMP/pk2" 2>&1
is "the claimant accepts through the remote CLI" "$?: $(cat "$TMP/pk2")" "0: ok: case $PCASE is open"
is "the payer accepts through the answers route" \
	"$(req pk "$PPT" POST "/v1/cases/$PCASE/answers" '{"accept":true}') $(jq -r '.state, .settled, .secrets_deleted, has("own")' "$(last)" | tr '\n' ' ')" \
	"200 settled true true false "
req pk "$PMT" GET "/v1/cases/$PCASE/log" >/dev/null
is "settled with the package, then purged" "$(jq -r '[.events[-2].type, .events[-2].body.by, .events[-1].type] | join(" ")' "$(last)")" "settled package purged"

# ---- keys on a case through the server: join signed by the CLI, checked by the server ----
printf 'server test passphrase\n' >"$TMP/pass"
for who in claimant payer; do
	NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" keygen --out "$TMP/$who.nkey" >/dev/null 2>&1
done
join() { NAKODO_PASSPHRASE_FILE="$TMP/pass" NAKODO_SERVER=$URL NAKODO_TOKEN=$1 "$NAKODO" join "$CASE" --as "$2" --key "$TMP/$3.nkey" >"$TMP/rj" 2>&1; }
join "$CT" claimant claimant
is "remote join as the claimant" "$?" 0
safety=$(sed -n 's/^safety number  //p' "$TMP/rj")
req rj "$MT" GET "/v1/cases/$CASE/brief" >/dev/null
is "the mediator's briefing shows the claimant's safety number" "$(jq -r .keys.claimant.safety_number "$(last)")" "$safety"
join "$CT" claimant payer
is "a second join for the role with another key: exit 2, its read is not the role's key's" \
	"$? $(cat "$TMP/rj")" \
	"2 nakodo: signature: the request is not signed by the claimant's registered key for this case, method and target"
join "$CT" claimant claimant
is "a second join with the role's key: exit 1, it has joined already" "$? $(cat "$TMP/rj")" \
	"1 nakodo: role: the claimant has already joined this case with a key"
join "$PT" claimant payer
is "a join as another role than the token's: exit 2, refused before it is sent" \
	"$? $(head -1 "$TMP/rj")" "2 nakodo join: --as claimant, but the token is the payer's: a join is signed for the token's role (leave --as out)"
join "$PT" payer payer
is "remote join as the payer" "$?" 0

# ---- a joined party's package valuation comes signed, like its figures ----
req pk2 "$OP" POST /v1/cases "{\"package\":$FRAME}" >/dev/null
P2=$(jq -r .case "$(last)"); P2C=$(jq -r .tokens.claimant "$(last)")
P2P=$(jq -r .tokens.payer "$(last)"); P2M=$(jq -r .tokens.mediator "$(last)")
prcli() { local tok=$1; shift; NAKODO_PASSPHRASE_FILE="$TMP/pass" NAKODO_SERVER=$URL NAKODO_TOKEN=$tok "$NAKODO" "$@"; }
prcli "$P2C" join "$P2" --as claimant --key "$TMP/claimant.nkey" >/dev/null 2>&1 &&
	prcli "$P2P" join "$P2" --as payer --key "$TMP/payer.nkey" >/dev/null 2>&1
is "both parties join the package case through the server" "$?" 0
before=$(events "$P2" "$P2M")
is "a joined party's unsigned valuation: 401 naming the signature" \
	"$(req pk2 "$P2C" POST "/v1/cases/$P2/package" "{\"valuation\":$KOREA}") $(jq -r .field "$(last)")" "401 signature"
check "the refusal names no part of the valuation" bash -c "! grep -qE '211,814,697|Korea' '$(last)'"
is "a wrong signature on a valuation: 403" "$(req pk2 "$P2C" POST "/v1/cases/$P2/package" \
	"{\"valuation\":$KOREA,\"request\":1,\"signature\":\"$(printf '0%.0s' $(seq 128))\"}") $(jq -r .field "$(last)")" "403 signature"
is "a request number without a signature: 400" "$(req pk2 "$P2C" POST "/v1/cases/$P2/package" \
	"{\"valuation\":$KOREA,\"request\":1}") $(jq -r .field "$(last)")" "400 signature"
prcli "$P2C" package submit "$P2" "$EX/claims-1962-package-korea.json" >"$TMP/pks" 2>&1
is "remote package submit without --key: exit 2, the case's own words" "$? $(cat "$TMP/pks")" \
	"2 nakodo: signature: the claimant has joined this case with a key: its requests, reads included, must be signed with it (--key FILE)"
is "refused valuations appended nothing" "$(events "$P2" "$P2M")" "$before"
prcli "$P2C" package submit "$P2" "$EX/claims-1962-package-korea.json" --as claimant --key "$TMP/claimant.nkey" >"$TMP/pks" 2>&1
is "remote package submit with --key" "$? $(cat "$TMP/pks")" "0 ok: case $P2 is open"
prcli "$P2C" --json brief "$P2" --key "$TMP/claimant.nkey" >"$TMP/pkb"
is "the package briefing through the server has both keys and the last request" \
	"$(jq -r '[(.keys | keys | join(",")), .last_request] | join(" ")' "$TMP/pkb")" "claimant,payer 1"
prcli "$P2P" package submit "$P2" "$EX/claims-1962-package-japan.json" --round 1 --key "$TMP/payer.nkey" >"$TMP/pks" 2>&1
is "the payer's signed valuation through the remote CLI" "$? $(cat "$TMP/pks")" "0 ok: case $P2 is open"
req pk2 "$P2M" GET "/v1/cases/$P2/log" >/dev/null
is "the log records the request numbers and the round, no signature" \
	"$(jq -c '[.events[] | select(.type == "package_submitted" or .type == "package_round") | .body.request // .type]' "$(last)") $(jq '[.events[] | select(.type == "package_submitted") | .body | has("signature")] | any' "$(last)")" \
	'[1,1,"package_round"] false'
prcli "$P2C" answer "$P2" accept --key "$TMP/claimant.nkey" >/dev/null 2>&1 &&
	prcli "$P2P" answer "$P2" accept --key "$TMP/payer.nkey" >"$TMP/pks" 2>&1
is "signed answers through the server settle the package case" "$? $(cat "$TMP/pks")" "0 ok: case $P2 is settled (see nakodo brief)"

# ---- sealed messages through the server: the CLI seals and signs, the server keeps ciphertext ----
MARK="QUOKKA-PLAINTEXT-5521"
rcli() { local tok=$1; shift; NAKODO_PASSPHRASE_FILE="$TMP/pass" NAKODO_SERVER=$URL NAKODO_TOKEN=$tok "$NAKODO" "$@"; }
before=$(events "$CASE" "$MT")
is "a joined party's unsigned figure: 401 naming the signature" \
	"$(req sig "$CT" POST "/v1/cases/$CASE/figures" '{"amount":500000}') $(jq -r .field "$(last)")" "401 signature"
is "a wrong signature: 403" "$(req sig "$CT" POST "/v1/cases/$CASE/figures" \
	"{\"amount\":500000,\"request\":99,\"signature\":\"$(printf '0%.0s' $(seq 128))\"}") $(jq -r .field "$(last)")" "403 signature"
is "a malformed envelope, unsigned: 401 before the body is looked into" \
	"$(req sig "$CT" POST "/v1/cases/$CASE/messages" '{"envelope":"AAAA"}')" 401
is "refused requests appended nothing" "$(events "$CASE" "$MT")" "$before"
rcli "$CT" submit "$CASE" 500000 >"$TMP/rs" 2>&1
is "remote submit without --key: exit 2, the case's own words" "$? $(cat "$TMP/rs")" \
	"2 nakodo: signature: the claimant has joined this case with a key: its requests, reads included, must be signed with it (--key FILE)"
rcli "$CT" submit "$CASE" 390000 --key "$TMP/claimant.nkey" >"$TMP/rs" 2>&1
is "remote submit with --key" "$? $(cat "$TMP/rs")" "0 ok: case $CASE is open"
printf 'Our board meets Friday. %s\n' "$MARK" | rcli "$CT" send "$CASE" --to payer --key "$TMP/claimant.nkey" >"$TMP/rsend" 2>&1
check "remote send" grep -q "^sent message 1 to the payer: [0-9]* bytes, sha256 [0-9a-f]\{64\}$" "$TMP/rsend"
printf 'Noted.\n' | rcli "$PT" send "$CASE" --to claimant --key "$TMP/payer.nkey" >/dev/null 2>&1
check "remote reply" test $? = 0
rcli "$PT" inbox "$CASE" --key "$TMP/payer.nkey" >"$TMP/rinbox" 2>&1
check "remote inbox opens the message" grep -qx "  Our board meets Friday. $MARK" "$TMP/rinbox"
NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" --db "$DB" inbox "$CASE" --key "$TMP/payer.nkey" >"$TMP/linbox" 2>&1
check "remote inbox prints as local" cmp -s "$TMP/rinbox" "$TMP/linbox"
rcli "$PT" --json inbox "$CASE" --key "$TMP/payer.nkey" >"$TMP/rinboxj" 2>&1
NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" --db "$DB" --json inbox "$CASE" --key "$TMP/payer.nkey" >"$TMP/linboxj" 2>&1
check "remote inbox --json equals local" cmp -s "$TMP/rinboxj" "$TMP/linboxj"
sreq msg "$PT" GET "/v1/cases/$CASE/messages" payer "$TMP/payer.nkey" >/dev/null
is "GET messages: the payer's one envelope, ciphertext only" "$(jq '.items | length' "$(last)") $(grep -c "$MARK" "$(last)")" "1 0"
sreq msg "$CT" GET "/v1/cases/$CASE/messages?after=x" claimant "$TMP/claimant.nkey" >/dev/null
is "a bad ?after= is 400" "$(jq -r .status "$(last)") $(jq -r .field "$(last)")" "400 after"
printf 'claimant deposit %s\n' "$MARK" | rcli "$CT" deposit "$CASE" --key "$TMP/claimant.nkey" >"$TMP/rdep" 2>&1
check "remote deposit waits" grep -q "^waiting" "$TMP/rdep"
sreq msg "$PT" GET "/v1/cases/$CASE/messages" payer "$TMP/payer.nkey" >/dev/null
is "the payer sees no deposit before the release" "$(jq '[.items[] | select(.kind == "deposit")] | length' "$(last)") $(jq .deposit.released "$(last)")" "0 false"
rcli "$CT" withdraw "$CASE" --key "$TMP/claimant.nkey" >"$TMP/rw" 2>&1
is "remote withdraw" "$? $(cat "$TMP/rw")" "0 withdrew deposit 1 from case $CASE"
printf 'claimant deposit again\n' | rcli "$CT" deposit "$CASE" --key "$TMP/claimant.nkey" >/dev/null 2>&1
printf 'payer deposit\n' | rcli "$PT" deposit "$CASE" --key "$TMP/payer.nkey" >"$TMP/rdep" 2>&1
check "the second deposit releases both" grep -q "both deposits are in and released" "$TMP/rdep"
rcli "$CT" inbox "$CASE" --key "$TMP/claimant.nkey" >"$TMP/rinbox" 2>&1
check "the claimant reads the payer's deposit" grep -qx "  payer deposit" "$TMP/rinbox"
rcli "$PT" withdraw "$CASE" --key "$TMP/payer.nkey" >"$TMP/rw" 2>&1
is "no withdrawal after the release: exit 1" "$?" 1
req msg "$MT" GET "/v1/cases/$CASE/log" >/dev/null
is "the log holds message, deposited, withdrawn, released events" \
	"$(jq '[.events[] | select(.type == "message" or .type == "deposited" or .type == "withdrawn" or .type == "released")] | length' "$(last)")" 7
head -c 65000 /dev/zero | tr '\0' a | rcli "$CT" send "$CASE" --to payer --key "$TMP/claimant.nkey" >/dev/null 2>&1
is "a 65000-byte message goes through the server" "$?" 0
check "no database file, WAL or log holds a message's text" bash -c "! cat '$TMP'/srv.db* '$TMP/server.log' | grep -aq '$MARK'"
# ---- receipts through the server: fetched by any token of the case, signed by the CLI ----
# both parties have joined: the payer's figure meets the claimant's 390000, signed
rcli "$PT" submit "$CASE" 400000 --key "$TMP/payer.nkey" >"$TMP/rs" 2>&1
check "the case settles" grep -q "settled" "$TMP/rs"
for who in OP MT; do
	is "receipt by the $who token: 200, a receipt" \
		"$(req receipt "${!who}" GET "/v1/cases/$CASE/receipt") $(head -1 "$(last)")" "200 nakodo-receipt v2"
done
# the parties have joined: their reads are signed
is "receipt by the CT token, signed: 200, a receipt" "$(sreq receipt "$CT" GET \
	"/v1/cases/$CASE/receipt" claimant "$TMP/claimant.nkey") $(head -1 "$(last)")" "200 nakodo-receipt v2"
is "receipt by the PT token, signed: 200, a receipt" "$(sreq receipt "$PT" GET \
	"/v1/cases/$CASE/receipt" payer "$TMP/payer.nkey") $(head -1 "$(last)")" "200 nakodo-receipt v2"
SKEY=$("$NAKODO" --db "$DB" server-key)
cp "$(last)" "$TMP/srv-receipt"
check "the server's receipt verifies offline" bash -c '"$0" verify "$1" --server-key "$2" >/dev/null' \
	"$NAKODO" "$TMP/srv-receipt" "$SKEY"	# its report is not TAP
check "the receipt holds no figure, only the settlement" bash -c "! grep -qE '39000000|40000000|390,000|400,000' '$TMP/srv-receipt' && grep -qx 'settlement 39500000' '$TMP/srv-receipt'"
is "another case's mediator gets no receipt" "$(req receipt "$OTHER_MT" GET "/v1/cases/$CASE/receipt")" 403
rreceipt() { NAKODO_PASSPHRASE_FILE="$TMP/pass" NAKODO_SERVER=$URL NAKODO_TOKEN=$1 "$NAKODO" receipt "$CASE" --as "$2" --out "$3" "${@:4}" >"$TMP/rr" 2>&1; }
rreceipt "$CT" claimant "$TMP/rc-receipt" --key "$TMP/claimant.nkey"
is "remote receipt signed by the claimant's key" "$?" 0
"$NAKODO" verify "$TMP/rc-receipt" --server-key "$SKEY" >"$TMP/rv" 2>&1
is "it verifies, the claimant's signature holds" "$? $(grep -c '^holds *claimant-signature' "$TMP/rv")" "0 1"
rreceipt "$PT" claimant "$TMP/rc2-receipt" --key "$TMP/payer.nkey"
is "signing as a role the token does not hold: exit 2 (--as must agree with the token)" "$?" 2
check "and writes nothing" test ! -e "$TMP/rc2-receipt"
rreceipt "$PT" payer "$TMP/rc-receipt"
is "an existing --out file is refused: exit 2" "$?" 2
new_case
is "receipt of a case that has not ended: 409" "$(req receipt "$CT" GET "/v1/cases/$CASE/receipt")" 409
rreceipt "$CT" claimant "$TMP/rc3-receipt"
is "remote receipt before the end: exit 1, nothing written" "$? $(test -e "$TMP/rc3-receipt"; echo $?)" "1 1"

# ---- concurrency: both parties at once, exactly one evaluation per round ----
ones=0
for i in $(seq 15); do
	new_case
	req c "$CT" POST "/v1/cases/$CASE/figures" '{"amount":7000}' >/dev/null &
	p1=$!
	req c "$PT" POST "/v1/cases/$CASE/figures" '{"amount":5000}' >/dev/null &
	wait $p1 $!
	req c "$MT" GET "/v1/cases/$CASE/log" >/dev/null
	[ "$(jq '[.events[] | select(.type == "round")] | length' "$(last)")" = 1 ] && ones=$((ones + 1))
done
is "15 concurrent round completions, each evaluated exactly once" "$ones" 15

# ---- rate limit ----
stop_server
start_server --rate 1 --burst 3
# the five from one curl, on one connection: five curls could take over a second on a
# loaded machine, in which the bucket refills one
codes=$(curl -s -D "$TMP/rate.h" -w '%{http_code} ' --max-time 30 -H "Authorization: Bearer $OP" \
	-o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
	"$URL/v1/cases" "$URL/v1/cases" "$URL/v1/cases" "$URL/v1/cases" "$URL/v1/cases")
is "the 4th request at once from one token is 429" "${codes% }" "200 200 200 429 429"
check "429 carries Retry-After" grep -qi '^retry-after: 1' "$TMP/rate.h"

# ---- metrics (the operator's token; its bucket refills at 1 per second here) ----
sleep 1.1
req metrics "$OP" GET /metrics >/dev/null
check "metrics: requests by route and status" grep -q 'nakodo_requests_total{method="GET",route="/v1/cases",status="429"} 2' "$(last)"
check "metrics: latency histogram" grep -q '^nakodo_request_duration_seconds_bucket{le="+Inf"}' "$(last)"
check "metrics: cases by state (read back at start)" grep -q '^nakodo_cases{state="open"} [1-9]' "$(last)"
check "metrics: commits and flushes" grep -q '^nakodo_store_flushes_total' "$(last)"
stop_server

# ---- leak hunt ----
. "$(dirname "$0")/leak.sh"

check "clean shutdown on SIGTERM" grep -q '^stopped$' "$TMP/server.log"
check "one log line per request, no figure, no token" \
	bash -c "! grep '^time=' '$TMP/server.log' | grep -qvE '^time=[^ ]+ request=[0-9a-f]{16} method=[A-Z]+ route=[^ ]+ status=[0-9]{3} ms=[0-9.]+\$'"
check "no sanitizer or valgrind report from the server" bash -c "! grep -qE 'Sanitizer|runtime error|ERROR SUMMARY: [1-9]|Invalid (read|write)' '$TMP/server.log'"
echo "1..$n"
exit $((failed > 0))
