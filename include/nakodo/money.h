/* Exact amounts: int64_t minor units of an ISO 4217 currency. Text is read and
 * written in major units ("350,000,000.50"); every arithmetic step is checked. */
#ifndef NAKODO_MONEY_H
#define NAKODO_MONEY_H

#include <nakodo/status.h>

#include <stddef.h>
#include <stdint.h>

/* The largest amount nakodo accepts, in minor units: 2^62 - 1, so that the sum of two
 * amounts always fits in an int64_t. */
#define NK_AMOUNT_MAX INT64_C(4611686018427387903)

/* Longest text nk_money_format writes, NUL included ("-" + 19 digits + 6 commas + "."). */
#define NK_MONEY_TEXT_MAX 32

struct nk_currency {
	char code[4];		/* "USD" */
	int exponent;		/* minor-unit digits: 2 for USD, 0 for JPY */
	const char *name;	/* "US dollar" */
};

/* The currency with this ISO 4217 code (case-sensitive, "USD"), or NULL. */
const struct nk_currency *nk_currency_find(const char *code);

/* Reads a non-negative amount in major units: digits, optionally grouped by commas in
 * threes ("350,000,000"), optionally followed by "." and at most exponent decimals.
 * Refuses signs, spaces, empty text, bad grouping, too many decimals and amounts over
 * NK_AMOUNT_MAX, naming "amount" (or field, when given) and the reason. */
NK_MUST_USE enum nk_status nk_money_parse(const struct nk_currency *cur, const char *text,
					  const char *field, int64_t *out,
					  struct nk_error *err);

/* Writes amount in major units into out: grouped ("350,000,000.50") or plain
 * ("350000000.50"). Always NUL-terminates; negative amounts get a leading "-". */
void nk_money_format(const struct nk_currency *cur, int64_t amount, int grouped,
		     char out[static NK_MONEY_TEXT_MAX]);

/* 10^exponent: the number of minor units in one major unit. */
int64_t nk_currency_unit(const struct nk_currency *cur);

/* Checked arithmetic: on overflow *out is untouched and NK_ERANGE is returned. */
NK_MUST_USE enum nk_status nk_amount_add(int64_t a, int64_t b, int64_t *out);
NK_MUST_USE enum nk_status nk_amount_sub(int64_t a, int64_t b, int64_t *out);
NK_MUST_USE enum nk_status nk_amount_mul(int64_t a, int64_t b, int64_t *out);

#endif
