/* The public frame of a package case: its defaults, its check, and whether it admits a
 * valuation. Pure rules (no I/O, no allocation), so that the case, the codecs and the
 * command all read the same ones. */
#include <nakodo/package.h>

#include <string.h>

void nk_package_frame_default(struct nk_package_frame *frame, const struct nk_currency *cur)
{
	memset(frame, 0, sizeof(*frame));
	if (cur)
		memcpy(frame->currency, cur->code, sizeof(frame->currency));
	for (int c = 0; c < NK_COMPONENTS; c++)
		frame->components[c] = true;
	frame->solution = NK_NASH;
	frame->rounds = 3;
	frame->monotone = true;
}

enum nk_status nk_package_frame_check(const struct nk_package_frame *frame, struct nk_error *err)
{
	bool any = false;

	if (!nk_currency_find(frame->currency))
		return nk_fail(err, NK_EINVAL, "currency", "not an ISO 4217 code nakodo knows");
	for (int c = 0; c < NK_COMPONENTS; c++)
		any = any || frame->components[c];
	if (!any)
		return nk_fail(err, NK_EINVAL, "components", "a package case needs at least one component");
	if ((unsigned)frame->solution >= NK_SOLUTIONS)
		return nk_fail(err, NK_EINVAL, "solution", "not a solution");
	if (frame->rounds < 1 || frame->rounds > NK_ROUNDS_MAX)
		return nk_fail(err, NK_EINVAL, "rounds", "must be a whole number from 1 to %d", NK_ROUNDS_MAX);
	if (frame->deadline_ms != 0 && (frame->deadline_ms < NK_DEADLINE_MIN_MS ||
					frame->deadline_ms > NK_DEADLINE_MAX_MS))
		return nk_fail(err, NK_EINVAL, "deadline",
			       "the deadline is not a time from the year 2000 to 9999");
	return NK_OK;
}

enum nk_status nk_package_frame_admits(const struct nk_package_frame *frame,
				       const struct nk_package_valuation *v, struct nk_error *err)
{
	if (strcmp(frame->currency, v->currency) != 0)
		return nk_fail(err, NK_EINVAL, "currency", "the valuation is in %.3s; the case is in %.3s",
			       v->currency, frame->currency);
	for (int c = 0; c < NK_COMPONENTS; c++)
		if (v->table[c].offered && !frame->components[c])
			return nk_fail(err, NK_EINVAL, c == NK_CLAIMS ? "components.claims"
				       : c == NK_GRANT ? "components.grant" : c == NK_LOAN ? "components.loan"
				       : "components.credits", "the case's frame has no %s component",
				       nk_component_name((enum nk_component)c));
	return NK_OK;
}
