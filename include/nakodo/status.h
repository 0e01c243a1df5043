/* The one status type every fallible nakodo function returns, and the optional
 * error record that says, for a human, which field was wrong and why. */
#ifndef NAKODO_STATUS_H
#define NAKODO_STATUS_H

#include <stddef.h>

#define NK_MUST_USE __attribute__((warn_unused_result))

enum nk_status {
	NK_OK = 0,
	NK_EINVAL,	/* bad input: malformed, out of bounds, unknown name */
	NK_ERANGE,	/* a figure or a computation would overflow */
	NK_EREFUSED,	/* well-formed, but the case's rules refuse it */
	NK_ENOTFOUND,	/* no such case, event or secret */
	NK_ESTORE,	/* the store failed to read or write */
	NK_ECORRUPT,	/* a file is damaged, or not nakodo's */
	NK_ENOMEM,
	NK_ECRYPTO,	/* a seal or signature failed to open or verify */
	NK_EAUTH,	/* a request needs its role's signature, or its signature is wrong or replayed */
};

#define NK_ERROR_FIELD_MAX 256	/* room for a file's path, which a reader names */
#define NK_ERROR_TEXT_MAX 256

/* Filled by a failing function when the caller passes one; never holds a secret. */
struct nk_error {
	enum nk_status code;
	char field[NK_ERROR_FIELD_MAX];	/* the offending field or option, or "" */
	char text[NK_ERROR_TEXT_MAX];	/* a sentence for a person */
};

/* Records code, field and a printf-style reason in err (which may be NULL) and
 * returns code, so that a failure reads: return nk_fail(err, NK_EINVAL, "amount", "…"). */
enum nk_status nk_fail(struct nk_error *err, enum nk_status code, const char *field,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A stable lowercase name for a status ("invalid", "refused", …). */
const char *nk_status_name(enum nk_status status);

#endif
