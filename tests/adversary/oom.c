/* Out-of-memory loops (issue 10, point 10): for each operation — a submission that
 * completes a round with hints (either side), a round that settles, a join, a sealed
 * message, a deposit that releases both, a package round, a mediator's proposal and the
 * answer that settles by it — the case is set up, then for n = 1, 2, … the nth
 * allocation during the operation fails (oom_hook.c). Each try must either fail with
 * NK_ENOMEM and leave the log, every briefing and the inboxes exactly as before, or
 * succeed whole, exactly as a run without a failure does. The loop ends at the first n
 * past the operation's last allocation. A second pass fails every allocation after the
 * nth, which must always fail cleanly. To look into one failure: OOM_ONLY=k runs only
 * the kth operation of ops[] in the first test, OOM_N=n starts its loop at n, and a
 * breakpoint on oom_debug_fired stops at the failing allocation. */
#include "oom_hook.h"

#include <nakodo/case.h>
#include <nakodo/package_case.h>
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
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef EXAMPLES_DIR
#error "EXAMPLES_DIR names the examples/ directory"
#endif

#define M(x) ((int64_t)(x) * 100000000)	/* US$ million in cents */

/* What every try shares: keys made once, so that each fresh case is the same case. */
struct world {
	struct nk_server_key *signer;
	struct nk_party_key *key[NK_ROLE_COUNT];
	struct nk_identity idn[NK_ROLE_COUNT];
	struct nk_package_valuation *korea, *japan;	/* sodium_malloc */
	uint8_t *letter, *deposit[2];	/* sealed once for the deterministic case id */
	size_t letter_len, deposit_len[2];
	char dir[64];
};

struct fixture {
	const struct world *w;
	char db[128];
	struct nk_store *store;
	struct nk_case_env env;
	int64_t clock;
	uint32_t counter;
	char id[NK_CASE_ID_MAX];
	bool package;
	struct nk_request_auth auth;	/* the operation's signature, made at set-up */
	uint8_t join_sig[NK_SIGNATURE_BYTES];
};

struct op {
	const char *name;
	bool package;
	bool ends_case;
	void (*setup)(struct fixture *f);
	enum nk_status (*run)(struct fixture *f, struct nk_error *err);
};

static int64_t fake_now(void *arg)
{
	struct fixture *f = arg;

	return f->clock += 1000;
}

static void fake_random(void *arg, uint8_t *buf, size_t len)
{
	struct fixture *f = arg;

	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(f->counter * 31 + i);
	f->counter++;
}

static void hint_rules(struct nk_rules *r)
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

static void open_case(struct fixture *f, int rounds)
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

/* ---- a case as everyone may see it ---- */

static json_t *hex_json(const uint8_t *bytes, size_t len)
{
	char hex[2 * 64 + 1];

	assert_true(len <= 64);
	nk_hex(bytes, len, hex);
	return json_string(hex);
}

static json_t *log_json(struct fixture *f)
{
	struct nk_event_list log = { 0 };
	struct nk_error err = { 0 };
	json_t *a = json_array();

	if (nk_case_log(&f->env, f->id, &log, &err) != NK_OK)
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

static json_t *brief_json(struct fixture *f, enum nk_role role)
{
	json_t *o;

	if (f->package) {
		struct nk_package_brief *b = sodium_malloc(sizeof(*b));

		assert_non_null(b);
		assert_int_equal(nk_package_case_brief(&f->env, f->id, role, b, NULL), NK_OK);
		o = nk_package_brief_to_json(b);
		sodium_free(b);
	} else {
		struct nk_brief b;

		assert_int_equal(nk_case_brief(&f->env, f->id, role, &b, NULL), NK_OK);
		o = nk_brief_to_json(&b);
		sodium_memzero(&b, sizeof(b));
	}
	assert_non_null(o);
	return o;
}

static json_t *inbox_json(struct fixture *f, enum nk_role role)
{
	struct nk_inbox box = { 0 };
	json_t *a = json_array();

	assert_int_equal(nk_case_inbox(&f->env, f->id, role, 0, &box, NULL), NK_OK);
	for (size_t i = 0; i < box.count; i++)
		assert_int_equal(json_array_append_new(a, json_pack("{s:I, s:o}", "index",
			(json_int_t)box.items[i].index, "sha256",
			hex_json(box.items[i].sha256, NK_HASH_BYTES))), 0);
	assert_int_equal(json_array_append_new(a, json_pack("{s:b, s:b}", "held",
		box.deposit_held, "released", box.released)), 0);
	nk_inbox_free(&box);
	return a;
}

/* The log (with its chain), every role's briefing and both parties' inboxes, as text. */
static char *snapshot(struct fixture *f)
{
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "log", log_json(f),
			      "claimant", brief_json(f, NK_CLAIMANT),
			      "payer", brief_json(f, NK_PAYER),
			      "mediator", brief_json(f, NK_MEDIATOR),
			      "inbox_claimant", inbox_json(f, NK_CLAIMANT),
			      "inbox_payer", inbox_json(f, NK_PAYER));
	char *text;

	assert_non_null(o);
	text = json_dumps(o, JSON_SORT_KEYS | JSON_INDENT(1));
	json_decref(o);
	assert_non_null(text);
	return text;
}

/* The first line where a and b differ, for the report. */
static void print_difference(const char *a, const char *b)
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

/* ---- the loop ---- */

static long env_number(const char *name, long otherwise)
{
	const char *text = getenv(name);

	return text && *text ? strtol(text, NULL, 10) : otherwise;
}

static void remove_db(const char *dir)
{
	static const char *const suffix[] = { "", "-wal", "-shm", ".key" };
	char path[160];

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(path, sizeof(path), "%s/oom.db%s", dir, suffix[i]);
		unlink(path);
	}
}

static void fresh(const struct world *w, const struct op *op, bool sqlite, struct fixture *f)
{
	char url[160];

	memset(f, 0, sizeof(*f));
	f->w = w;
	f->package = op->package;
	if (sqlite) {
		remove_db(w->dir);
		snprintf(f->db, sizeof(f->db), "%s/oom.db", w->dir);
		snprintf(url, sizeof(url), "sqlite:%s", f->db);
	} else {
		snprintf(url, sizeof(url), "mem:");
	}
	assert_int_equal(nk_store_open(&f->store, url, NK_STORE_CREATE, NULL), NK_OK);
	f->env = (struct nk_case_env){ f->store, fake_now, fake_random, f, w->signer, NULL };
	f->clock = INT64_C(1700000000000);
	op->setup(f);
}

struct tally {
	long tries, failed, recovered, bad;
};

/* One try with the nth allocation failing; checks the outcome against pre and post. */
static void try_once(struct fixture *f, const struct op *op, long n, bool every_after,
		     const char *pre, const char *post, bool *done, bool *changed,
		     struct tally *t)
{
	struct nk_error err = { 0 };
	enum nk_status rc;
	const char *want;
	char *now;
	long fired;

	oom_fail_after(n, every_after);
	rc = op->run(f, &err);
	fired = oom_disarm();
	now = snapshot(f);
	*done = fired == 0;
	*changed = rc == NK_OK;
	want = rc == NK_OK ? post : pre;
	t->tries++;
	if (rc == NK_OK && fired)
		t->recovered++;
	else if (rc != NK_OK)
		t->failed++;
	if ((rc != NK_OK && rc != NK_ENOMEM) || (every_after && fired && rc == NK_OK) ||
	    strcmp(want, now) != 0) {
		/* a success that differs is the worst: always told; the others up to 8 */
		if (t->bad++ < 8 || (rc == NK_OK && strcmp(want, now) != 0)) {
			print_message("# %s%s: allocation %ld failing: %s (%s: %s)%s\n", op->name,
				      every_after ? " (and every later one)" : "", n,
				      nk_status_name(rc), err.field, err.text,
				      strcmp(want, now) != 0 ? ", the case differs from a run "
				      "without the failure" : "");
			if (strcmp(want, now) != 0)
				print_difference(want, now);
		}
	}
	free(now);
}

static void loop(const struct world *w, const struct op *op, bool sqlite, bool every_after)
{
	struct fixture f;
	struct tally t = { 0 };
	int64_t clock0;
	uint32_t counter0;
	char *pre, *post;
	bool done = false, changed = false;

	fresh(w, op, sqlite, &f);
	pre = snapshot(&f);
	clock0 = f.clock;
	counter0 = f.counter;
	assert_int_equal(op->run(&f, NULL), NK_OK);
	post = snapshot(&f);
	nk_store_close(f.store);
	fresh(w, op, sqlite, &f);
	for (long n = env_number("OOM_N", 1); !done; n++) {
		if (changed) {
			nk_store_close(f.store);
			fresh(w, op, sqlite, &f);
		}
		f.clock = clock0;
		f.counter = counter0;
		try_once(&f, op, n, every_after, pre, post, &done, &changed, &t);
	}
	nk_store_close(f.store);
	print_message("# %s on %s%s: %ld allocations, %ld failed cleanly, %ld recovered, %ld bad\n",
		      op->name, sqlite ? "sqlite" : "mem", every_after ? " (every after)" : "",
		      t.tries - 1, t.failed, t.recovered, t.bad);
	free(pre);
	free(post);
	assert_int_equal(t.bad, 0);
}

static const struct op ops[] = {
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

static void every_op_on_mem(void **state)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (env_number("OOM_ONLY", (long)i) == (long)i)
			loop(*state, &ops[i], false, false);
}

static void every_op_on_mem_failing_for_good(void **state)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		loop(*state, &ops[i], false, true);
}

/* Not yet the operations that end a case: on sqlite their scrub (a WAL checkpoint) runs
 * after the commit, and one that runs out of memory reports a committed settlement as
 * failed (issue 10, point 6, fixed apart). */
static void every_op_on_sqlite(void **state)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!ops[i].ends_case)
			loop(*state, &ops[i], true, false);
}

/* ---- the world ---- */

static void read_valuation(const char *name, struct nk_package_valuation *v)
{
	char path[512], *buf = NULL;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%s", EXAMPLES_DIR, name);
	assert_int_equal(nk_file_read(path, &buf, &len, NULL), NK_OK);
	assert_int_equal(nk_valuation_json_read(buf, len, path, v, NULL), NK_OK);
	free(buf);
}

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

static int world_setup(void **state)
{
	static const struct op joined = { "joined", false, false, setup_joined, NULL };
	struct world *w = calloc(1, sizeof(*w));
	struct fixture f;

	oom_hook_init();
	if (!w || sodium_init() < 0 || nk_server_key_generate(&w->signer, NULL) != NK_OK)
		return -1;
	for (int r = 0; r < NK_ROLE_COUNT; r++) {
		if (nk_party_key_generate(&w->key[r], NULL) != NK_OK)
			return -1;
		nk_party_key_identity(w->key[r], &w->idn[r]);
	}
	w->korea = sodium_malloc(sizeof(*w->korea));
	w->japan = sodium_malloc(sizeof(*w->japan));
	snprintf(w->dir, sizeof(w->dir), "/tmp/nakodo-oom-XXXXXX");
	if (!w->korea || !w->japan || !mkdtemp(w->dir))
		return -1;
	read_valuation("claims-1962-package-korea.json", w->korea);
	read_valuation("claims-1962-package-japan.json", w->japan);
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

static int world_teardown(void **state)
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_op_on_mem),
		cmocka_unit_test(every_op_on_mem_failing_for_good),
		cmocka_unit_test(every_op_on_sqlite),
	};

	return cmocka_run_group_tests(tests, world_setup, world_teardown);
}
