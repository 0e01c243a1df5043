/* nakodo demo: the 1962 Korea-Japan claims talks (or another scenario file of the same
 * form) run through the real engine and a real SQLite store in a temporary folder.
 * Prints, round by round, what each side saw and what the go-between recorded, then
 * checks that neither side's screen ever held the other's figures. Leaves nothing. */
#define _GNU_SOURCE	/* memmem */
#include "cmd_brief.h"
#include "demo_package.h"
#include "util.h"
#include <nakodo/case_json.h>
#include <nakodo/json_build.h>

#include <dirent.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const char nk_embedded_claims_1962[];
extern const size_t nk_embedded_claims_1962_len;

#define DEMO_FILE_MAX (64 * 1024)

struct side {
	const char *name;
	int64_t figures[NK_ROUNDS_MAX];
	char *screen;		/* everything this side was shown */
	size_t screen_len;
	FILE *f;
};

struct demo {
	const struct nk_currency *cur;
	struct nk_rules rules;
	struct side sides[2];	/* by enum nk_role */
	int rounds;
	int64_t proposal;
	bool accept[2];
	const char *note;
	struct nk_server_key *signer;	/* made for the run, freed at its end */
};

static enum nk_status get_amount(const struct demo *d, const json_t *v, const char *field,
				 int64_t *out, struct nk_error *err)
{
	if (!json_is_string(v))
		return nk_fail(err, NK_EINVAL, field, "must be an amount in quotes, e.g. \"700,000,000\"");
	return nk_money_parse(d->cur, json_string_value(v), field, out, err);
}

static enum nk_status load_side(struct demo *d, const json_t *obj, enum nk_role role,
				struct nk_error *err)
{
	const json_t *figs = json_object_get(obj, "figures");
	const char *field = role == NK_CLAIMANT ? "claimant.figures" : "payer.figures";
	enum nk_status rc;

	d->sides[role].name = json_string_value(json_object_get(obj, "name"));
	if (!d->sides[role].name)
		return nk_fail(err, NK_EINVAL, role == NK_CLAIMANT ? "claimant.name" : "payer.name", "missing");
	if (!json_is_array(figs) || json_array_size(figs) == 0 ||
	    json_array_size(figs) > (size_t)d->rules.rounds)
		return nk_fail(err, NK_EINVAL, field, "must list one figure per round (at most %d)", d->rules.rounds);
	if (d->rounds && (size_t)d->rounds != json_array_size(figs))
		return nk_fail(err, NK_EINVAL, field, "both sides need the same number of rounds");
	d->rounds = (int)json_array_size(figs);
	for (int i = 0; i < d->rounds; i++)
		if ((rc = get_amount(d, json_array_get(figs, (size_t)i), field,
				     &d->sides[role].figures[i], err)) != NK_OK)
			return rc;
	return NK_OK;
}

static enum nk_status load_scenario(struct demo *d, const json_t *root, struct nk_error *err)
{
	const json_t *r = json_object_get(root, "rules"), *p = json_object_get(root, "proposal");
	const char *text;
	enum nk_status rc;

	if (!(d->cur = nk_currency_find(json_string_value(json_object_get(root, "currency")))))
		return nk_fail(err, NK_EINVAL, "currency", "missing or unknown");
	nk_rules_default(&d->rules, d->cur);
	if (!json_is_object(r))
		return nk_fail(err, NK_EINVAL, "rules", "missing");
	if (json_is_integer(json_object_get(r, "rounds")))
		d->rules.rounds = (int)json_integer_value(json_object_get(r, "rounds"));
	if (json_is_integer(json_object_get(r, "proposals")))
		d->rules.proposals = (int)json_integer_value(json_object_get(r, "proposals"));
	if (json_is_number(json_object_get(r, "leakage_bits")))
		d->rules.leakage_bits = json_number_value(json_object_get(r, "leakage_bits"));
	if ((text = json_string_value(json_object_get(r, "settle"))) &&
	    (rc = nk_rules_parse_settle(&d->rules, text, err)) != NK_OK)
		return rc;
	if ((text = json_string_value(json_object_get(r, "range"))) &&
	    (rc = nk_rules_parse_range(&d->rules, text, err)) != NK_OK)
		return rc;
	if ((text = json_string_value(json_object_get(r, "hints"))) &&
	    (rc = nk_rules_parse_hints(&d->rules, text, err)) != NK_OK)
		return rc;
	if (json_object_get(r, "grid") &&
	    (rc = get_amount(d, json_object_get(r, "grid"), "rules.grid", &d->rules.grid, err)) != NK_OK)
		return rc;
	if ((rc = nk_rules_check(&d->rules, err)) != NK_OK ||
	    (rc = load_side(d, json_object_get(root, "claimant"), NK_CLAIMANT, err)) != NK_OK ||
	    (rc = load_side(d, json_object_get(root, "payer"), NK_PAYER, err)) != NK_OK)
		return rc;
	if (p) {
		if ((rc = get_amount(d, json_object_get(p, "figure"), "proposal.figure", &d->proposal, err)) != NK_OK)
			return rc;
		d->accept[NK_CLAIMANT] = !strcmp(json_string_value(json_object_get(p, "claimant")) ?: "", "accept");
		d->accept[NK_PAYER] = !strcmp(json_string_value(json_object_get(p, "payer")) ?: "", "accept");
		d->note = json_string_value(json_object_get(p, "note"));
	}
	return NK_OK;
}

/* Shows one round as side role saw it, into its screen. */
static enum nk_status show(struct demo *d, const struct nk_case_env *env, const char *id,
			   enum nk_role role, int round, struct nk_error *err)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	enum nk_status rc;

	if (!b)
		return nk_fail(err, NK_ENOMEM, "demo", "out of memory");
	if ((rc = nk_case_brief(env, id, role, b, err)) == NK_OK) {
		if (round > 0)
			cli_print_round(d->sides[role].f, b, round - 1);
		else
			cli_print_brief(d->sides[role].f, b);
	}
	sodium_free(b);
	return rc;
}

/* Moves what a side's screen got since last time to the terminal, indented. */
static void flush_screen(FILE *out, struct side *s, size_t *shown)
{
	fflush(s->f);
	for (size_t i = *shown; i < s->screen_len; i++) {
		if (i == *shown || s->screen[i - 1] == '\n')
			fprintf(out, "    %s | ", s->name);
		fputc(s->screen[i], out);
	}
	*shown = s->screen_len;
}

static void print_log(FILE *out, struct nk_store *store, const char *id, int64_t *seen)
{
	struct nk_event_list log = { 0 };

	if (nk_store_load(store, id, &log, NULL) != NK_OK)
		return;
	/* "#N" padded as one column, so that #10 and on stay under #9's actor */
	for (size_t i = (size_t)*seen; i < log.count; i++) {
		char seq[24];

		snprintf(seq, sizeof(seq), "#%lld", (long long)log.events[i].seq);
		fprintf(out, "    go-between | %-4s %-10s %-15s %s\n", seq, log.events[i].actor,
			log.events[i].type, log.events[i].body);
	}
	*seen = (int64_t)log.count;
	nk_event_list_free(&log);
}

/* Does any figure of side `of` appear on the screen of the other side? */
static int leaks(const struct demo *d, enum nk_role of)
{
	const struct side *viewer = &d->sides[!of];
	int found = 0;

	for (int i = 0; i < d->rounds; i++) {
		char text[CLI_AMOUNT_MAX], plain[NK_MONEY_TEXT_MAX];

		cli_format_amount(d->rules.currency, d->sides[of].figures[i], text);
		nk_money_format(d->cur, d->sides[of].figures[i], 0, plain);
		if (memmem(viewer->screen, viewer->screen_len, text, strlen(text)) ||
		    memmem(viewer->screen, viewer->screen_len, plain, strlen(plain)))
			found++;
	}
	return found;
}

static void remove_dir(const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *e;
	char path[4096 + 260];

	while (dh && (e = readdir(dh))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	}
	if (dh)
		closedir(dh);
	rmdir(dir);
}

/* The temporary store's files, named before any can exist, so that a Ctrl-C (or a
 * SIGTERM) at any moment removes them with unlink and rmdir alone, the only calls a
 * signal handler may make here; then the signal ends the process as it would have. */
static const char *const demo_files[] = {
	"demo.db", "demo.db-wal", "demo.db-shm", "demo.db-journal", "demo.db.key",
	"demo.db.server-key",
};
#define DEMO_FILES (sizeof(demo_files) / sizeof(demo_files[0]))
static char demo_dir[4096];
static char demo_paths[DEMO_FILES][4096 + 32];
static volatile sig_atomic_t demo_dir_made;

static void demo_signalled(int sig)
{
	if (demo_dir_made) {
		for (size_t i = 0; i < DEMO_FILES; i++)
			unlink(demo_paths[i]);
		rmdir(demo_dir);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static enum nk_status play(struct cli_ctx *ctx, struct demo *d, struct nk_store *store,
			   char id[static NK_CASE_ID_MAX], struct nk_brief *final,
			   struct nk_error *err)
{
	struct nk_case_env env = { .store = store };
	FILE *out = ctx->json ? ctx->err : ctx->out;
	size_t shown[2] = { 0, 0 };
	int64_t seen = 0;
	char a[CLI_AMOUNT_MAX];
	enum nk_status rc;

	/* the demo's database is thrown away: so is the key that countersigns it */
	if ((rc = nk_server_key_generate(&d->signer, err)) != NK_OK)
		return rc;
	env.signer = d->signer;
	if ((rc = nk_case_open(&env, &d->rules, id, err)) != NK_OK)
		return rc;
	fprintf(out, "The go-between opens case %s: %d sealed round%s, settle %s, hints %s.\n",
		id, d->rules.rounds, CLI_PLURAL(d->rules.rounds), nk_settle_name(d->rules.settle),
		d->rules.hint_count ? "on gap bands" : "none");
	fputs(CLI_BITS_LINE, out);
	print_log(out, store, id, &seen);
	for (int r = 1; r <= d->rounds && rc == NK_OK; r++) {
		fprintf(out, "\nRound %d: each side hands its figure to the go-between, sealed.\n", r);
		for (int side = 0; side < 2 && rc == NK_OK; side++)
			rc = nk_case_submit(&env, id, (enum nk_role)side, d->sides[side].figures[r - 1], err);
		for (int side = 0; side < 2 && rc == NK_OK; side++) {
			rc = show(d, &env, id, (enum nk_role)side, r, err);
			flush_screen(out, &d->sides[side], &shown[side]);
		}
		print_log(out, store, id, &seen);
	}
	if (rc == NK_OK && d->proposal) {
		cli_format_amount(d->rules.currency, d->proposal, a);
		fprintf(out, "\nImpasse. The go-between proposes %s%s%s%s.\n", a,
			d->note ? " (" : "", d->note ? d->note : "", d->note ? ")" : "");
		rc = nk_case_propose(&env, id, d->proposal, err);
		for (int side = 0; side < 2 && rc == NK_OK; side++)
			rc = nk_case_answer(&env, id, (enum nk_role)side, d->accept[side], err);
		print_log(out, store, id, &seen);
	}
	fprintf(out, "\nWhat each side holds at the end:\n");
	for (int side = 0; side < 2 && rc == NK_OK; side++) {
		rc = show(d, &env, id, (enum nk_role)side, 0, err);
		flush_screen(out, &d->sides[side], &shown[side]);
	}
	if (rc == NK_OK)
		rc = nk_case_brief(&env, id, NK_MEDIATOR, final, err);
	return rc;
}

int cmd_demo(struct cli_ctx *ctx, int argc, char **argv)
{
	char *dir = demo_dir, url[4096 + 16], id[NK_CASE_ID_MAX] = "";
	const char *tmp = getenv("TMPDIR");
	struct sigaction sa = { .sa_handler = demo_signalled }, old_int, old_term;
	sigset_t block, before;
	bool handlers = false;
	struct demo d;
	struct nk_store *store = NULL;
	struct nk_brief *final = NULL;
	struct nk_error err = { 0 };
	json_error_t jerr;
	json_t *root = NULL;
	int rc = CLI_OK, leak[2] = { 0, 0 };
	bool made_dir = false;

	if (cli_wants_help(argc, argv)) {
		fputs("usage: nakodo demo [SCENARIO.json]\n\n"
		      "Runs the 1962 Korea-Japan claims talks (embedded; or a scenario file of the same\n"
		      "form, see examples/claims-1962.json) through the real engine and a real SQLite\n"
		      "store in a temporary folder, printing what each side saw and what the go-between\n"
		      "recorded, and checks that neither side's screen held the other's figures.\n", ctx->out);
		return CLI_OK;
	}
	if (argc > 2)
		return cli_usage_error(ctx, "nakodo demo", "expected at most one scenario file");
	memset(&d, 0, sizeof(d));
	if (argc == 2)
		root = json_load_file(argv[1], JSON_REJECT_DUPLICATES, &jerr);
	else
		root = json_loadb(nk_embedded_claims_1962, nk_embedded_claims_1962_len,
				  JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (jerr.line < 1)	/* not read at all: jansson's text says why (no such file…) */
			nk_fail(&err, NK_EINVAL, argc == 2 ? argv[1] : "scenario", "%s", jerr.text);
		else
			nk_fail(&err, NK_EINVAL, argc == 2 ? argv[1] : "scenario", "line %d: %s",
				jerr.line, jerr.text);
		return cli_report(ctx, &err);
	}
	if (load_scenario(&d, root, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	if (!ctx->json)
		fprintf(ctx->out, "%s\n%s\n\n", json_string_value(json_object_get(root, "title")) ?: "scenario",
			json_string_value(json_object_get(root, "about")) ?: "");
	for (int side = 0; side < 2; side++)
		d.sides[side].f = open_memstream(&d.sides[side].screen, &d.sides[side].screen_len);
	final = sodium_malloc(sizeof(*final));
	if (!tmp || !*tmp)
		tmp = "/tmp";
	if ((size_t)snprintf(demo_dir, sizeof(demo_dir), "%s/nakodo-demo-XXXXXX", tmp) >=
	    sizeof(demo_dir))
		snprintf(demo_dir, sizeof(demo_dir), "/tmp/nakodo-demo-XXXXXX");
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	handlers = true;
	/* no signal between the folder's making and the handler's knowing its files */
	block = sa.sa_mask;
	sigprocmask(SIG_BLOCK, &block, &before);
	if (!d.sides[0].f || !d.sides[1].f || !final || !mkdtemp(dir)) {
		sigprocmask(SIG_SETMASK, &before, NULL);
		nk_fail(&err, NK_ESTORE, "demo", "could not set up a temporary store");
		rc = cli_report(ctx, &err);
		goto out;
	}
	for (size_t i = 0; i < DEMO_FILES; i++)
		snprintf(demo_paths[i], sizeof(demo_paths[i]), "%s/%s", dir, demo_files[i]);
	demo_dir_made = 1;
	made_dir = true;
	sigprocmask(SIG_SETMASK, &before, NULL);
	snprintf(url, sizeof(url), "sqlite:%s/demo.db", dir);
	if (nk_store_open(&store, url, NK_STORE_CREATE, &err) != NK_OK ||
	    play(ctx, &d, store, id, final, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	leak[NK_CLAIMANT] = leaks(&d, NK_CLAIMANT);
	leak[NK_PAYER] = leaks(&d, NK_PAYER);
	if (ctx->json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:{s:i, s:i}}", "case", id,
				      "currency", d.rules.currency, "state", nk_case_state_name(final->state),
				      "leaks", "claimant_figures_on_payer_screen", leak[NK_CLAIMANT],
				      "payer_figures_on_claimant_screen", leak[NK_PAYER]);

		if (final->settled)
			o = nk_json_set(o, "settlement", json_pack("{s:I, s:s, s:s}",
				"figure", (json_int_t)final->settlement, "currency", d.rules.currency,
				"by", nk_deal_kind_name(final->settled_by)));
		cli_print_json(ctx, o);
	} else {
		char a[CLI_AMOUNT_MAX];

		fprintf(ctx->out, "\n");
		if (final->settled) {
			cli_format_amount(d.rules.currency, final->settlement, a);
			fprintf(ctx->out, "Settled at %s.\n", a);
		} else {
			fprintf(ctx->out, "No settlement: the case is %s.\n", nk_case_state_name(final->state));
		}
		for (int side = 0; side < 2; side++)
			fprintf(ctx->out, "%s's screen held %d of %s's %d figures%s.\n",
				d.sides[!side].name, leak[side], d.sides[side].name, d.rounds,
				leak[side] ? " -- A LEAK" : "");
	}
	if (leak[0] || leak[1])
		rc = CLI_STORAGE;
	if (rc == CLI_OK && argc < 2)	/* the embedded 1962 talks: the package act follows */
		rc = demo_package_act(ctx, ctx->json ? ctx->err : ctx->out);
out:
	nk_store_close(store);
	nk_server_key_free(d.signer);
	if (made_dir)
		remove_dir(dir);
	demo_dir_made = 0;
	if (handlers) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	for (int side = 0; side < 2; side++) {
		if (d.sides[side].f)
			fclose(d.sides[side].f);
		free(d.sides[side].screen);
	}
	sodium_free(final);
	json_decref(root);
	return rc;
}
