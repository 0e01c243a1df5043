/* What the failure loops (oom.c, iofail.c) share: a world of keys and sealed letters made
 * once, a fixture holding a fresh case in a fresh store, the operations they try (each a
 * set-up and the operation itself), and a snapshot of a case as everyone may see it. */
#include "case_fixture.h"
#include "../fake_env.h"
#include "base/hex.h"

#include <nakodo/seal.h>

#include <nakodo/agenda_formats.h>
#include <nakodo/case_json.h>
#include <nakodo/package_case_json.h>
#include <nakodo/package_json.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "../example_valuation.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef EXAMPLES_DIR
#error "EXAMPLES_DIR names the examples/ directory"
#endif

void hint_rules(struct nk_rules *r)
{
	nk_rules_default(r, nk_currency_find("USD"));
	r->rounds = 2;
	r->hint_count = 2;
	r->hint_bp[0] = 1000;
	r->hint_bp[1] = 2500;
	r->range_low = 0;
	r->range_high = M(2000);
	r->proposals = 1;
}

void open_case(struct fixture *f, int rounds)
{
	struct nk_rules rules;

	hint_rules(&rules);
	rules.rounds = rounds;
	assert_int_equal(nk_case_open(&f->env, &rules, f->id, NULL), NK_OK);
}

static void join(struct fixture *f, enum nk_role role)
{
	uint8_t sig[NK_SIGNATURE_BYTES];

	assert_int_equal(nk_join_sign(f->w->key[role], f->id, role, sig, NULL), NK_OK);
	assert_int_equal(nk_case_join(&f->env, f->id, role, &f->w->idn[role], sig, NULL), NK_OK);
}

static void sign(struct fixture *f, enum nk_role role, uint64_t number,
		 const struct nk_case_request *req)
{
	assert_int_equal(nk_case_request_sign(f->w->key[role], f->id, role, number, req,
					      &f->auth, NULL), NK_OK);
}

/* ---- the operations: each set-up, then the operation tried under the hook ---- */

static void setup_payer_first(struct fixture *f)
{
	open_case(f, 2);
	assert_int_equal(nk_case_submit(&f->env, f->id, NK_PAYER, M(70), NULL), NK_OK);
}

static enum nk_status run_claimant_hint(struct fixture *f, struct nk_error *err)
{
	return nk_case_submit(&f->env, f->id, NK_CLAIMANT, M(700), err);
}

static void setup_claimant_first(struct fixture *f)
{
	open_case(f, 2);
	assert_int_equal(nk_case_submit(&f->env, f->id, NK_CLAIMANT, M(700), NULL), NK_OK);
}

static enum nk_status run_payer_hint(struct fixture *f, struct nk_error *err)
{
	return nk_case_submit(&f->env, f->id, NK_PAYER, M(70), err);
}

static void setup_deal(struct fixture *f)
{
	open_case(f, 2);
	assert_int_equal(nk_case_submit(&f->env, f->id, NK_CLAIMANT, M(300), NULL), NK_OK);
}

static enum nk_status run_deal(struct fixture *f, struct nk_error *err)
{
	return nk_case_submit(&f->env, f->id, NK_PAYER, M(500), err);
}

static void setup_join(struct fixture *f)
{
	open_case(f, 2);
	join(f, NK_PAYER);
	assert_int_equal(nk_join_sign(f->w->key[NK_CLAIMANT], f->id, NK_CLAIMANT, f->join_sig,
				      NULL), NK_OK);
}

static enum nk_status run_join(struct fixture *f, struct nk_error *err)
{
	return nk_case_join(&f->env, f->id, NK_CLAIMANT, &f->w->idn[NK_CLAIMANT], f->join_sig,
			    err);
}

static void setup_joined(struct fixture *f)
{
	open_case(f, 2);
	join(f, NK_CLAIMANT);
	join(f, NK_PAYER);
}

static struct nk_case_request letter_request(const struct fixture *f)
{
	return (struct nk_case_request){ .action = NK_ACTION_SEND, .envelope = f->w->letter,
					 .envelope_len = f->w->letter_len };
}

static void setup_send(struct fixture *f)
{
	const struct nk_case_request req = letter_request(f);

	setup_joined(f);
	sign(f, NK_CLAIMANT, 1, &req);
}

static enum nk_status run_send(struct fixture *f, struct nk_error *err)
{
	const struct nk_case_request req = letter_request(f);

	return nk_case_act(&f->env, f->id, NK_CLAIMANT, &req, &f->auth, err);
}

static struct nk_case_request deposit_request(const struct fixture *f, enum nk_role role)
{
	return (struct nk_case_request){ .action = NK_ACTION_DEPOSIT,
					 .envelope = f->w->deposit[role],
					 .envelope_len = f->w->deposit_len[role] };
}

static void setup_deposit(struct fixture *f)
{
	struct nk_case_request req = deposit_request(f, NK_CLAIMANT);

	setup_joined(f);
	sign(f, NK_CLAIMANT, 1, &req);
	assert_int_equal(nk_case_act(&f->env, f->id, NK_CLAIMANT, &req, &f->auth, NULL), NK_OK);
	req = deposit_request(f, NK_PAYER);
	sign(f, NK_PAYER, 1, &req);
}

static enum nk_status run_deposit(struct fixture *f, struct nk_error *err)
{
	const struct nk_case_request req = deposit_request(f, NK_PAYER);

	return nk_case_act(&f->env, f->id, NK_PAYER, &req, &f->auth, err);
}

static void setup_package(struct fixture *f)
{
	struct nk_package_frame fr;

	nk_package_frame_default(&fr, nk_currency_find("USD"));
	fr.components[NK_CLAIMS] = fr.components[NK_CREDITS] = false;
	fr.rounds = 2;
	assert_int_equal(nk_package_case_open(&f->env, &fr, NULL, NULL, f->id, NULL), NK_OK);
	assert_int_equal(nk_package_case_submit(&f->env, f->id, NK_CLAIMANT, 1, f->w->korea, NULL),
			 NK_OK);
}

static enum nk_status run_package(struct fixture *f, struct nk_error *err)
{
	return nk_package_case_submit(&f->env, f->id, NK_PAYER, 0, f->w->japan, err);
}

static void setup_impasse(struct fixture *f)
{
	open_case(f, 1);
	assert_int_equal(nk_case_submit(&f->env, f->id, NK_CLAIMANT, M(700), NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, f->id, NK_PAYER, M(70), NULL), NK_OK);
}

static enum nk_status run_propose(struct fixture *f, struct nk_error *err)
{
	return nk_case_propose(&f->env, f->id, M(300), err);
}

static void setup_answer(struct fixture *f)
{
	setup_impasse(f);
	assert_int_equal(nk_case_propose(&f->env, f->id, M(300), NULL), NK_OK);
	assert_int_equal(nk_case_answer(&f->env, f->id, NK_CLAIMANT, true, NULL), NK_OK);
}

static enum nk_status run_answer(struct fixture *f, struct nk_error *err)
{
	return nk_case_answer(&f->env, f->id, NK_PAYER, true, err);
}

const struct op case_ops[] = {
	{ "claimant's submission completing a round with hints", false, false, setup_payer_first,
	  run_claimant_hint },
	{ "payer's submission completing a round with hints", false, false, setup_claimant_first,
	  run_payer_hint },
	{ "submission that settles", false, true, setup_deal, run_deal },
	{ "join", false, false, setup_join, run_join },
	{ "sealed message", false, false, setup_send, run_send },
	{ "deposit that releases both", false, false, setup_deposit, run_deposit },
	{ "package valuation completing a round", true, false, setup_package, run_package },
	{ "mediator's proposal", false, false, setup_impasse, run_propose },
	{ "answer that settles by the proposal", false, true, setup_answer, run_answer },
};

const size_t case_op_count = sizeof(case_ops) / sizeof(case_ops[0]);

/* ---- a case as everyone may see it ---- */

static json_t *hex_json(const uint8_t *bytes, size_t len)
{
	char hex[2 * 64 + 1];

	assert_true(len <= 64);
	nk_hex_encode(bytes, len, hex);
	return json_string(hex);
}

static json_t *log_json(struct fixture *f, const struct nk_case_env *env)
{
	struct nk_event_list log = { 0 };
	struct nk_error err = { 0 };
	json_t *a = json_array();

	if (nk_case_log(env, f->id, &log, &err) != NK_OK)
		fail_msg("the case no longer reads: %s: %s", err.field, err.text);
	for (size_t i = 0; i < log.count; i++) {
		const struct nk_event *ev = &log.events[i];

		json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:o}", "seq", (json_int_t)ev->seq,
				      "time", (json_int_t)ev->time_ms, "actor", ev->actor, "type",
				      ev->type, "body", ev->body, "chain",
				      hex_json(ev->chain, sizeof(ev->chain)));

		assert_int_equal(json_array_append_new(a, o), 0);
	}
	nk_event_list_free(&log);
	return a;
}

static json_t *brief_json(struct fixture *f, const struct nk_case_env *env, enum nk_role role)
{
	json_t *o;

	if (f->package) {
		struct nk_package_brief *b = sodium_malloc(sizeof(*b));

		assert_non_null(b);
		assert_int_equal(nk_package_case_brief(env, f->id, role, b, NULL), NK_OK);
		o = nk_package_brief_to_json(b);
		sodium_free(b);
	} else {
		struct nk_brief b;

		assert_int_equal(nk_case_brief(env, f->id, role, &b, NULL), NK_OK);
		o = nk_brief_to_json(&b);
		sodium_memzero(&b, sizeof(b));
	}
	assert_non_null(o);
	return o;
}

static json_t *inbox_json(struct fixture *f, const struct nk_case_env *env, enum nk_role role)
{
	struct nk_inbox box = { 0 };
	json_t *a = json_array();

	assert_int_equal(nk_case_inbox(env, f->id, role, 0, &box, NULL), NK_OK);
	for (size_t i = 0; i < box.count; i++)
		assert_int_equal(json_array_append_new(a, json_pack("{s:I, s:o}", "index",
			(json_int_t)box.items[i].index, "sha256",
			hex_json(box.items[i].sha256, NK_HASH_BYTES))), 0);
	assert_int_equal(json_array_append_new(a, json_pack("{s:b, s:b}", "held",
		box.deposit_held, "released", box.released)), 0);
	nk_inbox_free(&box);
	return a;
}

/* The log (with its chain), every role's briefing and both parties' inboxes, as text,
 * read through env. */
static char *snapshot_env(struct fixture *f, const struct nk_case_env *env)
{
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "log", log_json(f, env),
			      "claimant", brief_json(f, env, NK_CLAIMANT),
			      "payer", brief_json(f, env, NK_PAYER),
			      "mediator", brief_json(f, env, NK_MEDIATOR),
			      "inbox_claimant", inbox_json(f, env, NK_CLAIMANT),
			      "inbox_payer", inbox_json(f, env, NK_PAYER));
	char *text;

	assert_non_null(o);
	text = json_dumps(o, JSON_SORT_KEYS | JSON_INDENT(1));
	json_decref(o);
	assert_non_null(text);
	return text;
}

char *snapshot(struct fixture *f)
{
	return snapshot_env(f, &f->env);
}

char *snapshot_fresh(struct fixture *f)
{
	struct nk_case_env env = f->env;
	char url[160];
	char *text;

	if (!f->db[0])
		return snapshot(f);
	snprintf(url, sizeof(url), "sqlite:%s", f->db);
	assert_int_equal(nk_store_open(&env.store, url, 0, NULL), NK_OK);
	text = snapshot_env(f, &env);
	nk_store_close(env.store);
	return text;
}

/* The first line where a and b differ, for the report. */
void print_difference(const char *a, const char *b)
{
	size_t line = 1, i = 0, start = 0;

	for (; a[i] && a[i] == b[i]; i++)
		if (a[i] == '\n') {
			line++;
			start = i + 1;
		}
	print_message("#   first difference at line %zu: expected '%.80s', got '%.80s'\n", line,
		      a + start, b + start);
}

/* ---- fresh cases ---- */

long env_number(const char *name, long otherwise)
{
	const char *text = getenv(name);

	return text && *text ? strtol(text, NULL, 10) : otherwise;
}

void remove_db(const char *dir)
{
	static const char *const suffix[] = { "", "-wal", "-shm", ".key" };
	char path[160];

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(path, sizeof(path), "%s/case.db%s", dir, suffix[i]);
		unlink(path);
	}
}

void fresh(const struct world *w, const struct op *op, bool sqlite, struct fixture *f)
{
	char url[160];

	memset(f, 0, sizeof(*f));
	f->w = w;
	f->package = op->package;
	if (sqlite) {
		remove_db(w->dir);
		snprintf(f->db, sizeof(f->db), "%s/case.db", w->dir);
		snprintf(url, sizeof(url), "sqlite:%s", f->db);
	} else {
		snprintf(url, sizeof(url), "mem:");
	}
	assert_int_equal(nk_store_open(&f->store, url, NK_STORE_CREATE, NULL), NK_OK);
	f->env = (struct nk_case_env){ f->store, fake_now, fake_random, &f->fake, w->signer, NULL, NULL };
	f->fake = (struct fake_env)FAKE_ENV_START;
	op->setup(f);
}

/* ---- the world ---- */

static uint8_t *seal(struct world *w, const char *id, enum nk_message_kind kind,
		     enum nk_role from, enum nk_role to, const char *text, size_t *len)
{
	struct nk_envelope_header h = { .kind = kind, .from = from, .to = to, .seq = 1 };
	uint8_t *env = NULL;

	snprintf(h.case_id, sizeof(h.case_id), "%s", id);
	assert_int_equal(nk_message_seal(w->key[from], &h, &w->idn[to], (const uint8_t *)text,
					 strlen(text), &env, len, NULL), NK_OK);
	return env;
}

int case_world_setup(void **state)
{
	static const struct op joined = { "joined", false, false, setup_joined, NULL };
	struct world *w = calloc(1, sizeof(*w));
	struct fixture f;

	if (!w || sodium_init() < 0 || nk_server_key_generate(&w->signer, NULL) != NK_OK)
		return -1;
	for (int r = 0; r < NK_ROLE_COUNT; r++) {
		if (nk_party_key_generate(&w->key[r], NULL) != NK_OK)
			return -1;
		nk_party_key_identity(w->key[r], &w->idn[r]);
	}
	w->korea = sodium_malloc(sizeof(*w->korea));
	w->japan = sodium_malloc(sizeof(*w->japan));
	snprintf(w->dir, sizeof(w->dir), "/tmp/nakodo-case-XXXXXX");
	if (!w->korea || !w->japan || !mkdtemp(w->dir))
		return -1;
	example_valuation("claims-1962-package-korea.json", w->korea);
	example_valuation("claims-1962-package-japan.json", w->japan);
	/* every case of figures opened first in a fresh store has the same id */
	fresh(w, &joined, false, &f);
	w->letter = seal(w, f.id, NK_MESSAGE_TEXT, NK_CLAIMANT, NK_PAYER, "a word in confidence",
			 &w->letter_len);
	w->deposit[NK_CLAIMANT] = seal(w, f.id, NK_MESSAGE_DEPOSIT, NK_CLAIMANT, NK_PAYER,
				       "claimant's limit", &w->deposit_len[NK_CLAIMANT]);
	w->deposit[NK_PAYER] = seal(w, f.id, NK_MESSAGE_DEPOSIT, NK_PAYER, NK_CLAIMANT,
				    "payer's limit", &w->deposit_len[NK_PAYER]);
	nk_store_close(f.store);
	*state = w;
	return 0;
}

int case_world_teardown(void **state)
{
	struct world *w = *state;

	for (int r = 0; r < NK_ROLE_COUNT; r++)
		nk_party_key_free(w->key[r]);
	nk_server_key_free(w->signer);
	sodium_free(w->korea);
	sodium_free(w->japan);
	free(w->letter);
	free(w->deposit[0]);
	free(w->deposit[1]);
	remove_db(w->dir);
	rmdir(w->dir);
	free(w);
	return 0;
}

