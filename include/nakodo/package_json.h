/* The JSON forms of a package valuation and of a package (doc/formats.md, "Package
 * valuations"): read with every unknown or missing field refused by name, and written
 * back in the same form. */
#ifndef NAKODO_PACKAGE_JSON_H
#define NAKODO_PACKAGE_JSON_H

#include <nakodo/package.h>

#include <jansson.h>

/* Parses a valuation from buf (at most NK_PACKAGE_FILE_MAX bytes) and checks it
 * (nk_package_valuation_check). Errors name the JSON path ("components.loan.rate.step")
 * and the reason; file names the input in the text. *out is untouched on failure. */
NK_MUST_USE enum nk_status nk_valuation_json_read(const char *buf, size_t len, const char *file,
						  struct nk_package_valuation *out,
						  struct nk_error *err);

/* Writes a checked valuation in the same form: a new string the caller frees. */
NK_MUST_USE enum nk_status nk_valuation_json_write(const struct nk_package_valuation *v, char **out,
						   struct nk_error *err);

/* Parses a package ({"nakodo": "package", …}) in currency cur, checked with nk_package_check. */
NK_MUST_USE enum nk_status nk_package_json_read(const char *buf, size_t len, const char *file,
						const struct nk_currency *cur, struct nk_package *out,
						struct nk_error *err);

/* A package as a new JSON object in the form nk_package_json_read reads (amounts in major
 * units as text, rates in percent, times in years); parts with no amount are left out.
 * NULL when out of memory. */
json_t *nk_package_json(const struct nk_currency *cur, const struct nk_package *p);

/* A package as a case's answers show it (doc/formats.md, "Package"): every part of
 * components (the case's frame), a part of amount 0 as "0.00" with terms that make it
 * nothing, each part with all the members of its kind (a bullet's grace too) and the
 * label ("" when none), so that a part of 0 is told from one the case lacks and every
 * package of the case has one shape. nk_package_json_read reads it back. NULL when out
 * of memory. */
json_t *nk_package_json_framed(const struct nk_currency *cur, const struct nk_package *p,
			       const bool components[static NK_COMPONENTS]);

/* The currency a package file names, for the command to check against the valuations. */
NK_MUST_USE enum nk_status nk_package_json_currency(const char *buf, size_t len, const char *file,
						    const struct nk_currency **out,
						    struct nk_error *err);

#endif
