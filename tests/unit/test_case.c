#define _GNU_SOURCE	/* memmem */
/* Unit tests for case/: commands against the folded log, refusals that append
 * nothing, the proposal protocol, the deal-closer, and briefings per role. */
#include <nakodo/case.h>
#include "../fake_env.h"
#include "test_store_url.h"
#include <nakodo/seal.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define M(x) ((int64_t)(x) * 100000000)	/* US$ million in cents */

struct fixture {
	struct nk_server_key *signer;
	struct nk_store *store;
	struct nk_case_env env;
	struct fake_env fake;	/* the clock and random source of env */
	char dir[64];
	struct test_store ts;	/* NAKODO_TEST_STORE, mem by default */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/nakodo-case-XXXXXX");
	if (!mkdtemp(f->dir) || !test_store_new(&f->ts, f->dir, "mem"))
		return -1;
	if (sodium_init() < 0 || nk_store_open(&f->store, f->ts.url, NK_STORE_CREATE, NULL) != NK_OK ||
	    nk_server_key_generate(&f->signer, NULL) != NK_OK)
		return -1;
	f->env = (struct nk_case_env){ f->store, fake_now, fake_random, &f->fake, f->signer, NULL, NULL };
	f->fake = (struct fake_env)FAKE_ENV_START;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[96];

	nk_store_close(f->store);
	test_store_drop(&f->ts);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	nk_server_key_free(f->signer);
	free(f);
	return 0;
}

static void rules_1962(struct nk_rules *r)
{
	nk_rules_default(r, nk_currency_find("USD"));
	r->rounds = 4;
	r->grid = M(1) / 100 * 100;
	r->hint_count = 2;
	r->hint_bp[0] = 1000;
	r->hint_bp[1] = 2500;
	r->range_low = 0;
	r->range_high = M(2000);
}

static size_t event_count(struct fixture *f, const char *id)
{
	struct nk_event_list log = { 0 };
	size_t n;

	assert_int_equal(nk_store_load(f->store, id, &log, NULL), NK_OK);
	n = log.count;
	nk_event_list_free(&log);
	return n;
}

static void claims_1962_settles_by_proposal(void **state)
{
	struct fixture *f = *state;
	static const int korea[] = { 700, 600, 600, 600 }, japan[] = { 70, 170, 300, 350 };
	struct nk_rules rules;
	struct nk_brief b;
	char id[NK_CASE_ID_MAX];

	rules_1962(&rules);
	assert_int_equal(nk_case_open(&f->env, &rules, id, NULL), NK_OK);
	for (int r = 0; r < 4; r++) {
		assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, M(korea[r]), NULL), NK_OK);
		assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, M(japan[r]), NULL), NK_OK);
		assert_int_equal(nk_case_brief(&f->env, id, NK_CLAIMANT, &b, NULL), NK_OK);
		assert_true(b.rounds[r].evaluated);
		assert_int_equal(b.rounds[r].deal, NK_NO_DEAL);
		assert_int_equal(b.rounds[r].own_figure, M(korea[r]));
		/* Korea's knowledge of Japan's offer holds the truth and is not exact. */
		assert_true(b.rounds[r].view.other.low <= M(japan[r]));
		assert_true(b.rounds[r].view.other.high >= M(japan[r]));
		assert_true(b.rounds[r].view.other.high > b.rounds[r].view.other.low);
		assert_true(b.rounds[r].view.exposed.low <= M(korea[r]));
		assert_true(b.rounds[r].view.exposed.high >= M(korea[r]));
	}
	assert_int_equal(nk_case_brief(&f->env, id, NK_MEDIATOR, &b, NULL), NK_OK);
	assert_int_equal(b.state, NK_STATE_IMPASSE);
	assert_int_equal(nk_case_propose(&f->env, id, M(500), NULL), NK_OK);
	assert_int_equal(nk_case_answer(&f->env, id, NK_CLAIMANT, true, NULL), NK_OK);
	/* One answer in: nothing settled, the other side learns nothing of it. */
	assert_int_equal(nk_case_brief(&f->env, id, NK_PAYER, &b, NULL), NK_OK);
	assert_int_equal(b.own_answer, -1);
	assert_int_equal(b.proposal_accepted, -1);
	assert_int_equal(nk_case_answer(&f->env, id, NK_PAYER, true, NULL), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, id, NK_CLAIMANT, &b, NULL), NK_OK);
	assert_int_equal(b.state, NK_STATE_SETTLED);
	assert_true(b.settled);
	assert_int_equal(b.settlement, M(500));
	assert_int_equal(b.settled_by, NK_DEAL_PROPOSAL);
	assert_true(b.figures_deleted);
}

static void refusals_append_nothing(void **state)
{
	struct fixture *f = *state;
	struct nk_rules rules;
	struct nk_error err;
	char id[NK_CASE_ID_MAX];
	size_t before;

	rules_1962(&rules);
	assert_int_equal(nk_case_open(&f->env, &rules, id, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, M(700), NULL), NK_OK);
	before = event_count(f, id);
	/* a second figure in the same round */
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, M(650), &err), NK_EREFUSED);
	assert_string_equal(err.field, "round");
	/* outside the range */
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, M(2001), &err), NK_EINVAL);
	assert_string_equal(err.field, "amount");
	/* the mediator does not submit figures */
	assert_int_equal(nk_case_submit(&f->env, id, NK_MEDIATOR, M(5), &err), NK_EREFUSED);
	assert_string_equal(err.field, "role");
	/* no proposal before impasse, no answer without a proposal */
	assert_int_equal(nk_case_propose(&f->env, id, M(500), &err), NK_EREFUSED);
	assert_int_equal(nk_case_answer(&f->env, id, NK_PAYER, true, &err), NK_EREFUSED);
	/* unknown case and malformed id */
	assert_int_equal(nk_case_submit(&f->env, id[0] == 'f' ? "00000000000000000000" : "ffffffffffffffffffff",
					NK_PAYER, M(5), &err), NK_ENOTFOUND);
	assert_int_equal(nk_case_submit(&f->env, "../etc", NK_PAYER, M(5), &err), NK_EINVAL);
	assert_int_equal(event_count(f, id), before);
	/* a figure named for a round that is not the open one */
	assert_int_equal(nk_case_submit_round(&f->env, id, NK_PAYER, 2, M(100), &err), NK_EREFUSED);
	assert_string_equal(err.field, "round");
	assert_int_equal(nk_case_submit_round(&f->env, id, NK_PAYER, 0, M(100), &err), NK_EINVAL);
	assert_int_equal(event_count(f, id), before);
	/* a non-monotone figure in round 2 */
	assert_int_equal(nk_case_submit_round(&f->env, id, NK_PAYER, 1, M(100), NULL), NK_OK);
	before = event_count(f, id);
	/* round 1 has closed: a retry naming it is refused, not moved to round 2 */
	assert_int_equal(nk_case_submit_round(&f->env, id, NK_PAYER, 1, M(100), &err), NK_EREFUSED);
	assert_string_equal(err.field, "round");
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, M(90), &err), NK_EREFUSED);
	assert_non_null(strstr(err.text, "monotone"));
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, M(701), &err), NK_EREFUSED);
	assert_int_equal(event_count(f, id), before);
	/* after closing, nothing more */
	assert_int_equal(nk_case_close(&f->env, id, NULL), NK_OK);
	before = event_count(f, id);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, M(600), &err), NK_EREFUSED);
	assert_non_null(strstr(err.text, "ended"));
	assert_int_equal(nk_case_close(&f->env, id, &err), NK_EREFUSED);
	assert_int_equal(event_count(f, id), before);
}

static void deal_closer_closes_the_gap(void **state)
{
	struct fixture *f = *state;
	struct nk_rules rules;
	struct nk_brief b;
	char id[NK_CASE_ID_MAX];

	nk_rules_default(&rules, nk_currency_find("USD"));
	rules.range_high = M(1000);
	assert_int_equal(nk_case_open(&f->env, &rules, id, NULL), NK_OK);
	/* round 1: gap 100, extensions 30 + 50 do not close it */
	assert_int_equal(nk_case_extend(&f->env, id, NK_CLAIMANT, M(30), NULL), NK_OK);
	assert_int_equal(nk_case_extend(&f->env, id, NK_PAYER, M(50), NULL), NK_OK);
	assert_int_equal(nk_case_extend(&f->env, id, NK_PAYER, M(60), NULL), NK_EREFUSED);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, M(600), NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, M(500), NULL), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, id, NK_PAYER, &b, NULL), NK_OK);
	assert_int_equal(b.rounds[0].deal, NK_NO_DEAL);
	assert_int_equal(b.state, NK_STATE_OPEN);
	/* round 2: gap 60, extensions 40 + 40 close it; midpoint of 560 and 540 = 550 */
	assert_int_equal(nk_case_extend(&f->env, id, NK_CLAIMANT, M(40), NULL), NK_OK);
	assert_int_equal(nk_case_extend(&f->env, id, NK_PAYER, M(40), NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, M(580), NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, M(520), NULL), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, id, NK_CLAIMANT, &b, NULL), NK_OK);
	assert_int_equal(b.state, NK_STATE_SETTLED);
	assert_int_equal(b.settled_by, NK_DEAL_CLOSER);
	assert_int_equal(b.settlement, M(550));
}

static void declined_proposal_reveals_no_answer(void **state)
{
	struct fixture *f = *state;
	struct nk_rules rules;
	struct nk_brief b;
	char id[NK_CASE_ID_MAX];

	nk_rules_default(&rules, nk_currency_find("JPY"));
	rules.rounds = 1;
	rules.proposals = 2;
	rules.range_high = 1000000;
	assert_int_equal(nk_case_open(&f->env, &rules, id, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 900, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 100, NULL), NK_OK);
	assert_int_equal(nk_case_propose(&f->env, id, 500, NULL), NK_OK);
	assert_int_equal(nk_case_answer(&f->env, id, NK_CLAIMANT, false, NULL), NK_OK);
	assert_int_equal(nk_case_answer(&f->env, id, NK_PAYER, true, NULL), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, id, NK_CLAIMANT, &b, NULL), NK_OK);
	assert_int_equal(b.state, NK_STATE_IMPASSE);
	assert_int_equal(b.proposal_accepted, 0);
	assert_int_equal(b.own_answer, 0);
	/* the log names who answered, never how */
	{
		struct nk_event_list log = { 0 };

		assert_int_equal(nk_store_load(f->store, id, &log, NULL), NK_OK);
		for (size_t i = 0; i < log.count; i++) {
			assert_null(strstr(log.events[i].body, "accept\""));
			assert_null(strstr(log.events[i].body, "decline"));
		}
		nk_event_list_free(&log);
	}
	/* the second and last proposal fails too: the case closes */
	assert_int_equal(nk_case_propose(&f->env, id, 600, NULL), NK_OK);
	assert_int_equal(nk_case_answer(&f->env, id, NK_CLAIMANT, true, NULL), NK_OK);
	assert_int_equal(nk_case_answer(&f->env, id, NK_PAYER, false, NULL), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, id, NK_PAYER, &b, NULL), NK_OK);
	assert_int_equal(b.state, NK_STATE_CLOSED);
	assert_true(b.figures_deleted);
}

static void random_rule_reveals_a_checkable_seed(void **state)
{
	struct fixture *f = *state;
	struct nk_rules rules;
	struct nk_brief b;
	uint8_t commitment[32];
	char id[NK_CASE_ID_MAX];

	nk_rules_default(&rules, nk_currency_find("EUR"));
	rules.settle = NK_SETTLE_RANDOM;
	rules.grid = 500;
	assert_int_equal(nk_case_open(&f->env, &rules, id, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 100000, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 120000, NULL), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, id, NK_PAYER, &b, NULL), NK_OK);
	assert_true(b.settled);
	assert_true(b.settlement >= 100000 && b.settlement <= 120000);
	assert_int_equal(b.settlement % 500, 0);
	assert_true(b.seed_revealed);
	nk_bargain_commit_seed(b.seed, commitment);
	assert_memory_equal(commitment, b.seed_commitment, 32);
	assert_int_equal(nk_case_brief(&f->env, id, NK_CLAIMANT, &b, NULL), NK_OK);
	assert_true(b.seed_revealed);
	assert_memory_equal(commitment, b.seed_commitment, 32);
}

/* Whether a side's hint was withheld depends on that side's own figure: the mediator,
 * who reads the log, is told no side's hint, and the log holds none; each party still
 * sees its own, before and after the case ends. */
static void hints_are_each_sides_own(void **state)
{
	struct fixture *f = *state;
	struct nk_event_list log = { 0 };
	bool payer_withheld;
	int payer_hint;
	struct nk_rules rules;
	struct nk_brief b;
	char id[NK_CASE_ID_MAX];

	rules_1962(&rules);
	rules.rounds = 2;
	rules.proposals = 0;
	assert_int_equal(nk_case_open(&f->env, &rules, id, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, M(700), NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, M(70), NULL), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, id, NK_MEDIATOR, &b, NULL), NK_OK);
	assert_int_equal(b.rounds[0].deal, NK_NO_DEAL);
	assert_int_equal(b.rounds[0].hint, -1);
	assert_false(b.rounds[0].withheld);
	assert_int_equal(nk_case_brief(&f->env, id, NK_CLAIMANT, &b, NULL), NK_OK);
	assert_int_equal(b.rounds[0].hint, 2);	/* far */
	assert_int_equal(nk_case_brief(&f->env, id, NK_PAYER, &b, NULL), NK_OK);
	payer_hint = b.rounds[0].hint;
	payer_withheld = b.rounds[0].withheld;
	assert_true(payer_hint >= 0 || payer_withheld);
	assert_int_equal(nk_case_log(&f->env, id, &log, NULL), NK_OK);
	for (size_t i = 0; i < log.count; i++) {
		if (strcmp(log.events[i].type, "round") != 0)
			continue;
		assert_null(strstr(log.events[i].body, "withheld"));
		assert_null(strstr(log.events[i].body, "band"));
		assert_null(strstr(log.events[i].body, "claimant"));
	}
	nk_event_list_free(&log);
	/* the second round ends the case; the hints outlive the purge, for their sides */
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, M(600), NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, M(80), NULL), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, id, NK_PAYER, &b, NULL), NK_OK);
	assert_int_equal(b.state, NK_STATE_CLOSED);
	assert_true(b.figures_deleted);
	assert_int_equal(b.rounds[0].hint, payer_hint);
	assert_int_equal(b.rounds[0].withheld, payer_withheld);
	assert_true(b.rounds[1].hint >= 0 || b.rounds[1].withheld);
	assert_int_equal(nk_case_brief(&f->env, id, NK_CLAIMANT, &b, NULL), NK_OK);
	assert_int_equal(b.rounds[0].hint, 2);
	assert_int_equal(nk_case_brief(&f->env, id, NK_MEDIATOR, &b, NULL), NK_OK);
	assert_int_equal(b.rounds[1].hint, -1);
}

/* The seed with the settlement bounds both limits: the mediator, who reads the log,
 * sees neither in its briefing nor in any event. */
static void random_seed_is_the_parties_alone(void **state)
{
	struct fixture *f = *state;
	struct nk_event_list log = { 0 };
	struct nk_rules rules;
	struct nk_brief b;
	char id[NK_CASE_ID_MAX];

	nk_rules_default(&rules, nk_currency_find("EUR"));
	rules.settle = NK_SETTLE_RANDOM;
	assert_int_equal(nk_case_open(&f->env, &rules, id, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 100000, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 120000, NULL), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, id, NK_MEDIATOR, &b, NULL), NK_OK);
	assert_true(b.settled);
	assert_false(b.seed_revealed);
	assert_int_equal(nk_case_log(&f->env, id, &log, NULL), NK_OK);
	for (size_t i = 0; i < log.count; i++)
		assert_null(strstr(log.events[i].body, "\"seed\""));
	nk_event_list_free(&log);
}

/* Reads a whole file into memory (NULL, 0 if it does not exist). */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	*len = 0;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n)
		*len = (size_t)n;
	fclose(f);
	return buf;
}

static bool on_disk(const char *db, const void *needle, size_t n)
{
	static const char *const suffix[] = { "", "-wal" };
	bool found = false;

	for (int i = 0; i < 2 && !found; i++) {
		char path[512];
		size_t len;
		uint8_t *buf;

		snprintf(path, sizeof(path), "%s%s", db, suffix[i]);
		buf = slurp(path, &len);
		found = buf && memmem(buf, len, needle, n) != NULL;
		free(buf);
	}
	return found;
}

static void ended_case_leaves_no_secret_on_disk(void **state)
{
	struct fixture *f = *state;
	struct nk_case_env env = f->env;
	struct nk_store *store = NULL;
	struct nk_rules rules;
	char dir[] = "/tmp/nakodo-test-XXXXXX", db[256], url[300], key[300], wal[300], id[NK_CASE_ID_MAX];
	/* a distinctive demand, as the 8 little-endian bytes a sealed figure holds */
	const int64_t demand = INT64_C(0x0123456789ab);
	uint8_t raw[8];

	for (int i = 0; i < 8; i++)
		raw[i] = (uint8_t)((uint64_t)demand >> (8 * i));
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/c.db", dir);
	snprintf(url, sizeof(url), "sqlite:%s", db);
	assert_int_equal(nk_store_open(&store, url, NK_STORE_CREATE, NULL), NK_OK);
	env.store = store;
	nk_rules_default(&rules, nk_currency_find("USD"));
	rules.rounds = 2;
	assert_int_equal(nk_case_open(&env, &rules, id, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&env, id, NK_CLAIMANT, demand, NULL), NK_OK);
	assert_int_equal(nk_case_extend(&env, id, NK_PAYER, 1000, NULL), NK_OK);
	/* while the case is live its secrets are on disk, sealed: names, never values */
	assert_true(on_disk(db, "figure.1.claimant", 17));
	assert_false(on_disk(db, raw, sizeof(raw)));
	assert_int_equal(nk_case_submit(&env, id, NK_PAYER, demand + 2, NULL), NK_OK);
	/* settled: every secret deleted, pages overwritten, the WAL truncated */
	assert_false(on_disk(db, "figure.1.claimant", 17));
	assert_false(on_disk(db, "extension.1.payer", 17));
	assert_false(on_disk(db, raw, sizeof(raw)));
	nk_store_close(store);
	snprintf(key, sizeof(key), "%s.key", db);
	snprintf(wal, sizeof(wal), "%s-wal", db);
	unlink(key);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", db);
	unlink(wal);
	unlink(db);
	rmdir(dir);
}

/* Joins: each role registers one identity, proved by its signature; a bad signature,
 * a second join, a key already registered for another role and an ended case append
 * nothing; the briefing shows the keys; a forged join in the log is corruption. */
static void joins_register_one_identity_per_role(void **state)
{
	struct fixture *f = *state;
	struct nk_party_key *key[3] = { NULL, NULL, NULL };
	struct nk_identity idn[3];
	struct nk_rules rules;
	struct nk_brief b;
	struct nk_error err = { 0 };
	struct nk_event ev = { 0 };
	uint8_t sig[NK_SIGNATURE_BYTES];
	char id[NK_CASE_ID_MAX], other[NK_CASE_ID_MAX], body[400], hex[2 * NK_SIGNATURE_BYTES + 1];
	char sign[NK_KEY_HEX], seal[NK_KEY_HEX];
	size_t n;

	for (int r = 0; r < 3; r++) {
		assert_int_equal(nk_party_key_generate(&key[r], NULL), NK_OK);
		nk_party_key_identity(key[r], &idn[r]);
	}
	rules_1962(&rules);
	assert_int_equal(nk_case_open(&f->env, &rules, id, NULL), NK_OK);
	assert_int_equal(nk_case_open(&f->env, &rules, other, NULL), NK_OK);
	n = event_count(f, id);

	/* Signed for another case, or by another key: bad input, nothing appended. */
	assert_int_equal(nk_join_sign(key[0], other, NK_CLAIMANT, sig, NULL), NK_OK);
	assert_int_equal(nk_case_join(&f->env, id, NK_CLAIMANT, &idn[0], sig, &err), NK_EINVAL);
	assert_string_equal(err.field, "signature");
	assert_int_equal(nk_join_sign(key[1], id, NK_CLAIMANT, sig, NULL), NK_OK);
	assert_int_equal(nk_case_join(&f->env, id, NK_CLAIMANT, &idn[0], sig, NULL), NK_EINVAL);
	assert_int_equal(nk_case_join(&f->env, id, NK_PAYER, &idn[1], sig, NULL), NK_EINVAL);
	assert_int_equal(event_count(f, id), n);

	assert_int_equal(nk_join_sign(key[0], id, NK_CLAIMANT, sig, NULL), NK_OK);
	assert_int_equal(nk_case_join(&f->env, id, NK_CLAIMANT, &idn[0], sig, NULL), NK_OK);
	assert_int_equal(event_count(f, id), n + 1);
	/* A role joins once; a key serves one role. */
	assert_int_equal(nk_join_sign(key[1], id, NK_CLAIMANT, sig, NULL), NK_OK);
	assert_int_equal(nk_case_join(&f->env, id, NK_CLAIMANT, &idn[1], sig, &err), NK_EREFUSED);
	assert_string_equal(err.field, "role");
	assert_int_equal(nk_join_sign(key[0], id, NK_PAYER, sig, NULL), NK_OK);
	assert_int_equal(nk_case_join(&f->env, id, NK_PAYER, &idn[0], sig, &err), NK_EREFUSED);
	assert_string_equal(err.field, "key");
	assert_int_equal(event_count(f, id), n + 1);

	assert_int_equal(nk_join_sign(key[1], id, NK_PAYER, sig, NULL), NK_OK);
	assert_int_equal(nk_case_join(&f->env, id, NK_PAYER, &idn[1], sig, NULL), NK_OK);
	assert_int_equal(nk_join_sign(key[2], id, NK_MEDIATOR, sig, NULL), NK_OK);
	assert_int_equal(nk_case_join(&f->env, id, NK_MEDIATOR, &idn[2], sig, NULL), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, id, NK_PAYER, &b, NULL), NK_OK);
	for (int r = 0; r < 3; r++) {
		assert_true(b.joined[r]);
		assert_memory_equal(&b.identity[r], &idn[r], sizeof(idn[r]));
	}
	/* Joins do not disturb the rounds; a joined role's figures come signed. */
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, M(700), &err), NK_EAUTH);
	for (int r = 0; r < 2; r++) {
		struct nk_case_request req = { .action = NK_ACTION_SUBMIT, .amount = r ? M(70) : M(700) };
		struct nk_request_auth auth;

		assert_int_equal(nk_case_request_sign(key[r], id, (enum nk_role)r, 1, &req, &auth,
						      NULL), NK_OK);
		assert_int_equal(nk_case_act(&f->env, id, (enum nk_role)r, &req, &auth, NULL), NK_OK);
	}
	assert_int_equal(nk_case_brief(&f->env, id, NK_MEDIATOR, &b, NULL), NK_OK);
	assert_true(b.rounds[0].evaluated);

	/* An ended case takes no joins. */
	assert_int_equal(nk_case_close(&f->env, other, NULL), NK_OK);
	n = event_count(f, other);
	assert_int_equal(nk_join_sign(key[0], other, NK_CLAIMANT, sig, NULL), NK_OK);
	assert_int_equal(nk_case_join(&f->env, other, NK_CLAIMANT, &idn[0], sig, &err), NK_EREFUSED);
	assert_string_equal(err.field, "case");
	assert_int_equal(event_count(f, other), n);

	/* A join written into the log behind the case functions' back, with a signature
	 * that does not verify, makes the log corrupt rather than trusted. */
	assert_int_equal(nk_case_open(&f->env, &rules, other, NULL), NK_OK);
	assert_int_equal(nk_join_sign(key[0], id, NK_CLAIMANT, sig, NULL), NK_OK);
	nk_key_to_hex(idn[0].sign, sign);
	nk_key_to_hex(idn[0].seal, seal);
	sodium_bin2hex(hex, sizeof(hex), sig, sizeof(sig));
	snprintf(body, sizeof(body), "{\"role\":\"claimant\",\"seal\":\"%s\",\"sign\":\"%s\","
		 "\"signature\":\"%s\"}", seal, sign, hex);
	ev.time_ms = f->fake.clock;
	snprintf(ev.actor, sizeof(ev.actor), "claimant");
	snprintf(ev.type, sizeof(ev.type), "joined");
	ev.body = body;
	assert_int_equal(nk_store_begin(f->store, NULL), NK_OK);
	assert_int_equal(nk_store_append(f->store, other, &ev, NULL), NK_OK);
	assert_int_equal(nk_store_commit(f->store, NULL), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, other, NK_MEDIATOR, &b, NULL), NK_ECORRUPT);

	for (int r = 0; r < 3; r++)
		nk_party_key_free(key[r]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(claims_1962_settles_by_proposal, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals_append_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(deal_closer_closes_the_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(declined_proposal_reveals_no_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(random_rule_reveals_a_checkable_seed, setup, teardown),
		cmocka_unit_test_setup_teardown(random_seed_is_the_parties_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(hints_are_each_sides_own, setup, teardown),
		cmocka_unit_test_setup_teardown(ended_case_leaves_no_secret_on_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(joins_register_one_identity_per_role, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
