/* Random small package cases and the grid walked in order, shared by the package
 * search's brute-force tests (test_package.c) and the improvement's
 * (test_package_improve.c). */
#include "package_gen.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

int below(uint64_t *s, int n)
{
	return (int)(next_random(s) % (uint64_t)n);
}

void base(struct nk_package_valuation *v, const char *party, enum nk_role role, double discount)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->party, sizeof(v->party), "%s", party);
	v->role = role;
	memcpy(v->currency, "USD", 4);
	v->discount = discount;
}

void random_table(uint64_t *s, struct nk_component_table *t, enum nk_component c)
{
	static const int64_t steps[] = { 1, 2, 3, 6 };
	int64_t step = steps[below(s, 4)] * (M / 4 + 1);	/* odd cents: rounding matters */
	int64_t lo = (below(s, 8) == 0) * step, hi = lo + (1 + below(s, 8)) * step;

	memset(t, 0, sizeof(*t));
	t->offered = below(s, 8) != 0;
	t->amount = (struct nk_amount_range){ lo, hi, step };
	t->per_year = c == NK_GRANT ? 1 : 2;
	t->years = 1 + below(s, 4);
	if (c == NK_GRANT)
		t->per_year = below(s, 2) ? 1 : 4;
	t->rate = (struct nk_term_range){ 300, 0, 25 * (1 + below(s, 2)) };
	t->rate.max = t->rate.min + t->rate.step * below(s, 3);
	t->grace = (struct nk_term_range){ 2 * (below(s, 4) == 0), 0, 2 };
	t->grace.max = t->grace.min + 2 * below(s, 2);
	t->maturity = (struct nk_term_range){ 10, 0, 5 };
	t->maturity.min = 10 + 5 * below(s, 2);
	t->maturity.max = t->maturity.min + 5 * below(s, 2);
	t->repayment = (enum nk_repayment)below(s, 3);
}

/* Two random valuations on a small shared shape (same years, per_year, repayment). */
void random_case(uint64_t *s, struct nk_package_valuation *c, struct nk_package_valuation *p)
{
	static const char *const pool[] = { "claims", "cooperation", "both", "none" };

	base(c, "claimant", NK_CLAIMANT, 0.01 * below(s, 20));
	base(p, "payer", NK_PAYER, below(s, 4) == 0 ? c->discount : 0.01 * below(s, 20));
	for (size_t k = 0; k < NK_COMPONENTS; k++) {
		random_table(s, &c->table[k], (enum nk_component)k);
		random_table(s, &p->table[k], (enum nk_component)k);
		p->table[k].years = c->table[k].years;
		p->table[k].per_year = c->table[k].per_year;
		p->table[k].repayment = c->table[k].repayment;
	}
	for (int side = 0; side < 2; side++) {
		struct nk_package_valuation *v = side ? p : c;
		size_t n = (size_t)below(s, 4), shift = (size_t)(side & below(s, 2));

		for (size_t l = 0; l < n; l++) {
			snprintf(v->labels[v->nlabels].name, NK_NAME_MAX, "%s", pool[(l + shift) % 4]);
			v->labels[v->nlabels++].worth = below(s, 5) * M / 2;
		}
	}
	c->reservation = below(s, 6) * M / 2;
	p->reservation = below(s, 12) * M / 2;
}

/* Every package of the grid, in grid order. Returns how many. */
size_t enumerate(const struct nk_package_space *sp, struct nk_package *out, size_t cap)
{
	size_t limit[NK_COMPONENTS][4], digit[NK_COMPONENTS * 4 + 1], n = 0, width = NK_COMPONENTS * 4 + 1;

	for (size_t c = 0; c < NK_COMPONENTS; c++) {
		limit[c][0] = sp->grid[c].namounts;
		limit[c][1] = sp->grid[c].nrates;
		limit[c][2] = sp->grid[c].ngraces;
		limit[c][3] = sp->grid[c].nmaturities;
	}
	memset(digit, 0, sizeof(digit));
	for (;;) {
		struct nk_package_index at;
		bool ok = true;

		memset(&at, 0, sizeof(at));
		for (size_t c = 0; c < NK_COMPONENTS; c++) {
			at.amount[c] = digit[4 * c];
			at.rate[c] = digit[4 * c + 1];
			at.grace[c] = digit[4 * c + 2];
			at.maturity[c] = digit[4 * c + 3];
			if ((c == NK_LOAN || c == NK_CREDITS) &&
			    !nk_package_terms_valid(&sp->grid[c], at.rate[c], at.grace[c], at.maturity[c]))
				ok = false;
		}
		at.label = digit[width - 1];
		if (ok) {
			assert_true(n < cap);
			nk_package_at(sp, &at, &out[n++]);
		}
		/* odometer, last digit fastest */
		size_t d = width;
		while (d-- > 0) {
			size_t lim = d == width - 1 ? (sp->nlabels ? sp->nlabels : 1) : limit[d / 4][d % 4];

			if (++digit[d] < lim)
				break;
			digit[d] = 0;
		}
		if (d == (size_t)-1)
			return n;
	}
}

bool same_package(const struct nk_package *a, const struct nk_package *b)
{
	if (memcmp(a->amount, b->amount, sizeof(a->amount)) || strcmp(a->label, b->label))
		return false;
	if (a->amount[NK_GRANT] && (a->grant_years != b->grant_years || a->grant_per_year != b->grant_per_year))
		return false;
	for (int c = NK_LOAN; c <= NK_CREDITS; c++)
		if (a->amount[c] && memcmp(&a->terms[c], &b->terms[c], sizeof(a->terms[c])))
			return false;
	return true;
}
