/* The simulation agrees with real cases: simulated cases played again through the case
 * functions (nk_case_open, _extend, _submit, _brief, _propose, _answer on a mem: store),
 * with each negotiator reading its hints from its own briefing, end as nk_sim_play says
 * (settled or not, in which round, by what, at what figure) under every rule set a case
 * can hold today: the baseline, plain rounds, hints, the deal-closer, the mediator's
 * proposal, open proposals (each negotiator announcing through nk_case_announce and
 * reading the suggestion from its own briefing), neutral evaluation (each neutral giving
 * its view, held within the last figures, joined with a key of its own that both parties
 * endorsed, and signed, as only such a neutral may) and the bridge (opened
 * with the simulated case's budget; each party reads its own sum from its briefing). */
#include <nakodo/case.h>
#include <nakodo/keys.h>
#include <nakodo/simulate.h>
#include "../fake_env.h"

#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define CASES 150

struct played {
	bool settled;
	int rounds;
	enum nk_deal_kind by;
	int64_t settlement;	/* as the claimant's briefing tells it */
	int64_t paid;		/* as the payer's */
};

static struct nk_brief brief;	/* large: kept off the stack */

static void must(enum nk_status rc, const struct nk_error *err, const char *what)
{
	if (rc != NK_OK)
		fail_msg("%s: %s: %s", what, err->field, err->text);
}

/* Open proposals: each side announces its scheduled figure when it moves toward the
 * other side, then takes the suggestion its briefing shows when its limit admits it,
 * never less generous than its last figure. */
static void open_step(const struct nk_case_env *env, const char *id,
		      const struct nk_sim_party *const party[2], int t, int64_t figure[2],
		      const int64_t last[2])
{
	struct nk_error err = { 0 };

	for (int r = 0; r < 2; r++) {
		must(nk_case_brief(env, id, (enum nk_role)r, &brief, &err), &err, "brief");
		if (!brief.has_open[r] || (r == NK_CLAIMANT ? figure[r] < brief.open[r]
							    : figure[r] > brief.open[r]))
			must(nk_case_announce(env, id, (enum nk_role)r, t, figure[r], &err), &err,
			     "announce");
	}
	for (int r = 0; r < 2; r++) {
		must(nk_case_brief(env, id, (enum nk_role)r, &brief, &err), &err, "brief");
		if (brief.has_suggestion && r == NK_CLAIMANT &&
		    party[r]->limit <= brief.suggestion && brief.suggestion < figure[r])
			figure[r] = brief.suggestion;
		if (brief.has_suggestion && r == NK_PAYER &&
		    party[r]->limit >= brief.suggestion && brief.suggestion > figure[r])
			figure[r] = brief.suggestion;
		if (t > 1 && (r == NK_CLAIMANT ? last[r] < figure[r] : last[r] > figure[r]))
			figure[r] = last[r];
	}
}

/* role joins case id with a new key, kept in *key. */
static void join_new(const struct nk_case_env *env, const char *id, enum nk_role role,
		     struct nk_party_key **key)
{
	struct nk_identity idn;
	struct nk_error err = { 0 };
	uint8_t sig[NK_SIGNATURE_BYTES];

	must(nk_party_key_generate(key, &err), &err, "key");
	nk_party_key_identity(*key, &idn);
	must(nk_join_sign(*key, id, role, sig, &err), &err, "join");
	must(nk_case_join(env, id, role, &idn, sig, &err), &err, "join");
}

/* Neutral k joins with a key of its own (a neutral's token alone, which the case's opener
 * holds too, is refused the figure), both parties (joined with party[]'s keys, their
 * requests numbered by seq[]) endorse that key, as they must before it is shown the last
 * figures, and it gives its fair figure signed. */
static void neutral_fair(const struct nk_case_env *env, const char *id, int k, int64_t fair,
			 struct nk_party_key *const party[static 2], uint64_t seq[static 2])
{
	const enum nk_role role = nk_role_neutral(k);
	struct nk_case_request req = { .action = NK_ACTION_SUBMIT, .amount = fair };
	struct nk_request_auth auth;
	struct nk_party_key *key = NULL;
	struct nk_identity idn;
	struct nk_error err = { 0 };

	join_new(env, id, role, &key);
	nk_party_key_identity(key, &idn);
	for (int p = 0; p < 2; p++) {
		struct nk_case_request e = { .action = NK_ACTION_ENDORSE, .endorse = role };

		memcpy(e.endorse_key, idn.sign, sizeof(e.endorse_key));
		must(nk_case_request_sign(party[p], id, (enum nk_role)p, ++seq[p], &e, &auth,
					  &err), &err, "sign");
		must(nk_case_act(env, id, (enum nk_role)p, &e, &auth, &err), &err, "endorse");
	}
	must(nk_case_request_sign(key, id, role, 1, &req, &auth, &err), &err, "sign");
	nk_party_key_free(key);
	must(nk_case_act(env, id, role, &req, &auth, &err), &err, "fair");
}

static void play_case(const struct nk_case_env *env, enum nk_sim_ruleset set,
		      const struct nk_sim_case *c, struct played *out)
{
	struct nk_rules rules;
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX];
	bool eager[2] = { false, false };
	const struct nk_sim_party *const party[2] = { &c->claimant, &c->payer };
	int64_t last[2] = { 0, 0 };

	nk_sim_rules(set, &rules);
	memset(out, 0, sizeof(*out));
	must(nk_case_open_bridged(env, &rules, NULL, set == NK_SIM_BRIDGE ? c->budget : 0, NULL,
				  NULL, id, &err), &err, "open");
	for (int t = 1; t <= NK_SIM_ROUNDS; t++) {
		int64_t figure[2];

		for (int r = 0; r < 2; r++)
			figure[r] = nk_sim_figure(party[r], (enum nk_role)r, t, eager[r]);
		if (set == NK_SIM_CLOSER && t == NK_SIM_ROUNDS) {
			for (int r = 0; r < 2; r++) {
				int64_t amount = nk_sim_extension(party[r], (enum nk_role)r,
								  figure[r]);

				if (amount > 0)
					must(nk_case_extend(env, id, (enum nk_role)r, amount, &err),
					     &err, "extend");
			}
		}
		if (set == NK_SIM_OPEN)
			open_step(env, id, party, t, figure, last);
		must(nk_case_submit(env, id, NK_CLAIMANT, figure[0], &err), &err, "submit");
		must(nk_case_submit(env, id, NK_PAYER, figure[1], &err), &err, "submit");
		last[0] = figure[0];
		last[1] = figure[1];
		out->rounds = t;
		for (int r = 0; r < 2; r++) {
			must(nk_case_brief(env, id, (enum nk_role)r, &brief, &err), &err, "brief");
			eager[r] = eager[r] || brief.rounds[t - 1].hint == 0;
			out->settled = brief.settled;
			out->by = brief.settled_by;
			if (r == NK_CLAIMANT)
				out->settlement = brief.settlement;
			else
				out->paid = brief.settlement;
		}
		if (out->settled)
			return;
	}
	if (set == NK_SIM_PROPOSAL) {
		int64_t p = c->mediator_estimate;

		must(nk_case_propose(env, id, p, &err), &err, "propose");
		must(nk_case_answer(env, id, NK_CLAIMANT, p >= c->claimant.limit, &err), &err,
		     "answer");
		must(nk_case_answer(env, id, NK_PAYER, p <= c->payer.limit, &err), &err, "answer");
		must(nk_case_brief(env, id, NK_PAYER, &brief, &err), &err, "brief");
		out->rounds = NK_SIM_ROUNDS + 1;
		out->settled = brief.settled;
		out->by = brief.settled_by;
		out->settlement = out->paid = brief.settlement;
	}
	if (set == NK_SIM_NEUTRAL) {
		struct nk_party_key *keys[2] = { NULL, NULL };
		uint64_t seq[2] = { 0, 0 };

		for (int r = 0; r < 2; r++)	/* they join to endorse the neutrals' keys */
			join_new(env, id, (enum nk_role)r, &keys[r]);
		for (int k = 1; k <= NK_SIM_NEUTRALS; k++) {
			int64_t fair = c->neutral_estimate[k - 1];

			fair = fair < last[1] ? last[1] : fair > last[0] ? last[0] : fair;
			neutral_fair(env, id, k, fair, keys, seq);
		}
		nk_party_key_free(keys[0]);
		nk_party_key_free(keys[1]);
		must(nk_case_brief(env, id, NK_CLAIMANT, &brief, &err), &err, "brief");
		out->rounds = NK_SIM_ROUNDS + 1;
		out->settled = brief.settled;
		out->by = brief.settled_by;
		out->settlement = out->paid = brief.settlement;	/* one figure for both */
	}
}

static void same_outcomes(void **state)
{
	static const enum nk_sim_ruleset sets[] = { NK_SIM_BASELINE, NK_SIM_PLAIN, NK_SIM_HINTS,
						    NK_SIM_CLOSER, NK_SIM_PROPOSAL, NK_SIM_OPEN,
						    NK_SIM_NEUTRAL, NK_SIM_BRIDGE };
	struct nk_server_key *signer = NULL;
	struct fake_env fake = FAKE_ENV_START;
	int settled = 0, hinted = 0, neutral = 0, bridged = 0;

	(void)state;
	assert_int_equal(nk_server_key_generate(&signer, NULL), NK_OK);
	for (uint64_t i = 0; i < CASES; i++) {
		struct nk_sim_case c;

		nk_sim_case_draw(1962, i, &c);
		for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
			struct nk_store *store = NULL;
			struct nk_case_env env;
			struct nk_sim_outcome want;
			struct played got;
			struct nk_error err = { 0 };

			/* a store per case, as the prober does: mem: copies its secrets at
			 * every transaction */
			assert_int_equal(nk_store_open(&store, "mem:", NK_STORE_CREATE, NULL),
					 NK_OK);
			env = (struct nk_case_env){ store, fake_now, fake_random, &fake, signer,
						    NULL, NULL };
			play_case(&env, sets[s], &c, &got);
			nk_store_close(store);
			must(nk_sim_play(sets[s], &c, &want, &err), &err, "nk_sim_play");
			if (got.settled != (want.end != NK_SIM_RUPTURE) ||
			    (got.settled && got.rounds != want.rounds))
				fail_msg("case %llu, %s: the case %s in round %d, the simulation "
					 "%s in round %d", (unsigned long long)i,
					 nk_sim_ruleset_name(sets[s]),
					 got.settled ? "settled" : "did not settle", got.rounds,
					 want.end != NK_SIM_RUPTURE ? "settled" : "did not settle",
					 want.rounds);
			if (!got.settled)
				continue;
			settled++;
			assert_int_equal(got.settlement, want.received);
			assert_int_equal(got.paid, want.paid);
			if (want.end == NK_SIM_ROUND)
				assert_int_equal(got.by, want.deal);
			else if (want.end == NK_SIM_NEUTRAL_END)
				assert_int_equal(got.by, NK_DEAL_NEUTRAL);
			else if (want.end == NK_SIM_BRIDGE_END)
				assert_int_equal(got.by, NK_DEAL_BRIDGE);
			else
				assert_int_equal(got.by, NK_DEAL_PROPOSAL);
			bridged += want.end == NK_SIM_BRIDGE_END;
			hinted += sets[s] == NK_SIM_HINTS;
			neutral += want.end == NK_SIM_NEUTRAL_END;
		}
	}
	/* the comparison covered settlements, and some under hints */
	assert_true(settled > CASES);
	assert_true(hinted > 10);
	assert_true(neutral > 10);
	assert_true(bridged > 10);
	nk_server_key_free(signer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_outcomes),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
