#!/usr/bin/env bash
# Native TLS: `nakodo serve --tls-cert --tls-key` with a certificate this test makes
# (openssl: a private CA and a server certificate for 127.0.0.1), and the remote command
# checking it: through --cacert or NAKODO_CACERT it works; without the CA, with another
# CA, or with a certificate for another name it refuses and sends nothing. Bad TLS
# options are refused before anything is opened. Prints TAP. Needs NAKODO (the binary).
set -u
# TAP helpers, $TMP, and stop_server for the server started into SERVER_PID
# shellcheck source=../server/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../server/lib.sh"
nk=$NAKODO dir=$TMP
# holds DESCRIPTION EXPRESSION [DETAIL]: EXPRESSION evaluated by the shell
holds() { if eval "$2"; then ok "$1"; else not_ok "$1" "${3:-}"; fi; }
# expect STATUS DESCRIPTION -- COMMAND...: keeps stdout in $out and stderr in $err
expect() {
	local want=$1 what=$2; shift 3
	out=$("$@" 2>"$dir/err" </dev/null); local got=$?
	err=$(cat "$dir/err")
	if [ "$got" = "$want" ]; then ok "$what"
	else not_ok "$what" "exit $got, wanted $want" "stderr: $err"; fi
}
if ! command -v openssl >/dev/null || ! command -v curl >/dev/null; then
	not_ok "openssl and curl are installed (make deps installs them)"
	echo "1..$n"; exit 1
fi

# ---- certificates: a private CA, a server certificate for 127.0.0.1 and localhost,
# another for a name that is not this server's, and an unrelated CA ----
ssl() { openssl "$@" >>"$dir/openssl.log" 2>&1; }
mkcert() {	# mkcert NAME CA SUBJECT_ALT_NAMES
	ssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/$1.key" \
		-subj "/CN=$1" -out "$dir/$1.csr" &&
	printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$3" >"$dir/$1.ext" &&
	ssl x509 -req -in "$dir/$1.csr" -CA "$dir/$2.pem" -CAkey "$dir/$2.key" -CAcreateserial \
		-days 2 -extfile "$dir/$1.ext" -out "$dir/$1.pem"
}
for ca in ca other-ca; do
	ssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/$ca.key" \
		-subj "/CN=nakodo test $ca" -days 2 -out "$dir/$ca.pem"
done
mkcert server ca "IP:127.0.0.1,DNS:localhost"
mkcert elsewhere ca "DNS:nakodo.example"
chmod 600 "$dir"/*.key
holds "the test's certificates are made" '[ -s "$dir/server.pem" ] && [ -s "$dir/elsewhere.pem" ]' \
	"$(tail -5 "$dir/openssl.log")"

db="sqlite:$dir/srv.db"
# serve CERT KEY: starts the server with TLS on a free port; sets port and log
serve() {
	: >"$dir/serve.log"
	"$nk" --db "$db" serve --listen 127.0.0.1:0 --tls-cert "$dir/$1" --tls-key "$dir/$2" \
		2>>"$dir/serve.log" &
	SERVER_PID=$!
	for _ in $(seq 200); do
		grep -q '^listening on' "$dir/serve.log" && break
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	port=$(sed -n 's|^listening on https://127.0.0.1:\([0-9]*\)$|\1|p' "$dir/serve.log")
	[ -n "${op:-}" ] || op=$(sed -n 's/^operator token: //p' "$dir/serve.log")
}

serve server.pem server.key
holds "serve --tls-cert --tls-key listens, saying https://" '[ -n "$port" ]' \
	"$(grep -v token "$dir/serve.log")"
url="https://127.0.0.1:$port"
got=$(curl -s --max-time 5 --cacert "$dir/ca.pem" "$url/healthz")
holds "curl with the CA reads /healthz over TLS" 'grep -q "\"status\"" <<<"$got"' "$got"
got=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")
holds "plain HTTP to the TLS port gets no answer" '[ "$got" != 200 ]' "$got"
got=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' --tls-max 1.1 --cacert "$dir/ca.pem" \
	"$url/healthz")
holds "TLS 1.1 and older are refused" '[ "$got" = 000 ]' "$got"

expect 0 "case new through https with --cacert" -- \
	"$nk" --cacert "$dir/ca.pem" case new --currency USD --server "$url" --token "$op"
case1=$(head -1 <<<"$out")
holds "it prints the new case's id" '[[ "$case1" =~ ^[0-9a-f]{20}$ ]]' "$out"
expect 0 "case list through https with NAKODO_CACERT" -- \
	env NAKODO_CACERT="$dir/ca.pem" "$nk" case list --server "$url" --token "$op"
holds "it lists the case" 'grep -q "$case1" <<<"$out"' "$out"
expect 0 "--cacert=FILE after the command" -- \
	"$nk" case list --server "$url" --token "$op" "--cacert=$dir/ca.pem"

# the command checks the certificate: each of these is refused, and opens no case
expect 3 "without the private CA (the system's CAs) the server is refused" -- \
	"$nk" case new --currency USD --server "$url" --token "$op"
holds "the error says the certificate" 'grep -qi "certificate" <<<"$err"' "$err"
holds "and names no token" '! grep -q "$op" <<<"$err"' "$err"
expect 3 "with another CA the server is refused" -- \
	"$nk" --cacert "$dir/other-ca.pem" case new --currency USD --server "$url" --token "$op"
expect 2 "a missing --cacert file is refused" -- \
	"$nk" --cacert "$dir/none.pem" case new --currency USD --server "$url" --token "$op"
expect 2 "--cacert without a FILE is bad usage" -- "$nk" case list --cacert
expect 0 "case list with the CA" -- \
	"$nk" --cacert "$dir/ca.pem" case list --server "$url" --token "$op"
holds "none of the refused requests opened a case" '[ "$(wc -l <<<"$out")" = 1 ]' "$out"
stop_server

serve elsewhere.pem elsewhere.key
holds "the server starts with a certificate for another name" '[ -n "$port" ]'
expect 3 "a certificate for another name is refused, even from the right CA" -- \
	"$nk" --cacert "$dir/ca.pem" case list --server "https://127.0.0.1:$port" --token "$op"
stop_server

# ---- bad TLS options: refused before the store is opened ----
bad_serve() {	# bad_serve STATUS DESCRIPTION FIELD OPTIONS...
	local status=$1 what=$2 field=$3
	shift 3
	expect "$status" "$what" -- \
		"$nk" --db "sqlite:$dir/none.db" --json serve --listen 127.0.0.1:0 "$@"
	holds "  ... naming $field" 'grep -q "\"field\": \"$field\"" <<<"$out"' "$out"
}
bad_serve 2 "--tls-cert without --tls-key" tls-key --tls-cert "$dir/server.pem"
bad_serve 2 "--tls-key without --tls-cert" tls-cert --tls-key "$dir/server.key"
bad_serve 2 "certificate and key swapped" tls-cert \
	--tls-cert "$dir/server.key" --tls-key "$dir/server.pem"
bad_serve 2 "a missing certificate file" tls-cert \
	--tls-cert "$dir/none.pem" --tls-key "$dir/server.key"
cp "$dir/server.key" "$dir/open.key" && chmod 644 "$dir/open.key"
bad_serve 2 "a private key other users may read" tls-key \
	--tls-cert "$dir/server.pem" --tls-key "$dir/open.key"
holds "  ... and its text says so" 'grep -q "other users may read" <<<"$out"' "$out"
holds "none of these made a database" '[ ! -e "$dir/none.db" ]'
bad_serve 2 "a key that is not the certificate's" listen --tls-cert "$dir/server.pem" \
	--tls-key "$dir/elsewhere.key"

echo "1..$n"
exit $((failed > 0))
