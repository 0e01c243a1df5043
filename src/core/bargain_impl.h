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

/* The outcome of a round as a function of the two figures alone. */
struct outcome {
	enum nk_deal_kind deal;
	int64_t figure;
	int band;
};

/* A party's place when it reads an outcome: the views' searches run over the other's
 * figure x with these fixed (bargain_view.c). */
struct viewer {
	const struct nk_rules *rules;
	int round;
	enum nk_role role;
	int64_t own, ext;	/* the viewer's figure and extension */
	const uint8_t *seed;	/* the revealed seed of a random settlement, or NULL */
	bool whole;		/* every probe of preimage a whole key (the reference) */
};

/* bargain.c: the round's outcome from both figures (seed NULL: a random-rule figure
 * left at the midpoint, used only to classify); its kind alone; the band of the gap
 * (demand - offer > 0); the random settlement in [d, o] (the range left when it was drawn in
 * last, when not NULL). */
struct outcome bargain_evaluate(const struct nk_rules *r, int round, int64_t d, int64_t o,
				int64_t ext_c, int64_t ext_p, const uint8_t *seed);
enum nk_deal_kind bargain_deal_kind(const struct nk_rules *r, int64_t d, int64_t o,
				    int64_t ext_c, int64_t ext_p);
int bargain_gap_band(const struct nk_rules *r, int64_t demand, int64_t offer);
int64_t bargain_random_point(const struct nk_rules *r, int round,
			     const uint8_t seed[NK_SEED_BYTES], int64_t d, int64_t o,
			     struct nk_interval *last);

/* bargain_view.c: the interval w holds after the round, given what it was told (band <
 * 0: no hint told); and the meet of two intervals. */
struct nk_interval bargain_view_of(const struct viewer *w, struct nk_interval prior,
				   struct outcome seen, int band);
struct nk_interval bargain_meet(struct nk_interval a, struct nk_interval b);
#endif
