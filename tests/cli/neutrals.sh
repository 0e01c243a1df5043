#!/usr/bin/env bash
# Neutral evaluation (issue 17, tool 3): --neutrals N and its refusals, the neutrals' turn
# after the impasse, locally and through a real server (each neutral with its own
# token), what each role's briefing shows (a neutral the last figures and its own figure,
# once it has joined with its own key; a party the rule that decided, never a neutral's
# figure), and the routes a neutral may not use. Prints TAP. Needs NAKODO (the binary), curl and jq.
. "$(dirname "$0")/../server/lib.sh"
nk() { "$NAKODO" "$@" 2>"$TMP/err" </dev/null; }
db="$TMP/local.db"
lnk() { nk --db "$db" "$@"; }
printf 'neutral test passphrase\n' >"$TMP/pass"
export NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass"
for k in 1 2 3; do
	nk keygen --out "$TMP/n$k.key" >/dev/null || not_ok "keygen neutral-$k"
done
K() { printf '%s' "--key $TMP/n$1.key"; }
for p in c p; do nk keygen --out "$TMP/$p.key" >/dev/null || not_ok "keygen $p"; done
sn() { "$NAKODO" --json pubkey "$TMP/$1.key" 2>/dev/null | jq -r .safety_number; }
# endorse CASE PARTY K [RUNNER...]: the party (c or p) endorses neutral-K's key
endorse() {
	local party=claimant
	[ "$2" = p ] && party=payer
	"${@:4}" endorse "$1" "neutral-$3" --as "$party" --key "$TMP/$2.key" --safety-number "$(sn "n$3")"
}

nk case new --help >"$TMP/out"
check "case new --help names --neutrals" grep -q -- '--neutrals N' "$TMP/out"
for bad in 0 6 x -1 ''; do
	lnk case new --currency USD --neutrals "$bad" >/dev/null
	is "--neutrals '$bad' is refused (exit 2)" "$?" 2
	grep -q neutrals "$TMP/err" || not_ok "its error names neutrals ('$bad')" "$(cat "$TMP/err")"
done

# ---- locally ----
CASE=$(lnk case new --currency USD --rounds 1 --proposals 0 --neutrals 3)
is "a case with three neutrals opens" "$?" 0
# Its token alone, which the case's opener holds too, shows nothing and gives nothing
lnk brief "$CASE" --as neutral-1 >/dev/null
is "an unjoined neutral is refused its briefing (exit 1)" "$?" 1
grep -q 'role: .*once it has joined .*nakodo join CASE --as neutral-1 --key FILE' "$TMP/err" ||
	not_ok "  its error names the role and says how to join" "$(cat "$TMP/err")"
for k in 1 2 3; do
	lnk join "$CASE" --as "neutral-$k" $(K $k) >/dev/null || not_ok "neutral-$k joins"
done
# each party compares each neutral's safety number and endorses its key; the payer has
# not endorsed neutral-3 yet
lnk join "$CASE" --as claimant --key "$TMP/c.key" >/dev/null &&
	lnk join "$CASE" --as payer --key "$TMP/p.key" >/dev/null
is "the parties join" "$?" 0
for k in 1 2 3; do endorse "$CASE" c $k lnk >/dev/null || not_ok "the claimant endorses neutral-$k"; done
for k in 1 2; do endorse "$CASE" p $k lnk >/dev/null || not_ok "the payer endorses neutral-$k"; done
lnk brief "$CASE" --as payer --key "$TMP/p.key" >"$TMP/out"
check "the rule is stated in plain words, with its disclosure" \
	grep -q 'each neutral is shown BOTH' "$TMP/out"
lnk submit "$CASE" --as neutral-1 800 $(K 1) >/dev/null
check "a neutral cannot act before the impasse" grep -q 'only after an impasse' "$TMP/err"
lnk submit "$CASE" --as claimant --key "$TMP/c.key" 1000 >/dev/null
lnk brief "$CASE" --as neutral-1 $(K 1) >"$TMP/out"
check "a neutral sees no figure before the impasse" bash -c "! grep -q '1,000' '$TMP/out'"
lnk submit "$CASE" --as payer --key "$TMP/p.key" 600 >/dev/null
lnk brief "$CASE" --as neutral-3 $(K 3) >"$TMP/out"
check "a neutral only the claimant endorsed is shown no figure after it" \
	bash -c "! grep -q -e '1,000' -e '600.00' '$TMP/out'"
check "  and its briefing says who has not endorsed it yet" \
	grep -q '^  endorsed by the claimant, not yet by the payer' "$TMP/out"
lnk submit "$CASE" --as neutral-3 800 $(K 3) >/dev/null
is "  it may not give its fair figure (exit 1)" "$?" 1
check "  told that the payer has not endorsed its key yet" \
	grep -q 'role: .*once both parties have endorsed its key (the payer has not yet)' "$TMP/err"
lnk brief "$CASE" --as payer --key "$TMP/p.key" >"$TMP/out"
check "the payer's briefing asks it to compare and endorse neutral-3" \
	grep -q '^  not endorsed by you yet: compare its safety number with the neutral-3' "$TMP/out"
endorse "$CASE" p 3 lnk >/dev/null
is "the payer endorses neutral-3" "$?" 0
lnk brief "$CASE" --as neutral-2 $(K 2) >"$TMP/out"
check "after it, a neutral is shown both last figures" \
	grep -q "demand USD 1,000.00, the payer's offer USD 600.00" "$TMP/out"
lnk submit "$CASE" --as neutral-4 800 >/dev/null
is "a fourth neutral is refused" "$?" 1
lnk submit "$CASE" --as neutral-1 1200 $(K 1) >/dev/null
check "a fair figure outside the span is refused, naming fair" grep -q 'fair' "$TMP/err"
lnk submit "$CASE" --as neutral-1 910 $(K 1) >/dev/null
lnk submit "$CASE" --as neutral-2 730 $(K 2) >/dev/null
lnk brief "$CASE" --as neutral-2 $(K 2) >"$TMP/out"
check "a neutral sees its own figure" grep -q 'your fair figure: USD 730.00' "$TMP/out"
check "and not another's" bash -c "! grep -qw '910' '$TMP/out'"
lnk --json brief "$CASE" --as mediator >"$TMP/out"
is "the mediator is told how many gave, not what" \
	"$(jq -c '.neutral | [.fair_given, has("last_figures")]' "$TMP/out")" "[2,false]"
lnk brief "$CASE" --as payer --key "$TMP/p.key" >"$TMP/out"
check "the parties see each neutral's key, to compare with it" \
	grep -q "^neutral-3's key: [0-9a-f]\{64\}, safety number" "$TMP/out"
lnk submit "$CASE" --as neutral-3 860 $(K 3) >/dev/null
lnk --json brief "$CASE" --as payer --key "$TMP/p.key" >"$TMP/out"
is "the median 860 is nearer the demand: settled at it" \
	"$(jq -c '[.state, .settlement.figure, .settlement.by, .neutral.rule, .neutral.other_figure_told]' "$TMP/out")" \
	'["settled",100000,"neutral","demand",true]'
lnk brief "$CASE" --as payer --key "$TMP/p.key" >"$TMP/out"
check "the payer is told honestly that it learned the demand" \
	grep -q "told you: the claimant's last figure exactly" "$TMP/out"
for f in 910 730 860; do
	grep -qw "$f" "$TMP/out" && not_ok "a party's briefing holds no neutral's figure ($f)"
done
lnk --json log "$CASE" >"$TMP/log" 2>/dev/null || lnk --json brief "$CASE" --as mediator >"$TMP/log"
# whole words only: a hash or a time may hold these digits
check "no fair figure in the mediator's view" bash -c "! grep -qwE '91000|73000|86000' '$TMP/log'"
check "nor in the database in clear" bash -c "! grep -qaE '\"(fair|amount)\":(91000|73000|86000)' '$db'"

# ---- keys: a neutral joins like a party; a neutral the case lacks cannot ----
cp "$TMP/n1.key" "$TMP/n.key"
KC=$(lnk case new --currency USD --rounds 1 --proposals 0 --neutrals 2)
lnk join "$KC" --as neutral-3 --key "$TMP/n.key" >/dev/null
is "a neutral the case lacks cannot join (exit 1)" "$?" 1
grep -q 'the neutral-3 is not one of them' "$TMP/err" ||
	not_ok "its error names the role" "$(cat "$TMP/err")"
NC=$(lnk case new --currency USD --rounds 1)
lnk brief "$NC" --as neutral-1 >/dev/null
is "a case without neutrals shows no neutral a briefing (exit 2: a role the case does not have)" "$?" 2
grep -q 'without neutral evaluation' "$TMP/err" ||
	not_ok "its error says the case has no neutrals" "$(cat "$TMP/err")"
lnk join "$KC" --as neutral-2 --key "$TMP/n.key" >/dev/null
is "neutral-2 joins with its key" "$?" 0
lnk submit "$KC" --as claimant 1000 >/dev/null
lnk submit "$KC" --as payer 600 >/dev/null
lnk submit "$KC" --as neutral-2 700 >/dev/null
check "once joined, its unsigned figure is refused" test "$?" -ne 0
lnk join "$KC" --as claimant --key "$TMP/c.key" >/dev/null &&
	lnk join "$KC" --as payer --key "$TMP/p.key" >/dev/null &&
	lnk endorse "$KC" neutral-2 --as claimant --key "$TMP/c.key" --safety-number "$(sn n1)" \
		>/dev/null &&
	lnk endorse "$KC" neutral-2 --as payer --key "$TMP/p.key" --safety-number "$(sn n1)" \
		>/dev/null
is "the parties join after the impasse and endorse neutral-2's key" "$?" 0
lnk submit "$KC" --as neutral-2 700 --key "$TMP/n.key" >/dev/null
is "and its signed figure is taken" "$?" 0

# ---- through a server ----
start_server
is "the server starts" "$?" 0
nk --json case new --server "$URL" --token "$OP" --currency USD --rounds 1 --proposals 0 \
	--neutrals 2 >"$TMP/opened"
is "the rules travel" "$(jq -c '[.rules.neutrals, (.tokens | keys)]' "$TMP/opened")" \
	'[2,["claimant","mediator","neutral-1","neutral-2","payer"]]'
RC=$(jq -r .case "$TMP/opened")
T() { jq -r ".tokens.\"$1\"" "$TMP/opened"; }
r() { nk "$@" --server "$URL"; }
r submit "$RC" --token "$(T claimant)" 1000 >/dev/null
r submit "$RC" --token "$(T neutral-1)" 700 >/dev/null
is "a neutral's figure before the impasse is refused" "$?" 1
r submit "$RC" --token "$(T payer)" 600 >/dev/null
code=$(curl -s -o "$TMP/out" -w '%{http_code}' -H "Authorization: Bearer $(T neutral-1)" \
	"$URL/v1/cases/$RC/brief")
is "the token alone, which the opener holds too, is refused the last figures" \
	"$code $(jq -r .field "$TMP/out")" "409 role"
r submit "$RC" --token "$(T neutral-1)" 700 >/dev/null
is "  and the fair figure" "$?" 1
for k in 1 2; do
	r join "$RC" --token "$(T neutral-$k)" --as "neutral-$k" $(K $k) >/dev/null ||
		not_ok "neutral-$k joins through the server"
done
for route in log messages receipt; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(T neutral-1)" \
		"$URL/v1/cases/$RC/$route")
	is "a neutral may not read /$route" "$code" 403
done
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(T neutral-1)" \
	-H 'Content-Type: application/json' -d '{"amount":700}' "$URL/v1/cases/$RC/proposals")
is "a neutral may not propose" "$code" 403
r submit "$RC" --token "$(T neutral-1)" 700 $(K 1) >/dev/null
is "a joined neutral neither party endorsed may not give its figure" "$?" 1
check "  told so (409, field role)" grep -q 'role: .*once both parties have endorsed' "$TMP/err"
r --json brief "$RC" --token "$(T neutral-1)" $(K 1) >"$TMP/out"
is "  and its briefing shows no last figure" "$(jq -c '.neutral | has("last_figures")' "$TMP/out")" \
	false
r join "$RC" --token "$(T claimant)" --as claimant --key "$TMP/c.key" >/dev/null &&
	r join "$RC" --token "$(T payer)" --as payer --key "$TMP/p.key" >/dev/null
is "the parties join through the server" "$?" 0
for k in 1 2; do
	r endorse "$RC" "neutral-$k" --token "$(T claimant)" --key "$TMP/c.key" \
		--safety-number "$(sn "n$k")" >/dev/null &&
		r endorse "$RC" "neutral-$k" --token "$(T payer)" --key "$TMP/p.key" \
			--safety-number "$(sn "n$k")" >/dev/null ||
		not_ok "both parties endorse neutral-$k through the server"
done
r --json brief "$RC" --token "$(T claimant)" --key "$TMP/c.key" >"$TMP/out"
is "the claimant's briefing lists both parties' endorsements of the neutrals" \
	"$(jq -c .endorsements "$TMP/out")" '{"claimant":["neutral-1","neutral-2"],"payer":["neutral-1","neutral-2"]}'
r submit "$RC" --token "$(T neutral-1)" 700 $(K 1) >/dev/null
is "neutral-1 gives its figure" "$?" 0
r --json brief "$RC" --token "$(T neutral-2)" $(K 2) >"$TMP/out"
is "neutral-2 sees the last figures, not neutral-1's" \
	"$(jq -c '.neutral | [.last_figures.demand, .last_figures.offer, has("own_fair")]' "$TMP/out")" \
	'[100000,60000,false]'
r submit "$RC" --token "$(T neutral-2)" 700 $(K 2) >/dev/null
r --json brief "$RC" --token "$(T claimant)" --key "$TMP/c.key" >"$TMP/out"
is "settled on the offer, nearer the median 700" \
	"$(jq -c '[.settlement.figure, .settlement.by, .neutral.rule]' "$TMP/out")" \
	'[60000,"neutral","offer"]'
r brief "$RC" --token "$(T claimant)" --key "$TMP/c.key" >"$TMP/out"
check "the remote briefing names the rule" grep -q 'the neutrals decided' "$TMP/out"
stop_server
echo "1..$n"
[ "$failed" = 0 ]
