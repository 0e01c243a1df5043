/* Unit tests for sealed messages, simultaneous disclosure and signed requests on a case
 * (case/message.c, inbox.c, request.c): what is accepted is stored and logged by hash
 * only; every envelope or request that does not fit is refused with nothing appended. */
#include <nakodo/case.h>
#include "../fake_env.h"
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

struct fixture {
	struct nk_store *store;
	struct nk_server_key *signer;
	struct nk_case_env env;
	struct fake_env fake;	/* the clock and random source of env */
	struct nk_party_key *key[4];	/* claimant, payer, mediator, a stranger */
	struct nk_identity idn[4];
	char id[NK_CASE_ID_MAX], other[NK_CASE_ID_MAX];
	uint64_t number[3];		/* each role's last request number */
};

static void join(struct fixture *f, const char *id, enum nk_role role)
{
	uint8_t sig[NK_SIGNATURE_BYTES];

	assert_int_equal(nk_join_sign(f->key[role], id, role, sig, NULL), NK_OK);
	assert_int_equal(nk_case_join(&f->env, id, role, &f->idn[role], sig, NULL), NK_OK);
}

/* A case where the claimant and the payer have joined (the mediator has not). */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct nk_rules rules;

	if (!f || sodium_init() < 0 || nk_store_open(&f->store, "mem:", NK_STORE_CREATE, NULL) != NK_OK)
		return -1;
	if (nk_server_key_generate(&f->signer, NULL) != NK_OK)
		return -1;
	f->env = (struct nk_case_env){ f->store, fake_now, fake_random, &f->fake, f->signer, NULL, NULL };
	f->fake = (struct fake_env)FAKE_ENV_START;
	for (int r = 0; r < 4; r++) {
		if (nk_party_key_generate(&f->key[r], NULL) != NK_OK)
			return -1;
		nk_party_key_identity(f->key[r], &f->idn[r]);
	}
	nk_rules_default(&rules, nk_currency_find("USD"));
	if (nk_case_open(&f->env, &rules, f->id, NULL) != NK_OK ||
	    nk_case_open(&f->env, &rules, f->other, NULL) != NK_OK)
		return -1;
	*state = f;
	join(f, f->id, NK_CLAIMANT);
	join(f, f->id, NK_PAYER);
	join(f, f->other, NK_CLAIMANT);
	join(f, f->other, NK_PAYER);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	for (int r = 0; r < 4; r++)
		nk_party_key_free(f->key[r]);
	nk_store_close(f->store);
	nk_server_key_free(f->signer);
	free(f);
	return 0;
}

static struct nk_event_list load(struct fixture *f, const char *id)
{
	struct nk_event_list log = { 0 };

	assert_int_equal(nk_case_log(&f->env, id, &log, NULL), NK_OK);
	return log;
}

static size_t event_count(struct fixture *f, const char *id)
{
	struct nk_event_list log = load(f, id);
	size_t n = log.count;

	nk_event_list_free(&log);
	return n;
}

static void last_event_is(struct fixture *f, const char *id, const char *type)
{
	struct nk_event_list log = load(f, id);

	assert_string_equal(log.events[log.count - 1].type, type);
	nk_event_list_free(&log);
}

/* Seals text from → to with number n, signed by the key of signer, to recipient. */
static uint8_t *seal(struct fixture *f, const char *case_id, enum nk_message_kind kind,
		     enum nk_role from, enum nk_role to, uint64_t n, int signer,
		     const struct nk_identity *recipient, const char *text, size_t *len)
{
	struct nk_envelope_header h = { .kind = kind, .from = from, .to = to, .seq = n };
	uint8_t *env = NULL;

	snprintf(h.case_id, sizeof(h.case_id), "%s", case_id);
	assert_int_equal(nk_message_seal(f->key[signer], &h, recipient, (const uint8_t *)text,
					 strlen(text), &env, len, NULL), NK_OK);
	return env;
}

/* Does the action as role, signed by the role's key with its next number. */
static enum nk_status act(struct fixture *f, const char *id, enum nk_role role,
			  struct nk_case_request *req, struct nk_error *err)
{
	struct nk_request_auth auth;

	assert_int_equal(nk_case_request_sign(f->key[role], id, role, ++f->number[role], req,
					      &auth, NULL), NK_OK);
	return nk_case_act(&f->env, id, role, req, &auth, err);
}

static enum nk_status send_env(struct fixture *f, const char *id, enum nk_role role,
			       enum nk_case_action action, uint8_t *env, size_t len,
			       struct nk_error *err)
{
	struct nk_case_request req = { .action = action, .envelope = env, .envelope_len = len };
	enum nk_status rc = act(f, id, role, &req, err);

	free(env);
	return rc;
}

static void good_message_is_stored_and_logged_by_hash(void **state)
{
	struct fixture *f = *state;
	const char *text = "PLAINTEXT-MARKER: our board meets on Friday";
	struct nk_message_expect expect = { .case_id = f->id, .kind = NK_MESSAGE_TEXT,
					    .me = NK_PAYER, .sender = &f->idn[NK_CLAIMANT],
					    .next_seq = 1 };
	struct nk_opened_message msg = { 0 };
	enum nk_message_verdict why;
	struct nk_inbox box = { 0 };
	struct nk_event_list log;
	struct nk_brief b;
	uint8_t hash[NK_HASH_BYTES];
	char hex[2 * NK_HASH_BYTES + 1];
	size_t len;
	uint8_t *env = seal(f, f->id, NK_MESSAGE_TEXT, NK_CLAIMANT, NK_PAYER, 1, NK_CLAIMANT,
			    &f->idn[NK_PAYER], text, &len);

	nk_envelope_hash(env, len, hash);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_SEND, env, len, NULL), NK_OK);

	log = load(f, f->id);
	assert_string_equal(log.events[log.count - 1].type, "message");
	assert_string_equal(log.events[log.count - 1].actor, "claimant");
	assert_non_null(strstr(log.events[log.count - 1].body, hex));
	assert_non_null(strstr(log.events[log.count - 1].body, "\"n\":1"));
	assert_non_null(strstr(log.events[log.count - 1].body, "\"request\":1"));
	for (size_t i = 0; i < log.count; i++)
		assert_null(strstr(log.events[i].body, "PLAINTEXT-MARKER"));
	nk_event_list_free(&log);

	assert_int_equal(nk_case_brief(&f->env, f->id, NK_CLAIMANT, &b, NULL), NK_OK);
	assert_int_equal(b.sent[NK_PAYER], 1);
	assert_int_equal(b.last_request, 1);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_PAYER, &b, NULL), NK_OK);
	assert_int_equal(b.received[NK_CLAIMANT], 1);

	/* the payer's inbox holds it, and it opens; the claimant's and mediator's do not */
	assert_int_equal(nk_case_inbox(&f->env, f->id, NK_PAYER, 0, &box, NULL), NK_OK);
	assert_int_equal(box.count, 1);
	assert_int_equal(box.items[0].from, NK_CLAIMANT);
	assert_int_equal(box.items[0].n, 1);
	assert_memory_equal(box.items[0].sha256, hash, sizeof(hash));
	assert_int_equal(nk_message_open(f->key[NK_PAYER], &expect, box.items[0].envelope,
					 box.items[0].len, &msg, &why, NULL), NK_OK);
	assert_int_equal(msg.text_len, strlen(text));
	assert_memory_equal(msg.text, text, msg.text_len);
	nk_opened_message_free(&msg);
	/* paging: the payer's own numbering, 1 for its first item; nothing after it */
	assert_int_equal(box.items[0].index, 1);
	{
		int64_t after = box.items[0].index;

		nk_inbox_free(&box);
		assert_int_equal(nk_case_inbox(&f->env, f->id, NK_PAYER, after, &box, NULL), NK_OK);
		assert_int_equal(box.count, 0);
	}
	nk_inbox_free(&box);
	assert_int_equal(nk_case_inbox(&f->env, f->id, NK_CLAIMANT, 0, &box, NULL), NK_OK);
	assert_int_equal(box.count, 0);
	nk_inbox_free(&box);

	/* and the other way round, number 1 of that direction */
	env = seal(f, f->id, NK_MESSAGE_TEXT, NK_PAYER, NK_CLAIMANT, 1, NK_PAYER,
		   &f->idn[NK_CLAIMANT], "reply", &len);
	assert_int_equal(send_env(f, f->id, NK_PAYER, NK_ACTION_SEND, env, len, NULL), NK_OK);
	assert_int_equal(nk_case_inbox(&f->env, f->id, NK_CLAIMANT, 0, &box, NULL), NK_OK);
	assert_int_equal(box.count, 1);
	nk_inbox_free(&box);
}

/* Each refused envelope leaves the log and the inbox as they were. */
static void bad_messages_are_refused_and_append_nothing(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	struct nk_inbox box = { 0 };
	size_t n, len;
	uint8_t *env = seal(f, f->id, NK_MESSAGE_TEXT, NK_CLAIMANT, NK_PAYER, 1, NK_CLAIMANT,
			    &f->idn[NK_PAYER], "first", &len);
	uint8_t *copy = malloc(len);
	struct nk_case_request req = { .action = NK_ACTION_SEND };

	memcpy(copy, env, len);
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_SEND, env, len, NULL), NK_OK);
	n = event_count(f, f->id);

	/* replayed: number 1 again (a fresh, valid request) */
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_SEND, copy, len, &err), NK_EREFUSED);
	assert_string_equal(err.field, "n");
	assert_non_null(strstr(err.text, "replay"));
	/* out of order: number 3 while 2 is next */
	env = seal(f, f->id, NK_MESSAGE_TEXT, NK_CLAIMANT, NK_PAYER, 3, NK_CLAIMANT,
		   &f->idn[NK_PAYER], "third", &len);
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_SEND, env, len, &err), NK_EREFUSED);
	assert_string_equal(err.field, "n");
	/* signed by a key other than the claimant's registered one */
	env = seal(f, f->id, NK_MESSAGE_TEXT, NK_CLAIMANT, NK_PAYER, 2, 3, &f->idn[NK_PAYER],
		   "forged", &len);
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_SEND, env, len, &err), NK_EINVAL);
	assert_string_equal(err.field, "envelope");
	assert_non_null(strstr(err.text, "signing key"));
	/* sealed to someone else's key */
	env = seal(f, f->id, NK_MESSAGE_TEXT, NK_CLAIMANT, NK_PAYER, 2, NK_CLAIMANT, &f->idn[3],
		   "astray", &len);
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_SEND, env, len, &err), NK_EINVAL);
	assert_non_null(strstr(err.text, "sealed to a key"));
	/* for another case */
	env = seal(f, f->other, NK_MESSAGE_TEXT, NK_CLAIMANT, NK_PAYER, 2, NK_CLAIMANT,
		   &f->idn[NK_PAYER], "elsewhere", &len);
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_SEND, env, len, &err), NK_EINVAL);
	assert_non_null(strstr(err.text, "another case"));
	/* from another role than the sender's */
	env = seal(f, f->id, NK_MESSAGE_TEXT, NK_PAYER, NK_CLAIMANT, 1, NK_PAYER,
		   &f->idn[NK_CLAIMANT], "posing", &len);
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_SEND, env, len, &err), NK_EINVAL);
	/* to a role that has not joined */
	env = seal(f, f->id, NK_MESSAGE_TEXT, NK_CLAIMANT, NK_MEDIATOR, 1, NK_CLAIMANT,
		   &f->idn[NK_MEDIATOR], "unjoined", &len);
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_SEND, env, len, &err), NK_EREFUSED);
	/* a deposit sent as a message */
	env = seal(f, f->id, NK_MESSAGE_DEPOSIT, NK_CLAIMANT, NK_PAYER, 1, NK_CLAIMANT,
		   &f->idn[NK_PAYER], "kind", &len);
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_SEND, env, len, &err), NK_EINVAL);
	/* not an envelope at all */
	env = malloc(64);
	memset(env, 'x', 64);
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_SEND, env, 64, &err), NK_EINVAL);
	/* a good envelope without its signed request */
	env = seal(f, f->id, NK_MESSAGE_TEXT, NK_CLAIMANT, NK_PAYER, 2, NK_CLAIMANT,
		   &f->idn[NK_PAYER], "second", &len);
	req.envelope = env;
	req.envelope_len = len;
	assert_int_equal(nk_case_act(&f->env, f->id, NK_CLAIMANT, &req, NULL, &err), NK_EAUTH);
	assert_string_equal(err.field, "signature");
	assert_int_equal(event_count(f, f->id), n);
	assert_int_equal(nk_case_inbox(&f->env, f->id, NK_PAYER, 0, &box, NULL), NK_OK);
	assert_int_equal(box.count, 1);
	nk_inbox_free(&box);
	/* and number 2, signed, still goes through */
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_SEND, env, len, NULL), NK_OK);
	assert_int_equal(event_count(f, f->id), n + 1);
}

/* A full page says "more" only when another item of the caller's own follows: an event
 * of the other side's after a full page (an extension, here) must not turn it on, or a
 * party would learn of it. 16 envelopes of the longest text fill a page. */
static void full_page_says_more_only_for_the_callers_own_items(void **state)
{
	struct fixture *f = *state;
	struct nk_case_request extend = { .action = NK_ACTION_EXTEND, .amount = 100 };
	char *text = malloc(NK_MESSAGE_TEXT_MAX + 1);
	struct nk_inbox box = { 0 };
	uint8_t *env;
	size_t len;

	assert_non_null(text);
	memset(text, 'a', NK_MESSAGE_TEXT_MAX);
	text[NK_MESSAGE_TEXT_MAX] = '\0';
	for (uint64_t n = 1; n <= 16; n++) {
		env = seal(f, f->id, NK_MESSAGE_TEXT, NK_CLAIMANT, NK_PAYER, n, NK_CLAIMANT,
			   &f->idn[NK_PAYER], text, &len);
		assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_SEND, env, len, NULL), NK_OK);
	}
	assert_int_equal(act(f, f->id, NK_CLAIMANT, &extend, NULL), NK_OK);
	assert_int_equal(nk_case_inbox(&f->env, f->id, NK_PAYER, 0, &box, NULL), NK_OK);
	assert_int_equal(box.count, 16);
	assert_false(box.more);
	nk_inbox_free(&box);
	/* a 17th message of its own: now there is more, and the next page holds it */
	env = seal(f, f->id, NK_MESSAGE_TEXT, NK_CLAIMANT, NK_PAYER, 17, NK_CLAIMANT,
		   &f->idn[NK_PAYER], "seventeen", &len);
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_SEND, env, len, NULL), NK_OK);
	assert_int_equal(nk_case_inbox(&f->env, f->id, NK_PAYER, 0, &box, NULL), NK_OK);
	assert_int_equal(box.count, 16);
	assert_true(box.more);
	nk_inbox_free(&box);
	assert_int_equal(nk_case_inbox(&f->env, f->id, NK_PAYER, 16, &box, NULL), NK_OK);
	assert_int_equal(box.count, 1);
	assert_int_equal(box.items[0].index, 17);
	assert_false(box.more);
	nk_inbox_free(&box);
	free(text);
}

static void deposits_wait_release_together_and_withdraw_before(void **state)
{
	struct fixture *f = *state;
	struct nk_case_request withdraw = { .action = NK_ACTION_WITHDRAW };
	struct nk_error err = { 0 };
	struct nk_inbox box = { 0 };
	struct nk_event_list log;
	size_t len, n;
	uint8_t *env;

	/* the claimant deposits: the payer sees nothing, the claimant only its own waiting */
	env = seal(f, f->id, NK_MESSAGE_DEPOSIT, NK_CLAIMANT, NK_PAYER, 1, NK_CLAIMANT,
		   &f->idn[NK_PAYER], "claimant's limit, first", &len);
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_DEPOSIT, env, len, NULL), NK_OK);
	last_event_is(f, f->id, "deposited");
	assert_int_equal(nk_case_inbox(&f->env, f->id, NK_PAYER, 0, &box, NULL), NK_OK);
	assert_int_equal(box.count, 0);
	assert_false(box.released);
	assert_false(box.deposit_held);
	nk_inbox_free(&box);
	assert_int_equal(nk_case_inbox(&f->env, f->id, NK_CLAIMANT, 0, &box, NULL), NK_OK);
	assert_true(box.deposit_held);
	assert_false(box.released);
	nk_inbox_free(&box);
	/* a second deposit while one is held, and a mediator's, are refused */
	n = event_count(f, f->id);
	env = seal(f, f->id, NK_MESSAGE_DEPOSIT, NK_CLAIMANT, NK_PAYER, 2, NK_CLAIMANT,
		   &f->idn[NK_PAYER], "again", &len);
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_DEPOSIT, env, len, &err), NK_EREFUSED);
	env = seal(f, f->id, NK_MESSAGE_DEPOSIT, NK_PAYER, NK_MEDIATOR, 1, NK_PAYER,
		   &f->idn[NK_MEDIATOR], "to the mediator", &len);
	assert_int_equal(send_env(f, f->id, NK_PAYER, NK_ACTION_DEPOSIT, env, len, &err), NK_EINVAL);
	/* the payer has nothing to withdraw */
	assert_int_equal(act(f, f->id, NK_PAYER, &withdraw, &err), NK_EREFUSED);
	assert_int_equal(event_count(f, f->id), n);

	/* the claimant withdraws, then deposits again, as number 1 again: a number that
	 * counted withdrawals would tell the payer at the release how often it changed */
	assert_int_equal(act(f, f->id, NK_CLAIMANT, &withdraw, NULL), NK_OK);
	last_event_is(f, f->id, "withdrawn");
	n = event_count(f, f->id);
	env = seal(f, f->id, NK_MESSAGE_DEPOSIT, NK_CLAIMANT, NK_PAYER, 2, NK_CLAIMANT,
		   &f->idn[NK_PAYER], "numbered after the withdrawal", &len);
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_DEPOSIT, env, len, &err), NK_EREFUSED);
	assert_string_equal(err.field, "n");
	assert_int_equal(event_count(f, f->id), n);
	env = seal(f, f->id, NK_MESSAGE_DEPOSIT, NK_CLAIMANT, NK_PAYER, 1, NK_CLAIMANT,
		   &f->idn[NK_PAYER], "claimant's limit, second", &len);
	assert_int_equal(send_env(f, f->id, NK_CLAIMANT, NK_ACTION_DEPOSIT, env, len, NULL), NK_OK);

	/* the payer's deposit releases both in the same step */
	n = event_count(f, f->id);
	env = seal(f, f->id, NK_MESSAGE_DEPOSIT, NK_PAYER, NK_CLAIMANT, 1, NK_PAYER,
		   &f->idn[NK_CLAIMANT], "payer's limit", &len);
	assert_int_equal(send_env(f, f->id, NK_PAYER, NK_ACTION_DEPOSIT, env, len, NULL), NK_OK);
	log = load(f, f->id);
	assert_int_equal(log.count, n + 2);
	assert_string_equal(log.events[n].type, "deposited");
	assert_string_equal(log.events[n + 1].type, "released");
	nk_event_list_free(&log);
	for (int r = 0; r < 2; r++) {
		struct nk_opened_message msg = { 0 };
		enum nk_message_verdict why;
		struct nk_message_expect expect = { .case_id = f->id, .kind = NK_MESSAGE_DEPOSIT,
						    .me = (enum nk_role)r, .sender = &f->idn[!r] };

		assert_int_equal(nk_case_inbox(&f->env, f->id, (enum nk_role)r, 0, &box, NULL), NK_OK);
		assert_true(box.released);
		assert_int_equal(box.count, 1);
		assert_int_equal(box.items[0].kind, NK_MESSAGE_DEPOSIT);
		expect.next_seq = box.items[0].n;
		assert_int_equal(nk_message_open(f->key[r], &expect, box.items[0].envelope,
						 box.items[0].len, &msg, &why, NULL), NK_OK);
		assert_string_equal(msg.text, r == NK_CLAIMANT ? "payer's limit" : "claimant's limit, second");
		nk_opened_message_free(&msg);
		nk_inbox_free(&box);
	}
	/* after the release: no withdrawal, no further deposit */
	n = event_count(f, f->id);
	assert_int_equal(act(f, f->id, NK_CLAIMANT, &withdraw, &err), NK_EREFUSED);
	assert_non_null(strstr(err.text, "released"));
	env = seal(f, f->id, NK_MESSAGE_DEPOSIT, NK_PAYER, NK_CLAIMANT, 2, NK_PAYER,
		   &f->idn[NK_CLAIMANT], "more", &len);
	assert_int_equal(send_env(f, f->id, NK_PAYER, NK_ACTION_DEPOSIT, env, len, &err), NK_EREFUSED);
	assert_int_equal(event_count(f, f->id), n);
	/* messages and deposits are kept after the case ends */
	{
		struct nk_case_request close = { .action = NK_ACTION_CLOSE };

		assert_int_equal(nk_case_act(&f->env, f->id, NK_MEDIATOR, &close, NULL, NULL), NK_OK);
		assert_int_equal(nk_case_inbox(&f->env, f->id, NK_PAYER, 0, &box, NULL), NK_OK);
		assert_int_equal(box.count, 1);
		nk_inbox_free(&box);
	}
}

static void signed_requests_refuse_replays_and_forgeries(void **state)
{
	struct fixture *f = *state;
	struct nk_case_request req = { .action = NK_ACTION_EXTEND, .amount = 500 };
	struct nk_case_request other = { .action = NK_ACTION_EXTEND, .amount = 900 };
	struct nk_request_auth auth, forged;
	struct nk_error err = { 0 };
	struct nk_event ev = { .time_ms = 1, .actor = "claimant", .type = "extension" };
	struct nk_brief b;
	size_t n = event_count(f, f->id);

	/* unsigned, by another key, for another body, another case or action: 401/403 */
	assert_int_equal(nk_case_act(&f->env, f->id, NK_CLAIMANT, &req, NULL, &err), NK_EAUTH);
	assert_string_equal(err.field, "signature");
	assert_int_equal(nk_case_request_sign(f->key[NK_PAYER], f->id, NK_CLAIMANT, 1, &req, &forged, NULL), NK_OK);
	assert_int_equal(nk_case_act(&f->env, f->id, NK_CLAIMANT, &req, &forged, &err), NK_EAUTH);
	assert_string_equal(err.field, "signature");
	assert_int_equal(nk_case_request_sign(f->key[NK_CLAIMANT], f->id, NK_CLAIMANT, 1, &other, &forged, NULL), NK_OK);
	assert_int_equal(nk_case_act(&f->env, f->id, NK_CLAIMANT, &req, &forged, &err), NK_EAUTH);
	assert_int_equal(nk_case_request_sign(f->key[NK_CLAIMANT], f->other, NK_CLAIMANT, 1, &req, &forged, NULL), NK_OK);
	assert_int_equal(nk_case_act(&f->env, f->id, NK_CLAIMANT, &req, &forged, &err), NK_EAUTH);
	assert_int_equal(nk_case_request_sign(f->key[NK_CLAIMANT], f->id, NK_PAYER, 1, &req, &forged, NULL), NK_OK);
	assert_int_equal(nk_case_act(&f->env, f->id, NK_PAYER, &req, &forged, &err), NK_EAUTH);
	/* a signed request from a role that has not joined has no key to check */
	assert_int_equal(nk_case_request_sign(f->key[NK_MEDIATOR], f->id, NK_MEDIATOR, 1,
					      &(struct nk_case_request){ .action = NK_ACTION_CLOSE },
					      &forged, NULL), NK_OK);
	assert_int_equal(nk_case_act(&f->env, f->id, NK_MEDIATOR,
				     &(struct nk_case_request){ .action = NK_ACTION_CLOSE }, &forged,
				     &err), NK_EAUTH);
	assert_int_equal(event_count(f, f->id), n);

	/* the good one, recorded with its number */
	assert_int_equal(nk_case_request_sign(f->key[NK_CLAIMANT], f->id, NK_CLAIMANT, 7, &req, &auth, NULL), NK_OK);
	assert_int_equal(nk_case_act(&f->env, f->id, NK_CLAIMANT, &req, &auth, NULL), NK_OK);
	assert_int_equal(event_count(f, f->id), n + 1);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_CLAIMANT, &b, NULL), NK_OK);
	assert_int_equal(b.last_request, 7);
	/* replayed as it was, or a new body under an old number: refused as replays */
	assert_int_equal(nk_case_act(&f->env, f->id, NK_CLAIMANT, &req, &auth, &err), NK_EAUTH);
	assert_string_equal(err.field, "request");
	assert_int_equal(nk_case_request_sign(f->key[NK_CLAIMANT], f->id, NK_CLAIMANT, 7, &other, &forged, NULL), NK_OK);
	assert_int_equal(nk_case_act(&f->env, f->id, NK_CLAIMANT, &other, &forged, &err), NK_EAUTH);
	assert_string_equal(err.field, "request");
	assert_int_equal(event_count(f, f->id), n + 1);

	/* a log whose request numbers do not rise is corrupt */
	ev.body = "{\"request\":7,\"role\":\"claimant\",\"round\":1}";
	assert_int_equal(nk_store_begin(f->store, NULL), NK_OK);
	assert_int_equal(nk_store_append(f->store, f->id, &ev, NULL), NK_OK);
	assert_int_equal(nk_store_commit(f->store, NULL), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_MEDIATOR, &b, &err), NK_ECORRUPT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(good_message_is_stored_and_logged_by_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_messages_are_refused_and_append_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(full_page_says_more_only_for_the_callers_own_items, setup,
						teardown),
		cmocka_unit_test_setup_teardown(deposits_wait_release_together_and_withdraw_before, setup, teardown),
		cmocka_unit_test_setup_teardown(signed_requests_refuse_replays_and_forgeries, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
