/* Internal to crypto/: garbled circuits with free-XOR and half-gates (doc/blind.md) and a
 * small builder of boolean circuits over words. Wires 0 and 1 are the constants false and
 * true; the builder folds them away, so no garbled gate ever has a constant input. */
#ifndef NAKODO_CRYPTO_GC_H
#define NAKODO_CRYPTO_GC_H

#include <nakodo/status.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GC_FALSE 0u
#define GC_TRUE 1u
#define GC_LABEL_BYTES 16
#define GC_TABLE_BYTES 32	/* two ciphertexts per AND gate (half-gates) */
#define GC_KEY_BYTES 16	/* crypto_generichash_blake2b_PERSONALBYTES */
#define GC_GATES_MAX (1u << 20)

/* A wire label: 128 bits; its lowest bit is the point-and-permute bit. */
struct gc_label {
	uint64_t w[2];
};

enum gc_op { GC_AND, GC_XOR, GC_NOT };

struct gc_gate {
	uint32_t a, b, out;
	uint8_t op;
};

/* A circuit under construction; any allocation failure sets failed and later calls
 * return GC_FALSE, so a builder checks once at the end. */
struct gc_circuit {
	uint32_t wires;		/* wires used, constants included */
	uint32_t gates, cap, ands;
	struct gc_gate *gate;
	bool failed;
};

void gc_init(struct gc_circuit *c);
void gc_free(struct gc_circuit *c);
uint32_t gc_wire(struct gc_circuit *c);	/* a new input wire */
uint32_t gc_and(struct gc_circuit *c, uint32_t a, uint32_t b);
uint32_t gc_xor(struct gc_circuit *c, uint32_t a, uint32_t b);
uint32_t gc_not(struct gc_circuit *c, uint32_t a);
uint32_t gc_or(struct gc_circuit *c, uint32_t a, uint32_t b);
uint32_t gc_mux(struct gc_circuit *c, uint32_t sel, uint32_t if0, uint32_t if1);

/* Words: arrays of n wires, least significant bit first. */
void gc_words(struct gc_circuit *c, uint32_t *w, int n);	/* n new input wires */
void gc_constant(uint32_t *w, int n, uint64_t v);
/* out = a + b (+ carry in); returns the carry out. out may alias a or b. */
uint32_t gc_add(struct gc_circuit *c, int n, const uint32_t *a, const uint32_t *b,
		uint32_t carry, uint32_t *out);
uint32_t gc_less(struct gc_circuit *c, int n, const uint32_t *a, const uint32_t *b); /* a < b */
uint32_t gc_equal(struct gc_circuit *c, int n, const uint32_t *a, const uint32_t *b);
void gc_select(struct gc_circuit *c, int n, uint32_t sel, const uint32_t *if0,
	       const uint32_t *if1, uint32_t *out);
void gc_mask(struct gc_circuit *c, int n, uint32_t keep, uint32_t *w);	/* w &= keep */

/* The hash of the half-gates: BLAKE2b-128 of the label, with a tweak that no two gate
 * halves of a session share as its salt and the session's key as its personalisation. */
void gc_hash(struct gc_label *out, const struct gc_label *in, uint64_t tweak,
	     const uint8_t key[static GC_KEY_BYTES]);

/* Garbles c: label0 has c->wires entries with every input wire's 0-label set; fills the
 * other wires' 0-labels and writes c->ands * GC_TABLE_BYTES bytes to tables. delta has
 * its lowest bit set. Tweaks run from tweak_base, two per AND gate. */
void gc_garble(const struct gc_circuit *c, const struct gc_label *delta,
	       struct gc_label *label0, uint8_t *tables, uint64_t tweak_base,
	       const uint8_t key[static GC_KEY_BYTES]);
/* Evaluates c on the active input labels in label (c->wires entries). */
void gc_eval(const struct gc_circuit *c, struct gc_label *label, const uint8_t *tables,
	     uint64_t tweak_base, const uint8_t key[static GC_KEY_BYTES]);

static inline void gc_label_xor(struct gc_label *out, const struct gc_label *a,
				const struct gc_label *b)
{
	out->w[0] = a->w[0] ^ b->w[0];
	out->w[1] = a->w[1] ^ b->w[1];
}

static inline unsigned gc_lsb(const struct gc_label *l)
{
	return (unsigned)(l->w[0] & 1);
}

#endif
