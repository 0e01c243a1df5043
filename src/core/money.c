/* Exact amounts in minor units: the currency table, reading and writing major-unit
 * text, and overflow-checked arithmetic. No floating point touches money here. */
#include <nakodo/money.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const struct nk_currency currencies[] = {
	{ "USD", 2, "US dollar" },
	{ "EUR", 2, "euro" },
	{ "GBP", 2, "pound sterling" },
	{ "JPY", 0, "yen" },
	{ "KRW", 0, "won" },
	{ "CHF", 2, "Swiss franc" },
	{ "CNY", 2, "renminbi" },
	{ "INR", 2, "Indian rupee" },
	{ "CAD", 2, "Canadian dollar" },
	{ "AUD", 2, "Australian dollar" },
	{ "KWD", 3, "Kuwaiti dinar" },
};

const struct nk_currency *nk_currency_find(const char *code)
{
	if (!code)
		return NULL;
	for (size_t i = 0; i < sizeof(currencies) / sizeof(currencies[0]); i++)
		if (strcmp(currencies[i].code, code) == 0)
			return &currencies[i];
	return NULL;
}

int64_t nk_currency_unit(const struct nk_currency *cur)
{
	int64_t unit = 1;

	for (int i = 0; i < cur->exponent; i++)
		unit *= 10;
	return unit;
}

/* An operation's result r into *out, or NK_ERANGE (out untouched) when it overflowed. */
static enum nk_status checked(bool overflow, int64_t r, int64_t *out)
{
	if (overflow)
		return NK_ERANGE;
	*out = r;
	return NK_OK;
}

enum nk_status nk_amount_add(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;
	bool overflow = __builtin_add_overflow(a, b, &r);

	return checked(overflow, r, out);
}

enum nk_status nk_amount_sub(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;
	bool overflow = __builtin_sub_overflow(a, b, &r);

	return checked(overflow, r, out);
}

enum nk_status nk_amount_mul(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;
	bool overflow = __builtin_mul_overflow(a, b, &r);

	return checked(overflow, r, out);
}

/* Appends one decimal digit to *value, refusing to pass NK_AMOUNT_MAX. */
static bool push_digit(int64_t *value, char c)
{
	int64_t next;

	if (__builtin_mul_overflow(*value, 10, &next) ||
	    __builtin_add_overflow(next, c - '0', &next) || next > NK_AMOUNT_MAX)
		return false;
	*value = next;
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

enum nk_status nk_money_parse(const struct nk_currency *cur, const char *text,
			      const char *field, int64_t *out, struct nk_error *err)
{
	const char *f = field ? field : "amount";
	const char *p = text;
	int64_t value = 0;
	int group = -1;	/* digits since the last comma; -1 before any comma */
	int digits = 0, decimals = 0;

	if (!cur)
		return nk_fail(err, NK_EINVAL, f, "no currency given for the amount");
	if (!text || !*text)
		return nk_fail(err, NK_EINVAL, f, "the amount is empty");
	if (strlen(text) > 40)
		return nk_fail(err, NK_EINVAL, f, "the amount is too long (at most 40 characters)");
	if (*p == '-')
		return nk_fail(err, NK_EINVAL, f, "negative amounts are not accepted");
	if (*p == '+')
		return nk_fail(err, NK_EINVAL, f, "write the amount without a sign");

	for (; *p && *p != '.'; p++) {
		if (*p == ',') {
			if (digits == 0 || (group >= 0 && group != 3) ||
			    (group < 0 && digits > 3))
				return nk_fail(err, NK_EINVAL, f,
					       "commas must separate groups of three digits");
			group = 0;
			continue;
		}
		if (!is_digit(*p))
			return nk_fail(err, NK_EINVAL, f,
				       "unexpected character '%c' (digits, commas and one '.' only)",
				       (*p >= 0x20 && *p < 0x7f) ? *p : '?');
		if (!push_digit(&value, *p))
			goto too_large;
		digits++;
		if (group >= 0)
			group++;
	}
	if (digits == 0)
		return nk_fail(err, NK_EINVAL, f, "the amount has no digits before the point");
	if (group >= 0 && group != 3)
		return nk_fail(err, NK_EINVAL, f, "commas must separate groups of three digits");
	if (*p == '.') {
		p++;
		if (!*p)
			return nk_fail(err, NK_EINVAL, f, "no digits after the decimal point");
		for (; *p; p++) {
			if (!is_digit(*p))
				return nk_fail(err, NK_EINVAL, f,
					       "unexpected character '%c' after the decimal point",
					       (*p >= 0x20 && *p < 0x7f) ? *p : '?');
			if (++decimals > cur->exponent)
				return nk_fail(err, NK_EINVAL, f,
					       "%s has %d decimal%s; the amount has more",
					       cur->code, cur->exponent,
					       cur->exponent == 1 ? "" : "s");
			if (!push_digit(&value, *p))
				goto too_large;
		}
	}
	for (; decimals < cur->exponent; decimals++)
		if (!push_digit(&value, '0'))
			goto too_large;
	*out = value;
	return NK_OK;

too_large:
	return nk_fail(err, NK_ERANGE, f, "the amount is too large (at most %lld minor units)",
		       (long long)NK_AMOUNT_MAX);
}

void nk_money_format(const struct nk_currency *cur, int64_t amount, int grouped,
		     char out[static NK_MONEY_TEXT_MAX])
{
	char digits[24];
	char *o = out;
	uint64_t mag = amount < 0 ? (uint64_t)0 - (uint64_t)amount : (uint64_t)amount;
	int exp = cur ? cur->exponent : 0;
	int n = 0, whole;

	do {
		digits[n++] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag || n <= exp);
	/* digits[] holds the number backwards; n > exp, so at least one whole digit. */
	whole = n - exp;
	if (amount < 0)
		*o++ = '-';
	for (int i = 0; i < whole; i++) {
		*o++ = digits[n - 1 - i];
		if (grouped && (whole - 1 - i) % 3 == 0 && i != whole - 1)
			*o++ = ',';
	}
	if (exp > 0) {
		*o++ = '.';
		for (int i = exp - 1; i >= 0; i--)
			*o++ = digits[i];
	}
	*o = '\0';
}
