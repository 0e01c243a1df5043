/* The verdict on a case's log that `nakodo log` and GET /v1/cases/ID/log give with it.
 * The chain's links say only that no event was changed without the server's key; the
 * operator holds that key, and can re-chain a forged event (a blind round's outcome its
 * party never signed, a round concluded otherwise than both sides' outcomes say). The
 * case's load refuses such a log; the log's readers must not print it as if it held, so
 * they fold it with the load's own fold (case_fold: the outcome's signatures and every
 * other rule of the log), not a copy of its checks. */
#include "case/case_impl.h"
#include "case/record.h"

#include <nakodo/json_build.h>
#include <nakodo/wire.h>

#include <sodium.h>
#include <stdlib.h>

enum nk_status nk_case_log_verdict(const char *id, const struct nk_event_list *log,
				   json_t *out, struct nk_error *err)
{
	struct case_state *st = calloc(1, sizeof(*st));
	enum nk_status rc;
	json_t *why = NULL;

	if (!st)
		return nk_fail(err, NK_ENOMEM, "log", "out of memory");
	rc = case_fold(id, log, st, err);
	if (rc == NK_ECORRUPT)	/* the event the fold stopped at, and its reason */
		why = json_pack("{s:I, s:s}", "event", (json_int_t)st->events, "reason",
				err ? err->text : "");
	sodium_memzero(st, sizeof(*st));	/* a settled case's revealed seed */
	free(st);
	if (rc != NK_OK && rc != NK_ECORRUPT)
		return rc;
	if (json_object_set_new(out, "verified", json_boolean(rc == NK_OK)) != 0 ||
	    (rc == NK_ECORRUPT && (!why || json_object_set_new(out, "unverified", why) != 0)))
		return nk_fail(err, NK_ENOMEM, "log", "out of memory");
	return rc;
}

enum nk_status nk_case_log_prove(const struct nk_case_env *env, const char *id,
				 const struct nk_event_list *log, json_t *out,
				 struct nk_error *err)
{
	struct nk_batch_proof proof;
	bool proved = false;
	enum nk_status rc = case_log_proof(env, id, log, &proof, &proved, err);

	if (rc == NK_OK && proved && nk_wire_log_add_proof(out, &proof) != NK_OK)
		rc = nk_fail(err, NK_ENOMEM, "log", "out of memory");
	return rc;
}
