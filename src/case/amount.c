/* A party's figures sealed in the store, each under its name ("figure.3.claimant": what,
 * round, role), and read back: put and got through the transaction's pending state
 * (pending.c), which holds what this transaction sealed, and the amount sealed before the
 * write turn when it is the very one (ahead.c). Split from case.c. */
#include "case/case_impl.h"
#include "case/cache.h"

#include <sodium.h>
#include <string.h>

/* Appends len bytes of s at *at, keeping room for the terminator: the bytes past
 * NK_SECRET_NAME_MAX - 1 are cut, as snprintf cuts them. */
static void name_put(char *out, size_t *at, const char *s, size_t len)
{
	size_t room = NK_SECRET_NAME_MAX - 1 - *at;

	if (len > room)
		len = room;
	memcpy(out + *at, s, len);
	*at += len;
}

/* The bytes snprintf's "%s.%d.%s" writes, without its format machinery (it was a
 * measurable share of a submission's instructions). */
void case_secret_name(char out[static NK_SECRET_NAME_MAX], const char *what, int n,
		      enum nk_role role)
{
	char digits[16];
	size_t nd = sizeof(digits), at = 0;
	const char *rn = nk_role_name(role);
	/* In unsigned arithmetic, so that INT_MIN's magnitude is exact. */
	unsigned int mag = n < 0 ? 0u - (unsigned int)n : (unsigned int)n;

	do {
		digits[--nd] = (char)('0' + mag % 10u);
		mag /= 10u;
	} while (mag);
	if (n < 0)
		digits[--nd] = '-';
	name_put(out, &at, what, strlen(what));
	name_put(out, &at, ".", 1);
	name_put(out, &at, digits + nd, sizeof(digits) - nd);
	name_put(out, &at, ".", 1);
	name_put(out, &at, rn, strlen(rn));
	out[at] = '\0';
}

enum nk_status case_put_amount(const struct nk_case_env *env, const char *id,
			       const char *name, int64_t amount, struct nk_error *err)
{
	uint8_t buf[8];
	const uint8_t *sealed;
	size_t len;
	enum nk_status rc;

	/* sealed before the transaction, for this very name and amount (ahead.c) */
	if (case_ahead_sealed(id, name, amount, &sealed, &len)) {
		rc = nk_store_secret_put_sealed(env->store, id, name, sealed, len, err);
		goto kept;
	}
	for (int i = 0; i < 8; i++)
		buf[i] = (uint8_t)((uint64_t)amount >> (8 * i));
	rc = nk_store_secret_put(env->store, id, name, buf, sizeof(buf), err);
	sodium_memzero(buf, sizeof(buf));
kept:
	if (rc == NK_OK)
		case_pending_sealed(id, name, amount);
	return rc;
}

enum nk_status case_get_amount(const struct nk_case_env *env, const char *id,
			       const char *name, int64_t *out, struct nk_error *err)
{
	uint8_t buf[NK_SECRET_MAX];
	uint64_t v = 0;
	size_t len = 0;
	enum nk_status rc;

	/* sealed in this transaction: the same value, without opening it again */
	if (case_pending_unsealed(id, name, out))
		return NK_OK;
	rc = nk_store_secret_get(env->store, id, name, buf, sizeof(buf), &len, err);
	if (rc == NK_OK && len != 8)
		rc = nk_fail(err, NK_ECORRUPT, "secret", "a sealed figure has the wrong size");
	if (rc == NK_OK) {
		for (int i = 7; i >= 0; i--)
			v = (v << 8) | buf[i];
		*out = (int64_t)v;
	}
	sodium_memzero(buf, sizeof(buf));
	return rc;
}
