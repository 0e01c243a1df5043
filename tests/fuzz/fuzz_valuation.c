/* libFuzzer harness for the package formats: a valuation or a package in JSON. Whatever
 * is accepted must survive a round trip through the writer, and a valuation must go
 * through a search against its mirror image without a crash, proposing only packages
 * inside both reservations. */
#include <nakodo/package.h>
#include <nakodo/package_json.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void valuation(const struct nk_package_valuation *v)
{
	struct nk_package_valuation back, mirror = *v;
	struct nk_package_result r;
	struct nk_package_worth w[2];
	char *text = NULL;

	if (nk_valuation_json_write(v, &text, NULL) != NK_OK ||
	    nk_valuation_json_read(text, strlen(text), "round trip", &back, NULL) != NK_OK ||
	    strcmp(back.party, v->party) || back.role != v->role || back.reservation != v->reservation ||
	    fabs(back.discount - v->discount) > 1e-12 * fmax(1, v->discount) ||
	    memcmp(back.table, v->table, sizeof(v->table)) || back.nlabels != v->nlabels ||
	    memcmp(back.labels, v->labels, sizeof(v->labels)))
		abort();
	free(text);
	mirror.role = v->role == NK_CLAIMANT ? NK_PAYER : NK_CLAIMANT;
	mirror.discount = v->discount / 2;
	if (nk_package_propose(v, &mirror, NK_NASH, &r, NULL) != NK_OK || !r.found)
		return;
	if (nk_package_value(v, &r.package, &w[0], NULL) != NK_OK ||
	    nk_package_value(&mirror, &r.package, &w[1], NULL) != NK_OK || !w[0].acceptable ||
	    !w[1].acceptable)
		abort();
}

static void package(const char *buf, size_t len)
{
	const struct nk_currency *cur = nk_currency_find("USD");
	struct nk_package p, back;
	json_t *obj;
	char *text;

	if (nk_package_json_read(buf, len, "fuzz", cur, &p, NULL) != NK_OK)
		return;
	obj = nk_package_json(cur, &p);
	text = obj ? json_dumps(obj, JSON_REAL_PRECISION(17)) : NULL;
	if (!text || nk_package_json_read(text, strlen(text), "round trip", cur, &back, NULL) != NK_OK ||
	    memcmp(back.amount, p.amount, sizeof(p.amount)) || strcmp(back.label, p.label))
		abort();
	free(text);
	json_decref(obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nk_package_valuation *v = malloc(sizeof(*v));

	if (v && nk_valuation_json_read((const char *)data, size, "fuzz", v, NULL) == NK_OK)
		valuation(v);
	free(v);
	package((const char *)data, size);
	return 0;
}
