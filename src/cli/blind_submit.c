/* nakodo submit in a blind case: the client's side of a blind round (doc/blind.md, "The
 * client"). Frames through the relay are one kind byte and a payload: 'H' the channel's
 * signed hello, 'S' its stream header (naming the hello it answers), 'M' a protocol
 * message sealed on the channel at its kind's size, fixed by the case's rules
 * (nk_blind_message_padded). The state the protocol keeps between rounds (set-up,
 * figures' labels) is a file beside the key, encrypted and authenticated under a key
 * only the party's secret gives (nk_blind_save); nothing holds a figure in clear. */
#include "blind_submit.h"
#include "blind_file.h"
#include "blind_relay.h"
#include "remote.h"
#include "signed.h"
#include "util.h"

#include <nakodo/blind.h>
#include <nakodo/blind_case.h>
#include <nakodo/blind_channel.h>
#include <nakodo/files.h>
#include <nakodo/json_build.h>
#include <nakodo/time.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A stream header's frame: the header, then the channel key of the hello it answers */
#define STREAM_HEAD (NK_CHANNEL_HEADER_BYTES + crypto_kx_PUBLICKEYBYTES)
/* The most frames of the other side's earlier runs skipped before the channel opens:
 * up to 8 waiting a direction, for each of the up to 5 runs (4 hellos) it may meet */
#define CHANNEL_SKIP_MAX 64

enum nk_status cli_blind_state_load(const struct nk_brief *b, const struct nk_party_key *key,
				    const char *key_path, struct nk_blind_party **p,
				    struct nk_error *err)
{
	struct blind_file f;

	return blind_file_open(&f, b, key, key_path, false, p, err);
}

/* The payer's outcome, given on a connection of its own while its last message (the
 * output labels) crosses the relay: its evaluation computed the outcome and the save
 * before that message made it durable, so nothing waits for the message to go first, and
 * the go-between's durable commit of it is done by the time the claimant's outcome comes
 * (doc/blind.md, "Fewer crossings"). */
struct early {
	struct relay_run *x;
	struct cli_backend be;		/* the run's backend, on its own connection */
	const struct nk_party_key *key;
	const uint8_t *sid;
	const struct nk_identity *me;
	struct nk_blind_outcome o;	/* of the round computed */
	int64_t figure;
	json_t *answer;
	int rc;
	pthread_t thread;
	bool started;
};

struct wire {
	struct relay_run *x;
	struct nk_blind_channel *ch;
	struct nk_blind_party *p;
	size_t max;
	uint8_t *msg, *sealed;
	/* Done once this side's hello is posted, while the other's crosses (prepare): the
	 * round begun (with no set-up to run first: !fresh) with input in, and the payer's
	 * first message computed. What goes right behind this side's stream header, before
	 * the other's is read: the begin made durable, and that message (msg[first]). */
	struct blind_file *file;
	const struct nk_blind_input *in;
	bool fresh, prepared;
	size_t first;
	/* the other side's first message, come with its stream header (sealed[stash]) */
	size_t stash;
	/* The claimant's begin, made durable with the pin that follows it (its first
	 * message, the circuit, depends on its input; nothing before it does); and whether
	 * the last save held the round computed, which the outcome then needs no more. */
	bool begin_unsaved, saved_done;
	struct early *early;	/* the payer's, or NULL */
};

static int prepare(struct wire *w)
{
	struct nk_error err = { 0 };

	if (w->prepared)
		return CLI_OK;
	w->prepared = true;
	if ((!w->fresh && nk_blind_begin(w->p, w->x->b->round, w->in, &err) != NK_OK) ||
	    (w->x->role == NK_PAYER && nk_blind_step(w->p, NULL, 0, w->msg, w->max, &w->first,
						     &err) != NK_OK))
		return cli_report(w->x->ctx, &err);
	return CLI_OK;
}

/* msg[len] sealed at its kind's size into out (room for the largest): *n bytes. */
static int wire_seal(struct wire *w, size_t len, uint8_t *out, size_t *n)
{
	struct nk_error err = { 0 };

	if (nk_channel_seal(w->ch, w->msg, len, nk_blind_message_padded(w->p, w->msg, len), false,
			    out, w->max + NK_CHANNEL_OVERHEAD, n, &err) != NK_OK)
		return cli_report(w->x->ctx, &err);
	return CLI_OK;
}

static int wire_send(struct wire *w, size_t len)
{
	size_t n = 0;
	int rc = wire_seal(w, len, w->sealed, &n);

	return rc == CLI_OK ? relay_post(w->x, 'M', w->sealed, n) : rc;
}

/* This run's hello made and posted, first of all: the side's state is read while it
 * crosses (cli_blind_submit). */
static int channel_hello(struct relay_run *x, const struct nk_party_key *key,
			 struct nk_blind_channel **ch, uint8_t hello[static NK_CHANNEL_HELLO_BYTES])
{
	struct nk_error err = { 0 };

	if (nk_channel_new(key, x->id, x->role, hello, ch, &err) != NK_OK)
		return cli_report(x->ctx, &err);
	x->sent = 0;	/* our message 1: the relay drops what an earlier run of ours sent */
	return relay_post(x, 'H', hello, NK_CHANNEL_HELLO_BYTES);
}

/* The channel, its hello posted: hellos both ways (the other's checked against its registered key), then
 * the stream headers, each naming the hello it answers (its channel key). Frames left from
 * an earlier run of the other side are skipped until its hello. Its client may have read a
 * hello of a run of this side's that stopped, and answered it: its header then names
 * another key and is skipped, and when it starts over (it saw this side's run start over)
 * its new hello is answered with this side's same key, so that neither needs to start
 * over again (doc/blind.md, "A run meets a stale hello"). */
static int channel_open(struct relay_run *x, const struct nk_party_key *key,
			struct nk_blind_channel **ch, struct wire *w,
			const uint8_t hello[static NK_CHANNEL_HELLO_BYTES])
{
	uint8_t *header = w->sealed;
	struct nk_error err = { 0 };
	char kind = 0;
	size_t len = 0, head = STREAM_HEAD;
	int rc, hellos = 0, skipped = 0;

	w->ch = *ch;
	if ((rc = prepare(w)) != CLI_OK)
		return rc;
	x->greeting = true;	/* until the other's stream starts, it may start over */
	for (;;) {
		if ((rc = relay_next(x, &kind, &len)) != CLI_OK)
			return rc;
		if (kind == 'S' && hellos && len >= head &&
		    sodium_memcmp(x->frame + 1 + NK_CHANNEL_HEADER_BYTES, hello,
				  crypto_kx_PUBLICKEYBYTES) == 0)
			break;	/* a header of a stream that answers this run's hello */
		/* Of a run of the other's that answered an earlier one: a few at most (the relay
		 * keeps 8 a direction, and a new run of the other's voids them), so that frames
		 * of no use, each read within the wait, cannot hold this run without end. */
		if (kind != 'H' && ++skipped > CHANNEL_SKIP_MAX) {
			nk_fail(&err, NK_EREFUSED, "round", "the %s's client sent %d frames that "
				"answer no hello of this run: nothing is recorded; run submit again",
				nk_role_name(!x->role), CHANNEL_SKIP_MAX);
			return cli_report(x->ctx, &err);
		}
		if (kind != 'H')
			continue;
		if (len != NK_CHANNEL_HELLO_BYTES) {
			nk_fail(&err, NK_ECRYPTO, "hello", "the %s's hello has the wrong size",
				nk_role_name(!x->role));
			return cli_report(x->ctx, &err);
		}
		if (++hellos > 4) {
			nk_fail(&err, NK_EREFUSED, "round", "the %s's client started over 4 times "
				"before the channel opened (two clients of one side?): nothing is "
				"recorded; run submit again", nk_role_name(!x->role));
			return cli_report(x->ctx, &err);
		}
		memcpy(header + NK_CHANNEL_HEADER_BYTES, x->frame + 1, crypto_kx_PUBLICKEYBYTES);
		if (nk_channel_accept(*ch, &x->b->identity[!x->role], x->frame + 1, header,
				      &err) != NK_OK)
			return cli_report(x->ctx, &err);
		/* This side's stream is open: what it can send without the other's header goes
		 * now, in the frame of its own header, a crossing of the relay and a request
		 * sooner (doc/blind.md, "Fewer crossings"). The begin is made durable first, as
		 * before anything that depends on its input. */
		len = 0;
		if (w->first && ((hellos == 1 && !w->fresh &&
				  blind_file_save(w->file, w->p, &err) != NK_OK) ||
				 (rc = wire_seal(w, w->first, header + head, &len)) != CLI_OK))
			return err.text[0] ? cli_report(x->ctx, &err) : rc;
		if ((rc = relay_post(x, 'S', header, head + len)) != CLI_OK)
			return rc;
		/* with nothing to send (the claimant), the begin waits for the pin (exchange) */
		if (!w->first && hellos == 1 && !w->fresh)
			w->begin_unsaved = true;
	}
	x->greeting = false;
	if (nk_channel_start(*ch, x->frame + 1, &err) != NK_OK)
		return cli_report(x->ctx, &err);
	/* what follows the header is the other side's first message, for wire_recv */
	w->stash = len - head;
	memcpy(w->sealed, x->frame + 1 + head, w->stash);
	return CLI_OK;
}

static int wire_recv(struct wire *w, size_t *len)
{
	struct nk_error err = { 0 };
	size_t n = w->stash;
	bool last = false;
	const uint8_t *in = w->stash ? w->sealed : w->x->frame + 1;
	int rc = w->stash ? CLI_OK : relay_expect(w->x, 'M', &n);

	w->stash = 0;
	if (rc != CLI_OK)
		return rc;
	if (nk_channel_open(w->ch, in, n, w->msg, w->max, len, &last, &err) != NK_OK)
		return cli_report(w->x->ctx, &err);
	return CLI_OK;
}

static void early_start(struct early *e, const struct nk_blind_party *p);

/* One exchange of the protocol (the set-up, or a begun round): the payer speaks first,
 * then each answers until this side has computed what it waits for (a random
 * settlement's draw messages included, NK_BLIND_DRAW_MESSAGES whatever the figures). */
static int exchange(struct wire *w, struct nk_blind_party *p, bool setup, bool first_sent)
{
	struct nk_error err = { 0 };
	size_t in = 0, out = 0;
	int rc = CLI_OK, steps = 0;
	bool saved;

	if (w->x->role == NK_PAYER && !first_sent) {
		if (nk_blind_step(p, NULL, 0, w->msg, w->max, &out, &err) != NK_OK)
			return cli_report(w->x->ctx, &err);
		if ((rc = wire_send(w, out)) != CLI_OK)
			return rc;
	}
	while (steps++ < 8 + NK_BLIND_DRAW_MESSAGES_MAX && (setup || !nk_blind_done(p))) {
		struct blind_flush fl;
		struct nk_error ferr = { 0 };
		bool flushing = false;
		enum nk_status src;

		if ((rc = wire_recv(w, &in)) != CLI_OK)
			return rc;
		/* The claimant's begin and its pin of the payer's transfer made durable while
		 * it garbles: written on a thread, waited for before the circuit goes
		 * (doc/blind.md, "Fewer crossings"). */
		if (nk_blind_pin_ahead(p, w->msg, in, &err) != NK_OK)
			return cli_report(w->x->ctx, &err);
		if (nk_blind_take_pin(p) || w->begin_unsaved) {
			if (blind_file_save_start(w->file, p, &fl, &err) != NK_OK)
				return cli_report(w->x->ctx, &err);
			flushing = true;
			w->begin_unsaved = false;
		}
		/* in place: the engine reads its input before it writes; the other side's
		 * message pinned is saved before the answer (doc/blind.md, "A round run again") */
		src = nk_blind_step(p, w->msg, in, w->sealed, w->max, &out, &err);
		if (flushing && blind_file_save_wait(&fl, &ferr) != NK_OK)
			return cli_report(w->x->ctx, &ferr);
		if (src != NK_OK)
			return cli_report(w->x->ctx, &err);
		/* the pin and a begin not yet durable, before the answer; when the step ended the
		 * round (the payer's evaluation), its outcome with them: one write */
		saved = nk_blind_take_pin(p) || w->begin_unsaved;
		if (saved && blind_file_save(w->file, p, &err) != NK_OK)
			return cli_report(w->x->ctx, &err);
		w->begin_unsaved = false;
		w->saved_done = saved && nk_blind_done(p);
		if (w->early && w->saved_done && !setup && out)
			early_start(w->early, p);
		memcpy(w->msg, w->sealed, out);
		if (out && (rc = wire_send(w, out)) != CLI_OK)
			return rc;
		if (setup)	/* the claimant answers once; the payer's last step sends none */
			break;
	}
	return rc;
}

/* The outcome as this side gives it (blind_outcome.c's text): a commitment to its
 * figure under a random nonce it forgets, and its hint sealed to its own key. */
static json_t *outcome_json(const struct nk_brief *b, enum nk_role role,
			    const struct nk_blind_outcome *o, int64_t figure,
			    const uint8_t sid[static NK_BLIND_SESSION_BYTES],
			    const struct nk_identity *me)
{
	static const char tag[] = "nakodo/blind-figure/v1";
	uint8_t nonce[32], c[NK_BLIND_OUTCOME_COMMIT], le[8], kept[2];
	uint8_t sealed[NK_BLIND_OUTCOME_HINT];
	char hex[2 * NK_BLIND_OUTCOME_COMMIT + 1];
	char b64[sodium_base64_ENCODED_LEN(NK_BLIND_OUTCOME_HINT, sodium_base64_VARIANT_ORIGINAL)];
	crypto_generichash_state st;
	const uint8_t who = (uint8_t)role, rnd = (uint8_t)b->round;
	json_t *obj;

	randombytes_buf(nonce, sizeof(nonce));
	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)((uint64_t)figure >> (8 * i));
	crypto_generichash_init(&st, NULL, 0, sizeof(c));
	crypto_generichash_update(&st, (const uint8_t *)tag, sizeof(tag));
	crypto_generichash_update(&st, sid, NK_BLIND_SESSION_BYTES);
	crypto_generichash_update(&st, &who, 1);
	crypto_generichash_update(&st, &rnd, 1);
	crypto_generichash_update(&st, le, sizeof(le));
	crypto_generichash_update(&st, nonce, sizeof(nonce));
	crypto_generichash_final(&st, c, sizeof(c));
	sodium_memzero(le, sizeof(le));
	sodium_memzero(nonce, sizeof(nonce));
	sodium_bin2hex(hex, sizeof(hex), c, sizeof(c));
	obj = json_pack("{s:i, s:s, s:s}", "round", b->round, "outcome",
			nk_deal_kind_name(o->deal), "commitment", hex);
	if (o->deal != NK_NO_DEAL)
		obj = nk_json_set(obj, "figure", json_integer(o->figure));
	else if (b->rules.hint_count > 0) {
		kept[0] = (uint8_t)(o->hint + 1);
		kept[1] = o->withheld;
		crypto_box_seal(sealed, kept, sizeof(kept), me->seal);
		sodium_bin2base64(b64, sizeof(b64), sealed, sizeof(sealed),
				  sodium_base64_VARIANT_ORIGINAL);
		obj = nk_json_set(obj, "hint", json_string(b64));
	}
	return obj;
}

/* Gives the signed outcome through be (its answer, the briefing, in *answer). */
static int outcome_post(struct relay_run *x, struct cli_backend *be,
			const struct nk_party_key *key, json_t *outcome, json_t **answer)
{
	char *text = json_dumps(outcome, JSON_COMPACT | JSON_SORT_KEYS);
	struct nk_case_request req = { .action = NK_ACTION_BLIND_OUTCOME };
	struct nk_request_auth auth;
	const struct nk_request_auth *signed_by = NULL;
	int rc;

	json_decref(outcome);
	if (!text)
		return CLI_STORAGE;
	req.envelope = (const uint8_t *)text;
	req.envelope_len = strlen(text);
	if (cli_blind_before_outcome)
		cli_blind_before_outcome();
	rc = cli_sign_request(x->ctx, "nakodo submit", key, x->b, &req, &auth, &signed_by);
	if (rc == CLI_OK)
		rc = be->ops->act(x->ctx, be, x->id, x->role, &req, signed_by, answer);
	free(text);
	return rc;
}

static void *early_main(void *arg)
{
	struct early *e = arg;

	e->rc = outcome_post(e->x, &e->be, e->key,
			     outcome_json(e->x->b, e->x->role, &e->o, e->figure, e->sid, e->me),
			     &e->answer);
	sodium_memzero(&e->o, sizeof(e->o));
	return NULL;
}

/* Starts giving the outcome of p (done, saved) on a connection of its own; when it
 * cannot start, the outcome is given after the message as before. */
static void early_start(struct early *e, const struct nk_blind_party *p)
{
	if (nk_blind_outcome(p, &e->o, NULL) != NK_OK)
		return;
	e->be.remote.session = NULL;
	if (remote_session_open(&e->be.remote) != CLI_OK)
		return;
	if (pthread_create(&e->thread, NULL, early_main, e) != 0) {
		remote_session_close(&e->be.remote);
		return;
	}
	e->started = true;
}

/* Waits for the outcome started early: its rc, and its answer in *answer. */
static int early_join(struct early *e, json_t **answer)
{
	pthread_join(e->thread, NULL);
	e->started = false;
	remote_session_close(&e->be.remote);
	*answer = e->answer;
	e->answer = NULL;
	return e->rc;
}

/* With the outcome given (rc, its answer), waits (within the wait) for the other side's,
 * and prints the briefing as a plain submission does. */
static int outcome_wait(struct relay_run *x, int rc, json_t *answer)
{
	char brief_path[sizeof(x->path)];

	snprintf(brief_path, sizeof(brief_path), "/v1/cases/%s/brief", x->id);
	x->until_ms = nk_time_now_ms() + x->wait_ms;
	for (int i = 0; rc == CLI_OK; i++) {
		const json_t *rounds = json_object_get(answer, "rounds");
		const json_t *r = json_array_get(rounds, (size_t)x->b->round - 1);

		if (json_is_true(json_object_get(r, "evaluated")) || nk_time_now_ms() > x->until_ms)
			break;
		if (i == 0)
			fprintf(x->ctx->err, "waiting for the %s's client to give its outcome...\n",
				nk_role_name(!x->role));
		json_decref(answer);
		answer = NULL;
		/* held by the server until the other side's outcome ends the round */
		if (!relay_await_round(x))
			cli_pause_ms(i < 6 ? 1 << i : 64);
		rc = remote_call(x->ctx, &x->r, "GET", brief_path, NULL, &answer);
	}
	if (rc != CLI_OK) {
		json_decref(answer);
		return rc;
	}
	return cli_print_brief_answer(x->ctx, x->id, answer, true, x->b);
}

int cli_blind_submit(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		     const struct nk_brief *b, const struct nk_party_key *key,
		     const char *key_path, int round, int64_t figure, int wait_s)
{
	struct relay_run x = { .ctx = ctx, .b = b, .id = id, .role = b->role, .epoch = -1 };
	struct nk_blind_input in = { .figure = figure };
	struct nk_blind_party *p = NULL;
	struct nk_blind_channel *ch = NULL;
	struct nk_blind_outcome o;
	struct nk_identity me;
	struct nk_error err = { 0 };
	struct wire w = { 0 };
	uint8_t sid[NK_BLIND_SESSION_BYTES], hello[NK_CHANNEL_HELLO_BYTES];
	char safety[NK_CHANNEL_SAFETY_MAX];
	struct blind_file file = { .lock = -1 };
	struct early early = { 0 };
	json_t *answer = NULL;
	bool fresh = false, own_session = false;
	int rc = CLI_OK;

	if (!be->is_remote || !key)
		return cli_usage_error(ctx, "nakodo submit", "%s: a blind round is computed with the "
				       "other party's client through the server, signed with your key",
				       be->is_remote ? "no --key FILE" : "no --server URL (or NAKODO_SERVER)");
	if (b->role != NK_CLAIMANT && b->role != NK_PAYER)
		return cli_usage_error(ctx, "nakodo submit", "only the claimant and the payer compute "
				       "a blind round");
	if (b->state != NK_STATE_OPEN || !b->joined[NK_CLAIMANT] || !b->joined[NK_PAYER] ||
	    (round && round != b->round)) {
		nk_fail(&err, NK_EREFUSED, "round", b->state != NK_STATE_OPEN ? "the case is not open"
			: round && round != b->round ? "that round is not the open one"
			: "both parties join the case with their keys before a blind round");
		return cli_report(ctx, &err);
	}
	if (nk_bargain_check_figure(&b->rules, b->role, figure, NULL, &err) != NK_OK)
		return cli_report(ctx, &err);
	nk_channel_safety_number(id, &b->identity[NK_CLAIMANT], &b->identity[NK_PAYER], safety);
	fprintf(ctx->err, "safety number of case %s: %s\n(read it to the other party once, out "
		"of band: the same number on both sides means no one sits between you)\n", id,
		safety);
	cli_blind_session_id(b, sid);
	nk_party_key_identity(key, &me);
	rc = CLI_OK;
	x.r = be->remote;
	x.r.key = key;
	x.r.sign_first = true;
	x.r.sign_role = b->role;
	/* one kept-alive connection for the run's requests, the outcome's included: the
	 * caller's, when it opened one for the briefing already */
	own_session = !be->remote.session;
	if (own_session && (rc = remote_session_open(&x.r)) != CLI_OK)
		goto out;
	be->remote.session = x.r.session;
	x.wait_ms = (int64_t)wait_s * 1000;
	snprintf(x.path, sizeof(x.path), "/v1/cases/%s/blind/messages", id);
	/* the hello goes first; the state is read, and the round begun, while it crosses */
	x.frame_cap = 1 + NK_CHANNEL_HELLO_BYTES;
	if (!(x.frame = malloc(x.frame_cap))) {
		rc = CLI_STORAGE;
		goto out;
	}
	if ((rc = channel_hello(&x, key, &ch, hello)) != CLI_OK)
		goto out;
	if (blind_file_open(&file, b, key, key_path, true, &p, &err) != NK_OK) {
		fresh = err.code == NK_ENOTFOUND;
		if (!fresh || nk_blind_new(&b->rules, b->role, sid, &p, &err) != NK_OK) {
			rc = cli_report(ctx, &err);
			goto out;
		}
	}
	w.x = &x;
	w.p = p;
	w.max = nk_blind_message_max(p);
	/* a frame: its kind, a stream header and a sealed message at most */
	free(x.frame);
	x.frame_cap = 1 + STREAM_HEAD + w.max + NK_CHANNEL_OVERHEAD;
	if (!(x.frame = malloc(x.frame_cap)) || !(w.msg = malloc(w.max + NK_CHANNEL_OVERHEAD)) ||
	    !(w.sealed = malloc(STREAM_HEAD + w.max + NK_CHANNEL_OVERHEAD))) {
		rc = CLI_STORAGE;
		goto out;
	}
	/* the hint decisions, from what this side knows (its figures and bands told) */
	nk_blind_decide(p, b->round, &in);
	/* While the hellos cross the relay: the round begun (with a set-up, after it), made
	 * durable once the other side answered, and the payer's first message computed, to
	 * go right behind its stream header (prepare) */
	w.file = &file;
	w.in = &in;
	w.fresh = fresh;
	if ((rc = channel_open(&x, key, &ch, &w, hello)) != CLI_OK)
		goto out;
	if (fresh && ((rc = exchange(&w, p, true, w.first > 0)) != CLI_OK ||
		      (blind_file_save(&file, p, &err) != NK_OK && (rc = cli_report(ctx, &err)))))
		goto out;
	if (fresh && (nk_blind_begin(p, b->round, &in, &err) != NK_OK ||
		      blind_file_save(&file, p, &err) != NK_OK)) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	if (b->role == NK_PAYER) {	/* its outcome given as its last message goes */
		early = (struct early){ .x = &x, .be = *be, .key = key, .sid = sid, .me = &me,
					.figure = figure };
		w.early = &early;
	}
	if ((rc = exchange(&w, p, false, !fresh && w.first > 0)) != CLI_OK)
		goto out;
	if (nk_blind_outcome(p, &o, &err) != NK_OK ||
	    (!w.saved_done && blind_file_save(&file, p, &err) != NK_OK)) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	if (o.deal == NK_NO_DEAL && o.hint >= 0) {
		char text[NK_HINT_TEXT_MAX];

		nk_bargain_hint_text(&b->rules, o.hint, text);
		fprintf(ctx->out, "round %d: no deal; your hint (yours alone): %s\n", b->round, text);
	} else if (o.deal == NK_NO_DEAL && o.withheld) {
		fprintf(ctx->out, "round %d: no deal; a hint was due but withheld by the leakage "
			"budget\n", b->round);
	}
	fprintf(ctx->err, "round %d computed with the %s's client: %llu bytes sent, %llu received "
		"through the server (all it sees: their sizes and times)\n", b->round,
		nk_role_name(!b->role), (unsigned long long)x.bytes_out,
		(unsigned long long)x.bytes_in);
	rc = early.started ? early_join(&early, &answer)
	     : outcome_post(&x, be, key, outcome_json(b, b->role, &o, figure, sid, &me), &answer);
	sodium_memzero(&o, sizeof(o));
	rc = outcome_wait(&x, rc, answer);
out:
	if (early.started) {	/* the run ended before its last message went */
		(void)early_join(&early, &answer);
		json_decref(answer);
	}
	if (own_session) {
		be->remote.session = NULL;
		remote_session_close(&x.r);
	}
	sodium_memzero(&in, sizeof(in));
	nk_channel_free(ch);
	nk_blind_free(p);
	blind_file_unlock(&file);
	if (w.msg)
		sodium_memzero(w.msg, w.max + NK_CHANNEL_OVERHEAD);
	if (w.sealed)
		sodium_memzero(w.sealed, STREAM_HEAD + w.max + NK_CHANNEL_OVERHEAD);
	free(w.msg);
	free(w.sealed);
	free(x.frame);
	return rc;
}
