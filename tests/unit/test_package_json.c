/* A package as a case's answers write it (nk_package_json_framed, formats/package_json.c;
 * doc/formats.md, "Package"): every part of the frame, a part of 0 with the members of
 * its kind and terms that make it nothing. Checked over every subset of parts at 0 on
 * a frame of all four: the same members, the same length at the answers' fixed widths
 * whatever the amounts, read back by nk_package_json_read as the same package; and
 * nk_package_json, the command's form, still leaves a part of 0 out. */
#include <nakodo/alloc.h>
#include <nakodo/json_build.h>
#include <nakodo/money.h>
#include <nakodo/package.h>
#include <nakodo/package_json.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const bool all[NK_COMPONENTS] = { true, true, true, true };

/* A package whose parts in mask (bit c: part c) have an amount (scaled by big), the
 * others 0; the loan a bullet when bullet. */
static struct nk_package package_of(unsigned mask, int64_t big, bool bullet)
{
	struct nk_package p;

	memset(&p, 0, sizeof(p));
	for (int c = 0; c < NK_COMPONENTS; c++)
		if (mask & (1u << c))
			p.amount[c] = (c + 1) * big;
	if (p.amount[NK_GRANT]) {
		p.grant_years = 10;
		p.grant_per_year = 1;
	}
	for (int c = NK_LOAN; c <= NK_CREDITS; c++) {
		if (!p.amount[c])
			continue;
		p.terms[c] = (struct nk_loan_terms){ .rate = 0.035, .per_year = 2, .maturity = 40,
						     .grace = bullet ? 40 : 14,
						     .repayment = bullet ? NK_REPAY_BULLET
									 : NK_REPAY_EQUAL_PRINCIPAL };
	}
	return p;
}

static void test_every_subset_one_shape(void **state)
{
	const struct nk_currency *usd = nk_currency_find("USD");
	size_t len = 0;

	(void)state;
	assert_non_null(usd);
	for (unsigned mask = 0; mask < 16; mask++) {
		for (int k = 0; k < 4; k++) {
			struct nk_package p = package_of(mask, k & 1 ? 100 : 12345678901, k >= 2);
			struct nk_package back;
			json_t *j = nk_package_json_framed(usd, &p, all);
			char *text, *fixed;

			assert_non_null(j);
			for (int c = 0; c < NK_COMPONENTS; c++)
				assert_non_null(json_object_get(j, nk_component_name(c)));
			assert_non_null(json_object_get(j, "label"));
			/* each loan part has its six members, 0 or not, bullet or not */
			assert_int_equal(json_object_size(json_object_get(j, "loan")), 6);
			assert_int_equal(json_object_size(json_object_get(j, "credits")), 6);
			assert_int_equal(json_object_size(json_object_get(j, "grant")), 3);
			fixed = nk_json_text_fixed(j);
			assert_non_null(fixed);
			if (!len)
				len = strlen(fixed);
			assert_int_equal(strlen(fixed), len);	/* one length for every package */
			nk_alloc_free(fixed);
			text = json_dumps(j, JSON_COMPACT);
			assert_non_null(text);
			assert_int_equal(nk_package_json_read(text, strlen(text), "t", usd, &back,
							      NULL), NK_OK);
			for (int c = 0; c < NK_COMPONENTS; c++)
				assert_int_equal(back.amount[c], p.amount[c]);
			for (int c = NK_LOAN; c <= NK_CREDITS; c++) {
				if (!p.amount[c])
					continue;
				assert_int_equal(back.terms[c].maturity, p.terms[c].maturity);
				assert_int_equal(back.terms[c].grace, p.terms[c].grace);
				assert_int_equal(back.terms[c].repayment, p.terms[c].repayment);
			}
			if (p.amount[NK_GRANT])
				assert_int_equal(back.grant_years, 10);
			assert_int_equal(nk_package_check(&back, NULL), NK_OK);
			free(text);
			json_decref(j);
		}
	}
}

static void test_command_form_unchanged(void **state)
{
	const struct nk_currency *usd = nk_currency_find("USD");
	struct nk_package p = package_of(1u << NK_GRANT | 1u << NK_LOAN, 100, true);
	json_t *j = nk_package_json(usd, &p);

	(void)state;
	assert_non_null(j);
	assert_null(json_object_get(j, "claims"));	/* a part of 0 left out */
	assert_null(json_object_get(j, "credits"));
	assert_null(json_object_get(j, "label"));
	assert_null(json_object_get(json_object_get(j, "loan"), "grace"));	/* a bullet's */
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_subset_one_shape),
		cmocka_unit_test(test_command_form_unchanged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
