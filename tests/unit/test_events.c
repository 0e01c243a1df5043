/* Unit tests for case/events: the stored names never change, a stored opening is read
 * by what was valid when it was written (not by the public API's strict rules codec),
 * a body newer than this build is refused, and a database written by the first event
 * version (tests/fixtures/events-v1.sql, with its storage key) replays to the same
 * cases. With NK_EVENTS_FIXTURE=PATH set, it writes that fixture's database instead. */
#include "fixture_db.h"
#include "../example_valuation.h"
#include <nakodo/package_case.h>

#include "case/case_impl.h"
#include <nakodo/package_json.h>

#include <string.h>

static void stored_names_never_change(void **state)
{
	static const char *const names[CASE_EV_COUNT] = {
		"opened", "figure", "extension", "round", "impasse", "proposal", "answer",
		"proposal-result", "settled", "closed", "purged", "joined", "message",
		"deposited", "released", "withdrawn", "token", "package_submitted",
		"package_round", "package_answer", "package_result", "lapsed",
		"improvement_submitted", "improvement_round", "improvement_answer",
		"improvement_result",
		"blind_outcome",
		"announced",
		"evaluation", "fair",
		"endorsed",
	};
	enum case_event type;

	(void)state;
	for (int t = 0; t < CASE_EV_COUNT; t++) {
		assert_string_equal(case_event_name((enum case_event)t), names[t]);
		assert_true(case_event_find(names[t], &type));
		assert_int_equal(type, t);
	}
	assert_false(case_event_find("package-result", &type));
	assert_string_equal(case_event_name(CASE_EV_COUNT), "unknown");
}

/* Appends one raw event to a new case, in its own transaction (as a build of another
 * version would have written it). */
static void write_case(struct fixture *f, const char *id, enum case_event type, const char *body)
{
	json_t *o = json_loads(body, 0, NULL);

	assert_non_null(o);
	assert_int_equal(nk_store_begin(f->store, NULL), NK_OK);
	if (type == CASE_EV_OPENED) {
		static const uint8_t seed[NK_SEED_BYTES];	/* what a figure round replays with */

		assert_int_equal(nk_store_case_create(f->store, id, NULL), NK_OK);
		assert_int_equal(nk_store_secret_put(f->store, id, "seed", seed, sizeof(seed), NULL),
				 NK_OK);
	}
	assert_int_equal(case_append(&f->env, id, "mediator", type, o, NULL), NK_OK);
	assert_int_equal(nk_store_commit(f->store, NULL), NK_OK);
}

#define OPENED_RULES(band_bp, extra) \
	"{\"rules\": {\"currency\": \"USD\", \"rounds\": 2, \"monotone\": true, " \
	"\"settle\": \"midpoint\", \"band_bp\": " #band_bp ", \"band_amount\": 0, \"grid\": 100, " \
	"\"hints_bp\": [], \"range_low\": 0, \"range_high\": 100000000, " \
	"\"leakage_bits\": 8.0, \"proposals\": 1" extra "}, \"seed_commitment\": " \
	"\"0000000000000000000000000000000000000000000000000000000000000000\"}"

/* Carrying a member a later rules codec added: nk_rules_from_json refuses unknown
 * members, and a stored case must not become corrupt for it. */
static void a_stored_opening_with_a_newer_field_is_read(void **state)
{
	struct fixture *f = *state;
	struct nk_brief b;
	struct nk_error err = { 0 };

	write_case(f, "new-field", CASE_EV_OPENED, OPENED_RULES(0, ", \"deadline_ms\": 5"));
	assert_int_equal(nk_case_brief(&f->env, "new-field", NK_MEDIATOR, &b, &err), NK_OK);
	assert_int_equal(b.state, NK_STATE_OPEN);
	assert_int_equal(b.rules.rounds, 2);
	assert_int_equal(b.rules.grid, 100);
	/* and the case still runs on them */
	assert_int_equal(nk_case_submit(&f->env, "new-field", NK_CLAIMANT, 4000000, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, "new-field", NK_PAYER, 5000000, NULL), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, "new-field", NK_MEDIATOR, &b, &err), NK_OK);
	assert_int_equal(b.state, NK_STATE_SETTLED);
	assert_int_equal(b.settlement, 4500000);
}

/* Written when a band could be given with the midpoint rule, which nk_rules_check
 * refuses today: the log still reads, not corrupt, and its rounds still run. */
static void a_stored_opening_under_a_since_tightened_check_is_read(void **state)
{
	struct fixture *f = *state;
	struct nk_brief b;
	struct nk_event_list log = { 0 };
	struct nk_error err = { 0 };

	write_case(f, "old-check", CASE_EV_OPENED, OPENED_RULES(500, ""));
	assert_int_equal(nk_case_brief(&f->env, "old-check", NK_MEDIATOR, &b, &err), NK_OK);
	assert_int_equal(b.state, NK_STATE_OPEN);
	assert_int_equal(b.rules.band_bp, 500);
	assert_int_equal(nk_case_log(&f->env, "old-check", &log, NULL), NK_OK);
	assert_int_equal(log.count, 1);
	nk_event_list_free(&log);
	assert_int_equal(nk_case_submit(&f->env, "old-check", NK_CLAIMANT, 4000000, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, "old-check", NK_PAYER, 5000000, &err), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, "old-check", NK_CLAIMANT, &b, &err), NK_OK);
	assert_int_equal(b.state, NK_STATE_SETTLED);
	assert_int_equal(b.settlement, 4500000);
}

/* What the fold relies on stays checked: a round count beyond the arrays is corrupt. */
static void a_stored_opening_beyond_the_arrays_is_corrupt(void **state)
{
	struct fixture *f = *state;
	struct nk_brief b;
	struct nk_error err = { 0 };
	char body[1024];

	snprintf(body, sizeof(body), "%s", OPENED_RULES(0, ""));
	memcpy(strstr(body, "\"rounds\": 2"), "\"rounds\": 0", 11);
	write_case(f, "bad-rules", CASE_EV_OPENED, body);
	assert_int_equal(nk_case_brief(&f->env, "bad-rules", NK_MEDIATOR, &b, &err), NK_ECORRUPT);
	assert_string_equal(err.field, "log");
	assert_non_null(strstr(err.text, "rules do not decode"));
}

static void a_newer_event_version_is_refused(void **state)
{
	struct fixture *f = *state;
	struct nk_brief b;
	struct nk_error err = { 0 };

	write_case(f, "newer", CASE_EV_OPENED, OPENED_RULES(0, ""));
	write_case(f, "newer", CASE_EV_CLOSED, "{\"reason\": \"x\", \"v\": 2}");
	assert_int_equal(nk_case_brief(&f->env, "newer", NK_MEDIATOR, &b, &err), NK_ECORRUPT);
	assert_string_equal(err.field, "log");
	assert_non_null(strstr(err.text, "closed event of version 2"));
	assert_non_null(strstr(err.text, "newer nakodo"));
}

/* The cases of events-v1.sql, as the code that wrote them left them. */
struct fixture_cases {
	char settled[NK_CASE_ID_MAX], proposal[NK_CASE_ID_MAX];
	char package[NK_CASE_ID_MAX], live[NK_CASE_ID_MAX];
};

static void write_fixture(struct fixture *f, struct fixture_cases *c)
{
	struct nk_package_valuation *korea = sodium_malloc(sizeof(*korea));
	struct nk_package_valuation *japan = sodium_malloc(sizeof(*japan));
	struct nk_package_frame fr;
	struct nk_rules r;

	assert_non_null(korea);
	assert_non_null(japan);
	example_valuation("claims-1962-package-korea.json", korea);
	example_valuation("claims-1962-package-japan.json", japan);
	/* a random settlement after a hinted no-deal round */
	nk_rules_default(&r, nk_currency_find("USD"));
	r.rounds = 3;
	r.settle = NK_SETTLE_RANDOM;
	r.grid = 100;
	r.hint_count = 2;
	r.hint_bp[0] = 1000;
	r.hint_bp[1] = 2500;
	r.range_low = 0;
	r.range_high = 100000000;
	assert_int_equal(nk_case_open(&f->env, &r, c->settled, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, c->settled, NK_CLAIMANT, 9000000, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, c->settled, NK_PAYER, 5000000, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, c->settled, NK_CLAIMANT, 7000000, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, c->settled, NK_PAYER, 7400000, NULL), NK_OK);
	/* an impasse, a mediator's proposal, accepted by both */
	nk_rules_default(&r, nk_currency_find("JPY"));
	r.rounds = 1;
	r.proposals = 1;
	assert_int_equal(nk_case_open(&f->env, &r, c->proposal, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, c->proposal, NK_CLAIMANT, 800, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, c->proposal, NK_PAYER, 300, NULL), NK_OK);
	assert_int_equal(nk_case_propose(&f->env, c->proposal, 550, NULL), NK_OK);
	assert_int_equal(nk_case_answer(&f->env, c->proposal, NK_CLAIMANT, true, NULL), NK_OK);
	assert_int_equal(nk_case_answer(&f->env, c->proposal, NK_PAYER, true, NULL), NK_OK);
	/* a package case settled with its first round's package, and one still live */
	nk_package_frame_default(&fr, nk_currency_find("USD"));
	fr.components[NK_CLAIMS] = fr.components[NK_CREDITS] = false;
	fr.rounds = 2;
	assert_int_equal(nk_package_case_open(&f->env, &fr, NULL, NULL, c->package, NULL), NK_OK);
	assert_int_equal(nk_package_case_submit(&f->env, c->package, NK_CLAIMANT, 1, korea, NULL), NK_OK);
	assert_int_equal(nk_package_case_submit(&f->env, c->package, NK_PAYER, 1, japan, NULL), NK_OK);
	assert_int_equal(nk_case_answer(&f->env, c->package, NK_CLAIMANT, true, NULL), NK_OK);
	assert_int_equal(nk_case_answer(&f->env, c->package, NK_PAYER, true, NULL), NK_OK);
	assert_int_equal(nk_package_case_open(&f->env, &fr, NULL, NULL, c->live, NULL), NK_OK);
	assert_int_equal(nk_package_case_submit(&f->env, c->live, NK_CLAIMANT, 1, korea, NULL), NK_OK);
	sodium_free(korea);
	sodium_free(japan);
}

#define FIXTURE_SETTLED "00010203040506070809"
#define FIXTURE_PROPOSAL "3e3f4041424344454647"
#define FIXTURE_PACKAGE "7c7d7e7f808182838485"
#define FIXTURE_LIVE "9b9c9d9e9fa0a1a2a3a4"
#define FIXTURE_HINT 2			/* round 1's band, as the claimant was told it */
#define FIXTURE_SETTLEMENT 7091900	/* the random rule's draw in round 2 */
/* The ids fake_random gives the fixture's four cases, in the order they were opened. */
static const struct fixture_cases v1_cases = {
	.settled = FIXTURE_SETTLED, .proposal = FIXTURE_PROPOSAL,
	.package = FIXTURE_PACKAGE, .live = FIXTURE_LIVE,
};

static void version_1_database_replays(void **state)
{
	struct fixture *f = *state;
	const struct fixture_cases *c = &v1_cases;
	struct nk_package_brief *pb = sodium_malloc(sizeof(*pb));
	struct nk_event_list log = { 0 };
	struct nk_brief b;

	/* the fixture replaces the empty database setup made */
	fixture_load(f, "events-v1");
	/* every link and countersignature still verifies */
	assert_int_equal(nk_case_log(&f->env, c->settled, &log, NULL), NK_OK);
	assert_int_equal(log.count, 9);
	nk_event_list_free(&log);
	assert_int_equal(nk_case_brief(&f->env, c->settled, NK_CLAIMANT, &b, NULL), NK_OK);
	assert_int_equal(b.state, NK_STATE_SETTLED);
	assert_int_equal(b.rules.settle, NK_SETTLE_RANDOM);
	assert_int_equal(b.rules.hint_count, 2);
	assert_int_equal(b.rounds[0].hint, FIXTURE_HINT);
	assert_int_equal(b.settled_by, NK_DEAL_OVERLAP);
	assert_int_equal(b.settlement, FIXTURE_SETTLEMENT);
	assert_true(b.seed_revealed);
	assert_int_equal(nk_case_brief(&f->env, c->proposal, NK_MEDIATOR, &b, NULL), NK_OK);
	assert_int_equal(b.state, NK_STATE_SETTLED);
	assert_int_equal(b.settled_by, NK_DEAL_PROPOSAL);
	assert_int_equal(b.settlement, 550);
	assert_string_equal(b.rules.currency, "JPY");
	assert_int_equal(nk_package_case_brief(&f->env, c->package, NK_MEDIATOR, pb, NULL), NK_OK);
	assert_int_equal(pb->state, NK_STATE_SETTLED);
	assert_true(pb->settled);
	assert_true(pb->has_package);
	assert_int_equal(pb->frame.rounds, 2);
	assert_false(pb->frame.components[NK_CLAIMS]);
	assert_int_equal(nk_package_case_brief(&f->env, c->live, NK_CLAIMANT, pb, NULL), NK_OK);
	assert_int_equal(pb->state, NK_STATE_OPEN);
	assert_true(pb->has_own);
	assert_true(pb->rounds[0].own_submitted);
	/* and a live case goes on under this build */
	{
		struct nk_package_valuation *japan = sodium_malloc(sizeof(*japan));

		example_valuation("claims-1962-package-japan.json", japan);
		assert_int_equal(nk_package_case_submit(&f->env, c->live, NK_PAYER, 1, japan, NULL),
				 NK_OK);
		sodium_free(japan);
	}
	assert_int_equal(nk_package_case_brief(&f->env, c->live, NK_MEDIATOR, pb, NULL), NK_OK);
	assert_true(pb->rounds[0].evaluated);
	sodium_free(pb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stored_names_never_change),
		cmocka_unit_test_setup_teardown(a_stored_opening_with_a_newer_field_is_read,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(a_stored_opening_under_a_since_tightened_check_is_read,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(a_stored_opening_beyond_the_arrays_is_corrupt,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(a_newer_event_version_is_refused, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(version_1_database_replays, fixture_setup,
						fixture_teardown),
	};
	const char *out = getenv("NK_EVENTS_FIXTURE");

	if (out) {
		struct fixture f = { 0 };
		struct fixture_cases c;

		if (sodium_init() < 0 || fixture_open_at(&f, out, NK_STORE_CREATE) != 0)
			return 1;
		write_fixture(&f, &c);
		printf("settled %s\nproposal %s\npackage %s\nlive %s\n", c.settled, c.proposal,
		       c.package, c.live);
		nk_store_close(f.store);
		nk_server_key_free(f.signer);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
