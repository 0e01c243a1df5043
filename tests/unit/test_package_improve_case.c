#define _GNU_SOURCE	/* memmem */
/* Unit tests for improvements after a tentative package (case/package_improve.c), over
 * the mem and the sqlite store: the improvement proposed is nk_package_improve's from the
 * same two improvement valuations and the case settles on it only when both accept;
 * otherwise (none found, a decline before or after the proposal, the mediator's closing)
 * on the baseline; refusals append nothing; each party's briefing holds only its own
 * worths, the mediator's and the log none; and after the end the sealed improvement
 * valuations are not in the database files. */
#include <nakodo/package_case.h>
#include "../fake_env.h"

#include <nakodo/package_case_json.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "../example_valuation.h"
#include "../sqlite_files.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct fx {
	bool sqlite;
	char dir[64], db[128];
	struct nk_store *store;
	struct nk_server_key *signer;
	struct nk_case_env env;
	struct fake_env fake;
	/* sodium_malloc: the round's valuations, and the payer's improvement valuation
	 * (Japan's, a "claims" label now costing it US$5 million, not 30) */
	struct nk_package_valuation *korea, *japan, *japan2;
	char id[NK_CASE_ID_MAX];
};

static int setup(void **state, bool sqlite)
{
	struct fx *f = calloc(1, sizeof(*f));
	char url[160] = "mem:";

	if (!f || sodium_init() < 0)
		return -1;
	if ((f->sqlite = sqlite)) {
		snprintf(f->dir, sizeof(f->dir), "/tmp/nakodo-improve-XXXXXX");
		if (!mkdtemp(f->dir))
			return -1;
		snprintf(f->db, sizeof(f->db), "%s/c.db", f->dir);
		snprintf(url, sizeof(url), "sqlite:%s", f->db);
	}
	if (nk_store_open(&f->store, url, NK_STORE_CREATE, NULL) != NK_OK ||
	    nk_server_key_generate(&f->signer, NULL) != NK_OK)
		return -1;
	f->env = (struct nk_case_env){ f->store, fake_now, fake_random, &f->fake, f->signer, NULL,
				       NULL };
	f->fake = (struct fake_env)FAKE_ENV_START;
	f->korea = sodium_malloc(sizeof(*f->korea));
	f->japan = sodium_malloc(sizeof(*f->japan));
	f->japan2 = sodium_malloc(sizeof(*f->japan2));
	if (!f->korea || !f->japan || !f->japan2)
		return -1;
	example_valuation("claims-1962-package-korea.json", f->korea);
	example_valuation("claims-1962-package-japan.json", f->japan);
	*f->japan2 = *f->japan;
	assert_string_equal(f->japan2->labels[0].name, "claims");
	f->japan2->labels[0].worth = INT64_C(500000000);
	*state = f;
	return 0;
}

static int setup_mem(void **state) { return setup(state, false); }
static int setup_sqlite(void **state) { return setup(state, true); }

static int teardown(void **state)
{
	struct fx *f = *state;

	nk_store_close(f->store);
	nk_server_key_free(f->signer);
	if (f->sqlite)
		sqlite_files_remove(f->db, f->dir);
	sodium_free(f->korea);
	sodium_free(f->japan);
	sodium_free(f->japan2);
	free(f);
	return 0;
}

static size_t events(struct fx *f)
{
	struct nk_event_list log = { 0 };
	size_t n;

	assert_int_equal(nk_case_log(&f->env, f->id, &log, NULL), NK_OK);
	n = log.count;
	nk_event_list_free(&log);
	return n;
}

/* The type of the event back places from the end, and the whole log as text. */
static void log_of(struct fx *f, int back, char type[static NK_EVENT_TYPE_MAX], char **all)
{
	struct nk_event_list log = { 0 };
	size_t used = 0, cap = 1;

	assert_int_equal(nk_case_log(&f->env, f->id, &log, NULL), NK_OK);
	snprintf(type, NK_EVENT_TYPE_MAX, "%s", log.events[log.count - 1 - (size_t)back].type);
	*all = calloc(1, 1);
	for (size_t i = 0; i < log.count && *all; i++) {
		cap += strlen(log.events[i].type) + strlen(log.events[i].body) + 2;
		*all = realloc(*all, cap);
		assert_non_null(*all);
		used += (size_t)snprintf(*all + used, cap - used, "%s %s\n", log.events[i].type,
					 log.events[i].body);
	}
	nk_event_list_free(&log);
}

static void assert_last(struct fx *f, int back, const char *want)
{
	char type[NK_EVENT_TYPE_MAX], *all = NULL;

	log_of(f, back, type, &all);
	free(all);
	assert_string_equal(type, want);
}

/* Opens a 1962 case with improvements (or without) and has both accept round 1's package. */
static void tentative(struct fx *f, bool improvements)
{
	struct nk_package_frame fr;

	nk_package_frame_default(&fr, nk_currency_find("USD"));
	fr.components[NK_CLAIMS] = fr.components[NK_CREDITS] = false;
	fr.rounds = 2;
	fr.improvements = improvements;
	assert_int_equal(nk_package_case_open(&f->env, &fr, NULL, NULL, f->id, NULL), NK_OK);
	assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_CLAIMANT, 1, f->korea, NULL),
			 NK_OK);
	assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_PAYER, 1, f->japan, NULL), NK_OK);
	assert_int_equal(nk_case_answer(&f->env, f->id, NK_CLAIMANT, true, NULL), NK_OK);
	assert_int_equal(nk_case_answer(&f->env, f->id, NK_PAYER, true, NULL), NK_OK);
}

static bool same(const struct nk_package *a, const struct nk_package *b)
{
	return memcmp(a->amount, b->amount, sizeof(a->amount)) == 0 &&
	       strcmp(a->label, b->label) == 0 &&
	       a->terms[NK_LOAN].grace == b->terms[NK_LOAN].grace &&
	       a->terms[NK_LOAN].maturity == b->terms[NK_LOAN].maturity &&
	       a->terms[NK_LOAN].rate == b->terms[NK_LOAN].rate;
}

/* A text holds nothing of v: its party's name, its reservation in minor or major units.
 * (Round label worths are no needle: the clock's milliseconds hold such digits.) */
static void assert_nothing_of(const char *text, const struct nk_package_valuation *v)
{
	char minor[32], major[NK_MONEY_TEXT_MAX];

	assert_null(strstr(text, v->party));
	snprintf(minor, sizeof(minor), "%lld", (long long)v->reservation);
	nk_money_format(nk_currency_find(v->currency), v->reservation, 1, major);
	assert_null(strstr(text, minor));
	assert_null(strstr(text, major));
}

static char *brief_json(struct fx *f, enum nk_role role, struct nk_package_brief *b)
{
	json_t *j;
	char *text;

	assert_int_equal(nk_package_case_brief(&f->env, f->id, role, b, NULL), NK_OK);
	j = nk_package_brief_to_json(b);
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_non_null(text);
	return text;
}

static void improvement_settles_when_both_accept(void **state)
{
	struct fx *f = *state;
	struct nk_package_brief *b = sodium_malloc(sizeof(*b));
	struct nk_package_improvement *direct = sodium_malloc(sizeof(*direct));
	struct nk_package baseline;
	struct nk_package_worth w;
	char type[NK_EVENT_TYPE_MAX], *text, *all;

	tentative(f, true);
	assert_last(f, 0, "package_result");	/* not settled: tentative */
	assert_int_equal(nk_package_case_brief(&f->env, f->id, NK_MEDIATOR, b, NULL), NK_OK);
	assert_int_equal(b->state, NK_STATE_OPEN);
	assert_true(b->tentative && b->improvement_phase && !b->settled);
	baseline = b->package;
	assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_CLAIMANT, 1, f->korea, NULL),
			 NK_OK);
	assert_last(f, 0, "improvement_submitted");
	/* the payer is not told whether the claimant submitted, nor anything of it */
	text = brief_json(f, NK_PAYER, b);
	assert_true(!b->improvement_submitted[NK_CLAIMANT] && !b->has_own_improvement);
	assert_null(strstr(text, "\"claimant\":true"));
	free(text);
	text = brief_json(f, NK_MEDIATOR, b);
	assert_true(b->improvement_submitted[NK_CLAIMANT] && !b->improvement_submitted[NK_PAYER]);
	assert_nothing_of(text, f->korea);
	free(text);
	assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_PAYER, 0, f->japan2, NULL), NK_OK);
	assert_last(f, 0, "improvement_round");

	assert_int_equal(nk_package_improve(f->korea, f->japan2, &baseline, direct, NULL), NK_OK);
	assert_true(direct->found);
	assert_true(direct->gain[NK_CLAIMANT] > 0 && direct->gain[NK_PAYER] > 0);
	text = brief_json(f, NK_CLAIMANT, b);
	assert_true(b->improvement_found && same(&b->improvement, &direct->package));
	assert_true(b->has_own_improvement && b->has_own_improvement_worth);
	assert_int_equal(b->own_baseline_worth.total, direct->baseline[NK_CLAIMANT]);
	assert_int_equal(b->own_improvement_worth.total, direct->value[NK_CLAIMANT]);
	assert_nothing_of(text, f->japan2);
	free(text);
	text = brief_json(f, NK_PAYER, b);
	assert_int_equal(nk_package_value(f->japan2, &direct->package, &w, NULL), NK_OK);
	assert_int_equal(b->own_improvement_worth.total, w.total);
	assert_nothing_of(text, f->korea);
	free(text);
	text = brief_json(f, NK_MEDIATOR, b);
	assert_false(b->has_own_improvement);
	assert_null(strstr(text, "\"own\""));
	assert_nothing_of(text, f->korea);
	assert_nothing_of(text, f->japan2);
	free(text);

	assert_int_equal(nk_case_answer(&f->env, f->id, NK_PAYER, true, NULL), NK_OK);
	assert_last(f, 0, "improvement_answer");
	assert_int_equal(nk_case_answer(&f->env, f->id, NK_CLAIMANT, true, NULL), NK_OK);
	assert_last(f, 2, "improvement_result");
	assert_last(f, 1, "settled");
	assert_int_equal(nk_package_case_brief(&f->env, f->id, NK_PAYER, b, NULL), NK_OK);
	assert_int_equal(b->state, NK_STATE_SETTLED);
	assert_true(b->settled && b->improved && b->improvement_accepted == 1 && !b->tentative);
	assert_true(same(&b->improvement, &direct->package));
	log_of(f, 0, type, &all);
	assert_non_null(strstr(all, "\"improved\":true"));
	assert_nothing_of(all, f->korea);
	assert_nothing_of(all, f->japan2);
	free(all);
	sodium_free(b);
	sodium_free(direct);
}

/* The baseline stands: no improvement, a decline before the proposal, a declined
 * improvement, the mediator's closing. */
static void baseline_stands(void **state)
{
	struct fx *f = *state;
	struct nk_package_brief *b = sodium_malloc(sizeof(*b));
	struct nk_package baseline;
	struct nk_error err = { 0 };
	size_t n;

	for (int how = 0; how < 4; how++) {
		tentative(f, true);
		assert_int_equal(nk_package_case_brief(&f->env, f->id, NK_PAYER, b, NULL), NK_OK);
		baseline = b->package;
		if (how == 0) {	/* the round's own valuations: the Nash point is Pareto-optimal */
			assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_CLAIMANT, 0,
								f->korea, NULL), NK_OK);
			assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_PAYER, 0,
								f->japan, NULL), NK_OK);
		} else if (how == 1) {	/* accepting nothing is refused; a decline ends it */
			n = events(f);
			assert_int_equal(nk_case_answer(&f->env, f->id, NK_CLAIMANT, true, &err),
					 NK_EREFUSED);
			assert_string_equal(err.field, "proposal");
			assert_int_equal(events(f), n);
			assert_int_equal(nk_case_answer(&f->env, f->id, NK_CLAIMANT, false, NULL),
					 NK_OK);
		} else if (how == 2) {
			assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_CLAIMANT, 0,
								f->korea, NULL), NK_OK);
			assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_PAYER, 0,
								f->japan2, NULL), NK_OK);
			assert_int_equal(nk_case_answer(&f->env, f->id, NK_CLAIMANT, true, NULL),
					 NK_OK);
			assert_int_equal(nk_case_answer(&f->env, f->id, NK_PAYER, false, NULL),
					 NK_OK);
		} else {
			assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_CLAIMANT, 0,
								f->korea, NULL), NK_OK);
			assert_int_equal(nk_case_close(&f->env, f->id, NULL), NK_OK);
		}
		assert_last(f, 1, "settled");
		assert_int_equal(nk_package_case_brief(&f->env, f->id, NK_CLAIMANT, b, NULL), NK_OK);
		assert_int_equal(b->state, NK_STATE_SETTLED);
		assert_true(b->settled && !b->improved && same(&b->package, &baseline));
		assert_int_equal(b->improvement_found, how == 2);
		if (how == 2)
			assert_int_equal(b->improvement_accepted, 0);
	}
	sodium_free(b);
}

static void refusals_append_nothing(void **state)
{
	struct fx *f = *state;
	struct nk_package_valuation *v = sodium_malloc(sizeof(*v));
	struct nk_error err = { 0 };
	size_t n;

	/* without improvements, an accepted package settles at once, as it always did */
	tentative(f, false);
	assert_last(f, 1, "settled");
	tentative(f, true);
	n = events(f);
	*v = *f->korea;
	memcpy(v->currency, "EUR", 4);
	assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_CLAIMANT, 0, v, &err),
			 NK_EINVAL);
	assert_string_equal(err.field, "currency");
	*v = *f->korea;
	v->table[NK_CREDITS] = v->table[NK_LOAN];
	assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_CLAIMANT, 0, v, &err),
			 NK_EINVAL);
	assert_string_equal(err.field, "components.credits");
	assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_CLAIMANT, 2, f->korea, &err),
			 NK_EREFUSED);
	assert_string_equal(err.field, "round");
	assert_int_equal(events(f), n);
	/* a reservation above the round's is no matter: it is not used */
	*v = *f->korea;
	v->reservation += 1000;
	assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_CLAIMANT, 0, v, NULL), NK_OK);
	n = events(f);
	assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_CLAIMANT, 0, f->korea, &err),
			 NK_EREFUSED);
	assert_string_equal(err.field, "round");
	assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_PAYER, 0, f->japan2, NULL), NK_OK);
	assert_int_equal(nk_case_answer(&f->env, f->id, NK_PAYER, true, NULL), NK_OK);
	n = events(f);
	assert_int_equal(nk_case_answer(&f->env, f->id, NK_PAYER, false, &err), NK_EREFUSED);
	assert_string_equal(err.field, "answer");
	assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_PAYER, 0, f->japan2, &err),
			 NK_EREFUSED);
	assert_int_equal(events(f), n);
	sodium_free(v);
}

static bool on_disk(const char *db, const char *needle)
{
	return sqlite_files_hold(db, needle, strlen(needle));
}

static void sealed_then_gone(void **state)
{
	struct fx *f = *state;

	if (!f->sqlite)
		skip();
	tentative(f, true);
	assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_PAYER, 0, f->japan2, NULL), NK_OK);
	assert_true(on_disk(f->db, "improvement.1.payer"));
	assert_false(on_disk(f->db, "380,954,758.31"));	/* sealed, never in clear */
	assert_false(on_disk(f->db, "\"Japan\""));
	assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_CLAIMANT, 0, f->korea, NULL),
			 NK_OK);
	assert_int_equal(nk_case_answer(&f->env, f->id, NK_CLAIMANT, true, NULL), NK_OK);
	assert_true(on_disk(f->db, "improvement-answer.1.claimant"));
	assert_int_equal(nk_case_answer(&f->env, f->id, NK_PAYER, true, NULL), NK_OK);
	assert_false(on_disk(f->db, "improvement.1.payer"));
	assert_false(on_disk(f->db, "improvement.1.claimant"));
	assert_false(on_disk(f->db, "improvement-answer.1.claimant"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(improvement_settles_when_both_accept, setup_mem,
						teardown),
		cmocka_unit_test_setup_teardown(improvement_settles_when_both_accept, setup_sqlite,
						teardown),
		cmocka_unit_test_setup_teardown(baseline_stands, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(baseline_stands, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(refusals_append_nothing, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(refusals_append_nothing, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(sealed_then_gone, setup_sqlite, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
