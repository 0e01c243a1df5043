/* Unit tests for the kinds of case: each kind refuses the other's actions by naming its
 * own kind, before any of that action's own checks run and without appending anything
 * (a figure case never reads a valuation; a package case never a figure). */
#include <nakodo/case.h>
#include <nakodo/package_case.h>

#include <nakodo/agenda_formats.h>
#include <nakodo/package_json.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef EXAMPLES_DIR
#error "EXAMPLES_DIR names the examples/ directory"
#endif

struct fixture {
	struct nk_server_key *signer;
	struct nk_store *store;
	struct nk_case_env env;
	struct nk_package_valuation *korea;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char path[512], *buf = NULL;
	size_t len = 0;

	if (!f || sodium_init() < 0 || nk_store_open(&f->store, "mem:", NK_STORE_CREATE, NULL) != NK_OK ||
	    nk_server_key_generate(&f->signer, NULL) != NK_OK ||
	    !(f->korea = sodium_malloc(sizeof(*f->korea))))
		return -1;
	f->env = (struct nk_case_env){ .store = f->store, .signer = f->signer };
	snprintf(path, sizeof(path), "%s/claims-1962-package-korea.json", EXAMPLES_DIR);
	if (nk_file_read(path, &buf, &len, NULL) != NK_OK ||
	    nk_valuation_json_read(buf, len, path, f->korea, NULL) != NK_OK)
		return -1;
	free(buf);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nk_store_close(f->store);
	nk_server_key_free(f->signer);
	sodium_free(f->korea);
	free(f);
	return 0;
}

static size_t event_count(struct fixture *f, const char *id)
{
	struct nk_event_list log = { 0 };
	size_t n;

	assert_int_equal(nk_case_log(&f->env, id, &log, NULL), NK_OK);
	n = log.count;
	nk_event_list_free(&log);
	return n;
}

/* A valuation its own check refuses reaches a figure case as a package request: the
 * case's kind answers, not the valuation's check. */
static void a_figure_case_refuses_a_valuation_unread(void **state)
{
	struct fixture *f = *state;
	struct nk_case_request req = { .action = NK_ACTION_PACKAGE, .valuation = f->korea };
	struct nk_error err = { 0 };
	struct nk_rules r;
	char id[NK_CASE_ID_MAX];
	size_t before;

	nk_rules_default(&r, nk_currency_find("USD"));
	assert_int_equal(nk_case_open(&f->env, &r, id, NULL), NK_OK);
	before = event_count(f, id);
	f->korea->discount = -1;
	assert_int_not_equal(nk_package_valuation_check(f->korea, NULL), NK_OK);
	assert_int_equal(nk_case_act(&f->env, id, NK_CLAIMANT, &req, NULL, &err), NK_EREFUSED);
	assert_string_equal(err.field, "case");
	assert_non_null(strstr(err.text, "is a case of figures, not of packages"));
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_CLAIMANT, 0, f->korea, &err),
			 NK_EREFUSED);
	assert_string_equal(err.field, "case");
	assert_int_equal(event_count(f, id), before);
}

/* Every figure action on a package case: refused by the package kind, nothing added. */
static void a_package_case_refuses_every_figure_action(void **state)
{
	struct fixture *f = *state;
	static const struct {
		enum nk_case_action action;
		enum nk_role role;
	} figure_actions[] = {
		{ NK_ACTION_SUBMIT, NK_CLAIMANT },
		{ NK_ACTION_EXTEND, NK_PAYER },
		{ NK_ACTION_PROPOSE, NK_MEDIATOR },
	};
	struct nk_package_frame fr;
	char id[NK_CASE_ID_MAX];
	size_t before;

	nk_package_frame_default(&fr, nk_currency_find("USD"));
	assert_int_equal(nk_package_case_open(&f->env, &fr, NULL, NULL, id, NULL), NK_OK);
	before = event_count(f, id);
	for (size_t i = 0; i < sizeof(figure_actions) / sizeof(figure_actions[0]); i++) {
		struct nk_case_request req = { .action = figure_actions[i].action, .amount = 100 };
		struct nk_error err = { 0 };

		assert_int_equal(nk_case_act(&f->env, id, figure_actions[i].role, &req, NULL, &err),
				 NK_EREFUSED);
		assert_string_equal(err.field, "case");
		assert_non_null(strstr(err.text, "is a package case"));
	}
	/* a figure out of bounds for any rules is still refused as a figure on a package case */
	{
		struct nk_error err = { 0 };

		assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, -5, &err), NK_EREFUSED);
		assert_string_equal(err.field, "case");
	}
	assert_int_equal(event_count(f, id), before);
}

/* One read of the log answers with the briefing of the case's own kind. */
static void a_briefing_comes_in_its_kind_s_form(void **state)
{
	struct fixture *f = *state;
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	struct nk_package_brief *pb = sodium_malloc(sizeof(*pb));
	struct nk_package_frame fr;
	struct nk_rules r;
	char figures[NK_CASE_ID_MAX], package[NK_CASE_ID_MAX];
	bool is_package = true;

	nk_rules_default(&r, nk_currency_find("USD"));
	r.rounds = 2;
	assert_int_equal(nk_case_open(&f->env, &r, figures, NULL), NK_OK);
	nk_package_frame_default(&fr, nk_currency_find("USD"));
	fr.rounds = 4;
	assert_int_equal(nk_package_case_open(&f->env, &fr, NULL, NULL, package, NULL), NK_OK);
	memset(pb, 0, sizeof(*pb));
	assert_int_equal(nk_case_brief_any(&f->env, figures, NK_MEDIATOR, b, pb, &is_package, NULL),
			 NK_OK);
	assert_false(is_package);
	assert_string_equal(b->case_id, figures);
	assert_int_equal(b->rules.rounds, 2);
	assert_string_equal(pb->case_id, "");
	assert_int_equal(nk_case_brief_any(&f->env, package, NK_PAYER, b, pb, &is_package, NULL),
			 NK_OK);
	assert_true(is_package);
	assert_string_equal(pb->case_id, package);
	assert_int_equal(pb->frame.rounds, 4);
	assert_int_equal(pb->state, NK_STATE_OPEN);
	sodium_free(b);
	sodium_free(pb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_figure_case_refuses_a_valuation_unread, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_package_case_refuses_every_figure_action, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_briefing_comes_in_its_kind_s_form, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
