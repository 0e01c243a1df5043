/* Internal to core/ and its tests: the round's evaluation against its reference. Each
 * view is found by binary searches over the rules' range (bargain.c, preimage), each
 * probe a comparison of the outcome at a figure with a bound. nk_bargain_round and
 * nk_bargain_hint_allowed compute only the outcome's kind where that decides the
 * comparison, and where it alone is asked (an open bound) take the search's end from
 * where the kinds begin, without probing; the reference (whole = true) evaluates the
 * whole outcome at every probe, as the search was first written. Both give the same
 * answers: tests/unit/test_bargain_probe.c compares them over many cases. */
#ifndef NAKODO_CORE_BARGAIN_IMPL_H
#define NAKODO_CORE_BARGAIN_IMPL_H
#include <nakodo/bargain.h>

/* nk_bargain_round, with every probe a whole evaluation when whole. */
NK_MUST_USE enum nk_status bargain_round_probed(const struct nk_rules *rules, int round,
						const struct nk_round_figures *figures,
						struct nk_round_result *results,
						const uint8_t seed[NK_SEED_BYTES], bool whole,
						struct nk_error *err);
/* nk_bargain_hint_allowed, with every probe a whole evaluation when whole. */
bool bargain_hint_allowed_probed(const struct nk_rules *rules, int round, enum nk_role role,
				 const int64_t *own, const int *told, int since, bool whole);
#endif
