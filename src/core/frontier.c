/* The exact Pareto frontier without enumeration: fold the issues in one at a time,
 * keeping only partial packages that some completion could leave undominated, with
 * back-pointers so every frontier point names its outcome. Two parties take the
 * streaming merge of frontier_fold2.c, three to five the fold of frontier_foldn.c, each in
 * doubles when the table fits 2^53 and in quad precision otherwise. See doc/analyze.md. */
#include "core/frontier_common.h"
#include "core/frontier_fold2.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* What the fold adds in: doubles when every integer it can make fits 2^53, else 128-bit
 * integers when they fit (fr_table_ints), else quad precision; the same sums, exactly,
 * the first two several times faster than quad precision done in software.
 * options->arith may ask for one that is exact here. */
static enum nk_status choose_arith(const struct fr_table *t,
				   const struct nk_frontier_options *options,
				   enum nk_frontier_arith *arith, struct nk_error *err)
{
	enum nk_frontier_arith want = options ? options->arith : NK_ARITH_AUTO;

	*arith = t->fits53 ? NK_ARITH_DOUBLE : t->ints ? NK_ARITH_INT128 : NK_ARITH_QUAD;
	if (want == NK_ARITH_AUTO || want == *arith || want == NK_ARITH_QUAD ||
	    (want == NK_ARITH_INT128 && t->ints)) {
		*arith = want == NK_ARITH_AUTO ? *arith : want;
		return NK_OK;
	}
	return nk_fail(err, NK_EINVAL, "arith", "%s", want == NK_ARITH_INT128 ?
		       "128-bit integers are not exact here (the scaled utilities do not fit "
		       "2^112)" : want == NK_ARITH_DOUBLE ? "doubles are not exact here (the "
		       "scaled utilities do not fit 2^53)" : "unknown arithmetic");
}

/* Walks back from package r of the last step, writing the outcome. */
static void outcome_of(const struct fr_trail *trail, size_t ni, size_t r, uint32_t *outcome)
{
	for (size_t i = ni; i-- > 0;) {
		outcome[i] = trail->links[i][r].value;
		r = trail->links[i][r].parent;
	}
}

enum nk_status nk_frontier_compute(const struct nk_agenda *agenda,
				   const struct nk_profile *const *profiles, size_t nparties,
				   const struct nk_frontier_options *options,
				   struct nk_frontier **out, struct nk_error *err)
{
	struct fr_trail trail = { 0 };
	struct fr_work work = { .options = options };
	struct fr_table t;
	uint32_t *outcomes = NULL;
	struct nk_frontier *f = NULL;
	enum nk_status rc;
	enum nk_frontier_arith arith = NK_ARITH_QUAD;

	rc = fr_table_init(&t, agenda, profiles, nparties, options, err);
	if (rc)
		return rc;
	work.at.total = t.ni;
	t.work = &work;
	rc = choose_arith(&t, options, &arith, err);
	if (rc)
		goto out;
	if (t.np == 2)
		rc = arith == NK_ARITH_DOUBLE ? fr_fold2_fast(&t, options, &trail, err)
		   : arith == NK_ARITH_INT128 ? fr_fold2_int(&t, options, &trail, err)
		   : fr_fold2(&t, options, &trail, err);
	else
		rc = arith == NK_ARITH_DOUBLE ? fr_foldn_fast(&t, options, &trail, err)
		   : arith == NK_ARITH_INT128 ? fr_foldn_int(&t, options, &trail, err)
		   : fr_foldn(&t, options, &trail, err);
	if (rc)
		goto out;
	outcomes = malloc((trail.npoints * t.ni + 1) * sizeof(*outcomes));
	if (!outcomes) {
		rc = nk_fail(err, NK_ENOMEM, "frontier", "out of memory");
		goto out;
	}
	for (size_t r = 0; r < trail.npoints; r++)
		outcome_of(&trail, t.ni, r, outcomes + r * t.ni);
	rc = fr_build(&t, trail.points, outcomes, trail.npoints, &f, err);
	if (rc)
		goto out;
	f->stages_max = trail.stages_max;
	f->arith = arith;
	*out = f;
out:
	free(outcomes);
	fr_trail_free(&trail);
	fr_table_free(&t);
	return rc;
}
