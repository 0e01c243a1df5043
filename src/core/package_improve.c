/* Improvements after a tentative package: the package search run with each side's worth
 * of the baseline as its floor and the egalitarian point as the choice, so that the
 * proposal is the Pareto improvement whose smaller gain is largest (doc/package.md,
 * "Improvements"). Pure; the search's bounds (NK_VALUES_MAX per part,
 * NK_PACKAGE_COMBOS_MAX per component) hold here as they hold for a round. */
#include "package_impl.h"

#include <string.h>

enum nk_status nk_package_improve(const struct nk_package_valuation *a,
				  const struct nk_package_valuation *b,
				  const struct nk_package *baseline,
				  struct nk_package_improvement *out, struct nk_error *err)
{
	const struct nk_package_valuation *v[2] = { a, b };
	struct nk_package_improvement r;
	struct nk_package_result res;
	struct nk_package_worth w;
	struct nk_error search_err = { 0 };
	enum nk_status rc;

	memset(&r, 0, sizeof(r));
	if (a->role == b->role)
		return nk_fail(err, NK_EINVAL, "role", "one valuation must be the claimant's and the "
			       "other the payer's");
	/* Each side's worth of the baseline on its own scale: any package has one, inside
	 * its table or not. */
	for (int p = 0; p < 2; p++) {
		if ((rc = nk_package_value(v[p], baseline, &w, err)) != NK_OK)
			return rc;
		r.baseline[v[p]->role] = w.total;
	}
	rc = package_search(a, b, NK_EGALITARIAN, r.baseline, &res, &search_err);
	if (rc == NK_EINVAL || rc == NK_ERANGE) {
		/* The reason may name the other side's terms: the caller decides what to tell. */
		r.incompatible = true;
		*err = search_err;
		*out = r;
		return NK_OK;
	}
	if (rc != NK_OK) {
		*err = search_err;
		return rc;
	}
	r.packages = res.packages;
	r.frontier = res.frontier;
	r.improving = res.acceptable;
	/* Gains of 0 and 0: the best there is is worth the baseline to both, no improvement. */
	if (res.found && (res.gain[NK_CLAIMANT] > 0 || res.gain[NK_PAYER] > 0)) {
		r.found = true;
		r.package = res.package;
		memcpy(r.value, res.value, sizeof(r.value));
		memcpy(r.gain, res.gain, sizeof(r.gain));
	}
	*out = r;
	return NK_OK;
}
