/* POST /v1/analyze: the mediator's analysis of posted files (doc/api.md), the very JSON
 * and SVG of `nakodo analyze --json --svg` (analysis.h). The frontier can take seconds
 * of one core: only a known operator's or mediator's token reaches it (http.c checks the
 * token on the headers before a long body is read), each token has a bucket of its own
 * for it, and one analysis runs at a time. The files are read from the request and
 * never stored. */
#include "server/server_impl.h"

#include <nakodo/agenda_formats.h>
#include <nakodo/analysis.h>
#include <nakodo/json_build.h>
#include <nakodo/time.h>

#include <stdlib.h>
#include <string.h>

#define ANALYZE_AT_ONCE 1		/* analyses running on the whole server */
#define ANALYZE_MS 10000		/* one analysis's time: the pruning is quadratic, and a
					 * small agenda of many issues could hold the slot for
					 * hours within the per-step work bound */

struct deadline {
	int64_t at_ms;			/* when the analysis is given up */
	size_t done, total;		/* issues folded, of all, when last told */
	bool passed;
};

/* The fold's progress callback: asks it to stop once the deadline has passed. */
static int give_up(void *arg, const struct nk_progress *at)
{
	struct deadline *d = arg;

	d->done = at->done;
	d->total = at->total;
	d->passed = nk_time_now_ms() > d->at_ms;
	return d->passed;
}

/* The text of a posted file; NK_EINVAL naming it unless it is a string (the decoder
 * refused a NUL in it already). */
static enum nk_status file_text(const json_t *v, const char *name, const char **text,
				size_t *len, struct nk_error *err)
{
	if (!json_is_string(v))
		return nk_fail(err, NK_EINVAL, name, "must be a string: the file's text");
	*text = json_string_value(v);
	*len = json_string_length(v);
	return NK_OK;
}

/* A file that does not parse is the caller's mistake, whatever the reader calls it. */
static enum nk_status bad_file(enum nk_status rc)
{
	return rc == NK_ENOMEM ? rc : NK_EINVAL;
}

static enum nk_status load(struct nk_analysis *an, const json_t *body, struct nk_error *err)
{
	const json_t *profiles = json_object_get(body, "profiles");
	const json_t *fix = json_object_get(body, "fix");
	const char *text = NULL, *key;
	const json_t *value;
	size_t len = 0, n = json_array_size(profiles);
	enum nk_status rc;

	if (n < NK_PARTIES_MIN || n > NK_PARTIES_MAX)
		return nk_fail(err, NK_EINVAL, "profiles", "from %d to %d profiles", NK_PARTIES_MIN,
			       NK_PARTIES_MAX);
	if (fix && !json_is_object(fix))
		return nk_fail(err, NK_EINVAL, "fix", "must be an object: {\"ISSUE\": \"VALUE\"}");
	if ((rc = file_text(json_object_get(body, "domain"), "domain", &text, &len, err)) != NK_OK)
		return rc;
	if ((rc = nk_agenda_parse(text, len, "domain", &an->agenda, err)) != NK_OK)
		return bad_file(rc);
	for (size_t k = 0; k < n; k++) {
		char name[32];

		snprintf(name, sizeof(name), "profiles[%zu]", k);
		if ((rc = file_text(json_array_get(profiles, k), name, &text, &len, err)) != NK_OK)
			return rc;
		if ((rc = nk_profile_parse(an->agenda, text, len, name, &an->profiles[k], err)) != NK_OK)
			return bad_file(rc);
		an->np++;
	}
	json_object_foreach((json_t *)fix, key, value) {
		if (!json_is_string(value))
			return nk_fail(err, NK_EINVAL, "fix", "the value of '%.128s' must be a string",
				       key);
		if ((rc = nk_analysis_fix(an, key, json_string_value(value), err)) != NK_OK) {
			/* the request's field is fix (doc/api.md); the command's names the issue */
			if (err && strcmp(err->field, "fix") != 0) {
				char said[sizeof(err->text)];

				snprintf(said, sizeof(said), "%s", err->text);
				nk_fail(err, rc, "fix", "'%.128s': %s", key, said);
			}
			return rc;
		}
	}
	return NK_OK;
}

enum nk_status h_analyze(struct route_call *call, struct nk_error *err)
{
	struct nk_server *srv = call->srv;
	struct deadline deadline = { 0 };
	struct nk_analysis *an;
	char *svg = NULL;
	enum nk_status rc;

	if (!auth_analyze_take(srv, call->rate_key)) {
		call->limited = true;
		return nk_fail(err, NK_EREFUSED, "Authorization", "this token's analyses are over "
			       "their limit (one every 2 seconds, 10 at once)");
	}
	if (atomic_fetch_add(&srv->analyses, 1) >= ANALYZE_AT_ONCE) {
		atomic_fetch_sub(&srv->analyses, 1);
		call->limited = true;
		return nk_fail(err, NK_EREFUSED, "analyze", "another analysis is running: try again");
	}
	if (!(an = malloc(sizeof(*an)))) {
		atomic_fetch_sub(&srv->analyses, 1);
		return nk_fail(err, NK_ENOMEM, "analyze", "out of memory");
	}
	nk_analysis_init(an);
	rc = load(an, call->body, err);
	deadline.at_ms = nk_time_now_ms() + ANALYZE_MS;
	if (rc == NK_OK && (rc = nk_analysis_run(an, give_up, &deadline, err)) == NK_ERANGE) {
		rc = NK_EINVAL;	/* too large a frontier: the files' doing */
		if (deadline.passed)
			nk_fail(err, NK_EINVAL, "frontier", "the analysis passed %d s at issue %zu "
				"of %zu and was given up (nakodo analyze has no such bound)",
				ANALYZE_MS / 1000, deadline.done + 1, deadline.total);
	}
	if (rc == NK_OK)
		rc = nk_analysis_svg(an, &svg, err);
	if (rc == NK_OK) {
		/* Written as every answer is, at fixed widths (reals as `nakodo analyze --json`
		 * prints them, to the digit), and then padded to its size class: its length
		 * would follow the utilities' digits, the frontier's count and the plot's
		 * coordinates, all the parties' confidential profiles' doing, which are the
		 * mediator's to see, not someone's who watches its traffic (a party, maybe):
		 * doc/api.md, "POST /v1/analyze". */
		json_t *reply = json_pack("{s:o, s:s}", "analysis", nk_analysis_to_json(an), "svg", svg);

		call->text = reply ? nk_json_text_classed(reply) : NULL;
		call->content_type = "application/json";
		json_decref(reply);
		if (!call->text)
			rc = nk_fail(err, NK_ENOMEM, "analyze", "out of memory");
	}
	free(svg);
	nk_analysis_free(an);
	free(an);
	atomic_fetch_sub(&srv->analyses, 1);
	return rc;
}
