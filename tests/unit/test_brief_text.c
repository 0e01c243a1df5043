/* A briefing's answer written without the tree (nk_brief_text_fixed, brief_text.c) is
 * the tree's text byte for byte: nk_json_text_fixed(nk_brief_to_json(b)), the answer the
 * server wrote before. On briefings drawn at random over every member the briefing has
 * (every role and viewer, odd titles, edge integers, reals that are not finite, strings
 * that are not UTF-8: NULL from both), and on real cases of several rule sets played
 * round after round, every role's briefing after every action, through the action's
 * own briefing (nk_case_act_brief) as the server answers. */
#include <nakodo/alloc.h>
#include <nakodo/case.h>
#include <nakodo/case_json.h>
#include <nakodo/json_build.h>
#include <nakodo/money.h>
#include <nakodo/package_case.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "../case_env_fixture.h"

/* The old answer and the new one, the same bytes or both NULL; returns the length. */
static size_t same_text(const struct nk_brief *b)
{
	json_t *tree = nk_brief_to_json(b);
	char *want = tree ? nk_json_text_fixed(tree) : NULL;
	char *got = nk_brief_text_fixed(b);
	size_t len = want ? strlen(want) : 0;

	json_decref(tree);
	if (!want && !got)
		return 0;
	if (!want || !got || strcmp(want, got) != 0) {
		fprintf(stderr, "# want %s\n# got  %s\n", want ? want : "(null)",
			got ? got : "(null)");
		assert_true((want == NULL) == (got == NULL));
		assert_string_equal(want, got);
	}
	nk_alloc_free(want);
	nk_alloc_free(got);
	return len;
}

/* ---- briefings at random ---- */

static uint64_t next(uint64_t *s)	/* splitmix64: the same draws on every machine */
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int below(uint64_t *s, int n)
{
	return (int)(next(s) % (uint64_t)n);
}

static bool coin(uint64_t *s)
{
	return next(s) & 1;
}

static int64_t amount(uint64_t *s)
{
	static const int64_t edges[] = { 0, 1, -1, 9, 10, 99999999999999999, INT64_MAX,
					 INT64_MIN, 1000000, -1000000 };

	return coin(s) ? edges[below(s, sizeof(edges) / sizeof(edges[0]))] :
			 (int64_t)(next(s) >> below(s, 64));
}

static double real(uint64_t *s)
{
	static const double edges[] = { 0.0, -0.0, 1.0, 0.1, 1e-7, 26.575424759098897,
					 3.321928094887362, 1e300, 2.2250738585072014e-308,
					 1e17, 123456789012345678.0, 5e-324 };
	uint64_t bits = next(s);
	double v;

	if (below(s, 500) == 0)		/* json_real refuses it: no answer at all */
		return coin(s) ? NAN : -INFINITY;
	if (coin(s))
		return edges[below(s, sizeof(edges) / sizeof(edges[0]))];
	if (coin(s))
		return ldexp((double)(next(s) >> 11), -53) * 30.0;	/* bits of a range */
	memcpy(&v, &bits, sizeof(v));
	return isfinite(v) ? v : 0.5;
}

static void title(uint64_t *s, char out[static NK_TITLE_MAX + 1])
{
	static const char *const titles[] = {
		"", "Claim 1962/7", "quote \" and \\ back", "tab\tnew\nline\x01\x1f",
		"日本語の件名", "caf\xc3\xa9", "bad \xc3", "bad \xed\xa0\x80 surrogate",
		"overlong \xc0\xaf", "\xf4\x90\x80\x80 past", "emoji \xf0\x9f\x98\x80",
	};
	int k = below(s, sizeof(titles) / sizeof(titles[0]) + 1);

	if (k < (int)(sizeof(titles) / sizeof(titles[0]))) {
		snprintf(out, NK_TITLE_MAX + 1, "%s", titles[k]);
		return;
	}
	/* long enough to pass the short width, or the long one with escapes */
	for (int i = 0; i < NK_TITLE_MAX; i++)
		out[i] = coin(s) ? 'a' + (char)below(s, 26) : "\"\\\n"[below(s, 3)];
	out[NK_TITLE_MAX] = '\0';
}

static void rules_at_random(uint64_t *s, struct nk_rules *r)
{
	static const char *const currencies[] = { "USD", "JPY", "KRW", "EUR" };

	memset(r, 0, sizeof(*r));
	memcpy(r->currency, currencies[below(s, 4)], 4);
	r->rounds = 1 + below(s, NK_ROUNDS_MAX);
	r->monotone = coin(s);
	r->settle = (enum nk_settle)below(s, 3);
	r->band_bp = (uint32_t)below(s, 10001);
	r->band_amount = amount(s);
	r->grid = amount(s);
	r->hint_count = below(s, NK_HINTS_MAX + 1);
	for (int i = 0; i < r->hint_count; i++)
		r->hint_bp[i] = (uint32_t)(1 + below(s, 9999));
	r->range_low = amount(s);
	r->range_high = amount(s);
	r->leakage_bits = real(s);
	r->proposals = below(s, NK_PROPOSALS_MAX + 1);
	r->round_time_ms = coin(s) ? 0 : 1000 * (int64_t)below(s, 100000) + below(s, 1000);
	r->deadline_ms = coin(s) ? 0 : (int64_t)below(s, 1 << 30) * 1000 + below(s, 1000);
	r->principals = coin(s);
	r->blind = below(s, 4) == 0;
	r->open_proposals = coin(s);
	r->neutrals = coin(s) ? 0 : below(s, 6);
	r->bridge = below(s, 4) == 0;
	r->authority = below(s, 4) == 0;
}

static void brief_at_random(uint64_t *s, struct nk_brief *b)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->case_id, sizeof(b->case_id), "c%016llx", (unsigned long long)next(s));
	title(s, b->title);
	b->role = (enum nk_role)below(s, NK_ROLE_COUNT);
	b->viewer = coin(s) ? b->role : (enum nk_role)below(s, NK_ROLE_COUNT);
	rules_at_random(s, &b->rules);
	randombytes_buf_deterministic(b->seed_commitment, sizeof(b->seed_commitment),
				      (const uint8_t[32]){ (uint8_t)next(s) });
	b->state = (enum nk_case_state)below(s, 4);
	b->closed_reason = (enum nk_close_reason)below(s, NK_CLOSE_OTHER + 1);
	b->round = below(s, 4) == 0 ? below(s, NK_ROUNDS_MAX + 1) : below(s, 6);
	for (int i = 0; i < b->round; i++) {
		struct nk_brief_round *r = &b->rounds[i];

		r->own_submitted = coin(s);
		r->own_figure = amount(s);
		r->own_extension = coin(s) ? 0 : amount(s);
		r->evaluated = coin(s);
		r->deal = coin(s) ? NK_NO_DEAL : (enum nk_deal_kind)below(s, NK_DEAL_BRIDGE + 1);
		r->figure = amount(s);
		r->hint = below(s, NK_HINTS_MAX + 2) - 1;
		r->withheld = coin(s);
		r->has_view = coin(s);
		r->view.other = (struct nk_interval){ amount(s), amount(s) };
		r->view.exposed = (struct nk_interval){ amount(s), amount(s) };
		r->view.bits = real(s);
		r->view.exposed_bits = real(s);
	}
	b->rounds_evaluated = b->round;
	b->figures_deleted = coin(s);
	b->proposals = below(s, 3) ? 0 : below(s, NK_PROPOSALS_MAX + 2);
	for (int k = 0; k < NK_PROPOSALS_MAX; k++) {
		b->proposal_figures[k] = amount(s);
		b->proposal_results[k] = below(s, 4) - 2;
	}
	b->proposal_answered[0] = coin(s);
	b->proposal_answered[1] = coin(s);
	b->proposal_pending = coin(s);
	b->proposal = amount(s);
	b->own_answer = below(s, 3) - 1;
	b->proposal_accepted = below(s, 3) - 1;
	b->settled = coin(s);
	b->settlement = amount(s);
	b->settled_by = (enum nk_deal_kind)below(s, NK_DEAL_BRIDGE + 1);
	b->seed_revealed = coin(s);
	randombytes_buf_deterministic(b->seed, sizeof(b->seed), (const uint8_t[32]){ 7 });
	b->events = amount(s);
	for (int r = 0; r < NK_ROLE_COUNT; r++) {
		b->joined[r] = below(s, 3) == 0;
		randombytes_buf_deterministic(&b->identity[r], sizeof(b->identity[r]),
					      (const uint8_t[32]){ (uint8_t)r });
		b->sent[r] = below(s, 4) ? 0 : (uint64_t)amount(s);
		b->received[r] = below(s, 4) ? 0 : (uint64_t)amount(s);
		b->endorsements[0][r] = below(s, 5) == 0;
		b->endorsements[1][r] = below(s, 5) == 0;
	}
	b->last_request = coin(s) ? 0 : (uint64_t)amount(s);
	b->deposits = coin(s) ? 0 : (uint64_t)amount(s);
	b->deposit_held = coin(s);
	b->released = coin(s);
	b->token_reissues = coin(s) ? 0 : (uint32_t)next(s);
	b->token_revokes = coin(s) ? 0 : (uint32_t)next(s);
	b->token_changed_ms = amount(s);
	b->round_due_ms = coin(s) ? 0 : (int64_t)below(s, 1 << 30) * 1000;
	b->lapsed_round = coin(s) ? 0 : below(s, NK_ROUNDS_MAX + 1);
	b->lapse_missed = coin(s);
	b->deadline_passed = coin(s);
	for (int side = 0; side < 2; side++) {
		b->has_open[side] = coin(s);
		b->open[side] = amount(s);
		b->open_round[side] = below(s, NK_ROUNDS_MAX + 1);
		b->open_bits[side] = real(s);
	}
	b->has_suggestion = coin(s);
	b->suggestion = amount(s);
	b->evaluating = coin(s);
	b->fair_count = below(s, 6);
	b->neutral_shown = coin(s);
	b->neutral_demand = amount(s);
	b->neutral_offer = amount(s);
	b->own_fair_given = coin(s);
	b->own_fair = amount(s);
	b->neutral_rule = below(s, 5) - 1;
	b->draft = coin(s);
	b->draft_action = below(s, 5);
	b->draft_round = below(s, NK_ROUNDS_MAX + 1);
	b->draft_amount = amount(s);
	b->draft_accept = coin(s);
	b->draft_number = (uint64_t)amount(s);
}

static void briefings_at_random(void **state)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	uint64_t s = 13;
	int told = 0;

	(void)state;
	assert_non_null(b);
	for (int i = 0; i < 20000; i++) {
		brief_at_random(&s, b);
		told += same_text(b) > 0;
	}
	/* most of them make an answer; the rest are refused by both alike */
	printf("# %d of 20000 answered\n", told);
	assert_true(told > 10000);
	sodium_free(b);
}

/* ---- real cases ---- */

/* Every role's briefing of case id: its text both ways. */
static void every_role(struct fixture *f, const char *id)
{
	static const enum nk_role roles[] = { NK_CLAIMANT, NK_PAYER, NK_MEDIATOR,
					      NK_NEUTRAL_1 };
	struct nk_brief *b = sodium_malloc(sizeof(*b));

	assert_non_null(b);
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (nk_case_brief(&f->env, id, roles[i], b, NULL) == NK_OK)
			same_text(b);
	sodium_free(b);
}

/* req as role, and the briefing the action answers with, both ways */
static enum nk_status act(struct fixture *f, const char *id, enum nk_role role,
			  const struct nk_case_request *req)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	struct nk_package_brief *pb = sodium_malloc(sizeof(*pb));
	struct nk_error err = { 0 };
	bool package = false, briefed = false;
	enum nk_status rc;

	assert_true(b && pb);
	rc = nk_case_act_brief(&f->env, id, role, req, NULL, b, pb, &package, &briefed, &err);
	if (rc == NK_OK && briefed && !package)
		same_text(b);
	sodium_free(b);
	sodium_free(pb);
	every_role(f, id);
	return rc;
}

static void submit(struct fixture *f, const char *id, enum nk_role role, int64_t amount)
{
	const struct nk_case_request req = { .action = NK_ACTION_SUBMIT, .amount = amount };

	assert_int_equal(act(f, id, role, &req), NK_OK);
}

/* rounds without a deal, then the rules' ending: a proposal, the neutrals, a deal */
static void play(struct fixture *f, const struct nk_rules *r, bool deal)
{
	const struct nk_case_request propose = { .action = NK_ACTION_PROPOSE, .amount = 500000 };
	const struct nk_case_request yes = { .action = NK_ACTION_ANSWER, .accept = true };
	const struct nk_case_request no = { .action = NK_ACTION_ANSWER, .accept = false };
	const struct nk_case_request close = { .action = NK_ACTION_CLOSE };
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX];
	int last = deal ? r->rounds - 1 : r->rounds;

	assert_int_equal(nk_case_open(&f->env, r, id, &err), NK_OK);
	every_role(f, id);
	for (int i = 1; i <= last; i++) {
		submit(f, id, NK_CLAIMANT, 900000 - i * 7919);
		submit(f, id, NK_PAYER, 100000 + i * 6007);
	}
	if (deal) {
		submit(f, id, NK_CLAIMANT, 510000);
		submit(f, id, NK_PAYER, 530000);	/* they meet: settled, figures deleted */
		return;
	}
	if (r->proposals > 0) {
		(void)act(f, id, NK_MEDIATOR, &propose);
		(void)act(f, id, NK_CLAIMANT, &yes);
		(void)act(f, id, NK_PAYER, &no);
	}
	(void)act(f, id, NK_MEDIATOR, &close);
}

static void cases_round_after_round(void **state)
{
	struct fixture *f = *state;
	struct nk_rules r;

	for (int variant = 0; variant < 6; variant++)
		for (int deal = 0; deal < 2; deal++) {
			nk_rules_default(&r, nk_currency_find(variant & 1 ? "JPY" : "USD"));
			r.rounds = 3 + variant;
			r.range_low = 0;
			r.range_high = 1000000;
			if (variant >= 1) {	/* the gap's band told, or withheld */
				r.hint_count = 2;
				r.hint_bp[0] = 1000;
				r.hint_bp[1] = 2500;
				r.leakage_bits = variant == 2 ? 1.5 : 8.0;
			}
			if (variant == 3)
				r.proposals = 2;
			if (variant == 4)
				r.round_time_ms = NK_ROUND_TIME_MIN_MS;
			if (variant == 5)
				r.settle = NK_SETTLE_RANDOM;
			play(f, &r, deal);
		}
}

/* The server benchmark's rules (bench_server_setup.py): ten rounds, no hints. */
static void the_benchmarks_case(void **state)
{
	struct fixture *f = *state;
	struct nk_rules r;

	nk_rules_default(&r, nk_currency_find("USD"));
	r.rounds = 11;
	r.hint_count = 0;
	r.range_low = 0;
	r.range_high = 100000000;
	r.proposals = 1;
	play(f, &r, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(briefings_at_random),
		cmocka_unit_test_setup_teardown(cases_round_after_round, setup_cached, teardown),
		cmocka_unit_test_setup_teardown(the_benchmarks_case, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	nk_alloc_install();	/* as the server: jansson's blocks wiped when freed */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
