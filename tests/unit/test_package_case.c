#define _GNU_SOURCE	/* memmem */
/* Unit tests for blind package rounds (case/package_case.c), over the mem and the sqlite
 * store: a round proposes exactly what nk_package_propose proposes from the same two
 * valuations; refused inputs append nothing; monotone reservations; answers settle or
 * move on; and when the case ends the sealed valuations are gone from the files, while
 * the log and the mediator's briefing never held a reservation. */
#include <nakodo/package_case.h>
#include "../fake_env.h"

#include <nakodo/agenda_formats.h>
#include <nakodo/package_case_json.h>
#include <nakodo/package_json.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "../example_valuation.h"
#include "../sqlite_files.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef EXAMPLES_DIR
#error "EXAMPLES_DIR names the examples/ directory"
#endif

struct fixture {
	bool sqlite;
	char dir[64], db[128];
	struct nk_store *store;
	struct nk_server_key *signer;
	struct nk_case_env env;
	struct fake_env fake;	/* the clock and random source of env */
	struct nk_package_valuation *korea, *japan;	/* sodium_malloc */
};

static int setup_with(void **state, bool sqlite)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char url[160];

	if (!f || sodium_init() < 0)
		return -1;
	f->sqlite = sqlite;
	if (sqlite) {
		snprintf(f->dir, sizeof(f->dir), "/tmp/nakodo-pkcase-XXXXXX");
		if (!mkdtemp(f->dir))
			return -1;
		snprintf(f->db, sizeof(f->db), "%s/c.db", f->dir);
		snprintf(url, sizeof(url), "sqlite:%s", f->db);
	} else {
		snprintf(url, sizeof(url), "mem:");
	}
	if (nk_store_open(&f->store, url, NK_STORE_CREATE, NULL) != NK_OK)
		return -1;
	if (nk_server_key_generate(&f->signer, NULL) != NK_OK)
		return -1;
	f->env = (struct nk_case_env){ f->store, fake_now, fake_random, &f->fake, f->signer, NULL, NULL };
	f->fake = (struct fake_env)FAKE_ENV_START;
	f->korea = sodium_malloc(sizeof(*f->korea));
	f->japan = sodium_malloc(sizeof(*f->japan));
	if (!f->korea || !f->japan)
		return -1;
	example_valuation("claims-1962-package-korea.json", f->korea);
	example_valuation("claims-1962-package-japan.json", f->japan);
	*state = f;
	return 0;
}

static int setup_mem(void **state) { return setup_with(state, false); }
static int setup_sqlite(void **state) { return setup_with(state, true); }

static int teardown(void **state)
{
	struct fixture *f = *state;

	nk_store_close(f->store);
	nk_server_key_free(f->signer);
	if (f->sqlite)
		sqlite_files_remove(f->db, f->dir);
	sodium_free(f->korea);
	sodium_free(f->japan);
	free(f);
	return 0;
}

static void frame_1962(struct nk_package_frame *fr, int rounds)
{
	nk_package_frame_default(fr, nk_currency_find("USD"));
	fr->components[NK_CLAIMS] = fr->components[NK_CREDITS] = false;
	fr->rounds = rounds;
}

static size_t event_count(struct fixture *f, const char *id)
{
	struct nk_event_list log = { 0 };
	size_t n;

	assert_int_equal(nk_case_log(&f->env, id, &log, NULL), NK_OK);
	n = log.count;
	nk_event_list_free(&log);
	return n;
}

/* The whole log as one text, for searching. */
static char *log_text(struct fixture *f, const char *id)
{
	struct nk_event_list log = { 0 };
	size_t cap = 1, used = 0;
	char *all = calloc(1, 1);

	assert_int_equal(nk_case_log(&f->env, id, &log, NULL), NK_OK);
	for (size_t i = 0; i < log.count; i++) {
		size_t n = strlen(log.events[i].type) + strlen(log.events[i].body) + 2;

		all = realloc(all, cap += n);
		assert_non_null(all);
		used += (size_t)snprintf(all + used, cap - used, "%s %s\n", log.events[i].type,
					 log.events[i].body);
	}
	nk_event_list_free(&log);
	return all;
}

static const char *last_type(struct fixture *f, const char *id, int back)
{
	static char type[NK_EVENT_TYPE_MAX];
	struct nk_event_list log = { 0 };

	assert_int_equal(nk_case_log(&f->env, id, &log, NULL), NK_OK);
	snprintf(type, sizeof(type), "%s", log.events[log.count - 1 - (size_t)back].type);
	nk_event_list_free(&log);
	return type;
}

/* A reservation as it could appear in text: minor units and grouped major units. */
static void assert_no_reservation(const char *text, const struct nk_package_valuation *v)
{
	char minor[32], major[NK_MONEY_TEXT_MAX];

	snprintf(minor, sizeof(minor), "%lld", (long long)v->reservation);
	nk_money_format(nk_currency_find(v->currency), v->reservation, 1, major);
	assert_null(strstr(text, minor));
	assert_null(strstr(text, major));
}

static void round_proposes_what_the_core_proposes(void **state)
{
	struct fixture *f = *state;
	struct nk_package_frame fr;
	struct nk_package_result *direct = sodium_malloc(sizeof(*direct));
	struct nk_package_brief *b = sodium_malloc(sizeof(*b));
	struct nk_package_worth w;
	char id[NK_CASE_ID_MAX], *text, *dumped;
	json_t *mj;

	frame_1962(&fr, 2);
	assert_int_equal(nk_package_case_open(&f->env, &fr, NULL, NULL, id, NULL), NK_OK);
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_CLAIMANT, 1, f->korea, NULL), NK_OK);
	assert_string_equal(last_type(f, id, 0), "package_submitted");
	/* the payer's briefing shows nothing of the claimant's valuation */
	assert_int_equal(nk_package_case_brief(&f->env, id, NK_PAYER, b, NULL), NK_OK);
	assert_false(b->has_own);
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_PAYER, 0, f->japan, NULL), NK_OK);
	assert_string_equal(last_type(f, id, 0), "package_round");

	assert_int_equal(nk_package_propose(f->korea, f->japan, NK_NASH, direct, NULL), NK_OK);
	assert_true(direct->found);
	assert_int_equal(nk_package_case_brief(&f->env, id, NK_CLAIMANT, b, NULL), NK_OK);
	assert_true(b->has_package);
	assert_int_equal(b->package_round, 1);
	assert_memory_equal(b->package.amount, direct->package.amount, sizeof(direct->package.amount));
	assert_string_equal(b->package.label, direct->package.label);
	assert_int_equal(b->package.terms[NK_LOAN].grace, direct->package.terms[NK_LOAN].grace);
	assert_int_equal(b->package.terms[NK_LOAN].maturity, direct->package.terms[NK_LOAN].maturity);
	/* the claimant sees its own valuation and its own value of the package */
	assert_true(b->has_own && b->has_own_value);
	assert_int_equal(b->own_reservation, f->korea->reservation);
	assert_int_equal(nk_package_value(f->korea, &direct->package, &w, NULL), NK_OK);
	assert_int_equal(b->own_value.total, w.total);
	assert_int_equal(b->own_value.total, direct->value[NK_CLAIMANT]);
	assert_int_equal(nk_package_case_brief(&f->env, id, NK_PAYER, b, NULL), NK_OK);
	assert_int_equal(b->own_value.total, direct->value[NK_PAYER]);

	/* neither reservation is in the log or in the mediator's briefing */
	text = log_text(f, id);
	assert_no_reservation(text, f->korea);
	assert_no_reservation(text, f->japan);
	assert_null(strstr(text, "Korea"));
	free(text);
	assert_int_equal(nk_package_case_brief(&f->env, id, NK_MEDIATOR, b, NULL), NK_OK);
	assert_false(b->has_own);
	mj = nk_package_brief_to_json(b);
	dumped = json_dumps(mj, JSON_COMPACT);
	assert_no_reservation(dumped, f->korea);
	assert_no_reservation(dumped, f->japan);
	assert_null(strstr(dumped, "\"own\""));
	free(dumped);
	json_decref(mj);

	/* both accept: settled with the package, the valuations purged */
	assert_int_equal(nk_case_answer(&f->env, id, NK_CLAIMANT, true, NULL), NK_OK);
	assert_string_equal(last_type(f, id, 0), "package_answer");
	assert_int_equal(nk_case_answer(&f->env, id, NK_PAYER, true, NULL), NK_OK);
	assert_string_equal(last_type(f, id, 0), "purged");
	assert_string_equal(last_type(f, id, 1), "settled");
	assert_int_equal(nk_package_case_brief(&f->env, id, NK_CLAIMANT, b, NULL), NK_OK);
	assert_int_equal(b->state, NK_STATE_SETTLED);
	assert_true(b->settled && b->secrets_deleted && !b->has_own);
	assert_memory_equal(b->package.amount, direct->package.amount, sizeof(direct->package.amount));
	sodium_free(direct);
	sodium_free(b);
}

static void refusals_append_nothing(void **state)
{
	struct fixture *f = *state;
	struct nk_package_frame fr;
	struct nk_package_valuation *v = sodium_malloc(sizeof(*v));
	struct nk_rules rules;
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX], figures[NK_CASE_ID_MAX];
	size_t n;

	frame_1962(&fr, 2);
	fr.components[NK_LOAN] = false;
	assert_int_equal(nk_package_case_open(&f->env, &fr, NULL, NULL, id, NULL), NK_OK);
	n = event_count(f, id);
	/* a component the frame leaves out */
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_CLAIMANT, 0, f->korea, &err), NK_EINVAL);
	assert_string_equal(err.field, "components.loan");
	/* another currency */
	*v = *f->korea;
	v->table[NK_LOAN].offered = false;
	memcpy(v->currency, "EUR", 4);
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_CLAIMANT, 0, v, &err), NK_EINVAL);
	assert_string_equal(err.field, "currency");
	/* the payer's valuation handed in as the claimant's */
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_CLAIMANT, 0, f->japan, &err), NK_EINVAL);
	assert_string_equal(err.field, "role");
	/* a valuation that does not pass its own check */
	*v = *f->korea;
	v->table[NK_LOAN].offered = false;
	v->discount = -0.5;
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_CLAIMANT, 0, v, &err), NK_EINVAL);
	assert_string_equal(err.field, "discount");
	/* a round that is not open, the mediator, a figure, an answer with nothing to answer */
	v->discount = 0.1;
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_CLAIMANT, 2, v, &err), NK_EREFUSED);
	assert_string_equal(err.field, "round");
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_MEDIATOR, 0, v, &err), NK_EREFUSED);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 100, &err), NK_EREFUSED);
	assert_string_equal(err.field, "case");
	assert_int_equal(nk_case_answer(&f->env, id, NK_CLAIMANT, true, &err), NK_EREFUSED);
	assert_string_equal(err.field, "proposal");
	assert_int_equal(event_count(f, id), n);
	/* one valuation per side and round */
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_CLAIMANT, 1, v, NULL), NK_OK);
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_CLAIMANT, 1, v, &err), NK_EREFUSED);
	assert_int_equal(event_count(f, id), n + 1);
	/* a figure case refuses valuations */
	nk_rules_default(&rules, nk_currency_find("USD"));
	assert_int_equal(nk_case_open(&f->env, &rules, figures, NULL), NK_OK);
	assert_int_equal(nk_package_case_submit(&f->env, figures, NK_CLAIMANT, 0, v, &err), NK_EREFUSED);
	assert_int_equal(nk_package_case_brief(&f->env, figures, NK_CLAIMANT, NULL, &err), NK_EREFUSED);
	assert_int_equal(event_count(f, figures), 1);
	/* a frame with a hint policy is refused by name */
	{
		json_t *o = nk_package_frame_to_json(&fr);
		struct nk_package_frame back;

		assert_int_equal(nk_package_frame_from_json(o, &back, NULL), NK_OK);
		json_object_set_new(o, "hints", json_string("10,25"));
		assert_int_equal(nk_package_frame_from_json(o, &back, &err), NK_EINVAL);
		assert_string_equal(err.field, "hints");
		json_decref(o);
	}
	sodium_free(v);
}

/* Round 1: the claimant asks for more than any package gives (no deal); round 2 a
 * reservation moving the wrong way is refused, then a package is proposed and
 * declined; round 3 (the last) is declined too, and the case closes and purges. */
static void monotone_no_deal_and_declines(void **state)
{
	struct fixture *f = *state;
	struct nk_package_frame fr;
	struct nk_package_valuation *v = sodium_malloc(sizeof(*v)), *p = sodium_malloc(sizeof(*p));
	struct nk_package_brief *b = sodium_malloc(sizeof(*b));
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX], *text;

	frame_1962(&fr, 3);
	fr.solution = NK_EGALITARIAN;
	assert_int_equal(nk_package_case_open(&f->env, &fr, NULL, NULL, id, NULL), NK_OK);
	*v = *f->korea;
	v->reservation = INT64_C(90000000000);	/* US$900 million */
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_CLAIMANT, 0, v, NULL), NK_OK);
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_PAYER, 0, f->japan, NULL), NK_OK);
	text = log_text(f, id);
	assert_non_null(strstr(text, "\"outcome\":\"no-deal\""));
	assert_null(strstr(text, "blocking"));
	free(text);
	assert_int_equal(nk_package_case_brief(&f->env, id, NK_MEDIATOR, b, NULL), NK_OK);
	assert_int_equal(b->round, 2);
	assert_false(b->has_package);

	v->reservation += 1;		/* a claimant's reservation may not rise */
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_CLAIMANT, 2, v, &err), NK_EREFUSED);
	assert_string_equal(err.field, "reservation");
	*p = *f->japan;
	p->reservation -= 1;		/* nor a payer's fall */
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_PAYER, 2, p, &err), NK_EREFUSED);
	assert_string_equal(err.field, "reservation");
	assert_string_equal(last_type(f, id, 0), "package_round");

	for (int round = 2; round <= 3; round++) {
		assert_int_equal(nk_package_case_submit(&f->env, id, NK_CLAIMANT, round, f->korea, NULL), NK_OK);
		assert_int_equal(nk_package_case_submit(&f->env, id, NK_PAYER, round, f->japan, NULL), NK_OK);
		assert_int_equal(nk_case_answer(&f->env, id, NK_PAYER, round == 3, NULL), NK_OK);
		assert_int_equal(nk_case_answer(&f->env, id, NK_PAYER, true, &err), NK_EREFUSED);
		assert_int_equal(nk_package_case_brief(&f->env, id, NK_PAYER, b, NULL), NK_OK);
		assert_int_equal(b->rounds[round - 1].own_answer, round == 3);
		assert_int_equal(nk_case_answer(&f->env, id, NK_CLAIMANT, false, NULL), NK_OK);
	}
	assert_string_equal(last_type(f, id, 0), "purged");
	assert_string_equal(last_type(f, id, 1), "closed");
	assert_int_equal(nk_package_case_brief(&f->env, id, NK_PAYER, b, NULL), NK_OK);
	assert_int_equal(b->state, NK_STATE_CLOSED);
	assert_int_equal(b->rounds[1].accepted, 0);
	assert_int_equal(b->rounds[2].accepted, 0);
	assert_false(b->has_own);
	assert_int_equal(b->rounds[2].own_answer, -1);	/* answers are purged too */
	sodium_free(v);
	sodium_free(p);
	sodium_free(b);
}

static bool on_disk(const char *db, const void *needle, size_t n)
{
	return sqlite_files_hold(db, needle, n);
}

static void ended_case_leaves_no_valuation_on_disk(void **state)
{
	struct fixture *f = *state;
	struct nk_package_frame fr;
	char id[NK_CASE_ID_MAX];
	static const char name[] = "valuation.1.claimant";

	if (!f->sqlite)
		skip();
	frame_1962(&fr, 1);
	assert_int_equal(nk_package_case_open(&f->env, &fr, NULL, NULL, id, NULL), NK_OK);
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_CLAIMANT, 0, f->korea, NULL), NK_OK);
	assert_true(on_disk(f->db, name, strlen(name)));
	assert_false(on_disk(f->db, "211,814,697.61", 14));	/* sealed, never in clear */
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_PAYER, 0, f->japan, NULL), NK_OK);
	assert_int_equal(nk_case_answer(&f->env, id, NK_CLAIMANT, true, NULL), NK_OK);
	assert_int_equal(nk_case_answer(&f->env, id, NK_PAYER, false, NULL), NK_OK);
	/* the only round's package was declined: closed, and every sealed valuation gone */
	assert_string_equal(last_type(f, id, 1), "closed");
	assert_false(on_disk(f->db, name, strlen(name)));
	assert_false(on_disk(f->db, "valuation.1.payer", 17));
	assert_false(on_disk(f->db, "answer.1.payer", 14));
}

/* Joins both parties with keys; key[0] the claimant's, key[1] the payer's. */
static void join_both(struct fixture *f, const char *id, struct nk_party_key *key[2])
{
	for (int r = 0; r < 2; r++) {
		struct nk_identity idn;
		uint8_t sig[NK_SIGNATURE_BYTES];

		assert_int_equal(nk_party_key_generate(&key[r], NULL), NK_OK);
		nk_party_key_identity(key[r], &idn);
		assert_int_equal(nk_join_sign(key[r], id, (enum nk_role)r, sig, NULL), NK_OK);
		assert_int_equal(nk_case_join(&f->env, id, (enum nk_role)r, &idn, sig, NULL),
				 NK_OK);
	}
}

/* Once a party has joined with a key, its valuation comes signed over the round and
 * the valuation itself, with a fresh request number: missing, wrong, bound to another
 * valuation or round, or replayed, it is refused and nothing is appended. */
static void joined_parties_sign_their_valuations(void **state)
{
	struct fixture *f = *state;
	struct nk_package_frame fr;
	struct nk_package_valuation *v = sodium_malloc(sizeof(*v));
	struct nk_package_brief *b = sodium_malloc(sizeof(*b));
	struct nk_party_key *key[2] = { NULL, NULL };
	struct nk_case_request req = { .action = NK_ACTION_PACKAGE, .valuation = f->korea };
	struct nk_case_request other = req;
	struct nk_request_auth auth, wrong;
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX], *text, *dumped;
	json_t *j;
	size_t n;

	frame_1962(&fr, 2);
	assert_int_equal(nk_package_case_open(&f->env, &fr, NULL, NULL, id, NULL), NK_OK);
	join_both(f, id, key);
	n = event_count(f, id);
	assert_string_equal(nk_case_action_name(NK_ACTION_PACKAGE), "package");

	/* unsigned, by either entry point */
	assert_int_equal(nk_package_case_submit(&f->env, id, NK_CLAIMANT, 0, f->korea, &err),
			 NK_EAUTH);
	assert_string_equal(err.field, "signature");
	assert_non_null(strstr(err.text, "--key"));
	assert_int_equal(nk_case_act(&f->env, id, NK_CLAIMANT, &req, NULL, &err), NK_EAUTH);
	/* by the payer's key */
	assert_int_equal(nk_case_request_sign(key[1], id, NK_CLAIMANT, 1, &req, &wrong, NULL),
			 NK_OK);
	assert_int_equal(nk_case_act(&f->env, id, NK_CLAIMANT, &req, &wrong, &err), NK_EAUTH);
	assert_string_equal(err.field, "signature");
	/* signed for another valuation, or for a named round, then sent with this one */
	*v = *f->korea;
	v->reservation -= 1;
	other.valuation = v;
	assert_int_equal(nk_case_request_sign(key[0], id, NK_CLAIMANT, 1, &other, &wrong, NULL),
			 NK_OK);
	assert_int_equal(nk_case_act(&f->env, id, NK_CLAIMANT, &req, &wrong, &err), NK_EAUTH);
	other.valuation = f->korea;
	other.round = 1;
	assert_int_equal(nk_case_request_sign(key[0], id, NK_CLAIMANT, 1, &other, &wrong, NULL),
			 NK_OK);
	assert_int_equal(nk_case_act(&f->env, id, NK_CLAIMANT, &req, &wrong, &err), NK_EAUTH);
	/* no error text names the reservation */
	assert_no_reservation(err.text, f->korea);
	assert_int_equal(event_count(f, id), n);

	/* signed: accepted, the number recorded, the signature not */
	assert_int_equal(nk_case_request_sign(key[0], id, NK_CLAIMANT, 1, &req, &auth, NULL),
			 NK_OK);
	assert_int_equal(nk_case_act(&f->env, id, NK_CLAIMANT, &req, &auth, NULL), NK_OK);
	assert_int_equal(event_count(f, id), n + 1);
	text = log_text(f, id);
	assert_non_null(strstr(text, "package_submitted "
			       "{\"request\":1,\"role\":\"claimant\",\"round\":1}"));
	assert_no_reservation(text, f->korea);
	free(text);
	/* the same request again is a replay, refused by its number */
	assert_int_equal(nk_case_act(&f->env, id, NK_CLAIMANT, &req, &auth, &err), NK_EAUTH);
	assert_string_equal(err.field, "request");
	assert_int_equal(event_count(f, id), n + 1);

	/* the payer's signed valuation completes the round */
	req.valuation = f->japan;
	req.round = 1;
	assert_int_equal(nk_case_request_sign(key[1], id, NK_PAYER, 1, &req, &auth, NULL), NK_OK);
	assert_int_equal(nk_case_act(&f->env, id, NK_PAYER, &req, &auth, NULL), NK_OK);
	assert_string_equal(last_type(f, id, 0), "package_round");

	/* the briefing lists both keys and the role's last request number */
	assert_int_equal(nk_package_case_brief(&f->env, id, NK_PAYER, b, NULL), NK_OK);
	assert_true(b->joined[NK_CLAIMANT] && b->joined[NK_PAYER] && !b->joined[NK_MEDIATOR]);
	assert_int_equal(b->last_request, 1);
	j = nk_package_brief_to_json(b);
	dumped = json_dumps(j, JSON_COMPACT);
	assert_non_null(strstr(dumped, "\"safety_number\""));
	assert_non_null(strstr(dumped, "\"last_request\":1"));
	free(dumped);
	json_decref(j);
	/* the signed answers still follow, numbered after the valuations */
	for (int r = 0; r < 2; r++) {
		struct nk_case_request ans = { .action = NK_ACTION_ANSWER, .accept = true };

		const enum nk_role role = (enum nk_role)r;

		assert_int_equal(nk_case_request_sign(key[r], id, role, 2, &ans, &auth, NULL),
				 NK_OK);
		assert_int_equal(nk_case_act(&f->env, id, role, &ans, &auth, NULL), NK_OK);
	}
	assert_string_equal(last_type(f, id, 1), "settled");
	nk_party_key_free(key[0]);
	nk_party_key_free(key[1]);
	sodium_free(v);
	sodium_free(b);
}

/* The client signs the valuation it read from its file; the server checks the one it
 * decoded from the request, which the client re-encoded: both reach the same body. */
static void request_body_survives_the_wire(void **state)
{
	struct fixture *f = *state;
	struct nk_package_valuation *v = sodium_malloc(sizeof(*v));
	struct nk_case_request req = { .action = NK_ACTION_PACKAGE, .round = 2,
				       .valuation = f->korea };
	uint8_t *mine = NULL, *theirs = NULL;
	size_t mine_len = 0, theirs_len = 0;
	char path[512], *file = NULL, *wire;
	json_t *o;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/claims-1962-package-korea.json", EXAMPLES_DIR);
	assert_int_equal(nk_file_read(path, &file, &len, NULL), NK_OK);
	o = json_loadb(file, len, 0, NULL);
	assert_non_null(o);
	json_object_set_new(o, "discount", json_real(7.1));	/* a real that is not exact */
	wire = json_dumps(o, JSON_COMPACT);		/* what the client sends */
	assert_int_equal(nk_valuation_json_read(wire, strlen(wire), "wire", v, NULL), NK_OK);
	free(wire);
	wire = json_dumps(o, JSON_INDENT(4));		/* what the client read */
	assert_int_equal(nk_valuation_json_read(wire, strlen(wire), "file", f->korea, NULL), NK_OK);
	assert_int_equal(nk_case_request_body(&req, &mine, &mine_len, NULL), NK_OK);
	req.valuation = v;
	assert_int_equal(nk_case_request_body(&req, &theirs, &theirs_len, NULL), NK_OK);
	assert_int_equal(mine_len, theirs_len);
	assert_memory_equal(mine, theirs, mine_len);
	assert_int_equal(memcmp(mine, "{\"round\":2,\"valuation\":{", 24), 0);
	/* no valuation, no body */
	req.valuation = NULL;
	free(theirs);
	theirs = NULL;
	assert_int_equal(nk_case_request_body(&req, &theirs, &theirs_len, NULL), NK_EINVAL);
	free(wire);
	free(mine);
	free(file);
	json_decref(o);
	sodium_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(round_proposes_what_the_core_proposes, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(round_proposes_what_the_core_proposes, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(refusals_append_nothing, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(refusals_append_nothing, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(monotone_no_deal_and_declines, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(monotone_no_deal_and_declines, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(ended_case_leaves_no_valuation_on_disk, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(joined_parties_sign_their_valuations, setup_mem,
						teardown),
		cmocka_unit_test_setup_teardown(joined_parties_sign_their_valuations, setup_sqlite,
						teardown),
		cmocka_unit_test_setup_teardown(request_body_survives_the_wire, setup_mem,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
