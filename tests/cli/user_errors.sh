#!/usr/bin/env bash
# What new users of the command met when something went wrong, each in their terms: a
# damaged case no longer hides the others in `case list`; a server that is not there, or
# speaks no TLS, is named with what to check; a 429 says when to retry; a token is named
# by what the user gave it with (--token, NAKODO_TOKEN), never the HTTP header, and a
# role's refusal says which role may; the same failure exits with the same status locally
# and through a server (README's table). No message holds a token.
# Prints TAP. Needs NAKODO, curl, jq and sqlite3.
. "$(dirname "$0")/edges_lib.sh"
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 is not installed"; exit 0; }

# ---- case list with a damaged case ----
L="$TMP/local.db"
A=$("$NAKODO" --db "$L" case new --currency USD --title first 2>/dev/null)
B=$("$NAKODO" --db "$L" case new --currency USD --title second 2>/dev/null)
C=$("$NAKODO" --db "$L" case new --currency EUR --title third 2>/dev/null)
run 0 "case list of three sound cases" "$NAKODO" --db "$L" case list
# one case's opening changed behind nakodo's back: its chain no longer holds
sqlite3 "$L" "UPDATE events SET body = replace(body, '\"USD\"', '\"JPY\"') WHERE case_id = '$B' AND seq = 1"
run 3 "case list with one case changed in the database" "$NAKODO" --db "$L" case list
has "  still lists the first case" "^$A  figures  open" "$TMP/out"
has "  and the third" "^$C  figures  open" "$TMP/out"
has "  marks the changed one as damaged, in its place" "^$B  ?        damaged" "$TMP/out"
is "  in the cases' order" "$(cut -c1-20 "$TMP/out" | tail -n +2 | tr '\n' ' ')" "$A $B $C "
has "  names the damaged case and why on standard error" "case $B cannot be read: log: .*changed" "$TMP/err"
has "  and says the others are listed" "1 of 3 cases cannot be read" "$TMP/err"
run 3 "case list --state open lists the damaged case too (its state is unknown)" \
	"$NAKODO" --db "$L" case list --state open
has "  with the sound ones" "^$C " "$TMP/out"
has "  and the damaged one" "^$B  ?        damaged" "$TMP/out"
run 3 "--json case list" "$NAKODO" --db "$L" --json case list
is "  keeps the sound cases" "$(jq -c .cases "$TMP/out")" "[\"$A\",\"$C\"]"
is "  and names the damaged one with its reason" \
	"$(jq -r '.unreadable[] | .case + " " + .error + " " + .field' "$TMP/out")" "$B corrupt log"
run 3 "brief of the damaged case itself still fails" "$NAKODO" --db "$L" brief "$B" --as mediator

# ---- exit statuses: the same failure, the same status ----
run 2 "verify of a receipt file that is not there: bad input, as a missing key file is" \
	"$NAKODO" verify "$TMP/none.json" --server-key "$(printf '0%.0s' $(seq 64))"
run 2 "pubkey of a key file that is not there" "$NAKODO" pubkey "$TMP/none.nkey"
run 2 "brief of no such case, locally" "$NAKODO" --db "$L" brief ffffffffffffffffffff --as claimant
run 3 "a database that is not there: storage" "$NAKODO" --db "$TMP/none/x.db" case list

# ---- through a server ----
start_server --rate 1 --burst 2 || { echo "1..$n"; echo "not ok - the server did not start"; exit 1; }
new_case
rt() { NAKODO_SERVER=$URL NAKODO_TOKEN=$1 "$NAKODO" "${@:2}"; }
secret_free() { for t in "$OP" "$CT" "$PT" "$MT"; do grep -qF -- "$t" "$TMP/err" "$TMP/out" && return 1; done; return 0; }

run 2 "a malformed token in NAKODO_TOKEN" rt "${CT}x" brief "$CASE"
has "  names NAKODO_TOKEN" "the token given with NAKODO_TOKEN is not a token" "$TMP/err"
lacks "  not the HTTP header" "Authorization" "$TMP/err"
check "  and shows no token" secret_free
run 2 "a malformed token given with --token" "$NAKODO" brief "$CASE" --server "$URL" --token "zz$CT"
has "  names --token" "the token given with --token is not a token: a token is 64 hex digits" "$TMP/err"
lacks "  not the HTTP header" "Authorization" "$TMP/err"
check "  and shows no token" secret_free
run 2 "an invitation link pasted as the token" rt "$URL/case/$CASE#token=$CT" brief "$CASE"
has "  says to give what follows #token=" "is an invitation link: give the 64 hex digits after '#token='" "$TMP/err"
check "  and shows no token" secret_free
run 2 "an unknown token" rt "$(printf '0%.0s' $(seq 64))" brief "$CASE"
has "  field token, naming NAKODO_TOKEN" "^nakodo: token: unknown or revoked token (HTTP 401; check the token given with NAKODO_TOKEN)" "$TMP/err"

run 2 "the claimant's right token closing the case (the mediator's action)" rt "$CT" close "$CASE"
has "  says which role may" "only the case's mediator may do this" "$TMP/err"
has "  and that the token is valid, its role is not" "is valid, but its role may not" "$TMP/err"
lacks "  without sending the user to check --token" "check --token" "$TMP/err"
lacks "  nor naming the HTTP header" "Authorization" "$TMP/err"
check "  and shows no token" secret_free
run 2 "the mediator's token submitting a figure" rt "$MT" submit "$CASE" 5
has "  says which roles may" "only the claimant or the payer may do this" "$TMP/err"
run 2 "another case's token: bad input, as a local unknown case is" rt "$CT" brief ffffffffffffffffffff
has "  asks to check the token and the case id" "check the token given with NAKODO_TOKEN, and the case id" "$TMP/err"

# --rate 1 --burst 2: a payer's read while its reads come faster is refused with
# Retry-After: 1. A loaded machine can space two reads of the command a second apart, so
# the role's reads go on in the background (curl) while the command's is tried again until
# refused, at most 20 times; the output checked is its last run's.
payer_reads() { while :; do curl -s -o /dev/null --max-time 5 -H "Authorization: Bearer $PT" "$URL/v1/cases/$CASE/brief"; done; }
refused() {
	local reads rc
	payer_reads &
	reads=$!
	for _ in $(seq 20); do
		"$@" >"$TMP/try.out" 2>"$TMP/try.err"
		rc=$?
		[ "$rc" = 3 ] && break
	done
	kill "$reads"
	wait "$reads" 2>/dev/null
	cat "$TMP/try.out"
	cat "$TMP/try.err" >&2
	return "$rc"
}
run 3 "a 429: the server asks to wait (exit 3, as a busy server)" refused rt "$PT" brief "$CASE"
has "  says when to retry, from Retry-After" "(HTTP 429): the server asks to wait; try again in 1 s" "$TMP/err"
lacks "  names no HTTP header" "Authorization" "$TMP/err"
check "  and shows no token" secret_free
run 3 "--json: the same, its exit in the object" refused rt "$PT" --json brief "$CASE"
is "  exit 3 in the JSON" "$(jq -r .exit "$TMP/out")" 3

# a port nothing listens on: the one the server had, once it is stopped
stop_server
run 3 "the server down" rt "$CT" brief "$CASE"
has "  names the address and asks whether the server runs" \
	"cannot connect to $URL: is the server running, and listening at that address and port? (the address is from NAKODO_SERVER)" "$TMP/err"
check "  and shows no token" secret_free
run 3 "the server down, the address given with --server" "$NAKODO" brief "$CASE" --server "$URL" --token "$CT"
has "  names --server" "(the address is from --server)" "$TMP/err"
start_server --rate 1 --burst 2 || not_ok "the server starts again"
run 3 "https:// to a server that speaks plain HTTP" \
	"$NAKODO" brief "$CASE" --server "https://127.0.0.1:$PORT" --token "$CT"
has "  says the TLS handshake failed and what to check" \
	"the TLS handshake failed (.*): does the server speak TLS (started with --tls-cert and --tls-key)? if not, give its address with http:// in --server" "$TMP/err"
check "  and shows no token" secret_free

# ---- help and man ----
run 0 "serve --help" "$NAKODO" serve --help
has "  --public-url says it takes no path" "http(s)://HOST\[:PORT\],$" "$TMP/out"
has "  and where links come from without it" "without it" "$TMP/out"
man_src="$(dirname "$0")/../../man/nakodo.1"
check "nakodo(1): receipt's --as is optional, as the command has it" \
	grep -Pzq '\.Cm receipt Ar CASE\n\.Fl -out Ar FILE\n\.Op Fl -as Ar ROLE' "$man_src"
run 0 "receipt --help" "$NAKODO" receipt --help
has "  its usage line has [--as ROLE] too" "^usage: nakodo receipt CASE --out FILE \[--as ROLE\]" "$TMP/out"

# ---- submit -: one amount, one line ----
S=$("$NAKODO" --db "$L" case new --currency USD --rounds 3 --range 0:1,000,000 2>/dev/null)
printf '1,000\n2,000\n' | "$NAKODO" --db "$L" submit "$S" --as claimant - >"$TMP/out" 2>"$TMP/err"
is "submit - with two lines on standard input is refused: exit 2" "$?" 2
has "  it says why" "more than one line" "$TMP/err"
lacks "  the message holds no figure" "1,000\|2,000" "$TMP/err"
"$NAKODO" --db "$L" log "$S" >"$TMP/out" 2>&1
lacks "  and nothing was recorded" " figure " "$TMP/out"
printf '3,000\n\n' | "$NAKODO" --db "$L" submit "$S" --as claimant - >"$TMP/out" 2>"$TMP/err"
is "submit - with one line and a blank one is taken: exit 0" "$?" 0

# ---- --server and --token before the command ----
run 2 "--server and --token before the command" "$NAKODO" --server http://127.0.0.1:9 --token tok-SECRET-1 log C
has "  says they go after the command" "\-\-server goes after the command" "$TMP/err"
lacks "  without the token" "tok-SECRET-1" "$TMP/err"

# ---- help texts in step with README ----
run 0 "nakodo --help" "$NAKODO" --help
has "  exit 3 is storage or network, as README's table" "3 storage or network" "$TMP/out"
run 0 "log --help" "$NAKODO" log --help
has "  says a changed event prints nothing and exits 3" "nothing is printed and the error names the case, exit 3" "$TMP/out"
run 0 "join --help" "$NAKODO" join --help
has "  local join needs --as" "^usage: nakodo join CASE --as ROLE --key FILE" "$TMP/out"
has "  README's table says the same" "join CASE --as ROLE --key FILE" "$(dirname "$0")/../../README.md"

# ---- key files: a wrong passphrase or a file of another kind is bad input ----
export NAKODO_TEST_KDF=min
printf 'right one\n' >"$TMP/pass"; printf 'wrong one\n' >"$TMP/wrong"; chmod 600 "$TMP/pass" "$TMP/wrong"
NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" keygen --out "$TMP/p.key" >/dev/null 2>&1
run 2 "a wrong passphrase: exit 2" env NAKODO_PASSPHRASE_FILE="$TMP/wrong" "$NAKODO" pubkey "$TMP/p.key"
printf 'just some text\n' >"$TMP/notkey"
run 2 "a file that is not a key file: exit 2" env NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" pubkey "$TMP/notkey"
has "  says it is not a key file" "is not a nakodo key file" "$TMP/err"
lacks "  not that it is truncated" "truncated" "$TMP/err"

# ---- a server address nakodo cannot speak to ----
NAKODO_SERVER=ftp://127.0.0.1:9 NAKODO_TOKEN=$(printf 'a%.0s' $(seq 64)) "$NAKODO" log C >"$TMP/out" 2>"$TMP/err"
is "NAKODO_SERVER=ftp://...: bad input, exit 2" "$?" 2
has "  says the address must be http or https" "must start with https:// or http://" "$TMP/err"

run 0 "verify --help" "$NAKODO" verify --help
has "  says a file that is not there is 2, as the exit table" "2 bad usage or a file that is not there" "$TMP/out"

# ---- receipt --key with the other party's key ----
R="$TMP/receipt.db"
for w in claimant payer; do NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" keygen --out "$TMP/r-$w.key" >/dev/null 2>&1; done
RC=$("$NAKODO" --db "$R" case new --currency USD --rounds 1 --range 0:1,000 2>/dev/null)
for w in claimant payer; do NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" --db "$R" join "$RC" --as $w --key "$TMP/r-$w.key" >/dev/null 2>&1; done
NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" --db "$R" submit "$RC" --as claimant --key "$TMP/r-claimant.key" 500 >/dev/null 2>&1
NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" --db "$R" submit "$RC" --as payer --key "$TMP/r-payer.key" 600 >/dev/null 2>&1
run 2 "receipt --as payer with the claimant's key" env NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" --db "$R" receipt "$RC" --out "$TMP/r.json" --as payer --key "$TMP/r-claimant.key"
has "  says to use the key the payer joined with" "not the key the payer joined the case with" "$TMP/err"

echo "1..$n"
[ "$failed" -eq 0 ]
