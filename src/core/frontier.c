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
	int doubles;

	rc = fr_table_init(&t, agenda, profiles, nparties, options, err);
	if (rc)
		return rc;
	work.at.total = t.ni;
	t.work = &work;
	/* Doubles when every integer the fold can make fits 2^53: the same sums, exactly,
	 * several times faster than quad precision done in software. */
	doubles = t.fits53 && !(options && options->quad);
	if (t.np == 2)
		rc = doubles ? fr_fold2_fast(&t, options, &trail, err)
			     : fr_fold2(&t, options, &trail, err);
	else
		rc = doubles ? fr_foldn_fast(&t, options, &trail, err)
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
	f->doubles = doubles;
	*out = f;
out:
	free(outcomes);
	fr_trail_free(&trail);
	fr_table_free(&t);
	return rc;
}
