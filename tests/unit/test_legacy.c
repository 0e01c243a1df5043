/* Stored cases in the shapes older builds wrote, which this build must still read
 * (tests/fixtures/events-legacy.sql, with its storage key events-legacy.db.key):
 *
 *  - SETTLED: a random settlement from before a settlement's seed was kept sealed for
 *    the parties (kept.seed): the seed is in the `settled` event, and each side's hint
 *    of the failed round 1 is in that `round` event, from before hints were sealed for
 *    each side (kept.hint.R.ROLE). Ended and purged, with its closing statement.
 *  - LIVE: an open case whose round 1 logged both sides' hints; its round 2 runs under
 *    this build, which seals round 2's hints apart.
 *  - DEPOSITS: two joined parties, and a claimant's deposit numbered 2 after it withdrew
 *    number 1, from before a deposit was always number 1; both deposits released.
 *
 * No current command writes these shapes, so with NK_LEGACY_FIXTURE=PATH this program
 * writes the database the way those builds did: each body by hand in its old shape,
 * each event linked and countersigned by case_append, the round outcomes computed by
 * the bargain itself. tests/fixtures/make-legacy.sh turns that database into the SQL
 * fixture; the fixture, not this writer, is what the tests read. */
#include "fixture_db.h"

#include "case/figure_kind.h"
#include <nakodo/ledger.h>
#include <nakodo/seal.h>

#include <string.h>

#define LEGACY_SETTLED "1e6ac7000000000000a1"
#define LEGACY_LIVE "1e6ac7000000000000b2"
#define LEGACY_DEPOSITS "1e6ac7000000000000c3"

/* ---- the writer (NK_LEGACY_FIXTURE) ---- */

static void append(struct fixture *f, const char *id, const char *actor, enum case_event type,
		   json_t *body)
{
	struct nk_error err = { 0 };

	assert_non_null(body);
	if (case_append(&f->env, id, actor, type, body, &err) != NK_OK)
		fail_msg("%s: %s", err.field, err.text);
}

static void begin(struct fixture *f)
{
	assert_int_equal(nk_store_begin(f->store, NULL), NK_OK);
}

static void commit(struct fixture *f)
{
	assert_int_equal(nk_store_commit(f->store, NULL), NK_OK);
}

static void legacy_rules(struct nk_rules *r, enum nk_settle settle)
{
	nk_rules_default(r, nk_currency_find("USD"));
	r->rounds = 3;
	r->settle = settle;
	r->grid = 100;
	r->hint_count = 2;
	r->hint_bp[0] = 1000;
	r->hint_bp[1] = 2500;
	r->range_low = 0;
	r->range_high = 100000000;
}

/* Opens id under r with seed, as every build has (the opening's shape never changed). */
static void open_case(struct fixture *f, const char *id, const struct nk_rules *r,
		      const uint8_t seed[NK_SEED_BYTES])
{
	uint8_t commitment[32];

	nk_bargain_commit_seed(seed, commitment);
	begin(f);
	assert_int_equal(nk_store_case_create(f->store, id, NULL), NK_OK);
	assert_int_equal(nk_store_secret_put(f->store, id, "seed", seed, NK_SEED_BYTES, NULL),
			 NK_OK);
	append(f, id, "mediator", CASE_EV_OPENED, case_event_opened_encode(r, commitment));
	commit(f);
}

/* One side's figure for round, sealed and logged as every build has. */
static void figure(struct fixture *f, const char *id, int round, enum nk_role role,
		   int64_t amount)
{
	char name[NK_SECRET_NAME_MAX];

	begin(f);
	case_secret_name(name, "figure", round, role);
	assert_int_equal(case_put_amount(&f->env, id, name, amount, NULL), NK_OK);
	append(f, id, nk_role_name(role), CASE_EV_FIGURE,
	       json_pack("{s:i, s:s}", "round", round, "role", nk_role_name(role)));
}

/* The round's event as builds before kept hints wrote it: a failed round carries each
 * side's hint band (when told) and whether it was withheld. Ends figure()'s
 * transaction with the second figure. */
static void old_round(struct fixture *f, const char *id, int round, const struct nk_rules *r,
		      const uint8_t seed[NK_SEED_BYTES], const int64_t (*amounts)[2],
		      struct nk_round_result *res)
{
	struct nk_round_result results[NK_ROUNDS_MAX];
	struct nk_round_figures figures[NK_ROUNDS_MAX] = { 0 };
	json_t *body;

	for (int i = 0; i < round; i++) {
		figures[i].demand = amounts[i][NK_CLAIMANT];
		figures[i].offer = amounts[i][NK_PAYER];
	}
	assert_int_equal(nk_bargain_round(r, round, figures, results, seed, NULL), NK_OK);
	*res = results[round - 1];
	body = json_pack("{s:i, s:s}", "round", round, "outcome", nk_deal_kind_name(res->deal));
	if (res->deal != NK_NO_DEAL) {
		body = nk_json_set(body, "figure", json_integer(res->figure));
	} else {
		const struct nk_view *views[2] = { &res->claimant, &res->payer };

		for (int side = 0; side < 2; side++) {
			json_t *s = json_pack("{s:b}", "withheld", views[side]->withheld);

			if (views[side]->hint >= 0)
				s = nk_json_set(s, "band", json_integer(views[side]->hint));
			body = nk_json_set(body, nk_role_name((enum nk_role)side), s);
		}
	}
	append(f, id, "go-between", CASE_EV_ROUND, body);
}

static void write_settled(struct fixture *f)
{
	static const int64_t amounts[2][2] = { { 9000000, 5000000 }, { 7000000, 7400000 } };
	uint8_t seed[NK_SEED_BYTES];
	char hex[2 * NK_SEED_BYTES + 1];
	struct nk_round_result res;
	struct nk_rules r;

	memset(seed, 0x5e, sizeof(seed));
	legacy_rules(&r, NK_SETTLE_RANDOM);
	open_case(f, LEGACY_SETTLED, &r, seed);
	for (int round = 1; round <= 2; round++) {
		figure(f, LEGACY_SETTLED, round, NK_CLAIMANT, amounts[round - 1][NK_CLAIMANT]);
		commit(f);
		figure(f, LEGACY_SETTLED, round, NK_PAYER, amounts[round - 1][NK_PAYER]);
		old_round(f, LEGACY_SETTLED, round, &r, seed, amounts, &res);
		if (round == 1)
			commit(f);
	}
	assert_int_equal(res.deal, NK_DEAL_OVERLAP);
	/* the settlement as builds before kept.seed wrote it: the seed in the log */
	sodium_bin2hex(hex, sizeof(hex), seed, sizeof(seed));
	append(f, LEGACY_SETTLED, "go-between", CASE_EV_SETTLED,
	       json_pack("{s:I, s:s, s:i, s:s}", "figure", (json_int_t)res.figure, "by",
			 nk_deal_kind_name(res.deal), "round", 2, "seed", hex));
	assert_int_equal(case_end(&f->env, LEGACY_SETTLED, NULL), NK_OK);
	commit(f);
	printf("settled %s: %lld\n", LEGACY_SETTLED, (long long)res.figure);
}

static void write_live(struct fixture *f)
{
	static const int64_t amounts[1][2] = { { 9000000, 5000000 } };
	uint8_t seed[NK_SEED_BYTES];
	struct nk_round_result res;
	struct nk_rules r;

	memset(seed, 0x1f, sizeof(seed));
	legacy_rules(&r, NK_SETTLE_MIDPOINT);
	open_case(f, LEGACY_LIVE, &r, seed);
	figure(f, LEGACY_LIVE, 1, NK_CLAIMANT, amounts[0][NK_CLAIMANT]);
	commit(f);
	figure(f, LEGACY_LIVE, 1, NK_PAYER, amounts[0][NK_PAYER]);
	old_round(f, LEGACY_LIVE, 1, &r, seed, amounts, &res);
	commit(f);
	printf("live %s: claimant hint %d%s, payer hint %d%s\n", LEGACY_LIVE, res.claimant.hint,
	       res.claimant.withheld ? " (withheld)" : "", res.payer.hint,
	       res.payer.withheld ? " (withheld)" : "");
}

/* A deposit as every build wrote it but for its number: stored, then logged with the
 * envelope's size and hash and the signed request's number. */
static void deposit(struct fixture *f, enum nk_role role, int64_t n, uint64_t request)
{
	struct case_event_envelope ev = { .from = role, .n = n,
					  .to = role == NK_CLAIMANT ? NK_PAYER : NK_CLAIMANT };
	struct nk_request_auth auth = { .number = request };
	char name[NK_SECRET_NAME_MAX], text[64];

	snprintf(text, sizeof(text), "the %s's deposit number %lld", nk_role_name(role),
		 (long long)n);
	ev.size = (int64_t)strlen(text);
	snprintf(name, sizeof(name), "deposit.%s.%lld", nk_role_name(role), (long long)n);
	begin(f);
	assert_int_equal(nk_store_envelope_put(f->store, LEGACY_DEPOSITS, name,
					       (const uint8_t *)text, strlen(text), NULL), NK_OK);
	nk_envelope_hash((const uint8_t *)text, strlen(text), ev.sha256);
	append(f, LEGACY_DEPOSITS, nk_role_name(role), CASE_EV_DEPOSITED,
	       case_with_request(case_event_envelope_encode(CASE_EV_DEPOSITED, &ev), &auth));
}

static void write_deposits(struct fixture *f)
{
	const struct nk_request_auth second = { .number = 2 };
	uint8_t seed[NK_SEED_BYTES] = { 0 };
	const int64_t released[2] = { 2, 1 };
	struct nk_rules r;

	legacy_rules(&r, NK_SETTLE_MIDPOINT);
	open_case(f, LEGACY_DEPOSITS, &r, seed);
	for (int role = NK_CLAIMANT; role <= NK_PAYER; role++) {
		struct nk_party_key *key = NULL;
		struct nk_identity id;
		uint8_t sig[NK_SIGNATURE_BYTES];

		assert_int_equal(nk_party_key_generate(&key, NULL), NK_OK);
		nk_party_key_identity(key, &id);
		assert_int_equal(nk_join_sign(key, LEGACY_DEPOSITS, (enum nk_role)role, sig, NULL),
				 NK_OK);
		assert_int_equal(nk_case_join(&f->env, LEGACY_DEPOSITS, (enum nk_role)role, &id,
					      sig, NULL), NK_OK);
		nk_party_key_free(key);
	}
	deposit(f, NK_CLAIMANT, 1, 1);
	commit(f);
	begin(f);
	assert_int_equal(nk_store_envelope_delete(f->store, LEGACY_DEPOSITS, "deposit.claimant.1",
						  NULL), NK_OK);
	append(f, LEGACY_DEPOSITS, "claimant", CASE_EV_WITHDRAWN,
	       case_with_request(case_event_withdrawn_encode(NK_CLAIMANT, 1), &second));
	commit(f);
	/* the replacement took the next number, as builds before 708a985 numbered it */
	deposit(f, NK_CLAIMANT, 2, 3);
	commit(f);
	deposit(f, NK_PAYER, 1, 1);
	append(f, LEGACY_DEPOSITS, "go-between", CASE_EV_RELEASED,
	       case_event_released_encode(released));
	commit(f);
	printf("deposits %s\n", LEGACY_DEPOSITS);
}

/* ---- the tests, on the fixture ---- */

/* What write_settled and write_live printed when the fixture was written. */
#define SETTLEMENT 7319900
#define LIVE_CLAIMANT_HINT 2
#define LIVE_PAYER_HINT 2

static bool log_holds(const struct nk_event_list *log, int64_t seq, const char *text)
{
	return seq >= 1 && (size_t)seq <= log->count && strstr(log->events[seq - 1].body, text);
}

static void a_seed_and_hints_in_the_log_still_brief(void **state)
{
	struct fixture *f = *state;
	struct nk_receipt *receipt = calloc(1, sizeof(*receipt));
	struct nk_receipt_report report;
	struct nk_event_list log = { 0 };
	uint8_t seed[NK_SEED_BYTES], pk[NK_PUBLIC_KEY_BYTES];
	struct nk_brief b;

	fixture_load(f, "events-legacy");
	/* the fixture holds the old shapes: hints in round 1's event, the seed in the
	 * settlement's; and every link and countersignature verifies */
	assert_int_equal(nk_case_log(&f->env, LEGACY_SETTLED, &log, NULL), NK_OK);
	assert_int_equal(log.count, 9);
	assert_true(log_holds(&log, 4, "\"claimant\":{"));
	assert_true(log_holds(&log, 8, "\"seed\":\"5e5e"));
	nk_event_list_free(&log);
	memset(seed, 0x5e, sizeof(seed));
	for (int role = NK_CLAIMANT; role <= NK_PAYER; role++) {
		assert_int_equal(nk_case_brief(&f->env, LEGACY_SETTLED, (enum nk_role)role, &b,
					       NULL), NK_OK);
		assert_int_equal(b.state, NK_STATE_SETTLED);
		assert_int_equal(b.settled_by, NK_DEAL_OVERLAP);
		assert_int_equal(b.settlement, SETTLEMENT);
		assert_true(b.figures_deleted);
		assert_true(b.seed_revealed);
		assert_memory_equal(b.seed, seed, sizeof(seed));
		assert_true(b.rounds[0].evaluated);
		assert_int_equal(b.rounds[0].deal, NK_NO_DEAL);
		assert_true(b.rounds[0].hint >= 0 || b.rounds[0].withheld);
	}
	/* the mediator reads the log, but its briefing shows neither seed nor hint */
	assert_int_equal(nk_case_brief(&f->env, LEGACY_SETTLED, NK_MEDIATOR, &b, NULL), NK_OK);
	assert_false(b.seed_revealed);
	assert_int_equal(b.rounds[0].hint, -1);
	assert_false(b.rounds[0].withheld);
	/* its closing statement is in the record, and its receipt verifies */
	assert_non_null(receipt);
	nk_server_key_public(f->signer, pk);
	assert_int_equal(nk_case_receipt(&f->env, LEGACY_SETTLED, receipt, NULL), NK_OK);
	assert_string_equal(receipt->statement.outcome, "settled");
	assert_int_equal(nk_receipt_verify(receipt, pk, &report, NULL), NK_OK);
	free(receipt);
}

static void a_live_case_with_logged_hints_goes_on(void **state)
{
	struct fixture *f = *state;
	struct nk_event_list log = { 0 };
	struct nk_brief b;
	int hint = 0;
	bool withheld = false;

	fixture_load(f, "events-legacy");
	assert_int_equal(nk_case_log(&f->env, LEGACY_LIVE, &log, NULL), NK_OK);
	assert_int_equal(log.count, 4);
	assert_true(log_holds(&log, 4, "\"payer\":{"));
	nk_event_list_free(&log);
	/* round 1's hints come from the log: no kept hint was sealed for it */
	assert_int_equal(case_kept_hint(&f->env, LEGACY_LIVE, 1, NK_CLAIMANT, &hint, &withheld,
					NULL), NK_ENOTFOUND);
	assert_int_equal(nk_case_brief(&f->env, LEGACY_LIVE, NK_CLAIMANT, &b, NULL), NK_OK);
	assert_int_equal(b.state, NK_STATE_OPEN);
	assert_int_equal(b.round, 2);
	assert_int_equal(b.rounds[0].hint, LIVE_CLAIMANT_HINT);
	assert_true(b.rounds[0].own_submitted);
	assert_int_equal(b.rounds[0].own_figure, 9000000);
	assert_int_equal(nk_case_brief(&f->env, LEGACY_LIVE, NK_PAYER, &b, NULL), NK_OK);
	assert_int_equal(b.rounds[0].hint, LIVE_PAYER_HINT);
	assert_int_equal(nk_case_brief(&f->env, LEGACY_LIVE, NK_MEDIATOR, &b, NULL), NK_OK);
	assert_int_equal(b.rounds[0].hint, -1);
	/* round 2 runs under this build: its hints are sealed for each side, not logged */
	assert_int_equal(nk_case_submit(&f->env, LEGACY_LIVE, NK_CLAIMANT, 8500000, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, LEGACY_LIVE, NK_PAYER, 5500000, NULL), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, LEGACY_LIVE, NK_CLAIMANT, &b, NULL), NK_OK);
	assert_true(b.rounds[1].evaluated);
	assert_int_equal(b.rounds[1].deal, NK_NO_DEAL);
	assert_int_equal(b.rounds[0].hint, LIVE_CLAIMANT_HINT);
	assert_int_equal(case_kept_hint(&f->env, LEGACY_LIVE, 2, NK_CLAIMANT, &hint, &withheld,
					NULL), NK_OK);
	assert_int_equal(b.rounds[1].hint, hint);
	assert_int_equal(b.rounds[1].withheld, withheld);
	assert_int_equal(nk_case_log(&f->env, LEGACY_LIVE, &log, NULL), NK_OK);
	assert_false(log_holds(&log, 7, "\"claimant\":{"));
	nk_event_list_free(&log);
}

static void a_deposit_numbered_after_a_withdrawal_is_released(void **state)
{
	struct fixture *f = *state;
	struct nk_inbox box = { 0 };
	uint8_t hash[NK_HASH_BYTES];
	struct nk_brief b;

	fixture_load(f, "events-legacy");
	assert_int_equal(nk_case_brief(&f->env, LEGACY_DEPOSITS, NK_CLAIMANT, &b, NULL), NK_OK);
	assert_true(b.released);
	assert_int_equal(b.deposits, 2);
	assert_int_equal(b.last_request, 3);
	/* the payer receives the claimant's deposit number 2, as the release names it */
	assert_int_equal(nk_case_inbox(&f->env, LEGACY_DEPOSITS, NK_PAYER, 0, &box, NULL), NK_OK);
	assert_int_equal(box.count, 1);
	assert_true(box.released);
	assert_int_equal(box.items[0].kind, NK_MESSAGE_DEPOSIT);
	assert_int_equal(box.items[0].from, NK_CLAIMANT);
	assert_int_equal(box.items[0].n, 2);
	nk_envelope_hash(box.items[0].envelope, box.items[0].len, hash);
	assert_memory_equal(hash, box.items[0].sha256, sizeof(hash));
	nk_inbox_free(&box);
	assert_int_equal(nk_case_inbox(&f->env, LEGACY_DEPOSITS, NK_CLAIMANT, 0, &box, NULL),
			 NK_OK);
	assert_int_equal(box.count, 1);
	assert_int_equal(box.items[0].from, NK_PAYER);
	assert_int_equal(box.items[0].n, 1);
	nk_inbox_free(&box);
	/* the mediator is handed no deposit */
	assert_int_equal(nk_case_inbox(&f->env, LEGACY_DEPOSITS, NK_MEDIATOR, 0, &box, NULL),
			 NK_OK);
	assert_int_equal(box.count, 0);
	nk_inbox_free(&box);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_seed_and_hints_in_the_log_still_brief,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(a_live_case_with_logged_hints_goes_on,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(a_deposit_numbered_after_a_withdrawal_is_released,
						fixture_setup, fixture_teardown),
	};
	const char *out = getenv("NK_LEGACY_FIXTURE");

	if (out) {
		struct fixture f = { 0 };

		if (sodium_init() < 0 || fixture_open_at(&f, out, NK_STORE_CREATE) != 0)
			return 1;
		write_settled(&f);
		write_live(&f);
		write_deposits(&f);
		nk_store_close(f.store);
		nk_server_key_free(f.signer);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
