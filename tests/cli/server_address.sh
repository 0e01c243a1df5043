#!/usr/bin/env bash
# The server's address is checked before anything is sent (src/cli/remote.c,
# server_check): an address carrying a login or an invitation link's '#token=' is
# refused without being repeated (it would have been printed in every message naming
# the address, and sent), a scheme other than http:// or https:// is bad usage, and the
# warning about plain HTTP to another machine reads the host as curl does: a login
# that looks like 127.0.0.1 or a name that begins with 127. is not this machine.
# No server is needed: every address here fails before or at the connection. Prints TAP.
. "$(dirname "$0")/edges_lib.sh"
T=$(printf '%064d' 7)
C=0123456789abcdef0123

run 2 "an address with a login is refused" \
	"$NAKODO" brief "$C" --server "http://user:s3cretpw@127.0.0.1:1/" --token "$T"
has "it says why" "carries a login" "$TMP/err"
lacks "and does not repeat the password" "s3cretpw" "$TMP/err"
run 2 "an invitation link as the address is refused" \
	"$NAKODO" brief "$C" --server "http://127.0.0.1:1/case/$C#token=$T" --token "$T"
has "it says to give the address alone" "give the server's address alone" "$TMP/err"
lacks "and does not repeat the token" "$T" "$TMP/err"
run 2 "a query in the address is refused" \
	"$NAKODO" brief "$C" --server "http://127.0.0.1:1/?t=x" --token "$T"
run 2 "an ftp:// address is bad usage" \
	"$NAKODO" brief "$C" --server "ftp://127.0.0.1:1" --token "$T"
has "it names the schemes" "https:// or http://" "$TMP/err"
run 2 "an address that is not a URL is bad usage" \
	"$NAKODO" brief "$C" --server "not a url" --token "$T"
run 2 "NAKODO_SERVER is checked alike" \
	env NAKODO_SERVER="http://u@127.0.0.1:1" NAKODO_TOKEN="$T" "$NAKODO" brief "$C"
has "naming NAKODO_SERVER" "NAKODO_SERVER" "$TMP/err"
# the warning: a host, not a prefix of the text
run 2 "a login that looks like this machine, before another host, is refused" \
	"$NAKODO" brief "$C" --server "http://127.0.0.1:9@192.0.2.1/" --token "$T"
run 3 "a name that begins with 127. is not this machine" \
	"$NAKODO" brief "$C" --server "http://127.0.0.1.invalid/" --token "$T"
has "so plain HTTP to it is warned of" "is plain HTTP to another machine" "$TMP/err"
for local in "http://127.0.0.1:1" "http://127.1.2.3:1" "http://localhost:1" "http://[::1]:1"; do
	run 3 "$local cannot be reached" "$NAKODO" brief "$C" --server "$local" --token "$T"
	lacks "$local is this machine: no warning" "plain HTTP" "$TMP/err"
done
echo "1..$n"
[ "$failed" -eq 0 ]
