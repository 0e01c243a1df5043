/* core/open_proposal: open proposals beside secret figures. Cases worked by hand, the
 * refusals (whose texts must never hold the secret figure), and properties over many
 * random cases (a fixed-seed generator): an accepted pair of proposal and figure always
 * keeps the figure at least as generous, the suggestion lies between the proposals on the
 * grid and does not depend on which side is which, and the bound a proposal gives holds
 * the figure it was checked against. */
#include <nakodo/open_proposal.h>
#include "../splitmix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define CASES 100000

static void rules_open(struct nk_rules *r)
{
	nk_rules_default(r, nk_currency_find("USD"));
	r->range_low = 0;
	r->range_high = 100000000;	/* $1,000,000 */
	r->open_proposals = true;
}

static void by_hand(void **state)
{
	struct nk_rules r;
	struct nk_error err = { 0 };
	const int64_t demand = 50000000, offer = 30000000, standing = 70000000;

	(void)state;
	rules_open(&r);
	/* a claimant's demand at most its proposal, a payer's offer at least its */
	assert_int_equal(nk_open_check_figure(&r, NK_CLAIMANT, demand, &standing, &err), NK_OK);
	assert_int_equal(nk_open_check_figure(&r, NK_CLAIMANT, standing, &standing, &err), NK_OK);
	assert_int_equal(nk_open_check_figure(&r, NK_CLAIMANT, standing + 1, &standing, &err),
			 NK_EREFUSED);
	assert_string_equal(err.field, "figure");
	assert_int_equal(nk_open_check_figure(&r, NK_PAYER, offer, &offer, &err), NK_OK);
	assert_int_equal(nk_open_check_figure(&r, NK_PAYER, offer - 1, &offer, &err), NK_EREFUSED);
	assert_int_equal(nk_open_check_figure(&r, NK_PAYER, 0, NULL, &err), NK_OK);
	/* a first proposal, then only toward the other side */
	assert_int_equal(nk_open_check_proposal(&r, NK_CLAIMANT, standing, NULL, &demand, &err),
			 NK_OK);
	assert_int_equal(nk_open_check_proposal(&r, NK_CLAIMANT, standing - 1, &standing, NULL,
						&err), NK_OK);
	assert_int_equal(nk_open_check_proposal(&r, NK_CLAIMANT, standing, &standing, NULL, &err),
			 NK_EREFUSED);
	assert_int_equal(nk_open_check_proposal(&r, NK_CLAIMANT, standing + 1, &standing, NULL,
						&err), NK_EREFUSED);
	assert_int_equal(nk_open_check_proposal(&r, NK_PAYER, offer, &standing, NULL, &err),
			 NK_EREFUSED);
	assert_int_equal(nk_open_check_proposal(&r, NK_PAYER, standing, &offer, NULL, &err), NK_OK);
	/* a proposal announced after the figure: checked against it */
	assert_int_equal(nk_open_check_proposal(&r, NK_CLAIMANT, demand, NULL, &demand, &err),
			 NK_OK);
	assert_int_equal(nk_open_check_proposal(&r, NK_CLAIMANT, demand - 1, NULL, &demand, &err),
			 NK_EREFUSED);
	assert_string_equal(err.field, "proposal");
	assert_int_equal(nk_open_check_proposal(&r, NK_PAYER, offer + 1, NULL, &offer, &err),
			 NK_EREFUSED);
	/* the suggestion: the midpoint on the grid, either way round */
	assert_int_equal(nk_open_suggestion(&r, 70000000, 30000000), 50000000);
	assert_int_equal(nk_open_suggestion(&r, 30000000, 70000000), 50000000);
	r.grid = 100000;	/* $1,000 */
	assert_int_equal(nk_open_suggestion(&r, 70000000, 30050000), 50000000);
	assert_int_equal(nk_open_suggestion(&r, 70000001, 70000003), 70000002);
	/* the bound each proposal gives */
	assert_int_equal(nk_open_bound(&r, NK_CLAIMANT, standing).high, standing);
	assert_int_equal(nk_open_bound(&r, NK_CLAIMANT, standing).low, 0);
	assert_int_equal(nk_open_bound(&r, NK_PAYER, offer).low, offer);
	assert_int_equal(nk_open_bound(&r, NK_PAYER, offer).high, 100000000);
}

static void refusals(void **state)
{
	struct nk_rules r;
	struct nk_error err = { 0 };
	const int64_t secret = 42424242;

	(void)state;
	rules_open(&r);
	assert_int_equal(nk_open_check_proposal(&r, NK_MEDIATOR, 10, NULL, NULL, &err), NK_EINVAL);
	assert_int_equal(nk_open_check_proposal(&r, NK_PAYER, 100000001, NULL, NULL, &err),
			 NK_EINVAL);
	assert_string_equal(err.field, "proposal");
	/* the refusal names the announced amount, never the secret figure */
	assert_int_equal(nk_open_check_proposal(&r, NK_PAYER, 42424243, NULL, &secret, &err),
			 NK_EREFUSED);
	assert_non_null(strstr(err.text, "424,242.43"));
	assert_null(strstr(err.text, "424,242.42"));
	assert_null(strstr(err.text, "42424242"));
	assert_int_equal(nk_open_check_figure(&r, NK_CLAIMANT, secret, &(int64_t){ 40000000 },
					      &err), NK_EREFUSED);
	assert_non_null(strstr(err.text, "400,000.00"));
	assert_null(strstr(err.text, "424,242.42"));
	r.open_proposals = false;
	assert_int_equal(nk_open_check_proposal(&r, NK_PAYER, 10, NULL, NULL, &err), NK_EREFUSED);
	assert_non_null(strstr(err.text, "--open-proposals"));
}

/* Every accepted sequence keeps the secret figure at least as generous as the standing
 * proposal, whichever came first; the bound of the proposal holds the figure. */
static void properties(void **state)
{
	struct nk_rules r;
	struct nk_error err = { 0 };

	(void)state;
	rng_state = 17;
	rules_open(&r);
	for (int n = 0; n < CASES; n++) {
		enum nk_role role = next() & 1 ? NK_PAYER : NK_CLAIMANT;
		int64_t figure = between(0, 100000000), first = between(0, 100000000);
		int64_t second = between(0, 100000000), held;
		bool figure_in = false, has = false;
		struct nk_interval b;

		r.grid = between(1, 1000);
		/* proposal, figure and proposal again, in a random order of the figure */
		if (next() & 1)
			figure_in = true;
		if (nk_open_check_proposal(&r, role, first, NULL, figure_in ? &figure : NULL,
					   &err) == NK_OK) {
			held = first;
			has = true;
		}
		if (!figure_in)
			figure_in = nk_open_check_figure(&r, role, figure, has ? &held : NULL,
							 &err) == NK_OK;
		if (nk_open_check_proposal(&r, role, second, has ? &held : NULL,
					   figure_in ? &figure : NULL, &err) == NK_OK) {
			if (has)
				assert_true(role == NK_CLAIMANT ? second < held : second > held);
			held = second;
			has = true;
		}
		if (has && figure_in) {
			assert_true(role == NK_CLAIMANT ? figure <= held : figure >= held);
			b = nk_open_bound(&r, role, held);
			assert_true(b.low <= figure && figure <= b.high);
		}
		{
			int64_t c = between(0, 100000000), p = between(0, 100000000);
			int64_t s = nk_open_suggestion(&r, c, p), lo = c < p ? c : p, hi = c ^ p ^ lo;

			assert_true(lo <= s && s <= hi);
			assert_int_equal(s, nk_open_suggestion(&r, p, c));
			/* on the grid whenever a grid multiple lies between them */
			if ((hi / r.grid) * r.grid >= lo)
				assert_int_equal(s % r.grid, 0);
			/* and no grid multiple between them is nearer to the midpoint */
			if (s % r.grid == 0)
				assert_true(2 * (s > (lo + hi) / 2 ? s - (lo + hi) / 2
								   : (lo + hi) / 2 - s) <=
					    r.grid + 2);
		}
	}
}

/* A proposal narrows a view to its bound and measures it again. */
static void narrowing(void **state)
{
	struct nk_rules r;
	struct nk_interval v = { 10000000, 90000000 };
	double bits = 0;

	(void)state;
	rules_open(&r);
	nk_open_narrow(&r, NK_CLAIMANT, 60000000, &v, &bits);
	assert_int_equal(v.low, 10000000);
	assert_int_equal(v.high, 60000000);
	assert_true(bits > 0.99 && bits < 1.01);	/* half the range */
	nk_open_narrow(&r, NK_PAYER, 20000000, &v, &bits);
	assert_int_equal(v.low, 20000000);
	assert_int_equal(v.high, 60000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(by_hand),
		cmocka_unit_test(refusals),
		cmocka_unit_test(properties),
		cmocka_unit_test(narrowing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
