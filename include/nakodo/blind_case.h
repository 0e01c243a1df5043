/* A blind case (doc/blind.md): a case of figures whose rounds the two parties' clients
 * compute between themselves, the go-between relaying their messages. What a blind case's
 * rules may say, beyond what any case's may. */
#ifndef NAKODO_BLIND_CASE_H
#define NAKODO_BLIND_CASE_H

#include <nakodo/bargain.h>
#include <nakodo/status.h>

/* nk_rules_check, then nk_blind_rules_check (what the engine computes), then what a blind
 * case cannot keep from the go-between or does not compute yet, each refused naming the
 * rule and the reason. rules->blind is not required (the caller asks for a blind case). */
/* A blind round's outcome as a party gives it (the envelope of NK_ACTION_BLIND_OUTCOME,
 * compact JSON): {"round": R, "outcome": "no-deal"|"overlap"|"band", "figure": F (a
 * deal's), "commitment": HEX (32 bytes: the side's commitment to its figure), "hint":
 * BASE64 (NK_BLIND_OUTCOME_HINT bytes: its hint sealed for itself, when a plain round
 * would tell one)}. The event blind_outcome records it with "role" and "request". */
#define NK_BLIND_OUTCOME_MAX 1024
#define NK_BLIND_OUTCOME_COMMIT 32
#define NK_BLIND_OUTCOME_HINT 50	/* two bytes sealed (crypto_box_seal) to the side */

NK_MUST_USE enum nk_status nk_case_blind_rules_check(const struct nk_rules *rules,
						     struct nk_error *err);

#endif
