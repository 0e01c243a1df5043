/* Unit tests for a case's title: what nk_title_check refuses, the opening's version 2
 * that carries it (an untitled opening keeps version 1's bytes; a version 2 opening
 * without a valid title is corrupt), and the title in every role's briefing of either
 * kind of case. */
#include "fixture_db.h"
#include <nakodo/package_case.h>
#include <nakodo/title.h>

#include "case/case_impl.h"

#include <string.h>

static void a_title_is_bounded_utf8_without_control_characters(void **state)
{
	struct nk_error err = { 0 };
	char longest[NK_TITLE_MAX + 2];

	(void)state;
	assert_int_equal(nk_title_check("Korea–Japan claims, 1962", "title", NULL), NK_OK);
	memset(longest, 'x', NK_TITLE_MAX);
	longest[NK_TITLE_MAX] = '\0';
	assert_int_equal(nk_title_check(longest, "title", NULL), NK_OK);
	longest[NK_TITLE_MAX] = 'x';
	longest[NK_TITLE_MAX + 1] = '\0';
	assert_int_equal(nk_title_check(longest, "title", &err), NK_EINVAL);
	assert_string_equal(err.field, "title");
	assert_non_null(strstr(err.text, "at most 120 bytes"));
	assert_int_equal(nk_title_check("", "title", NULL), NK_EINVAL);
	assert_int_equal(nk_title_check(NULL, "title", NULL), NK_EINVAL);
	/* C0, DEL, C1, line separators, direction overrides; malformed UTF-8 */
	static const char *const refused[] = {
		"a\tb", "a\nb", "a\rb", "a\x1b[31mb", "a\x7f", "a\xc2\x85", "a\xe2\x80\xa8",
		"a\xe2\x80\xa9", "a\xe2\x80\xae", "a\xe2\x81\xa6", "a\xe2\x80\x8f", "a\xff",
		"a\xc0\xaf", "a\xed\xa0\x80", "a\xe2\x80", "a\xf4\x90\x80\x80",
		"a\xd8\x9c", /* U+061C, the Arabic letter mark: a direction mark too */
		/* what shows as nothing: U+200B, U+2060, U+FEFF, U+00AD, U+3164, a tag */
		"a\xe2\x80\x8b", "a\xe2\x81\xa0", "\xef\xbb\xbf" "a", "a\xc2\xad",
		"\xe3\x85\xa4", "a\xf3\xa0\x81\x81",
	};
	/* spaces alone: ASCII, no-break, ideographic */
	static const char *const blank[] = { " ", "   ", "\xc2\xa0", " \xe3\x80\x80 " };
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (nk_title_check(refused[i], "title", &err) != NK_EINVAL)
			fail_msg("title %zu was taken", i);
		assert_null(strstr(err.text, refused[i]));	/* never quoted back */
	}
	for (size_t i = 0; i < sizeof(blank) / sizeof(blank[0]); i++) {
		assert_int_equal(nk_title_check(blank[i], "title", &err), NK_EINVAL);
		assert_string_equal(err.text, "a title may not be only spaces");
	}
	/* joiners and variation selectors stay (scripts and emoji need them), and so do
	 * spaces beside other characters */
	assert_int_equal(nk_title_check("\xe0\xa4\x95\xe0\xa5\x8d\xe2\x80\x8d"
					"\xe0\xa4\xb7 claim", "title", NULL), NK_OK);
	assert_int_equal(nk_title_check("\xe2\x9d\xa4\xef\xb8\x8f lease", "title", NULL), NK_OK);
	assert_int_equal(nk_title_check(" a ", "title", NULL), NK_OK);
}

/* A title stored before the invisible characters were refused still reads. */
static void a_stored_title_keeps_the_rules_it_was_written_under(void **state)
{
	(void)state;
	assert_int_equal(nk_title_check_stored("a\xe2\x80\x8b", "title", NULL), NK_OK);
	assert_int_equal(nk_title_check_stored("   ", "title", NULL), NK_OK);
	assert_int_equal(nk_title_check_stored("a\xe2\x80\xae", "title", NULL), NK_EINVAL);
	assert_int_equal(nk_title_check_stored("a\n", "title", NULL), NK_EINVAL);
}

static void write_opening(struct fixture *f, const char *id, const char *body)
{
	static const uint8_t seed[NK_SEED_BYTES];
	json_t *o = json_loads(body, 0, NULL);

	assert_non_null(o);
	assert_int_equal(nk_store_begin(f->store, NULL), NK_OK);
	assert_int_equal(nk_store_case_create(f->store, id, NULL), NK_OK);
	assert_int_equal(nk_store_secret_put(f->store, id, "seed", seed, sizeof(seed), NULL), NK_OK);
	assert_int_equal(case_append(&f->env, id, "mediator", CASE_EV_OPENED, o, NULL), NK_OK);
	assert_int_equal(nk_store_commit(f->store, NULL), NK_OK);
}

#define OPENING(extra) \
	"{\"rules\": {\"currency\": \"USD\", \"rounds\": 2, \"monotone\": true, " \
	"\"settle\": \"midpoint\", \"band_bp\": 0, \"band_amount\": 0, \"grid\": 100, " \
	"\"hints_bp\": [], \"range_low\": 0, \"range_high\": 100000000, " \
	"\"leakage_bits\": 8.0, \"proposals\": 1}, \"seed_commitment\": " \
	"\"0000000000000000000000000000000000000000000000000000000000000000\"" extra "}"

static void the_opening_carries_the_title_from_version_2(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	struct nk_brief b;

	/* version 1 never had a title: one there is not read */
	write_opening(f, "v1", OPENING(", \"title\": \"ignored\""));
	assert_int_equal(nk_case_brief(&f->env, "v1", NK_PAYER, &b, &err), NK_OK);
	assert_string_equal(b.title, "");
	write_opening(f, "v2", OPENING(", \"v\": 2, \"title\": \"Lease, 2026\""));
	assert_int_equal(nk_case_brief(&f->env, "v2", NK_PAYER, &b, &err), NK_OK);
	assert_string_equal(b.title, "Lease, 2026");
	/* a zero-width space was allowed when this was written: it still reads */
	write_opening(f, "v2-zw", OPENING(", \"v\": 2, \"title\": \"Lease\\u200b\""));
	assert_int_equal(nk_case_brief(&f->env, "v2-zw", NK_PAYER, &b, &err), NK_OK);
	assert_string_equal(b.title, "Lease\xe2\x80\x8b");
	write_opening(f, "v2-none", OPENING(", \"v\": 2"));
	assert_int_equal(nk_case_brief(&f->env, "v2-none", NK_MEDIATOR, &b, &err), NK_ECORRUPT);
	assert_non_null(strstr(err.text, "opened event without a valid \"title\""));
	write_opening(f, "v2-bad", OPENING(", \"v\": 2, \"title\": \"a\\nb\""));
	assert_int_equal(nk_case_brief(&f->env, "v2-bad", NK_MEDIATOR, &b, &err), NK_ECORRUPT);
	/* version 3 (deadlines) keeps the title, and may have none */
	write_opening(f, "v3", OPENING(", \"v\": 3, \"title\": \"x\""));
	assert_int_equal(nk_case_brief(&f->env, "v3", NK_PAYER, &b, &err), NK_OK);
	assert_string_equal(b.title, "x");
	/* version 4 (improvements, principals, blind, open proposals, neutrals, a bridge) keeps
	 * it too; 5 is newer */
	write_opening(f, "v4", OPENING(", \"v\": 4, \"title\": \"x\""));
	assert_int_equal(nk_case_brief(&f->env, "v4", NK_PAYER, &b, &err), NK_OK);
	assert_string_equal(b.title, "x");
	write_opening(f, "v5", OPENING(", \"v\": 5, \"title\": \"x\""));
	assert_int_equal(nk_case_brief(&f->env, "v5", NK_MEDIATOR, &b, &err), NK_ECORRUPT);
	assert_non_null(strstr(err.text, "newer nakodo"));
}

/* An untitled case is written as every build before titles wrote it. */
static void an_untitled_opening_keeps_version_1(void **state)
{
	struct fixture *f = *state;
	struct nk_event_list log = { 0 };
	struct nk_rules rules;
	char id[NK_CASE_ID_MAX], titled[NK_CASE_ID_MAX];

	nk_rules_default(&rules, nk_currency_find("USD"));
	assert_int_equal(nk_case_open(&f->env, &rules, id, NULL), NK_OK);
	assert_int_equal(nk_case_log(&f->env, id, &log, NULL), NK_OK);
	assert_null(strstr(log.events[0].body, "\"v\""));
	assert_null(strstr(log.events[0].body, "title"));
	nk_event_list_free(&log);
	assert_int_equal(nk_case_open_titled(&f->env, &rules, "Named", NULL, NULL, titled, NULL),
			 NK_OK);
	assert_int_equal(nk_case_log(&f->env, titled, &log, NULL), NK_OK);
	assert_non_null(strstr(log.events[0].body, "\"title\":\"Named\""));
	assert_non_null(strstr(log.events[0].body, "\"v\":2"));
	nk_event_list_free(&log);
}

static void every_role_of_either_kind_sees_the_title(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	struct nk_package_frame fr;
	struct nk_package_brief *pb = calloc(1, sizeof(*pb));
	struct nk_rules rules;
	struct nk_brief b;
	char id[NK_CASE_ID_MAX];

	assert_non_null(pb);
	nk_rules_default(&rules, nk_currency_find("EUR"));
	assert_int_equal(nk_case_open_titled(&f->env, &rules, "a\x1b]0;x", NULL, NULL, id, &err),
			 NK_EINVAL);
	assert_string_equal(err.field, "title");
	assert_int_equal(nk_case_open_titled(&f->env, &rules, "Claims – 1962", NULL, NULL, id,
					     NULL), NK_OK);
	for (int r = 0; r <= NK_MEDIATOR; r++) {	/* no principal or neutral here */
		assert_int_equal(nk_case_brief(&f->env, id, (enum nk_role)r, &b, NULL), NK_OK);
		assert_string_equal(b.title, "Claims – 1962");
	}
	nk_package_frame_default(&fr, NULL);
	memcpy(fr.currency, "USD", 4);
	assert_int_equal(nk_package_case_open_titled(&f->env, &fr, "Loan", NULL, NULL, id, NULL),
			 NK_OK);
	for (int r = 0; r <= NK_MEDIATOR; r++) {	/* a package case has no other */
		assert_int_equal(nk_package_case_brief(&f->env, id, (enum nk_role)r, pb, NULL), NK_OK);
		assert_string_equal(pb->title, "Loan");
		assert_int_equal(nk_case_brief(&f->env, id, (enum nk_role)r, &b, NULL), NK_OK);
		assert_string_equal(b.title, "Loan");
	}
	free(pb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_title_is_bounded_utf8_without_control_characters),
		cmocka_unit_test(a_stored_title_keeps_the_rules_it_was_written_under),
		cmocka_unit_test_setup_teardown(the_opening_carries_the_title_from_version_2,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(an_untitled_opening_keeps_version_1,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(every_role_of_either_kind_sees_the_title,
						fixture_setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
