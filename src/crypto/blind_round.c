/* One blind round: the payer's inputs by IKNP extension, the claimant's garbled circuit,
 * the return of the claimant's output labels (which the claimant checks, so a changed
 * message cannot pass for an outcome); under the random rule the public draw follows
 * (blind_draw.c). */
#include "crypto/blind_proto.h"

#include <stdlib.h>
#include <string.h>


void blind_forget_rounds(struct nk_blind_party *p)
{
	blind_round_clear(p);
	sodium_memzero(p->carried, sizeof(p->carried));
	sodium_memzero(p->figure, sizeof(p->figure));
	p->computed = 0;
	p->done = false;
	p->pending = false;
	sodium_memzero(&p->pending_input, sizeof(p->pending_input));
	p->pin_round = 0;
	p->pin_attempt = 0;
	p->peer_pinned = false;
	sodium_memzero(p->pin_peer, sizeof(p->pin_peer));
}

static enum nk_status changed(const struct nk_blind_party *p, struct nk_error *err)
{
	return nk_fail(err, NK_EREFUSED, "message", "the other side changed its figure for round "
		       "%d after the round began: the round is refused; tell the mediator",
		       p->round);
}

enum nk_status blind_pin_peer(struct nk_blind_party *p, int kind, const uint8_t *body,
			      struct nk_error *err)
{
	crypto_generichash_state st;
	uint8_t h[32], head[6] = { (uint8_t)kind, (uint8_t)p->round, (uint8_t)p->attempt,
				   (uint8_t)(p->attempt >> 8), (uint8_t)(p->attempt >> 16),
				   (uint8_t)(p->attempt >> 24) };

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const uint8_t *)TAG_BLIND_PIN, sizeof(TAG_BLIND_PIN));
	crypto_generichash_update(&st, p->sid, sizeof(p->sid));
	crypto_generichash_update(&st, head, sizeof(head));
	crypto_generichash_update(&st, body, p->size[kind] - MSG_HEADER - MSG_CHECK);
	crypto_generichash_final(&st, h, sizeof(h));
	if (p->peer_pinned && p->pin_round == p->round)
		return sodium_memcmp(h, p->pin_peer, sizeof(h)) == 0 ? NK_OK : changed(p, err);
	memcpy(p->pin_peer, h, sizeof(h));
	p->pin_round = p->round;
	p->pin_attempt = p->attempt;
	p->peer_pinned = true;
	p->pin_fresh = true;
	return NK_OK;
}

void blind_round_clear(struct nk_blind_party *p)
{
	if (p->label) {
		sodium_memzero(p->label, (size_t)p->bc.c.wires * sizeof(*p->label));
		free(p->label);
		p->label = NULL;
	}
	if (p->built)
		blind_circuit_free(&p->bc);
	p->built = false;
	sodium_memzero(&p->input, sizeof(p->input));
	sodium_memzero(p->bit, sizeof(p->bit));
	if (p->state > ST_BROKEN)
		p->state = ST_READY;
}

static void round_transcript(struct nk_blind_party *p)
{
	crypto_generichash_state st;
	uint8_t h[5] = { (uint8_t)p->round, (uint8_t)p->attempt, (uint8_t)(p->attempt >> 8),
			 (uint8_t)(p->attempt >> 16), (uint8_t)(p->attempt >> 24) };

	crypto_generichash_init(&st, NULL, 0, sizeof(p->th));
	crypto_generichash_update(&st, p->th_setup, sizeof(p->th_setup));
	crypto_generichash_update(&st, h, sizeof(h));
	crypto_generichash_final(&st, p->th, sizeof(p->th));
}

static bool same_input(const struct nk_blind_input *a, const struct nk_blind_input *b,
		       int rounds)
{
	bool same = a->figure == b->figure && a->extension == b->extension;

	for (int s = 0; s < rounds && s < NK_ROUNDS_MAX; s++)
		same = same && a->allowed[s] == b->allowed[s];
	return same;
}

enum nk_status nk_blind_begin(struct nk_blind_party *p, int round,
			      const struct nk_blind_input *in, struct nk_error *err)
{
	const int64_t *previous = round > 1 ? &p->figure[round - 2] : NULL;
	enum nk_status rc;

	if (p->state < ST_READY || p->state == ST_BROKEN)
		return nk_fail(err, NK_EINVAL, "round", "the set-up is not finished");
	/* The next round; or the last one again with the same input, for a peer that did
	 * not receive its end of it. Computing a round again with other figures would tell
	 * more than the case's rules allow. */
	if (round == p->computed && round >= 1 && p->pending && p->pending_round == round &&
	    same_input(&p->pending_input, in, p->rules.rounds))
		p->computed = round - 1;
	if (round != p->computed + 1 || round > p->rules.rounds)
		return nk_fail(err, NK_EINVAL, "round", "round %d cannot be computed: %d of %d "
			       "rounds are, and a computed round is computed again only with the "
			       "same figures", round, p->computed, p->rules.rounds);
	if ((rc = nk_bargain_check_figure(&p->rules, p->role, in->figure, previous, err)) != NK_OK)
		return rc;
	if (in->extension < 0 || in->extension > NK_AMOUNT_MAX)
		return nk_fail(err, NK_EINVAL, "extension", "an extension is out of bounds");
	if (in->extension > 0 && p->rules.settle == NK_SETTLE_RANDOM)
		return nk_fail(err, NK_EREFUSED, "extension", "a deal-closer cannot be kept blind "
			       "under the random rule: its draws would be told to both sides, "
			       "which the plain round does not tell");
	/* A round broken off after one side saw its outcome must not be tried again with
	 * other figures: that side would learn the outcome of both. */
	if (p->pending && p->pending_round == round &&
	    !same_input(&p->pending_input, in, p->rules.rounds))
		return nk_fail(err, NK_EREFUSED, "amount", "round %d was begun with another "
			       "figure; a round is computed again with the figures it began with",
			       round);
	/* A new round, or a new input for this one (after the circuit refused it for the
	 * monotone rule): new pins, and for the payer a new attempt number, so that its
	 * extension's pads never carry two different inputs. */
	if (p->pin_round != round || !same_input(&p->pending_input, in, p->rules.rounds)) {
		p->pin_round = round;
		p->pin_attempt = 0;
		p->peer_pinned = false;
	}
	blind_round_clear(p);
	p->done = false;
	p->seed_known = false;
	if (p->attempt == UINT32_MAX && p->pin_attempt == 0)
		return nk_fail(err, NK_ERANGE, "round", "this case has used all its attempts");
	if ((rc = blind_circuit_build(&p->bc, &p->rules, round)) != NK_OK)
		return nk_fail(err, rc, "", "out of memory for the round circuit");
	p->built = true;
	if (!(p->label = calloc(p->bc.c.wires, sizeof(*p->label)))) {
		blind_round_clear(p);
		return nk_fail(err, NK_ENOMEM, "", "out of memory for the round's labels");
	}
	p->round = round;
	p->input = *in;
	p->pending_input = *in;
	p->pending_round = round;
	p->pending = true;
	if (p->role == NK_PAYER) {	/* the payer numbers the attempts */
		/* a rerun with the same input reuses the round's attempt, so that its
		 * transfer is the first one again, byte for byte */
		if (p->pin_attempt == 0)
			p->pin_attempt = ++p->attempt;
		p->attempt = p->pin_attempt;
		round_transcript(p);
	}
	p->state = ST_BEGUN;
	return NK_OK;
}

/* Carried labels of the earlier rounds' figures onto this circuit's wires. (Given its
 * parts rather than the party: gcc 12 at -O1 and above drops the call otherwise.) */
static void carry_in(struct gc_label *label, const struct blind_circuit *bc,
		     const struct gc_label (*carried)[2][BLIND_FIG_BITS], int round)
{
	for (int s = 0; s < round - 1 && s < NK_ROUNDS_MAX; s++)
		for (int who = 0; who < 2; who++)
			for (int i = 0; i < BLIND_FIG_BITS; i++)
				label[bc->prev[who][s][i]] = carried[s][who][i];
}

static void own_label_key(const struct nk_blind_party *p,
			  uint8_t key[static crypto_stream_chacha20_ietf_KEYBYTES])
{
	crypto_generichash_state st;
	uint8_t bits[BLIND_INPUT_MAX];
	uint8_t head[5] = { (uint8_t)p->round, (uint8_t)p->attempt, (uint8_t)(p->attempt >> 8),
			    (uint8_t)(p->attempt >> 16), (uint8_t)(p->attempt >> 24) };
	int n = blind_input_bits(&p->rules, NK_CLAIMANT, &p->input, bits);

	crypto_generichash_init(&st, p->label_key, sizeof(p->label_key),
				crypto_stream_chacha20_ietf_KEYBYTES);
	crypto_generichash_update(&st, (const uint8_t *)TAG_BLIND_LABELS,
				  sizeof(TAG_BLIND_LABELS));
	crypto_generichash_update(&st, p->sid, sizeof(p->sid));
	crypto_generichash_update(&st, head, sizeof(head));
	crypto_generichash_update(&st, bits, (size_t)n);
	crypto_generichash_final(&st, key, crypto_stream_chacha20_ietf_KEYBYTES);
	sodium_memzero(bits, sizeof(bits));
	sodium_memzero(&st, sizeof(st));
}

static uint64_t tweak_base(const struct nk_blind_party *p)
{
	return (uint64_t)p->attempt << 32;
}

static enum nk_status oom(struct nk_error *err)
{
	return nk_fail(err, NK_ENOMEM, "", "out of memory for the round");
}

/* payer: its input bits by IKNP */
static enum nk_status payer_extend(struct nk_blind_party *p, uint8_t *out, size_t cap,
				   size_t *out_len, struct nk_error *err)
{
	uint8_t bits[BLIND_INPUT_MAX], *choice = calloc(p->m / 8, 1), *w;
	struct gc_label *t = calloc(p->m, sizeof(*t));
	int n = blind_input_bits(&p->rules, NK_PAYER, &p->input, bits);

	if (!choice || !t) {
		free(choice);
		free(t);
		return oom(err);
	}
	if (!(w = blind_msg_start(p, MSG_EXTEND, out, cap))) {
		free(choice);
		free(t);
		return nk_fail(err, NK_EINVAL, "out", "the buffer is too small");
	}
	for (int j = 0; j < n; j++)
		choice[j / 8] |= (uint8_t)(bits[j] << (j % 8));
	if (ot_ext_receive(p->k0, p->k1, p->attempt, p->m, choice, t, w) != NK_OK) {
		free(choice);
		free(t);
		return oom(err);
	}
	for (int j = 0; j < p->bc.in_n[1]; j++)
		p->label[p->bc.in[1][j]] = t[j];
	sodium_memzero(bits, sizeof(bits));
	sodium_memzero(choice, p->m / 8);
	sodium_memzero(t, p->m * sizeof(*t));
	free(choice);
	free(t);
	*out_len = blind_msg_finish(p, MSG_EXTEND, out);
	p->state = ST_WAIT_CIRCUIT;
	return NK_OK;
}

/* claimant: the payer's labels from its transfer, its own, and the garbled circuit */
/* The payer's transfer taken in: its attempt number checked and kept, and its body
 * opened and pinned (or, once pinned, checked against the pin); *body points into in. */
static enum nk_status claimant_take(struct nk_blind_party *p, const uint8_t *in,
				    size_t in_len, const uint8_t **body, struct nk_error *err)
{
	if (in && in_len >= MSG_HEADER) {
		/* the payer numbers attempts; a number already used would reuse the
		 * extension's pads */
		uint32_t a = blind_msg_attempt(in), last = p->attempt;
		bool pinned = p->peer_pinned && p->pin_round == p->round;

		/* once pinned, only the round's first transfer again (same attempt, same
		 * bytes) is taken: a later one would be the payer's figure changed */
		if (pinned && a > p->pin_attempt)
			return changed(p, err);
		if (pinned ? a < p->pin_attempt : a <= last)
			return nk_fail(err, NK_ECORRUPT, "message", "the payer's transfer reuses "
				       "attempt %u (replayed)", a);
		p->attempt = a;
		round_transcript(p);
		if (!(*body = blind_msg_open(p, MSG_EXTEND, in, in_len, err)) ||
		    blind_pin_peer(p, MSG_EXTEND, *body, err) != NK_OK) {
			p->attempt = last;	/* a refused message moves nothing on */
			return err ? err->code : NK_ECORRUPT;
		}
	} else if (!(*body = blind_msg_open(p, MSG_EXTEND, in, in_len, err))) {
		return err ? err->code : NK_ECORRUPT;
	}
	return NK_OK;
}

enum nk_status nk_blind_pin_ahead(struct nk_blind_party *p, const uint8_t *in, size_t in_len,
				  struct nk_error *err)
{
	const uint8_t *body;
	enum nk_status rc;

	if (p->state != ST_BEGUN || p->role != NK_CLAIMANT)
		return NK_OK;	/* the payer's pin comes with its outcome (one write) */
	if ((rc = claimant_take(p, in, in_len, &body, err)) != NK_OK)
		blind_round_clear(p);	/* as the step's failure does */
	else
		p->received -= in_len;	/* counted when the step takes it again */
	return rc;
}

static enum nk_status claimant_garble(struct nk_blind_party *p, const uint8_t *in,
				      size_t in_len, uint8_t *out, size_t cap, size_t *out_len,
				      struct nk_error *err)
{
	uint8_t bits[BLIND_INPUT_MAX], *w;
	const uint8_t *body;
	struct gc_label *q;
	int n;
	enum nk_status rc;

	/* taken again after nk_blind_pin_ahead: the same bytes, checked against the pin */
	if ((rc = claimant_take(p, in, in_len, &body, err)) != NK_OK)
		return rc;
	if (!(w = blind_msg_start(p, MSG_CIRCUIT, out, cap)))
		return nk_fail(err, NK_EINVAL, "out", "the buffer is too small");
	if (!(q = calloc(p->m, sizeof(*q))))
		return oom(err);
	if (ot_ext_send(p->k0, &p->delta, p->attempt, p->m, body, q) != NK_OK) {
		free(q);
		return oom(err);
	}
	for (int j = 0; j < p->bc.in_n[1]; j++)
		p->label[p->bc.in[1][j]] = q[j];
	sodium_memzero(q, p->m * sizeof(*q));
	free(q);
	{
		/* the claimant's own input labels: one key per round, expanded (a system call
		 * per label cost more than the garbling of its wire). The key is a PRF, under
		 * a secret of the set-up, of the round, its attempt and this side's input, so
		 * that a rerun with the same input sends the same circuit (which the payer's
		 * pin asks), and labels never serve another input (which would give Δ away). */
		uint8_t key[crypto_stream_chacha20_ietf_KEYBYTES];
		uint8_t nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = { 0 };
		struct gc_label *own = calloc((size_t)p->bc.in_n[0], sizeof(*own));

		if (!own)
			return oom(err);
		own_label_key(p, key);
		crypto_stream_chacha20_ietf((uint8_t *)own, (size_t)p->bc.in_n[0] * sizeof(*own),
					    nonce, key);
		for (int j = 0; j < p->bc.in_n[0]; j++)
			p->label[p->bc.in[0][j]] = own[j];
		sodium_memzero(key, sizeof(key));
		sodium_memzero(own, (size_t)p->bc.in_n[0] * sizeof(*own));
		free(own);
	}
	carry_in(p->label, &p->bc, (const struct gc_label (*)[2][BLIND_FIG_BITS])p->carried,
		 p->round);
	gc_garble(&p->bc.c, &p->delta, p->label, w + (size_t)p->in_n[0] * GC_LABEL_BYTES,
		  tweak_base(p), p->sid);
	n = blind_input_bits(&p->rules, NK_CLAIMANT, &p->input, bits);
	for (int j = 0; j < n; j++) {
		struct gc_label l = p->label[p->bc.in[0][j]];

		if (bits[j])
			gc_label_xor(&l, &l, &p->delta);
		memcpy(w + (size_t)j * GC_LABEL_BYTES, l.w, GC_LABEL_BYTES);
	}
	sodium_memzero(bits, sizeof(bits));
	{
		/* the decoding bits of the public outputs and the payer's own */
		uint8_t *decode = w + p->size[MSG_CIRCUIT] - MSG_HEADER - MSG_CHECK -
				  (OUT_COUNT + 7) / 8;

		for (int o = 0; o < OUT_COUNT; o++) {
			uint32_t wire = p->bc.out[o];

			if ((o < OUT_PUBLIC || o >= OUT_TOLD_P) && wire > GC_TRUE)
				decode[o / 8] |= (uint8_t)(gc_lsb(&p->label[wire]) << (o % 8));
		}
	}
	*out_len = blind_msg_finish(p, MSG_CIRCUIT, out);
	p->state = ST_WAIT_OUTPUT;
	return NK_OK;
}

static uint64_t bits_value(const uint8_t *b, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 1 | b[i];
	return v;
}

/* The outcome from the output bits this side holds. */
static enum nk_status decide(struct nk_blind_party *p, struct nk_error *err)
{
	const struct nk_rules *r = &p->rules;
	const uint8_t *b = p->bit;
	const int own = p->role == NK_CLAIMANT ? OUT_TOLD_C : OUT_TOLD_P;
	struct nk_blind_outcome o = { NK_NO_DEAL, 0, -1, false };
	uint64_t value = bits_value(b + OUT_VALUE, 64);

	if (!b[OUT_OK_C] || !b[OUT_OK_P]) {
		/* the refusal tells nothing of the other figure: a lawful one may follow */
		p->pending = false;
		return nk_fail(err, NK_EREFUSED, "amount", "the %s's figure breaks the monotone "
			       "rule against its figure of the round before",
			       !b[OUT_OK_C] ? "claimant" : "payer");
	}
	o.deal = (enum nk_deal_kind)(b[OUT_DEAL0] | b[OUT_DEAL1] << 1);
	if (o.deal != NK_NO_DEAL && r->settle != NK_SETTLE_RANDOM) {
		if (b[OUT_ONGRID] && value > (uint64_t)(r->range_high / r->grid))
			return nk_fail(err, NK_ECORRUPT, "message", "the circuit's settlement lies "
				       "outside the range");
		o.figure = b[OUT_ONGRID] ? (int64_t)value * r->grid : (int64_t)value;
		if (o.figure < r->range_low || o.figure > r->range_high)
			return nk_fail(err, NK_ECORRUPT, "message", "the circuit's settlement lies "
				       "outside the range");
	}
	if (o.deal == NK_NO_DEAL && r->hint_count > 0) {
		int band = (int)bits_value(b + own + 1, BLIND_HINT_BITS);

		if (band > r->hint_count)
			return nk_fail(err, NK_ECORRUPT, "message", "the circuit's hint band is "
				       "out of bounds");
		o.hint = b[own] ? band : -1;
		o.withheld = !b[own];
	}
	p->outcome = o;
	return NK_OK;
}

void blind_round_finish(struct nk_blind_party *p)
{
	for (int who = 0; who < 2; who++)
		for (int i = 0; i < BLIND_FIG_BITS; i++)
			p->carried[p->round - 1][who][i] = p->label[p->bc.fig[who][i]];
	p->figure[p->round - 1] = p->input.figure;
	p->told[p->round - 1] = p->outcome.deal == NK_NO_DEAL ? p->outcome.hint : -1;
	p->computed = p->round;
	p->done = true;
	blind_round_clear(p);
}

/* payer: evaluates, decodes its outputs, returns the claimant's labels (and its seed
 * share if the round settles under the random rule) */
static enum nk_status payer_evaluate(struct nk_blind_party *p, const uint8_t *in,
				     size_t in_len, uint8_t *out, size_t cap, size_t *out_len,
				     struct nk_error *err)
{
	const uint8_t *body = blind_msg_open(p, MSG_CIRCUIT, in, in_len, err), *decode;
	uint8_t *w;
	enum nk_status rc;

	if (!body)
		return err ? err->code : NK_ECORRUPT;
	if ((rc = blind_pin_peer(p, MSG_CIRCUIT, body, err)) != NK_OK)
		return rc;	/* before anything of it is evaluated */
	for (int j = 0; j < p->bc.in_n[0]; j++)
		memcpy(p->label[p->bc.in[0][j]].w, body + (size_t)j * GC_LABEL_BYTES,
		       GC_LABEL_BYTES);
	carry_in(p->label, &p->bc, (const struct gc_label (*)[2][BLIND_FIG_BITS])p->carried,
		 p->round);
	gc_eval(&p->bc.c, p->label, body + (size_t)p->in_n[0] * GC_LABEL_BYTES, tweak_base(p),
		p->sid);
	decode = body + p->size[MSG_CIRCUIT] - MSG_HEADER - MSG_CHECK - (OUT_COUNT + 7) / 8;
	for (int o = 0; o < OUT_COUNT; o++) {
		uint32_t wire = p->bc.out[o];

		if (o >= OUT_PUBLIC && o < OUT_TOLD_P)
			continue;	/* the claimant's own */
		p->bit[o] = wire <= GC_TRUE ? (uint8_t)wire
			: (uint8_t)(gc_lsb(&p->label[wire]) ^ (decode[o / 8] >> (o % 8) & 1));
	}
	if ((rc = decide(p, err)) != NK_OK)
		return rc;
	if (!(w = blind_msg_start(p, MSG_OUTPUT, out, cap)))
		return nk_fail(err, NK_EINVAL, "out", "the buffer is too small");
	for (int o = 0; o < OUT_TOLD_P; o++)
		if (p->bc.out[o] > GC_TRUE)
			memcpy(w + (size_t)o * GC_LABEL_BYTES, p->label[p->bc.out[o]].w,
			       GC_LABEL_BYTES);
	if (p->rules.settle == NK_SETTLE_RANDOM && p->outcome.deal != NK_NO_DEAL)
		memcpy(w + (size_t)OUT_TOLD_P * GC_LABEL_BYTES, p->seed, NK_SEED_BYTES);
	*out_len = blind_msg_finish(p, MSG_OUTPUT, out);
	if (p->rules.settle == NK_SETTLE_RANDOM && p->outcome.deal != NK_NO_DEAL)
		p->state = ST_DRAW;	/* the claimant's share comes with the first draw */
	else
		blind_round_finish(p);
	return NK_OK;
}

/* claimant: checks each returned label against the two it made; opens the draw */
static enum nk_status claimant_outputs(struct nk_blind_party *p, const uint8_t *in,
				       size_t in_len, uint8_t *out, size_t cap,
				       size_t *out_len, struct nk_error *err)
{
	const uint8_t *body = blind_msg_open(p, MSG_OUTPUT, in, in_len, err);
	enum nk_status rc;

	if (!body)
		return err ? err->code : NK_ECORRUPT;
	for (int o = 0; o < OUT_TOLD_P; o++) {
		uint32_t wire = p->bc.out[o];
		struct gc_label got, one;

		if (wire <= GC_TRUE) {
			p->bit[o] = (uint8_t)wire;
			continue;
		}
		memcpy(got.w, body + (size_t)o * GC_LABEL_BYTES, GC_LABEL_BYTES);
		gc_label_xor(&one, &p->label[wire], &p->delta);
		if (sodium_memcmp(got.w, p->label[wire].w, GC_LABEL_BYTES) == 0)
			p->bit[o] = 0;
		else if (sodium_memcmp(got.w, one.w, GC_LABEL_BYTES) == 0)
			p->bit[o] = 1;
		else
			return nk_fail(err, NK_ECRYPTO, "message", "output %d of the round is "
				       "neither of its labels (a message was altered)", o);
	}
	if ((rc = decide(p, err)) != NK_OK)
		return rc;
	if (p->rules.settle != NK_SETTLE_RANDOM || p->outcome.deal == NK_NO_DEAL) {
		blind_round_finish(p);
		return NK_OK;
	}
	return blind_draw_open(p, body + (size_t)OUT_TOLD_P * GC_LABEL_BYTES, out, cap, out_len,
			       err);
}

enum nk_status blind_round_step(struct nk_blind_party *p, const uint8_t *in, size_t in_len,
				uint8_t *out, size_t cap, size_t *out_len, struct nk_error *err)
{
	switch (p->state) {
	case ST_BEGUN:
		if (p->role == NK_PAYER) {
			if (in)
				return nk_fail(err, NK_EINVAL, "message", "the payer opens the round");
			return payer_extend(p, out, cap, out_len, err);
		}
		return claimant_garble(p, in, in_len, out, cap, out_len, err);
	case ST_WAIT_CIRCUIT:
		return payer_evaluate(p, in, in_len, out, cap, out_len, err);
	case ST_WAIT_OUTPUT:
		return claimant_outputs(p, in, in_len, out, cap, out_len, err);
	case ST_DRAW:
		return blind_draw_step(p, in, in_len, out, cap, out_len, err);
	default:
		return nk_fail(err, NK_EINVAL, "round", "no round is under way");
	}
}
