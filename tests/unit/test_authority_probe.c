/* An attack on principals who clear (case/authority.c): under --authority a party's
 * figure or answer is first done in a transaction that is rolled back, to refuse it at
 * once if the rules would. Done whole, that trial concluded the round (or the proposal)
 * when the other side's figure (or answer) was in, so the work it did, and so its time,
 * told whether this figure would settle: a party whose principal rejects each draft can
 * draft again and again and search the other side's limit, and learn the other side's
 * answer to a proposal before giving its own. The trial now does the same work whatever
 * the other side did. The work is counted by the test clock, which moves a second at
 * each reading (one per event appended, one per statement signed...). */
#include "case/case_impl.h"
#include "../fake_env.h"
#include <nakodo/ledger.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct probe {
	struct fake_env fake;
	struct nk_store *store;
	struct nk_server_key *signer;
	struct nk_case_env env;
	struct nk_case_cache *cache;	/* the server's, or NULL */
	struct nk_party_key *key[NK_ROLE_COUNT];
	uint64_t number[NK_ROLE_COUNT];	/* each role's last request number */
	char id[NK_CASE_ID_MAX];
};

static enum nk_status act(struct probe *p, enum nk_role role, const struct nk_case_request *req)
{
	struct nk_request_auth auth;

	assert_int_equal(nk_case_request_sign(p->key[role], p->id, role, ++p->number[role], req,
					      &auth, NULL), NK_OK);
	return nk_case_act(&p->env, p->id, role, req, &auth, NULL);
}

static void join(struct probe *p, enum nk_role role)
{
	uint8_t sig[NK_SIGNATURE_BYTES];
	struct nk_identity idn;

	assert_int_equal(nk_party_key_generate(&p->key[role], NULL), NK_OK);
	nk_party_key_identity(p->key[role], &idn);
	assert_int_equal(nk_join_sign(p->key[role], p->id, role, sig, NULL), NK_OK);
	assert_int_equal(nk_case_join(&p->env, p->id, role, &idn, sig, NULL), NK_OK);
}

/* The party and its principal join, and the party endorses the principal's key. */
static void side(struct probe *p, enum nk_role party, enum nk_role principal)
{
	struct nk_case_request req = { .action = NK_ACTION_ENDORSE, .endorse = principal };
	struct nk_identity idn;

	join(p, party);
	join(p, principal);
	nk_party_key_identity(p->key[principal], &idn);
	memcpy(req.endorse_key, idn.sign, sizeof(req.endorse_key));
	assert_int_equal(act(p, party, &req), NK_OK);
}

/* The party's draft req, then its principal's approval. */
static void cleared(struct probe *p, enum nk_role party, enum nk_role principal,
		    const struct nk_case_request *req)
{
	struct nk_case_request approve = { .action = NK_ACTION_APPROVE, .accept = true };

	assert_int_equal(act(p, party, req), NK_OK);
	approve.draft = p->number[party];
	assert_int_equal(act(p, principal, &approve), NK_OK);
}

static struct probe *probe_open_with(int proposals, int rounds, bool cached)
{
	struct probe *p = calloc(1, sizeof(*p));
	struct nk_rules r;

	assert_non_null(p);
	p->fake = (struct fake_env)FAKE_ENV_START;
	assert_int_equal(nk_store_open(&p->store, "mem:", NK_STORE_CREATE, NULL), NK_OK);
	assert_int_equal(nk_server_key_generate(&p->signer, NULL), NK_OK);
	if (cached)
		assert_int_equal(nk_case_cache_new(&p->cache, 16, NULL), NK_OK);
	p->env = (struct nk_case_env){ p->store, fake_now, fake_random, &p->fake, p->signer,
				       NULL, p->cache };
	nk_rules_default(&r, nk_currency_find("USD"));
	r.principals = r.authority = true;
	r.rounds = rounds;
	r.proposals = proposals;
	assert_int_equal(nk_case_open(&p->env, &r, p->id, NULL), NK_OK);
	side(p, NK_CLAIMANT, NK_CLAIMANT_PRINCIPAL);
	side(p, NK_PAYER, NK_PAYER_PRINCIPAL);
	return p;
}

static struct probe *probe_open(int proposals)
{
	return probe_open_with(proposals, 1, false);
}

static void probe_close(struct probe *p)
{
	for (int r = 0; r < NK_ROLE_COUNT; r++)
		nk_party_key_free(p->key[r]);
	nk_server_key_free(p->signer);
	nk_store_close(p->store);
	nk_case_cache_free(p->cache);
	free(p);
}

/* The test clock's move over the claimant's draft req on p's case, which it closes. */
static int64_t draft_cost(struct probe *p, const struct nk_case_request *req)
{
	const int64_t before = p->fake.clock;
	int64_t cost;

	assert_int_equal(act(p, NK_CLAIMANT, req), NK_OK);
	cost = p->fake.clock - before;
	probe_close(p);
	return cost;
}

/* What the claimant's draft of demand costs, the payer having offered offer (or not,
 * at 0). */
static int64_t figure_draft_cost(int64_t offer, int64_t demand)
{
	struct probe *p = probe_open(0);
	const struct nk_case_request give = { .action = NK_ACTION_SUBMIT, .amount = offer };
	const struct nk_case_request draft = { .action = NK_ACTION_SUBMIT, .amount = demand };

	if (offer)
		cleared(p, NK_PAYER, NK_PAYER_PRINCIPAL, &give);
	return draft_cost(p, &draft);
}

static void a_figure_drafts_cost_alike_whatever_the_other_offered(void **state)
{
	const int64_t alone = figure_draft_cost(0, 400000);

	(void)state;
	/* an offer above the demand: the round would settle */
	assert_int_equal(figure_draft_cost(500000, 400000), alone);
	/* an offer below it: the round would fail */
	assert_int_equal(figure_draft_cost(300000, 400000), alone);
}

/* What the claimant's draft answer costs, the payer having answered payer_answer (-1:
 * not at all) to the mediator's proposal after the impasse. */
static int64_t answer_draft_cost(int payer_answer, bool accept)
{
	struct probe *p = probe_open(1);
	const struct nk_case_request demand = { .action = NK_ACTION_SUBMIT, .amount = 500000 };
	const struct nk_case_request offer = { .action = NK_ACTION_SUBMIT, .amount = 300000 };
	const struct nk_case_request propose = { .action = NK_ACTION_PROPOSE, .amount = 400000 };
	const struct nk_case_request mine = { .action = NK_ACTION_ANSWER, .accept = accept };
	const struct nk_case_request theirs = { .action = NK_ACTION_ANSWER,
						.accept = payer_answer == 1 };

	cleared(p, NK_CLAIMANT, NK_CLAIMANT_PRINCIPAL, &demand);
	cleared(p, NK_PAYER, NK_PAYER_PRINCIPAL, &offer);
	join(p, NK_MEDIATOR);
	assert_int_equal(act(p, NK_MEDIATOR, &propose), NK_OK);
	if (payer_answer >= 0)
		cleared(p, NK_PAYER, NK_PAYER_PRINCIPAL, &theirs);
	return draft_cost(p, &mine);
}

static void an_answer_draft_costs_alike_whatever_the_other_answered(void **state)
{
	(void)state;
	for (int accept = 0; accept < 2; accept++) {
		const int64_t alone = answer_draft_cost(-1, accept);

		assert_int_equal(answer_draft_cost(1, accept), alone);
		assert_int_equal(answer_draft_cost(0, accept), alone);
	}
}

/* With the server's cache of folded states, a figure that completes its round has that
 * round evaluated before the write turn (case/ahead.c), from the state the cache kept:
 * never a draft that awaits its principal, whose evaluation there would take longer when
 * the round would settle, and happen only when the other side's figure is in, telling
 * both by its time (the test clock does not see that work: it reads no clock). Round 2,
 * the payer's offer in and the replay and seed of round 1 held by the cache. */
static void a_draft_is_never_evaluated_ahead(void **state)
{
	struct probe *p = probe_open_with(0, 3, true);
	const struct nk_case_request demand = { .action = NK_ACTION_SUBMIT, .amount = 500000 };
	const struct nk_case_request offer = { .action = NK_ACTION_SUBMIT, .amount = 300000 };
	const struct nk_case_request higher = { .action = NK_ACTION_SUBMIT, .amount = 350000 };
	const struct nk_case_request settling = { .action = NK_ACTION_SUBMIT, .amount = 340000 };
	struct case_state *st = malloc(sizeof(*st));

	(void)state;
	assert_non_null(st);
	cleared(p, NK_CLAIMANT, NK_CLAIMANT_PRINCIPAL, &demand);
	cleared(p, NK_PAYER, NK_PAYER_PRINCIPAL, &offer);	/* round 1: no deal */
	cleared(p, NK_PAYER, NK_PAYER_PRINCIPAL, &higher);	/* round 2: the payer's in */
	case_ahead_prepare(&p->env, p->id, NK_CLAIMANT, &settling, NULL, st);
	assert_false(case_ahead_evaluated());
	case_ahead_end();
	/* the draft itself goes through as any draft */
	assert_int_equal(act(p, NK_CLAIMANT, &settling), NK_OK);
	sodium_memzero(st, sizeof(*st));
	free(st);
	probe_close(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_figure_drafts_cost_alike_whatever_the_other_offered),
		cmocka_unit_test(an_answer_draft_costs_alike_whatever_the_other_answered),
		cmocka_unit_test(a_draft_is_never_evaluated_ahead),
	};

	assert_true(sodium_init() >= 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
