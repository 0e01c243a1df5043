/* Garbled circuits: the builder (with constant folding, so that the garbled circuit holds
 * only gates on secret wires), and garbling and evaluation with free-XOR (Kolesnikov and
 * Schneider 2008) and half-gates (Zahur, Rosulek and Evans 2015): an XOR costs nothing,
 * an AND two ciphertexts, a NOT nothing. doc/blind.md has the construction. */
#include "crypto/gc.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void gc_init(struct gc_circuit *c)
{
	memset(c, 0, sizeof(*c));
	c->wires = 2;	/* the constants */
}

void gc_free(struct gc_circuit *c)
{
	if (c) {
		free(c->gate);
		c->gate = NULL;
		c->gates = c->cap = 0;
	}
}

uint32_t gc_wire(struct gc_circuit *c)
{
	if (c->failed || c->wires >= UINT32_MAX - 1) {
		c->failed = true;
		return GC_FALSE;
	}
	return c->wires++;
}

static uint32_t gate(struct gc_circuit *c, enum gc_op op, uint32_t a, uint32_t b)
{
	uint32_t out;

	if (c->failed)
		return GC_FALSE;
	if (c->gates == c->cap) {
		uint32_t cap = c->cap ? c->cap * 2 : 1024;
		struct gc_gate *g = cap > GC_GATES_MAX ? NULL : realloc(c->gate, cap * sizeof(*g));

		if (!g) {
			c->failed = true;
			return GC_FALSE;
		}
		c->gate = g;
		c->cap = cap;
	}
	out = gc_wire(c);
	if (c->failed)
		return GC_FALSE;
	c->gate[c->gates++] = (struct gc_gate){ a, b, out, (uint8_t)op };
	if (op == GC_AND)
		c->ands++;
	return out;
}

uint32_t gc_not(struct gc_circuit *c, uint32_t a)
{
	return a <= GC_TRUE ? GC_TRUE - a : gate(c, GC_NOT, a, a);
}

uint32_t gc_xor(struct gc_circuit *c, uint32_t a, uint32_t b)
{
	if (a == GC_FALSE)
		return b;
	if (b == GC_FALSE)
		return a;
	if (a == GC_TRUE)
		return gc_not(c, b);
	if (b == GC_TRUE)
		return gc_not(c, a);
	return a == b ? GC_FALSE : gate(c, GC_XOR, a, b);
}

uint32_t gc_and(struct gc_circuit *c, uint32_t a, uint32_t b)
{
	if (a == GC_FALSE || b == GC_FALSE)
		return GC_FALSE;
	if (a == GC_TRUE)
		return b;
	if (b == GC_TRUE || a == b)
		return a;
	return gate(c, GC_AND, a, b);
}

uint32_t gc_or(struct gc_circuit *c, uint32_t a, uint32_t b)
{
	return gc_not(c, gc_and(c, gc_not(c, a), gc_not(c, b)));
}

uint32_t gc_mux(struct gc_circuit *c, uint32_t sel, uint32_t if0, uint32_t if1)
{
	return gc_xor(c, if0, gc_and(c, sel, gc_xor(c, if0, if1)));
}

void gc_words(struct gc_circuit *c, uint32_t *w, int n)
{
	for (int i = 0; i < n; i++)
		w[i] = gc_wire(c);
}

void gc_constant(uint32_t *w, int n, uint64_t v)
{
	for (int i = 0; i < n; i++)
		w[i] = i < 64 && (v >> i & 1) ? GC_TRUE : GC_FALSE;
}

/* A ripple-carry adder with one AND per bit: carry' = carry ^ ((a ^ carry) & (b ^ carry)). */
uint32_t gc_add(struct gc_circuit *c, int n, const uint32_t *a, const uint32_t *b,
		uint32_t carry, uint32_t *out)
{
	for (int i = 0; i < n; i++) {
		uint32_t ai = a[i], bi = b[i];
		uint32_t t = gc_and(c, gc_xor(c, ai, carry), gc_xor(c, bi, carry));

		out[i] = gc_xor(c, gc_xor(c, ai, bi), carry);
		carry = gc_xor(c, carry, t);
	}
	return carry;
}

/* a < b: the borrow out of a - b, one AND per bit. */
uint32_t gc_less(struct gc_circuit *c, int n, const uint32_t *a, const uint32_t *b)
{
	uint32_t borrow = GC_FALSE;

	for (int i = 0; i < n; i++) {
		/* borrow' = b where a and b differ, else borrow:
		 * borrow ^ ((a ^ b) & (b ^ borrow)) */
		uint32_t x = gc_xor(c, a[i], b[i]);

		borrow = gc_xor(c, borrow, gc_and(c, x, gc_xor(c, b[i], borrow)));
	}
	return borrow;
}

uint32_t gc_equal(struct gc_circuit *c, int n, const uint32_t *a, const uint32_t *b)
{
	uint32_t same = GC_TRUE;

	for (int i = 0; i < n; i++)
		same = gc_and(c, same, gc_not(c, gc_xor(c, a[i], b[i])));
	return same;
}

void gc_select(struct gc_circuit *c, int n, uint32_t sel, const uint32_t *if0,
	       const uint32_t *if1, uint32_t *out)
{
	for (int i = 0; i < n; i++)
		out[i] = gc_mux(c, sel, if0[i], if1[i]);
}

void gc_mask(struct gc_circuit *c, int n, uint32_t keep, uint32_t *w)
{
	for (int i = 0; i < n; i++)
		w[i] = gc_and(c, keep, w[i]);
}

void gc_hash(struct gc_label *out, const struct gc_label *in, uint64_t tweak,
	     const uint8_t key[static GC_KEY_BYTES])
{
	/* The tweak as BLAKE2b's salt and the session's key as its personalisation: one
	 * compression per hash, where a keyed hash would spend a second on the key block. */
	uint8_t salt[crypto_generichash_blake2b_SALTBYTES] = { 0 }, h[GC_LABEL_BYTES];

	for (int i = 0; i < 8; i++)
		salt[i] = (uint8_t)(tweak >> (8 * i));
	crypto_generichash_blake2b_salt_personal(h, sizeof(h), (const uint8_t *)in->w,
						 GC_LABEL_BYTES, NULL, 0, salt, key);
	memcpy(out->w, h, sizeof(h));
}

static void label_if(struct gc_label *acc, unsigned bit, const struct gc_label *l)
{
	const uint64_t m = (uint64_t)0 - bit;

	acc->w[0] ^= l->w[0] & m;
	acc->w[1] ^= l->w[1] & m;
}

void gc_garble(const struct gc_circuit *c, const struct gc_label *delta,
	       struct gc_label *label0, uint8_t *tables, uint64_t tweak_base,
	       const uint8_t key[static GC_KEY_BYTES])
{
	uint64_t j = tweak_base;

	for (uint32_t i = 0; i < c->gates; i++) {
		const struct gc_gate *g = &c->gate[i];
		const struct gc_label *a0 = &label0[g->a], *b0 = &label0[g->b];
		struct gc_label a1, b1, ha0, ha1, hb0, hb1, tg, te, wg, we;
		unsigned pa, pb;

		if (g->op == GC_XOR) {
			gc_label_xor(&label0[g->out], a0, b0);
			continue;
		}
		if (g->op == GC_NOT) {
			gc_label_xor(&label0[g->out], a0, delta);
			continue;
		}
		pa = gc_lsb(a0);
		pb = gc_lsb(b0);
		gc_label_xor(&a1, a0, delta);
		gc_label_xor(&b1, b0, delta);
		gc_hash(&ha0, a0, j, key);
		gc_hash(&ha1, &a1, j, key);
		gc_hash(&hb0, b0, j + 1, key);
		gc_hash(&hb1, &b1, j + 1, key);
		/* the garbler's half: a AND (a value the garbler knows, pb) */
		gc_label_xor(&tg, &ha0, &ha1);
		label_if(&tg, pb, delta);
		wg = ha0;
		label_if(&wg, pa, &tg);
		/* the evaluator's half: a AND (b XOR pb), the evaluator knowing b XOR pb */
		gc_label_xor(&te, &hb0, &hb1);
		gc_label_xor(&te, &te, a0);
		we = hb0;
		{
			struct gc_label tea;

			gc_label_xor(&tea, &te, a0);
			label_if(&we, pb, &tea);
		}
		gc_label_xor(&label0[g->out], &wg, &we);
		memcpy(tables, tg.w, GC_LABEL_BYTES);
		memcpy(tables + GC_LABEL_BYTES, te.w, GC_LABEL_BYTES);
		tables += GC_TABLE_BYTES;
		j += 2;
	}
}

void gc_eval(const struct gc_circuit *c, struct gc_label *label, const uint8_t *tables,
	     uint64_t tweak_base, const uint8_t key[static GC_KEY_BYTES])
{
	uint64_t j = tweak_base;

	for (uint32_t i = 0; i < c->gates; i++) {
		const struct gc_gate *g = &c->gate[i];
		const struct gc_label *a = &label[g->a], *b = &label[g->b];
		struct gc_label tg, te, wg, we;

		if (g->op == GC_XOR) {
			gc_label_xor(&label[g->out], a, b);
			continue;
		}
		if (g->op == GC_NOT) {
			label[g->out] = *a;	/* the garbler swapped the meanings */
			continue;
		}
		memcpy(tg.w, tables, GC_LABEL_BYTES);
		memcpy(te.w, tables + GC_LABEL_BYTES, GC_LABEL_BYTES);
		tables += GC_TABLE_BYTES;
		gc_hash(&wg, a, j, key);
		label_if(&wg, gc_lsb(a), &tg);
		gc_hash(&we, b, j + 1, key);
		gc_label_xor(&te, &te, a);
		label_if(&we, gc_lsb(b), &te);
		gc_label_xor(&label[g->out], &wg, &we);
		j += 2;
	}
}
