/* The commands on a case. Each loads the log inside a write transaction, checks
 * itself against the folded state, and appends its events (and sealed figures) before
 * one durable commit; a refused command rolls back and leaves the store as it was. */
#include "case/case_impl.h"
#include <nakodo/case_json.h>

#include <nakodo/seal.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t case_now_ms(const struct nk_case_env *env)
{
	struct timespec ts;

	if (env->now_ms)
		return env->now_ms(env->arg);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void case_fill_random(const struct nk_case_env *env, uint8_t *buf, size_t len)
{
	if (env->random)
		env->random(env->arg, buf, len);
	else
		randombytes_buf(buf, len);
}

void case_secret_name(char out[static NK_SECRET_NAME_MAX], const char *what, int n,
		      enum nk_role role)
{
	snprintf(out, NK_SECRET_NAME_MAX, "%s.%d.%s", what, n, nk_role_name(role));
}

/* Appends one event; takes the reference to body. */
enum nk_status case_append(const struct nk_case_env *env, const char *id, const char *actor,
			     const char *type, json_t *body, struct nk_error *err)
{
	struct nk_event ev = { 0 };
	enum nk_status rc;

	ev.body = nk_json_dumps(body, CASE_BODY_FLAGS);
	json_decref(body);
	if (!ev.body)
		return nk_fail(err, NK_ENOMEM, "event", "out of memory");
	ev.time_ms = case_now_ms(env);
	snprintf(ev.actor, sizeof(ev.actor), "%s", actor);
	snprintf(ev.type, sizeof(ev.type), "%s", type);
	rc = case_link_event(env, id, &ev, err);
	if (rc == NK_OK)
		rc = nk_store_append(env->store, id, &ev, err);
	free(ev.body);
	return rc;
}

static enum nk_status put_amount(const struct nk_case_env *env, const char *id,
				 const char *name, int64_t amount, struct nk_error *err)
{
	uint8_t buf[8];
	enum nk_status rc;

	for (int i = 0; i < 8; i++)
		buf[i] = (uint8_t)((uint64_t)amount >> (8 * i));
	rc = nk_store_secret_put(env->store, id, name, buf, sizeof(buf), err);
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

enum nk_status case_get_amount(const struct nk_case_env *env, const char *id,
			       const char *name, int64_t *out, struct nk_error *err)
{
	uint8_t buf[NK_SECRET_MAX];
	uint64_t v = 0;
	size_t len = 0;
	enum nk_status rc;

	rc = nk_store_secret_get(env->store, id, name, buf, sizeof(buf), &len, err);
	if (rc == NK_OK && len != 8)
		rc = nk_fail(err, NK_ECORRUPT, "secret", "a sealed figure has the wrong size");
	if (rc == NK_OK) {
		for (int i = 7; i >= 0; i--)
			v = (v << 8) | buf[i];
		*out = (int64_t)v;
	}
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

bool case_valid_id(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0 || n >= NK_CASE_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'z') ||
		      (id[i] >= 'A' && id[i] <= 'Z') || id[i] == '-' || id[i] == '_'))
			return false;
	return true;
}

static enum nk_status load(const struct nk_case_env *env, const char *id, bool snapshot,
			   struct case_state *st, struct nk_error *err)
{
	struct nk_event_list log = { 0 };
	enum nk_status rc;

	if (!case_valid_id(id))
		return nk_fail(err, NK_EINVAL, "case", "not a case id");
	rc = snapshot ? nk_store_begin_read(env->store, err) : nk_store_begin(env->store, err);
	if (rc != NK_OK)
		return rc;
	rc = nk_store_load(env->store, id, &log, err);
	if (rc == NK_ENOTFOUND)
		nk_fail(err, NK_ENOTFOUND, "case", "no case %s in this database", id);
	if (rc == NK_OK)
		rc = case_chain_check(env, id, &log, false, NULL, err);
	if (rc == NK_OK)
		rc = case_fold(id, &log, st, err);
	nk_event_list_free(&log);
	if (rc != NK_OK)
		nk_store_rollback(env->store);
	return rc;
}

enum nk_status case_load(const struct nk_case_env *env, const char *id,
			 struct case_state *st, struct nk_error *err)
{
	return load(env, id, false, st, err);
}

enum nk_status case_load_snapshot(const struct nk_case_env *env, const char *id,
				  struct case_state *st, struct nk_error *err)
{
	return load(env, id, true, st, err);
}

enum nk_status nk_case_log(const struct nk_case_env *env, const char *id,
			   struct nk_event_list *out, struct nk_error *err)
{
	enum nk_status rc;

	if (!case_valid_id(id))
		return nk_fail(err, NK_EINVAL, "case", "not a case id");
	rc = nk_store_load(env->store, id, out, err);
	if (rc == NK_ENOTFOUND)
		nk_fail(err, NK_ENOTFOUND, "case", "no case %s in this database", id);
	if (rc == NK_OK && (rc = case_chain_check(env, id, out, true, NULL, err)) != NK_OK)
		nk_event_list_free(out);
	return rc;
}

static enum nk_status get_seed(const struct nk_case_env *env, const char *id,
			       uint8_t seed[NK_SEED_BYTES], struct nk_error *err)
{
	size_t len = 0;
	enum nk_status rc = nk_store_secret_get(env->store, id, "seed", seed, NK_SEED_BYTES, &len, err);

	if (rc == NK_OK && len != NK_SEED_BYTES)
		rc = nk_fail(err, NK_ECORRUPT, "secret", "the sealed seed has the wrong size");
	return rc;
}

enum nk_status case_replay(const struct nk_case_env *env, const struct case_state *st,
			   int count, struct nk_round_result *results, struct nk_error *err)
{
	uint8_t seed[NK_SEED_BYTES];
	struct nk_round_figures figures[NK_ROUNDS_MAX];
	char name[NK_SECRET_NAME_MAX];
	enum nk_status rc;

	if (count > NK_ROUNDS_MAX)
		return nk_fail(err, NK_ECORRUPT, "log", "more rounds than the rules allow");
	if ((rc = get_seed(env, st->id, seed, err)) != NK_OK)
		return rc;
	memset(figures, 0, sizeof(figures));
	for (int i = 1; i <= count && rc == NK_OK; i++) {
		const struct case_round *r = &st->rounds[i - 1];
		struct nk_round_figures *f = &figures[i - 1];

		case_secret_name(name, "figure", i, NK_CLAIMANT);
		rc = case_get_amount(env, st->id, name, &f->demand, err);
		case_secret_name(name, "figure", i, NK_PAYER);
		if (rc == NK_OK)
			rc = case_get_amount(env, st->id, name, &f->offer, err);
		case_secret_name(name, "extension", i, NK_CLAIMANT);
		if (rc == NK_OK && r->extended[NK_CLAIMANT])
			rc = case_get_amount(env, st->id, name, &f->claimant_extension, err);
		case_secret_name(name, "extension", i, NK_PAYER);
		if (rc == NK_OK && r->extended[NK_PAYER])
			rc = case_get_amount(env, st->id, name, &f->payer_extension, err);
		if (rc == NK_OK)
			rc = nk_bargain_round(&st->rules, i, figures, results, seed, err);
		if (rc == NK_OK && r->evaluated &&
		    (r->deal != results[i - 1].deal ||
		     (r->deal != NK_NO_DEAL && r->figure != results[i - 1].figure)))
			rc = nk_fail(err, NK_ECORRUPT, "log", "round %d does not replay to its recorded outcome", i);
	}
	sodium_memzero(figures, sizeof(figures));
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

/* A random rule's seed, kept for the two parties after the end under the name the purge
 * spares (case_end): with the settlement it lets each side replay the draw, and it tells
 * each side, and so would tell whoever read it, bounds on both limits (doc/bargain.md,
 * "What the seed tells"). So it is not written into the log, which the mediator reads,
 * but stays sealed, and only a party's briefing shows it. */
static enum nk_status keep_seed(const struct nk_case_env *env, const char *id,
				struct nk_error *err)
{
	uint8_t seed[NK_SEED_BYTES];
	enum nk_status rc = get_seed(env, id, seed, err);

	if (rc == NK_OK)
		rc = nk_store_secret_put(env->store, id, CASE_REVEALED_SEED, seed, sizeof(seed), err);
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

/* After a settlement or a closing: delete every confidential figure of the case, then
 * log its closing statement in the server's record, in the same transaction. */
enum nk_status case_end(const struct nk_case_env *env, const char *id,
			struct nk_error *err)
{
	uint8_t seed[NK_SEED_BYTES];
	size_t len = 0;
	bool keep;
	enum nk_status rc;

	/* the one secret that outlives the case: a random settlement's seed (keep_seed) */
	rc = nk_store_secret_get(env->store, id, CASE_REVEALED_SEED, seed, sizeof(seed), &len, err);
	keep = rc == NK_OK && len == sizeof(seed);
	if (rc == NK_OK || rc == NK_ENOTFOUND)
		rc = nk_store_secret_purge(env->store, id, err);
	if (rc == NK_OK && keep)
		rc = nk_store_secret_put(env->store, id, CASE_REVEALED_SEED, seed, sizeof(seed), err);
	sodium_memzero(seed, sizeof(seed));
	if (rc == NK_OK)
		rc = case_append(env, id, "go-between", "purged",
			    json_pack("{s:s}", "secrets", "deleted"), err);
	if (rc == NK_OK)
		rc = case_record_close(env, id, err);
	return rc;
}

/* Commits; when the case ended, also scrubs the files of the deleted figures. Once the
 * commit succeeded the action has happened, and the answer says so: a scrub that
 * another reader holds up stays owed (the purge recorded it in the same transaction)
 * and is retried by the server and at every start, until it succeeds. */
enum nk_status case_finish(const struct nk_case_env *env, enum nk_status rc, bool ended,
			     struct nk_error *err)
{
	if (rc != NK_OK) {
		nk_store_rollback(env->store);
		return rc;
	}
	if ((rc = nk_store_commit(env->store, err)) != NK_OK)
		return rc;
	if (ended && nk_store_scrub(env->store, NULL) != NK_OK) {
		/* owed, and retried: see above */
	}
	return NK_OK;
}

enum nk_status case_check_round(const struct case_state *st, int round, struct nk_error *err)
{
	if (round < 0 || round > NK_ROUNDS_MAX)
		return nk_fail(err, NK_EINVAL, "round", "a round is a number from 1 to %d", NK_ROUNDS_MAX);
	if (st && round != 0 && round != st->round)
		return nk_fail(err, NK_EREFUSED, "round", "round %d is not open; round %d is", round,
			       st->round);
	return NK_OK;
}

enum nk_status case_refuse_state(const struct case_state *st, enum nk_case_state want,
				   struct nk_error *err)
{
	if (st->state == want)
		return NK_OK;
	if (st->state == NK_STATE_SETTLED || st->state == NK_STATE_CLOSED)
		return nk_fail(err, NK_EREFUSED, "case", "the case has ended (%s)", nk_case_state_name(st->state));
	return nk_fail(err, NK_EREFUSED, "case", "the case is %s, not %s",
		       nk_case_state_name(st->state), nk_case_state_name(want));
}

enum nk_status case_refuse_non_party(enum nk_role role, struct nk_error *err)
{
	if (role == NK_CLAIMANT || role == NK_PAYER)
		return NK_OK;
	return nk_fail(err, NK_EREFUSED, "role", "only the claimant and the payer may do this");
}

enum nk_status case_refuse_kind(const struct case_state *st, bool package, struct nk_error *err)
{
	if (st->package == package)
		return NK_OK;
	return nk_fail(err, NK_EREFUSED, "case", package ? "case %s is a case of figures, not of packages"
		       : "case %s is a package case: its parties submit valuations (nakodo package submit)",
		       st->id);
}

enum nk_status nk_case_open(const struct nk_case_env *env, const struct nk_rules *rules,
			    char id[static NK_CASE_ID_MAX], struct nk_error *err)
{
	return nk_case_open_with(env, rules, NULL, NULL, id, err);
}

enum nk_status nk_case_open_with(const struct nk_case_env *env, const struct nk_rules *rules,
				 nk_case_open_hook before_commit, void *arg,
				 char id[static NK_CASE_ID_MAX], struct nk_error *err)
{
	uint8_t raw[NK_CASE_ID_LEN / 2], seed[NK_SEED_BYTES], commitment[32];
	char new_id[NK_CASE_ID_MAX], commit_hex[65];
	enum nk_status rc;

	if ((rc = nk_rules_check(rules, err)) != NK_OK)
		return rc;
	case_fill_random(env, raw, sizeof(raw));
	nk_hex(raw, sizeof(raw), new_id);
	case_fill_random(env, seed, sizeof(seed));
	nk_bargain_commit_seed(seed, commitment);
	nk_hex(commitment, sizeof(commitment), commit_hex);

	if ((rc = nk_store_begin(env->store, err)) != NK_OK)
		goto out;
	rc = nk_store_case_create(env->store, new_id, err);
	if (rc == NK_OK)
		rc = nk_store_secret_put(env->store, new_id, "seed", seed, sizeof(seed), err);
	if (rc == NK_OK)
		rc = case_append(env, new_id, "mediator", "opened",
			    json_pack("{s:o, s:s}", "rules", nk_rules_to_json(rules),
				      "seed_commitment", commit_hex), err);
	if (rc == NK_OK && before_commit)
		rc = before_commit(arg, env->store, new_id, err);
	if ((rc = case_finish(env, rc, false, err)) == NK_OK)
		memcpy(id, new_id, sizeof(new_id));
out:
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

/* Both figures of the open round are in: evaluate it and record what follows. */
static enum nk_status evaluate_round(const struct nk_case_env *env, struct case_state *st,
				     bool *ended, struct nk_error *err)
{
	struct nk_round_result results[NK_ROUNDS_MAX];
	const struct nk_round_result *res;
	int r = st->round;
	json_t *body;
	enum nk_status rc;

	if ((rc = case_replay(env, st, r, results, err)) != NK_OK)
		goto out;
	res = &results[r - 1];
	body = json_pack("{s:i, s:s}", "round", r, "outcome", nk_deal_kind_name(res->deal));
	if (res->deal != NK_NO_DEAL) {
		body = nk_json_set(body, "figure", json_integer(res->figure));
	} else if (st->rules.hint_count > 0) {
		const struct nk_view *views[2] = { &res->claimant, &res->payer };

		for (int side = 0; side < 2; side++) {
			json_t *s = json_pack("{s:b}", "withheld", views[side]->withheld);

			if (views[side]->hint >= 0)
				s = nk_json_set(s, "band", json_integer(views[side]->hint));
			body = nk_json_set(body, nk_role_name((enum nk_role)side), s);
		}
	}
	if ((rc = case_append(env, st->id, "go-between", "round", body, err)) != NK_OK)
		goto out;
	if (res->deal != NK_NO_DEAL) {
		body = json_pack("{s:I, s:s, s:i}", "figure", (json_int_t)res->figure,
				 "by", nk_deal_kind_name(res->deal), "round", r);
		rc = case_append(env, st->id, "go-between", "settled", body, err);
		if (rc == NK_OK && st->rules.settle == NK_SETTLE_RANDOM)
			rc = keep_seed(env, st->id, err);
		*ended = true;
	} else if (r == st->rules.rounds) {
		rc = case_append(env, st->id, "go-between", "impasse", json_pack("{s:i}", "after_round", r), err);
		if (rc == NK_OK && st->rules.proposals == 0) {
			rc = case_append(env, st->id, "go-between", "closed",
				    json_pack("{s:s}", "reason", "impasse, and the rules allow no mediator's proposal"), err);
			*ended = true;
		}
	}
	if (rc == NK_OK && *ended)
		rc = case_end(env, st->id, err);
out:
	sodium_memzero(results, sizeof(results));
	return rc;
}

/* A figure (NK_ACTION_SUBMIT) or a deal-closer extension (NK_ACTION_EXTEND). */
enum nk_status case_submit(const struct nk_case_env *env, const char *id, enum nk_role role,
			   const struct nk_case_request *req, const struct nk_request_auth *auth,
			   struct nk_error *err)
{
	const bool extension = req->action == NK_ACTION_EXTEND;
	const int round = extension ? 0 : req->round;
	const int64_t amount = req->amount;
	struct case_state st;
	char name[NK_SECRET_NAME_MAX];
	bool ended = false;
	enum nk_status rc;

	if ((rc = case_refuse_non_party(role, err)) != NK_OK)
		return rc;
	if ((rc = case_check_round(NULL, round, err)) != NK_OK)
		return rc;
	if ((rc = case_load(env, id, &st, err)) != NK_OK)
		return rc;
	if ((rc = case_authorise(&st, role, req, auth, err)) != NK_OK)
		goto out;
	if ((rc = case_refuse_kind(&st, false, err)) != NK_OK ||
	    (rc = case_refuse_state(&st, NK_STATE_OPEN, err)) != NK_OK)
		goto out;
	if ((rc = case_check_round(&st, round, err)) != NK_OK)
		goto out;
	if (extension) {
		if (st.rounds[st.round - 1].extended[role]) {
			rc = nk_fail(err, NK_EREFUSED, "round", "an extension for round %d was already authorised", st.round);
			goto out;
		}
		if ((rc = nk_bargain_check_extension(&st.rules, amount, err)) != NK_OK)
			goto out;
	} else {
		int64_t previous = 0;

		if (st.rounds[st.round - 1].submitted[role]) {
			rc = nk_fail(err, NK_EREFUSED, "round", "a figure for round %d was already submitted", st.round);
			goto out;
		}
		case_secret_name(name, "figure", st.round - 1, role);
		if (st.round > 1 && (rc = case_get_amount(env, id, name, &previous, err)) != NK_OK)
			goto out;
		rc = nk_bargain_check_figure(&st.rules, role, amount, st.round > 1 ? &previous : NULL, err);
		sodium_memzero(&previous, sizeof(previous));
		if (rc != NK_OK)
			goto out;
	}
	case_secret_name(name, extension ? "extension" : "figure", st.round, role);
	if ((rc = put_amount(env, id, name, amount, err)) != NK_OK)
		goto out;
	rc = case_append(env, id, nk_role_name(role), extension ? "extension" : "figure",
			 case_with_request(json_pack("{s:i, s:s}", "round", st.round,
						     "role", nk_role_name(role)), auth), err);
	if (rc == NK_OK && !extension) {
		st.rounds[st.round - 1].submitted[role] = true;
		if (st.rounds[st.round - 1].submitted[!role])
			rc = evaluate_round(env, &st, &ended, err);
	}
out:
	return case_finish(env, rc, ended, err);
}

enum nk_status nk_case_submit(const struct nk_case_env *env, const char *id, enum nk_role role,
			      int64_t amount, struct nk_error *err)
{
	const struct nk_case_request req = { .action = NK_ACTION_SUBMIT, .amount = amount };

	return case_submit(env, id, role, &req, NULL, err);
}

enum nk_status nk_case_submit_round(const struct nk_case_env *env, const char *id,
				    enum nk_role role, int round, int64_t amount,
				    struct nk_error *err)
{
	const struct nk_case_request req = { .action = NK_ACTION_SUBMIT, .round = round,
					     .amount = amount };

	if (round < 1 || round > NK_ROUNDS_MAX)
		return nk_fail(err, NK_EINVAL, "round", "a round is a number from 1 to %d", NK_ROUNDS_MAX);
	return case_submit(env, id, role, &req, NULL, err);
}

enum nk_status nk_case_extend(const struct nk_case_env *env, const char *id, enum nk_role role,
			      int64_t amount, struct nk_error *err)
{
	const struct nk_case_request req = { .action = NK_ACTION_EXTEND, .amount = amount };

	return case_submit(env, id, role, &req, NULL, err);
}

enum nk_status case_propose(const struct nk_case_env *env, const char *id, enum nk_role role,
			    const struct nk_case_request *req, const struct nk_request_auth *auth,
			    struct nk_error *err)
{
	const int64_t amount = req->amount;
	struct case_state st;
	enum nk_status rc;

	if (role != NK_MEDIATOR)
		return nk_fail(err, NK_EREFUSED, "role", "only the mediator may do this");
	if ((rc = case_load(env, id, &st, err)) != NK_OK)
		return rc;
	if ((rc = case_authorise(&st, role, req, auth, err)) != NK_OK)
		goto out;
	if ((rc = case_refuse_kind(&st, false, err)) != NK_OK ||
	    (rc = case_refuse_state(&st, NK_STATE_IMPASSE, err)) != NK_OK)
		goto out;
	if (st.proposal_pending) {
		rc = nk_fail(err, NK_EREFUSED, "proposal", "the last proposal awaits its answers");
		goto out;
	}
	if ((rc = nk_bargain_check_proposal(&st.rules, st.proposals, amount, err)) != NK_OK)
		goto out;
	rc = case_append(env, id, "mediator", "proposal",
			 case_with_request(json_pack("{s:i, s:I}", "number", st.proposals + 1,
						     "figure", (json_int_t)amount), auth), err);
out:
	return case_finish(env, rc, false, err);
}

enum nk_status nk_case_propose(const struct nk_case_env *env, const char *id, int64_t amount,
			       struct nk_error *err)
{
	const struct nk_case_request req = { .action = NK_ACTION_PROPOSE, .amount = amount };

	return case_propose(env, id, NK_MEDIATOR, &req, NULL, err);
}

enum nk_status case_answer(const struct nk_case_env *env, const char *id, enum nk_role role,
			   const struct nk_case_request *req, const struct nk_request_auth *auth,
			   struct nk_error *err)
{
	const bool accept = req->accept;
	struct case_state st;
	char name[NK_SECRET_NAME_MAX];
	uint8_t answers[2] = { 0, 0 }, mine = accept ? 1 : 0;
	enum nk_proposal_outcome outcome;
	bool ended = false;
	size_t len;
	enum nk_status rc;

	if ((rc = case_refuse_non_party(role, err)) != NK_OK)
		return rc;
	if ((rc = case_load(env, id, &st, err)) != NK_OK)
		return rc;
	if ((rc = case_authorise(&st, role, req, auth, err)) != NK_OK)
		goto out;
	if (st.package)
		return package_case_answer(env, &st, role, accept, auth, err);
	if ((rc = case_refuse_state(&st, NK_STATE_IMPASSE, err)) != NK_OK)
		goto out;
	if (!st.proposal_pending) {
		rc = nk_fail(err, NK_EREFUSED, "proposal", "there is no proposal to answer");
		goto out;
	}
	if (st.answered[role]) {
		rc = nk_fail(err, NK_EREFUSED, "answer", "this proposal was already answered");
		goto out;
	}
	case_secret_name(name, "answer", st.proposals, role);
	if ((rc = nk_store_secret_put(env->store, id, name, &mine, 1, err)) != NK_OK)
		goto out;
	rc = case_append(env, id, nk_role_name(role), "answer",
			 case_with_request(json_pack("{s:i, s:s}", "number", st.proposals,
						     "role", nk_role_name(role)), auth), err);
	if (rc != NK_OK || !st.answered[!role])
		goto out;
	for (int side = 0; side < 2 && rc == NK_OK; side++) {
		case_secret_name(name, "answer", st.proposals, (enum nk_role)side);
		rc = nk_store_secret_get(env->store, id, name, &answers[side], 1, &len, err);
	}
	if (rc != NK_OK)
		goto out;
	outcome = nk_bargain_proposal_outcome(&st.rules, st.proposals, answers[NK_CLAIMANT] == 1,
					      answers[NK_PAYER] == 1);
	rc = case_append(env, id, "go-between", "proposal-result",
		    json_pack("{s:i, s:b}", "number", st.proposals,
			      "accepted", outcome == NK_PROPOSAL_SETTLES), err);
	if (rc == NK_OK && outcome == NK_PROPOSAL_SETTLES) {
		rc = case_append(env, id, "go-between", "settled",
			    json_pack("{s:I, s:s}", "figure", (json_int_t)st.proposal, "by", "proposal"), err);
		ended = true;
	} else if (rc == NK_OK && outcome == NK_PROPOSAL_CLOSES) {
		rc = case_append(env, id, "go-between", "closed",
			    json_pack("{s:s}", "reason", "the mediator's proposals were not accepted"), err);
		ended = true;
	}
	if (rc == NK_OK && ended)
		rc = case_end(env, id, err);
out:
	sodium_memzero(answers, sizeof(answers));
	return case_finish(env, rc, ended, err);
}

enum nk_status nk_case_answer(const struct nk_case_env *env, const char *id, enum nk_role role,
			      bool accept, struct nk_error *err)
{
	const struct nk_case_request req = { .action = NK_ACTION_ANSWER, .accept = accept };

	return case_answer(env, id, role, &req, NULL, err);
}

enum nk_status case_close(const struct nk_case_env *env, const char *id, enum nk_role role,
			  const struct nk_case_request *req, const struct nk_request_auth *auth,
			  struct nk_error *err)
{
	struct case_state st;
	enum nk_status rc;

	if (role != NK_MEDIATOR)
		return nk_fail(err, NK_EREFUSED, "role", "only the mediator may do this");
	if ((rc = case_load(env, id, &st, err)) != NK_OK)
		return rc;
	if ((rc = case_authorise(&st, role, req, auth, err)) != NK_OK)
		goto out;
	if (st.state != NK_STATE_OPEN && st.state != NK_STATE_IMPASSE) {
		rc = case_refuse_state(&st, NK_STATE_OPEN, err);
		goto out;
	}
	rc = case_append(env, id, "mediator", "closed",
			 case_with_request(json_pack("{s:s}", "reason", "closed by the mediator"), auth), err);
	if (rc == NK_OK)
		rc = case_end(env, id, err);
out:
	return case_finish(env, rc, rc == NK_OK, err);
}

enum nk_status nk_case_close(const struct nk_case_env *env, const char *id, struct nk_error *err)
{
	const struct nk_case_request req = { .action = NK_ACTION_CLOSE };

	return case_close(env, id, NK_MEDIATOR, &req, NULL, err);
}
