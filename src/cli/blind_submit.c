/* nakodo submit in a blind case: the client's side of a blind round (doc/blind.md, "The
 * client"). Frames through the relay are one kind byte and a payload: 'H' the channel's
 * signed hello, 'S' its stream header, 'M' a protocol message sealed on the channel at
 * its kind's size, fixed by the case's rules (nk_blind_message_padded). The state the
 * protocol keeps between rounds (set-up, figures' labels) is a file beside the key,
 * sealed to the key (nk_blind_save); nothing holds a figure in clear. */
#include "blind_submit.h"
#include "remote.h"
#include "signed.h"
#include "util.h"

#include <nakodo/blind.h>
#include <nakodo/blind_case.h>
#include <nakodo/blind_channel.h>
#include <nakodo/files.h>
#include <nakodo/json_build.h>
#include <nakodo/time.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STATE_MAX (1u << 20)

struct run {
	struct cli_ctx *ctx;
	struct remote r;
	const struct nk_brief *b;
	const char *id;
	enum nk_role role;
	char path[NK_CASE_ID_MAX + 48];
	uint32_t sent, acked;
	uint64_t bytes_out, bytes_in;	/* frames through the relay, as the operator sees them */
	int64_t epoch;		/* the other side's, -1 before its first message */
	bool greeting;		/* waiting for its hello: it may still start over */
	bool quiet_restart;	/* before the streams start: its start over is not an error */
	bool restarted;		/* it started over (next() said so) */
	int64_t until_ms, wait_ms;	/* --wait bounds each wait for the other side */
	bool told_waiting;
	uint8_t *frame;		/* room for the largest frame */
	size_t frame_cap;
};

/* NULL in the command; a test executable sets it before main (tests/support/
 * test_hooks.c) to alter frames on their way, as a hostile relay would. */
int (*cli_blind_alter)(uint8_t *frame, size_t *len, uint32_t seq);

/* Posts kind and payload as the next frame. */
static int post(struct run *x, char kind, const uint8_t *payload, size_t len)
{
	size_t cap = sodium_base64_ENCODED_LEN(len + 1, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(cap);
	json_t *reply = NULL;
	int rc, again = 0;

	if (!b64)
		return CLI_STORAGE;
	x->frame[0] = (uint8_t)kind;
	memmove(x->frame + 1, payload, len);
	if (cli_blind_alter) {
		len++;
		again = cli_blind_alter(x->frame, &len, (uint32_t)x->sent + 1);
		len--;
	}
	sodium_bin2base64(b64, cap, x->frame, len + 1, sodium_base64_VARIANT_ORIGINAL);
	do {
		json_decref(reply);
		reply = NULL;
		rc = remote_call(x->ctx, &x->r, "POST", x->path,
				 json_pack("{s:i, s:I, s:s}", "round", x->b->round, "seq",
					   (json_int_t)++x->sent, "data", b64), &reply);
		x->bytes_out += len + 1;
	} while (rc == CLI_OK && again-- > 0);
	free(b64);
	json_decref(reply);
	return rc;
}

static void pause_ms(int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

/* How long a read of the relay asks the server to wait for a message: a second at
 * first (then the client says that it waits), then up to the server's bound, within
 * this run's wait. */
static long long read_wait_ms(const struct run *x)
{
	int64_t left = x->until_ms - nk_time_now_ms(), most = x->told_waiting ? 20000 : 1000;

	return left < 0 ? 0 : left < most ? left : most;
}

/* The next frame from the other side: its kind and payload (in x->frame + 1). The
 * server holds each read until a message comes (?wait=); a server that answers at once
 * instead is read again after a pause that grows to 64 ms. */
static int next(struct run *x, char *kind, size_t *len)
{
	char query[sizeof(x->path) + 80];
	struct nk_error err = { 0 };
	int delay = 1, rc;

	x->until_ms = nk_time_now_ms() + x->wait_ms;	/* computing before it never counts */
	for (;;) {
		json_t *reply = NULL;
		const char *data;
		size_t got = 0;
		long long wait_ms = read_wait_ms(x);
		int64_t asked = nk_time_now_ms();

		if (x->epoch >= 0)
			snprintf(query, sizeof(query), "%s?after=%lld.%u&wait=%lld", x->path,
				 (long long)x->epoch, x->acked, wait_ms);
		else
			snprintf(query, sizeof(query), "%s?after=%u&wait=%lld", x->path, x->acked,
				 wait_ms);
		if ((rc = remote_call(x->ctx, &x->r, "GET", query, NULL, &reply)) != CLI_OK)
			return rc;
		if (x->epoch >= 0 && json_integer_value(json_object_get(reply, "epoch")) != x->epoch &&
		    x->greeting) {	/* it started over before we met: read it from its start */
			json_decref(reply);
			x->epoch = -1;
			x->acked = 0;
			continue;
		}
		if (x->epoch >= 0 && json_integer_value(json_object_get(reply, "epoch")) != x->epoch) {
			json_decref(reply);
			x->restarted = true;
			if (x->quiet_restart)
				return CLI_REFUSED;
			nk_fail(&err, NK_EREFUSED, "round", "the %s's client started the round over: "
				"nothing is recorded; run submit again", nk_role_name(!x->role));
			return cli_report(x->ctx, &err);
		}
		data = json_string_value(json_object_get(reply, "data"));
		if (data) {
			x->epoch = json_integer_value(json_object_get(reply, "epoch"));
			x->acked = (uint32_t)json_integer_value(json_object_get(reply, "seq"));
			if (sodium_base642bin(x->frame, x->frame_cap, data, strlen(data), NULL, &got,
					      NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || got < 1)
				got = 0;
			json_decref(reply);
			if (!got) {
				nk_fail(&err, NK_ECRYPTO, "message", "a relayed message that is not "
					"base64 of a frame: altered on the way; nothing is recorded");
				return cli_report(x->ctx, &err);
			}
			*kind = (char)x->frame[0];
			*len = got - 1;
			x->bytes_in += got;
			return CLI_OK;
		}
		json_decref(reply);
		if (nk_time_now_ms() > x->until_ms) {
			nk_fail(&err, NK_EREFUSED, "wait", "the %s's client did not answer in time: "
				"the round stays open; run submit again (--wait SECONDS)",
				nk_role_name(!x->role));
			return cli_report(x->ctx, &err);
		}
		if (!x->told_waiting && (delay >= 64 || nk_time_now_ms() - asked >= wait_ms / 2)) {
			fprintf(x->ctx->err, "waiting for the %s's client (nakodo submit on its side; "
				"up to %lld s)...\n", nk_role_name(!x->role), (long long)x->wait_ms / 1000);
			x->told_waiting = true;
		}
		if (nk_time_now_ms() - asked >= wait_ms / 2)
			continue;	/* it waited: read again at once */
		pause_ms(delay);
		delay = delay < 64 ? delay * 2 : 64;
	}
}

/* Expects a frame of kind want; anything else is the round's end, with a reason. */
static int expect(struct run *x, char want, size_t *len)
{
	struct nk_error err = { 0 };
	char kind = 0;
	int rc = next(x, &kind, len);

	if (rc != CLI_OK)
		return rc;
	if (kind == want)
		return CLI_OK;
	if (kind == 'H')
		nk_fail(&err, NK_EREFUSED, "round", "the %s's client started the round over: "
			"nothing is recorded; run submit again", nk_role_name(!x->role));
	else
		nk_fail(&err, NK_ECRYPTO, "message", "a relayed message out of order: replayed, "
			"reordered or lost on the way; nothing is recorded, run submit again");
	return cli_report(x->ctx, &err);
}

static void session_id(const struct nk_brief *b, uint8_t sid[static NK_BLIND_SESSION_BYTES])
{
	static const char tag[] = "nakodo/blind-session/v1";
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, NK_BLIND_SESSION_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)tag, sizeof(tag));
	crypto_generichash_update(&st, (const uint8_t *)b->case_id, strlen(b->case_id) + 1);
	for (int r = NK_CLAIMANT; r <= NK_PAYER; r++) {
		crypto_generichash_update(&st, b->identity[r].sign, sizeof(b->identity[r].sign));
		crypto_generichash_update(&st, b->identity[r].seal, sizeof(b->identity[r].seal));
	}
	crypto_generichash_final(&st, sid, NK_BLIND_SESSION_BYTES);
}

enum nk_status cli_blind_state_load(const struct nk_brief *b, const struct nk_party_key *key,
				    const char *key_path, struct nk_blind_party **p,
				    struct nk_error *err)
{
	char path[4096];
	uint8_t sid[NK_BLIND_SESSION_BYTES], *state = NULL;
	size_t len = 0;
	enum nk_status rc;

	if ((size_t)snprintf(path, sizeof(path), "%s.%s.blind", key_path, b->case_id) >=
	    sizeof(path))
		return nk_fail(err, NK_EINVAL, "key", "the key file's path is too long");
	session_id(b, sid);
	if ((rc = nk_file_read_bounded(path, STATE_MAX, &state, &len, path, "state", NULL,
				       err)) != NK_OK)
		return rc;
	rc = nk_blind_load(&b->rules, b->role, sid, key, state, len, p, err);
	sodium_memzero(state, len);
	free(state);
	return rc;
}

/* The state file: written whole to a new file beside it, made durable, then renamed. */
static enum nk_status state_write(const char *path, const uint8_t *data, size_t len,
				  struct nk_error *err)
{
	char tmp[4096];
	int fd;
	bool ok;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp))
		return nk_fail(err, NK_EINVAL, "key", "the key file's path is too long");
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600)) < 0)
		return nk_fail(err, NK_ESTORE, "state", "%s: %s", tmp, strerror(errno));
	ok = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		(void)unlink(tmp);
		return nk_fail(err, NK_ESTORE, "state", "%s: could not be written", path);
	}
	return NK_OK;
}

static enum nk_status state_save(const struct nk_blind_party *p, const struct nk_party_key *key,
				 const char *path, struct nk_error *err)
{
	uint8_t *data = NULL;
	size_t len = 0;
	enum nk_status rc = nk_blind_save(p, key, &data, &len, err);

	if (rc == NK_OK)
		rc = state_write(path, data, len, err);
	free(data);
	return rc;
}

/* The channel: hellos both ways (the other's checked against its registered key), then
 * the stream headers. Frames left from an earlier run of the other side are skipped
 * until its hello; if it starts over while this side waits for its header (it had read
 * a hello of this side's that no one would answer, say of a run stopped), this side
 * starts over once more, which the other, then waiting for a hello, simply reads. */
static int channel_try(struct run *x, const struct nk_party_key *key,
		       struct nk_blind_channel **ch)
{
	uint8_t hello[NK_CHANNEL_HELLO_BYTES], header[NK_CHANNEL_HEADER_BYTES];
	struct nk_error err = { 0 };
	char kind = 0;
	size_t len = 0;
	int rc;

	if (nk_channel_new(key, x->id, x->role, hello, ch, &err) != NK_OK)
		return cli_report(x->ctx, &err);
	if ((rc = post(x, 'H', hello, sizeof(hello))) != CLI_OK)
		return rc;
	x->greeting = true;
	do {
		if ((rc = next(x, &kind, &len)) != CLI_OK)
			return rc;
	} while (kind != 'H');
	x->greeting = false;
	if (len != NK_CHANNEL_HELLO_BYTES) {
		nk_fail(&err, NK_ECRYPTO, "hello", "the %s's hello has the wrong size",
			nk_role_name(!x->role));
		return cli_report(x->ctx, &err);
	}
	if (nk_channel_accept(*ch, &x->b->identity[!x->role], x->frame + 1, header, &err) != NK_OK)
		return cli_report(x->ctx, &err);
	if ((rc = post(x, 'S', header, sizeof(header))) != CLI_OK ||
	    (rc = expect(x, 'S', &len)) != CLI_OK)
		return rc;
	if (len != NK_CHANNEL_HEADER_BYTES || nk_channel_start(*ch, x->frame + 1, &err) != NK_OK) {
		if (!err.text[0])
			nk_fail(&err, NK_ECRYPTO, "header", "the %s's stream header has the wrong size",
				nk_role_name(!x->role));
		return cli_report(x->ctx, &err);
	}
	return CLI_OK;
}

static int channel_open(struct run *x, const struct nk_party_key *key,
			struct nk_blind_channel **ch)
{
	struct nk_error err = { 0 };
	int rc = CLI_OK;

	for (int tries = 0; tries < 4; tries++) {
		nk_channel_free(*ch);
		*ch = NULL;
		x->sent = 0;	/* our message 1 again: what we sent before is void */
		x->restarted = false;
		x->quiet_restart = true;
		rc = channel_try(x, key, ch);
		x->quiet_restart = false;
		if (!x->restarted)
			return rc;
	}
	nk_fail(&err, NK_EREFUSED, "round", "the %s's client started over 4 times before the "
		"channel opened (two clients of one side?): nothing is recorded; run submit again",
		nk_role_name(!x->role));	/* quiet no more: say why this run gives up */
	return cli_report(x->ctx, &err);
}

struct wire {
	struct run *x;
	struct nk_blind_channel *ch;
	const struct nk_blind_party *p;
	size_t max;
	uint8_t *msg, *sealed;
};

static int wire_send(struct wire *w, size_t len)
{
	struct nk_error err = { 0 };
	size_t n = 0;

	if (nk_channel_seal(w->ch, w->msg, len, nk_blind_message_padded(w->p, w->msg, len), false,
			    w->sealed, w->max + NK_CHANNEL_OVERHEAD, &n, &err) != NK_OK)
		return cli_report(w->x->ctx, &err);
	return post(w->x, 'M', w->sealed, n);
}

static int wire_recv(struct wire *w, size_t *len)
{
	struct nk_error err = { 0 };
	size_t n = 0;
	bool last = false;
	int rc = expect(w->x, 'M', &n);

	if (rc != CLI_OK)
		return rc;
	if (nk_channel_open(w->ch, w->x->frame + 1, n, w->msg, w->max, len, &last, &err) != NK_OK)
		return cli_report(w->x->ctx, &err);
	return CLI_OK;
}

/* One exchange of the protocol (the set-up, or a begun round): the payer speaks first,
 * then each answers until this side has computed what it waits for (a random
 * settlement's draw messages included, NK_BLIND_DRAW_MESSAGES whatever the figures). */
static int exchange(struct wire *w, struct nk_blind_party *p, bool setup, const char *path)
{
	struct nk_error err = { 0 };
	size_t in = 0, out = 0;
	int rc = CLI_OK, steps = 0;

	if (w->x->role == NK_PAYER) {
		if (nk_blind_step(p, NULL, 0, w->msg, w->max, &out, &err) != NK_OK)
			return cli_report(w->x->ctx, &err);
		if ((rc = wire_send(w, out)) != CLI_OK)
			return rc;
	}
	while (steps++ < 8 + NK_BLIND_DRAW_MESSAGES_MAX && (setup || !nk_blind_done(p))) {
		if ((rc = wire_recv(w, &in)) != CLI_OK)
			return rc;
		/* in place: the engine reads its input before it writes; the other side's
		 * message pinned is saved before the answer (doc/blind.md, "A round run again") */
		if (nk_blind_step(p, w->msg, in, w->sealed, w->max, &out, &err) != NK_OK ||
		    (nk_blind_take_pin(p) && state_save(p, w->x->r.key, path, &err) != NK_OK))
			return cli_report(w->x->ctx, &err);
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

/* Gives the signed outcome, then waits (within the wait) for the other side's, and
 * prints the briefing as a plain submission does. */
static int give_outcome(struct run *x, struct cli_backend *be, const struct nk_party_key *key,
			json_t *outcome)
{
	char *text = json_dumps(outcome, JSON_COMPACT | JSON_SORT_KEYS);
	struct nk_case_request req = { .action = NK_ACTION_BLIND_OUTCOME };
	struct nk_request_auth auth;
	const struct nk_request_auth *signed_by = NULL;
	json_t *answer = NULL;
	char brief_path[sizeof(x->path)];
	int rc;

	json_decref(outcome);
	if (!text)
		return CLI_STORAGE;
	req.envelope = (const uint8_t *)text;
	req.envelope_len = strlen(text);
	rc = cli_sign_request(x->ctx, "nakodo submit", key, x->b, &req, &auth, &signed_by);
	if (rc == CLI_OK)
		rc = be->ops->act(x->ctx, be, x->id, x->role, &req, signed_by, &answer);
	free(text);
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
		pause_ms(i < 6 ? 1 << i : 64);	/* the other side is mostly a moment behind */
		rc = remote_call(x->ctx, &x->r, "GET", brief_path, NULL, &answer);
	}
	return rc == CLI_OK ? cli_print_brief_answer(x->ctx, x->id, answer, true) : rc;
}

int cli_blind_submit(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		     const struct nk_brief *b, const struct nk_party_key *key,
		     const char *key_path, int round, int64_t figure, int wait_s)
{
	struct run x = { .ctx = ctx, .b = b, .id = id, .role = b->role, .epoch = -1 };
	struct nk_blind_input in = { .figure = figure };
	struct nk_blind_party *p = NULL;
	struct nk_blind_channel *ch = NULL;
	struct nk_blind_outcome o;
	struct nk_identity me;
	struct nk_error err = { 0 };
	struct wire w = { 0 };
	uint8_t sid[NK_BLIND_SESSION_BYTES];
	char state_path[4096], safety[NK_CHANNEL_SAFETY_MAX];
	bool fresh = false;
	int rc = CLI_OK;

	if (!be->is_remote || !key)
		return cli_usage_error(ctx, "nakodo submit", "a blind case's round is computed with "
				       "the other party's client through the server: give --server, "
				       "--token and --key");
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
	session_id(b, sid);
	nk_party_key_identity(key, &me);
	snprintf(state_path, sizeof(state_path), "%s.%s.blind", key_path, id);
	rc = CLI_OK;
	if (cli_blind_state_load(b, key, key_path, &p, &err) != NK_OK) {
		fresh = err.code == NK_ENOTFOUND;
		if (!fresh || nk_blind_new(&b->rules, b->role, sid, &p, &err) != NK_OK)
			return cli_report(ctx, &err);
	}
	x.r = be->remote;
	x.r.key = key;
	x.r.sign_first = true;
	x.r.sign_role = b->role;
	/* one kept-alive connection for the run's requests, the outcome's included */
	if ((rc = remote_session_open(&x.r)) != CLI_OK)
		goto out;
	be->remote.session = x.r.session;
	x.wait_ms = (int64_t)wait_s * 1000;
	snprintf(x.path, sizeof(x.path), "/v1/cases/%s/blind/messages", id);
	w.x = &x;
	w.p = p;
	w.max = nk_blind_message_max(p);
	x.frame_cap = 1 + w.max + NK_CHANNEL_OVERHEAD;
	if (!(x.frame = malloc(x.frame_cap)) || !(w.msg = malloc(w.max + NK_CHANNEL_OVERHEAD)) ||
	    !(w.sealed = malloc(w.max + NK_CHANNEL_OVERHEAD))) {
		rc = CLI_STORAGE;
		goto out;
	}
	/* the hint decisions, from what this side knows (its figures and bands told) */
	nk_blind_decide(p, b->round, &in);
	if ((rc = channel_open(&x, key, &ch)) != CLI_OK)
		goto out;
	w.ch = ch;
	if (fresh && ((rc = exchange(&w, p, true, state_path)) != CLI_OK ||
		      (state_save(p, key, state_path, &err) != NK_OK && (rc = cli_report(ctx, &err)))))
		goto out;
	if (nk_blind_begin(p, b->round, &in, &err) != NK_OK ||
	    state_save(p, key, state_path, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	if ((rc = exchange(&w, p, false, state_path)) != CLI_OK)
		goto out;
	if (nk_blind_outcome(p, &o, &err) != NK_OK || state_save(p, key, state_path, &err) != NK_OK) {
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
	rc = give_outcome(&x, be, key, outcome_json(b, b->role, &o, figure, sid, &me));
	sodium_memzero(&o, sizeof(o));
out:
	be->remote.session = NULL;
	remote_session_close(&x.r);
	sodium_memzero(&in, sizeof(in));
	nk_channel_free(ch);
	nk_blind_free(p);
	if (w.msg)
		sodium_memzero(w.msg, w.max + NK_CHANNEL_OVERHEAD);
	if (w.sealed)
		sodium_memzero(w.sealed, w.max + NK_CHANNEL_OVERHEAD);
	free(w.msg);
	free(w.sealed);
	free(x.frame);
	return rc;
}
