/* Unit tests for core/domain: bounds on agendas and profiles, value lookup, numeric
 * issues, and the capped linear additive utility. */
#include <nakodo/domain.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static char *labels[] = { "low", "mid", "high" };

static void agenda_bounds(void **state)
{
	struct nk_issue issues[2] = {
		{ .name = "price", .nvalues = 3, .labels = labels },
		{ .name = "terms", .nvalues = 3, .labels = labels },
	};
	struct nk_agenda a = { .name = "x", .nissues = 2, .issues = issues };
	char *dup[] = { "a", "a" };
	char longname[NK_NAME_MAX + 2];
	struct nk_error err;

	(void)state;
	assert_int_equal(nk_agenda_check(&a, &err), NK_OK);
	issues[1].name = "price";
	assert_int_equal(nk_agenda_check(&a, &err), NK_EINVAL);
	assert_string_equal(err.field, "price");
	issues[1].name = "";
	assert_int_equal(nk_agenda_check(&a, &err), NK_EINVAL);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	issues[1].name = longname;
	assert_int_equal(nk_agenda_check(&a, &err), NK_EINVAL);
	issues[1].name = "terms";
	issues[1].labels = dup;
	issues[1].nvalues = 2;
	assert_int_equal(nk_agenda_check(&a, &err), NK_EINVAL);
	assert_non_null(strstr(err.text, "twice"));
	issues[1].nvalues = 0;
	assert_int_equal(nk_agenda_check(&a, &err), NK_EINVAL);
	a.nissues = 0;
	assert_int_equal(nk_agenda_check(&a, &err), NK_EINVAL);
	a.nissues = NK_ISSUES_MAX + 1;
	assert_int_equal(nk_agenda_check(&a, &err), NK_EINVAL);
}

static void numeric_issues_and_lookup(void **state)
{
	struct nk_issue is = { .name = "rate", .kind = NK_ISSUE_REAL, .lower = 0.5, .upper = 2.0, .step = 0.25 };
	struct nk_issue big = { .name = "n", .kind = NK_ISSUE_INTEGER, .lower = 0, .upper = 5000, .step = 1 };
	struct nk_error err;
	size_t v = 99;

	(void)state;
	assert_int_equal(nk_issue_make_numeric(&is, &err), NK_OK);
	assert_int_equal(is.nvalues, 7);
	assert_string_equal(is.labels[2], "1");
	assert_string_equal(is.labels[6], "2");
	assert_int_equal(nk_issue_find_value(&is, "1.25", &v, &err), NK_OK);
	assert_int_equal(v, 3);
	assert_int_equal(nk_issue_find_value(&is, "1.250", &v, &err), NK_OK);
	assert_int_equal(v, 3);
	assert_int_equal(nk_issue_find_value(&is, "1.3", &v, &err), NK_EINVAL);
	assert_string_equal(err.field, "rate");
	assert_int_equal(nk_issue_find_value(&is, "x", &v, &err), NK_EINVAL);
	assert_true(nk_issue_number(&is, 6) == 2.0);
	assert_int_equal(nk_issue_make_numeric(&big, &err), NK_EINVAL);
	assert_null(big.labels);
	for (size_t i = 0; i < is.nvalues; i++)
		free(is.labels[i]);
	free(is.labels);
}

static void utility_is_capped_and_profiles_checked(void **state)
{
	struct nk_issue issues[2] = {
		{ .name = "price", .nvalues = 3, .labels = labels },
		{ .name = "terms", .nvalues = 3, .labels = labels },
	};
	struct nk_agenda a = { .nissues = 2, .issues = issues };
	double s0[] = { 0, 0.5, 1 }, s1[] = { 1, 0.5, 0 };
	struct nk_valuation vals[2] = { { .weight = 0.6, .scores = s0 }, { .weight = 0.5, .scores = s1 } };
	struct nk_profile p = { .nissues = 2, .valuations = vals };
	uint32_t best[2] = { 2, 0 }, mid[2] = { 1, 1 };
	struct nk_error err;

	(void)state;
	assert_int_equal(nk_profile_check(&a, &p, &err), NK_OK);
	assert_true(nk_profile_utility(&p, best) == 1.0);	/* 1.1 capped */
	assert_true(nk_profile_utility(&p, mid) == 0.3 + 0.25);
	assert_true(nk_agenda_outcomes(&a) == 9);
	assert_int_equal(nk_agenda_find_issue(&a, "terms"), 1);
	assert_int_equal(nk_agenda_find_issue(&a, "x"), -1);
	vals[1].weight = -1;
	assert_int_equal(nk_profile_check(&a, &p, &err), NK_EINVAL);
	assert_string_equal(err.field, "terms");
	vals[1].weight = 0.5;
	s1[2] = INFINITY;
	assert_int_equal(nk_profile_check(&a, &p, &err), NK_EINVAL);
	s1[2] = 1e9;
	assert_int_equal(nk_profile_check(&a, &p, &err), NK_EINVAL);
	s1[2] = 0;
	p.reservation = NAN;
	assert_int_equal(nk_profile_check(&a, &p, &err), NK_EINVAL);
	assert_string_equal(err.field, "reservation");
	p.reservation = 0;
	p.nissues = 1;
	assert_int_equal(nk_profile_check(&a, &p, &err), NK_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(agenda_bounds),
		cmocka_unit_test(numeric_issues_and_lookup),
		cmocka_unit_test(utility_is_capped_and_profiles_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
