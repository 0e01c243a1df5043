# The preamble of the rough-edge tests (edges.sh, rough15.sh): the server helpers, a fast
# key derivation and a passphrase file, and run/has/lacks over a command's output.
. "$(dirname "$0")/../server/lib.sh"
export NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass"
printf 'correct horse battery staple\n' >"$TMP/pass"
# run STATUS DESCRIPTION COMMAND...: stdout in $TMP/out, stderr in $TMP/err
run() {
	local want=$1 what=$2; shift 2
	"$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	is "$what: exit $want" "$?" "$want"
}
has() { if grep -q -- "$2" "$3"; then ok "$1"; else not_ok "$1" "no '$2' in:"; sed 's/^/#   /' "$3"; fi; }
lacks() { if ! grep -q -- "$2" "$3"; then ok "$1"; else not_ok "$1" "'$2' in:"; sed 's/^/#   /' "$3"; fi; }
