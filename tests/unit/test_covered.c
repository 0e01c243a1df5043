/* Events a later countersignature covers (doc/crypto.md): a figure that completes its
 * round is chained but not countersigned, since the round's outcome follows it in the
 * same commit and its countersignature binds it. The chain check accepts a link without
 * a countersignature only before a countersigned one: a log cut after such an event, a
 * forged or damaged signature, or a changed event is still found, at rest and in the
 * bare chain check that a verifier holding only the server's public key runs. */
#include <nakodo/case.h>
#include <nakodo/ledger.h>

#include "sqlite_case_fixture.h"

#include <string.h>

#define CASE "case-0003"

static int setup(void **state) { return fixture_setup(state, false); }

/* A case of five rounds whose figures never meet: two evaluated, the third's claimant
 * figure in. Its log: opened; per evaluated round the claimant's figure, the payer's
 * (which completes it) and the round's outcome; then the claimant's figure. */
static void three_rounds(struct fixture *f, char id[static NK_CASE_ID_MAX])
{
	struct nk_rules rules;

	nk_rules_default(&rules, nk_currency_find("USD"));
	rules.rounds = 5;
	rules.proposals = 0;
	assert_int_equal(nk_case_open(&f->env, &rules, id, NULL), NK_OK);
	for (int r = 1; r <= 2; r++) {
		assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 90000000 - r * 100, NULL),
				 NK_OK);
		assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 1000000 + r * 100, NULL),
				 NK_OK);
	}
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 80000000, NULL), NK_OK);
}

/* Only the figures that completed a round have no countersignature; each is followed by
 * its round's outcome, countersigned; the whole log checks, every signature included. */
static void a_completing_figure_is_covered_by_its_round(void **state)
{
	struct fixture *f = *state;
	struct nk_event_list log = { 0 };
	uint8_t pk[NK_PUBLIC_KEY_BYTES];
	char id[NK_CASE_ID_MAX];
	size_t none = 0;

	three_rounds(f, id);
	assert_int_equal(nk_case_log(&f->env, id, &log, NULL), NK_OK);
	assert_int_equal(log.count, 8);
	nk_server_key_public(f->signer, pk);
	for (size_t i = 0; i < log.count; i++) {
		const struct nk_event *ev = &log.events[i];

		assert_true(ev->linked);
		if (!nk_countersig_none(ev->countersig)) {
			assert_int_equal(nk_countersign_verify(pk, ev->chain, ev->countersig, NULL),
					 NK_OK);
			continue;
		}
		none++;
		assert_string_equal(ev->type, "figure");
		assert_true(i + 1 < log.count);
		assert_string_equal(log.events[i + 1].type, "round");
		assert_false(nk_countersig_none(log.events[i + 1].countersig));
	}
	assert_int_equal(none, 2);	/* events 3 and 6, the payer's figures */
	assert_true(nk_countersig_none(log.events[2].countersig));
	assert_true(nk_countersig_none(log.events[5].countersig));
	nk_event_list_free(&log);
}

/* sql with each '$' replaced by the case id. */
static void with_id(char *out, size_t cap, const char *sql, const char *id)
{
	size_t n = 0;

	for (const char *p = sql; *p; p++) {
		const char *part = *p == '$' ? id : (char[2]){ *p, 0 };
		size_t len = strlen(part);

		assert_true(n + len < cap);
		memcpy(out + n, part, len);
		n += len;
	}
	out[n] = 0;
}

/* Changes at rest around a covered event, each found with the number of the event it
 * breaks, by the full check (the log) and the command's own load. */
static void tampering_around_a_covered_event_is_found(void **state)
{
	struct fixture *f = *state;
	struct nk_event_list log = { 0 };
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX], text[512];
	static const struct {
		const char *sql, *want;
	} cases[] = {
		/* the log cut after the covered figure: its round and all after it gone */
		{ "DELETE FROM events WHERE seq >= 4 AND case_id = '$'",
		  "broken at event 3" },
		/* cut after the second covering round, and that round's countersignature
		 * removed: the covered figure and its round now end the log unsigned */
		{ "DELETE FROM events WHERE seq = 8 AND case_id = '$'; UPDATE events SET "
		  "countersig = zeroblob(64) WHERE seq = 7 AND case_id = '$'", "broken at event 7" },
		/* a signature forged where there was none */
		{ "UPDATE events SET countersig = randomblob(64) WHERE seq = 3 AND case_id = '$'",
		  "broken at event 3" },
		/* the covered figure's body changed (made the claimant's) */
		{ "UPDATE events SET body = replace(body, 'payer', 'claimant') WHERE seq = 3 "
		  "AND case_id = '$'", "broken at event 3" },
		/* the covered figure dropped and the numbers closed up */
		{ "DELETE FROM events WHERE seq = 3 AND case_id = '$'; UPDATE events SET "
		  "seq = seq - 1 WHERE seq > 3 AND case_id = '$'", "broken at event 3" },
		/* the last event's countersignature removed */
		{ "UPDATE events SET countersig = zeroblob(64) WHERE seq = 8 AND case_id = '$'",
		  "broken at event 8" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		three_rounds(f, id);
		with_id(text, sizeof(text), cases[i].sql, id);
		fixture_sql(f, text);
		assert_int_equal(nk_case_log(&f->env, id, &log, &err), NK_ECORRUPT);
		assert_non_null(strstr(err.text, cases[i].want));
		/* a command's load checks every link but only the last countersignature, as
		 * before (a forged one in the middle is the full check's to find) */
		if (strstr(cases[i].sql, "randomblob"))
			continue;
		assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 2000000, &err), NK_ECORRUPT);
		assert_non_null(strstr(err.text, cases[i].want));
	}
}

static void make_events(struct nk_event ev[static 4], char bodies[static 4][32])
{
	for (int i = 0; i < 4; i++) {
		memset(&ev[i], 0, sizeof(ev[i]));
		ev[i].seq = i + 1;
		ev[i].time_ms = 1000 + i;
		snprintf(ev[i].actor, sizeof(ev[i].actor), "go-between");
		snprintf(ev[i].type, sizeof(ev[i].type), "step");
		snprintf(bodies[i], 32, "{\"n\":%d}", i);
		ev[i].body = bodies[i];
	}
}

static size_t chain_bad(const uint8_t *pk, const struct nk_event *ev,
			const struct nk_chain_link *links, size_t n)
{
	uint8_t head[NK_HASH_BYTES];
	size_t bad = 99;

	if (nk_chain_verify(pk, CASE, ev, links, n, head, &bad, NULL) == NK_OK)
		return 99;
	return bad;
}

/* The bare check: events 2 and 3 without countersignatures, 4 with one. */
static void the_chain_check_wants_the_last_link_countersigned(void **state)
{
	struct nk_server_key *key = NULL;
	struct nk_event ev[4];
	struct nk_chain_link links[4];
	char bodies[4][32];
	uint8_t prev[NK_HASH_BYTES] = { 0 }, pk[NK_PUBLIC_KEY_BYTES], head[NK_HASH_BYTES];
	size_t bad = 0;

	(void)state;
	assert_int_equal(nk_server_key_generate(&key, NULL), NK_OK);
	nk_server_key_public(key, pk);
	make_events(ev, bodies);
	memset(links, 0, sizeof(links));
	for (int i = 0; i < 4; i++) {
		assert_int_equal(nk_chain_hash(prev, CASE, &ev[i], links[i].hash, NULL), NK_OK);
		if (i == 0 || i == 3)
			nk_countersign(key, links[i].hash, links[i].sig);
		memcpy(prev, links[i].hash, sizeof(prev));
	}
	assert_true(nk_countersig_none(links[1].sig));
	assert_false(nk_countersig_none(links[3].sig));
	assert_int_equal(nk_chain_verify(pk, CASE, ev, links, 4, head, &bad, NULL), NK_OK);
	assert_memory_equal(head, links[3].hash, NK_HASH_BYTES);
	/* any prefix that ends on a link without a countersignature is refused */
	assert_int_equal(chain_bad(pk, ev, links, 3), 2);
	assert_int_equal(chain_bad(pk, ev, links, 2), 1);
	assert_int_equal(chain_bad(pk, ev, links, 1), 99);
	/* a covered event changed breaks its own link */
	bodies[2][5] = '9';
	assert_int_equal(chain_bad(pk, ev, links, 4), 2);
	bodies[2][5] = '2';
	/* a covered link's hash changed, too */
	links[1].hash[0] ^= 1;
	assert_int_equal(chain_bad(pk, ev, links, 4), 1);
	links[1].hash[0] ^= 1;
	/* a signature where there was none must verify */
	links[2].sig[0] = 1;
	assert_int_equal(chain_bad(pk, ev, links, 4), 2);
	links[2].sig[0] = 0;
	/* the covering signature damaged, or removed */
	links[3].sig[5] ^= 1;
	assert_int_equal(chain_bad(pk, ev, links, 4), 3);
	memset(links[3].sig, 0, sizeof(links[3].sig));
	assert_int_equal(chain_bad(pk, ev, links, 4), 3);
	/* and with nothing linked before links existed, the same rule after them */
	nk_countersign(key, links[3].hash, links[3].sig);
	assert_int_equal(nk_chain_verify_after(pk, CASE, ev, links, 4, 2, head, &bad, NULL), NK_OK);
	assert_int_equal(nk_chain_verify_after(pk, CASE, ev, links, 3, 2, head, &bad, NULL),
			 NK_ECRYPTO);
	assert_int_equal(bad, 2);
	nk_server_key_free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_completing_figure_is_covered_by_its_round,
						setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(tampering_around_a_covered_event_is_found, setup,
						fixture_teardown),
		cmocka_unit_test(the_chain_check_wants_the_last_link_countersigned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
