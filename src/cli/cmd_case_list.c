/* nakodo case list: the cases in the database, one a line with what the mediator may
 * know of each (kind, state, currency, round, when it opened and last moved), filtered
 * by state; through a server, the ids its operator's route gives. */
#include "backend.h"
#include "util.h"

#include <nakodo/package_case.h>
#include <nakodo/wire.h>

#include <getopt.h>
#include <sodium.h>
#include <string.h>

const char cli_case_list_help[] =
	"usage: nakodo case list [--state open|impasse|settled|closed]\n"
	"                        [--server URL --token TOKEN] [--json]\n\n"
	"Lists the cases in the database, oldest first: each one's id, kind (figures or\n"
	"package), state, currency, round (the one open for figures, or the last one) of\n"
	"the rounds its rules allow, the times, in UTC, of its opening and of its last\n"
	"event, and its title, if it was given one. The list is the mediator's view: no\n"
	"figure, no answer of a party.\n\n"
	"  --state STATE   only the cases in that state (may be given more than once)\n"
	"  --json          {\"cases\": [ID, ...], \"summaries\": [{\"case\", \"kind\", \"state\",\n"
	"                  \"currency\", \"round\", \"rounds\", \"events\", \"opened\",\n"
	"                  \"last_event\", \"title\" (\"\" for none)}, ...]}, both in the\n"
	"                  same order; a case that cannot be read is in neither, but in\n"
	"                  \"unreadable\": [{\"case\", \"error\", \"field\", \"detail\"}, ...]\n\n"
	"A case that cannot be read (its rows damaged or changed in the database) does not\n"
	"hide the others: it is listed in its place as 'damaged' (or 'unread') whatever\n"
	"--state asks, its reason goes to standard error, and the command exits 3 once the\n"
	"rest is listed.\n\n"
	"With --server URL --token TOKEN (or NAKODO_SERVER, NAKODO_TOKEN; the operator's\n"
	"token) the list is the server's (GET /v1/cases): its ids only, one a line, since\n"
	"the operator's route tells no case's state; --state needs the database.\n";

static const char *const states[] = { "open", "impasse", "settled", "closed" };
#define STATE_COUNT (sizeof(states) / sizeof(states[0]))

/* The round a package case is in, from its mediator's package briefing. */
static enum nk_status package_round(struct cli_backend *be, const char *id, int *round,
				    struct nk_error *err)
{
	struct nk_package_brief *pb = sodium_malloc(sizeof(*pb));
	enum nk_status rc;

	if (!pb)
		return nk_fail(err, NK_ENOMEM, "brief", "out of memory");
	if ((rc = nk_package_case_brief(&be->env, id, NK_MEDIATOR, pb, err)) == NK_OK)
		*round = pb->round;
	sodium_free(pb);
	return rc;
}

/* What the mediator's briefing and the log tell of case id, as one JSON object. */
static enum nk_status summarize(struct cli_backend *be, const char *id, json_t **out,
				struct nk_error *err)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	struct nk_event_list log = { 0 };
	char opened[CLI_TIME_MAX] = "", last[CLI_TIME_MAX] = "";
	enum nk_status rc;
	int round;

	if (!b)
		return nk_fail(err, NK_ENOMEM, "brief", "out of memory");
	if ((rc = nk_case_brief(&be->env, id, NK_MEDIATOR, b, err)) != NK_OK ||
	    (rc = nk_case_log(&be->env, id, &log, err)) != NK_OK)
		goto out;
	round = b->round;
	if (b->package && (rc = package_round(be, id, &round, err)) != NK_OK)
		goto out;
	if (log.count > 0) {
		cli_iso_time(log.events[0].time_ms, opened);
		cli_iso_time(log.events[log.count - 1].time_ms, last);
	}
	*out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:I, s:s, s:s}", "case", id,
			 "title", b->title, "kind",
			 b->package ? "package" : "figures", "state", nk_case_state_name(b->state),
			 "currency", b->rules.currency, "round", round, "rounds", b->rules.rounds,
			 "events", (json_int_t)log.count, "opened", opened, "last_event", last);
	if (!*out)
		rc = nk_fail(err, NK_ENOMEM, "cases", "out of memory");
out:
	nk_event_list_free(&log);
	sodium_free(b);
	return rc;
}

static int parse(struct cli_ctx *ctx, int argc, char **argv, bool want[static STATE_COUNT],
		 bool *filter, struct remote *remote)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' }, REMOTE_OPTIONS, { NULL, 0, NULL, 0 },
	};
	size_t k;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == REMOTE_OPT_SERVER || c == REMOTE_OPT_TOKEN) {
			remote_option(remote, c, optarg);
			continue;
		}
		if (c != 's')
			return cli_usage_error(ctx, "nakodo case list", "unknown or incomplete "
					       "option '%s'", argv[optind - 1]);
		for (k = 0; k < STATE_COUNT && strcmp(optarg, states[k]) != 0; k++)
			;
		if (k == STATE_COUNT)
			return cli_usage_error(ctx, "nakodo case list", "--state: unknown "
					       "state '%.32s' (open, impasse, settled or closed)",
					       optarg);
		want[k] = *filter = true;
	}
	if (optind != argc)
		return cli_usage_error(ctx, "nakodo case list", "unexpected argument '%s'",
				       argv[optind]);
	return CLI_OK;
}

static bool wanted(const json_t *summary, const bool want[static STATE_COUNT], bool filter)
{
	const char *state = json_string_value(json_object_get(summary, "state"));

	for (size_t k = 0; filter && k < STATE_COUNT; k++)
		if (want[k] && strcmp(state, states[k]) == 0)
			return true;
	return !filter;
}

static void print_row(FILE *f, const json_t *s)
{
	const char *title = json_string_value(json_object_get(s, "title"));
	char round[32];

	/* the title last, as it is as long as it is; nothing trails an untitled row */
	snprintf(round, sizeof(round), "%lld of %lld",
		 (long long)json_integer_value(json_object_get(s, "round")),
		 (long long)json_integer_value(json_object_get(s, "rounds")));
	fprintf(f, "%-20s  %-7s  %-8s  %-3s  %-8s  %-20s  %-*s%s",
		json_string_value(json_object_get(s, "case")),
		json_string_value(json_object_get(s, "kind")),
		json_string_value(json_object_get(s, "state")),
		json_string_value(json_object_get(s, "currency")), round,
		json_string_value(json_object_get(s, "opened")),
		*title ? 20 : 0, json_string_value(json_object_get(s, "last_event")),
		*title ? "  " : "");
	cli_put_safe(f, title, strlen(title));	/* a party's words, maybe from a server */
	fputc('\n', f);
}

/* A case that could not be summarized, in its place in the list: its id and why. */
static void print_unreadable(FILE *f, const json_t *u)
{
	const char *why = json_string_value(json_object_get(u, "error"));

	/* "damaged": its record fails its own checks (changed in the database) */
	fprintf(f, "%-20s  %-7s  %-8s  %-3s  %-8s  %-20s  %s\n",
		json_string_value(json_object_get(u, "case")), "?",
		strcmp(why, "corrupt") == 0 || strcmp(why, "crypto") == 0 ? "damaged" : "unread",
		"?", "?", "?", "?                     (cannot be read: see standard error)");
}

/* The local list: each case summarized, those of the wanted states kept. A case that
 * cannot be read is kept in its place as unreadable, named with its reason, and the
 * list goes on: one damaged case must not hide the mediator's others. */
static int local_list(struct cli_ctx *ctx, struct cli_backend *be, const json_t *ids,
		      const bool want[static STATE_COUNT], bool filter)
{
	json_t *kept = json_array(), *summaries = json_array(), *rows = json_array();
	json_t *bad = json_array(), *s;
	struct nk_error err = { 0 };
	enum nk_status worst = NK_OK;
	size_t i;
	json_t *id;

	if (!kept || !summaries || !rows || !bad) {
		json_decref(kept);
		json_decref(summaries);
		json_decref(rows);
		json_decref(bad);
		nk_fail(&err, NK_ENOMEM, "cases", "out of memory");
		return cli_report(ctx, &err);
	}
	json_array_foreach(ids, i, id) {
		enum nk_status rc;

		s = NULL;
		if ((rc = summarize(be, json_string_value(id), &s, &err)) == NK_ENOMEM) {
			json_decref(kept);
			json_decref(summaries);
			json_decref(rows);
			json_decref(bad);
			return cli_report(ctx, &err);
		}
		if (rc != NK_OK) {
			/* the reason is the store's or the case's, which never holds a figure */
			json_t *u = json_pack("{s:s, s:s, s:s, s:s}", "case", json_string_value(id),
					      "error", nk_status_name(rc), "field", err.field,
					      "detail", err.text);

			fprintf(ctx->err, "nakodo: case %s cannot be read: %s%s%s\n",
				json_string_value(id), err.field, err.field[0] ? ": " : "", err.text);
			if (u) {
				json_array_append(bad, u);
				json_array_append_new(rows, u);
			}
			if (worst == NK_OK || cli_exit_for(rc) > cli_exit_for(worst))
				worst = rc;
			memset(&err, 0, sizeof(err));
			continue;
		}
		if (wanted(s, want, filter)) {
			json_array_append(kept, id);
			json_array_append(summaries, s);
			json_array_append(rows, s);
		}
		json_decref(s);
	}
	if (ctx->json) {
		json_t *o = json_pack("{s:o, s:o}", "cases", kept, "summaries", summaries);

		if (o && json_array_size(bad) > 0)
			json_object_set(o, "unreadable", bad);
		cli_print_json(ctx, o);
	} else {
		if (json_array_size(rows) > 0)
			fprintf(ctx->out, "%-20s  %-7s  %-8s  %-3s  %-8s  %-20s  %-20s  %s\n", "CASE",
				"KIND", "STATE", "CUR", "ROUND", "OPENED", "LAST EVENT", "TITLE");
		json_array_foreach(rows, i, s) {
			if (json_object_get(s, "error"))
				print_unreadable(ctx->out, s);
			else
				print_row(ctx->out, s);
		}
		json_decref(kept);
		json_decref(summaries);
	}
	json_decref(rows);
	if (json_array_size(bad) > 0)
		fprintf(ctx->err, "nakodo: %zu of %zu cases cannot be read (listed as damaged or unread); "
			"the others are listed\n", json_array_size(bad), json_array_size(ids));
	json_decref(bad);
	return cli_exit_for(worst);
}

int cli_case_list(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_backend be = { 0 };
	bool want[STATE_COUNT] = { false }, filter = false;
	json_t *answer = NULL;
	const json_t *ids;
	int rc;

	if ((rc = parse(ctx, argc, argv, want, &filter, &be.remote)) != CLI_OK)
		return rc;
	if (filter && cli_backend_token_role(&be))
		return cli_usage_error(ctx, "nakodo case list", "--state: a server's list gives "
				       "ids only; filter by state on the database (--db)");
	if ((rc = cli_backend_open(ctx, &be)) == CLI_OK &&
	    (rc = be.ops->list(ctx, &be, &answer)) == CLI_OK) {
		ids = json_object_get(answer, "cases");
		if (!be.is_remote) {
			rc = local_list(ctx, &be, ids, want, filter);
			json_decref(answer);
		} else if (ctx->json) {
			cli_print_json(ctx, answer);
		} else {
			for (size_t i = 0; i < json_array_size(ids); i++)
				fprintf(ctx->out, "%s\n",
					json_string_value(json_array_get(ids, i)));
			json_decref(answer);
		}
	}
	cli_backend_close(&be);
	return rc;
}
