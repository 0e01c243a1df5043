/* Package valuations and packages in JSON (doc/formats.md, "Package valuations"), read
 * with jansson: amounts as text in major units, rates in percent, times in years; every
 * unknown field and every missing one refused, naming its path ("loan.rate.step"). */
#include <nakodo/package_json.h>
#include <nakodo/json_build.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reader {
	const char *file;
	const struct nk_currency *cur;
	struct nk_error *err;
};

static enum nk_status bad(const struct reader *r, const char *path, const char *reason)
{
	return nk_fail(r->err, NK_EINVAL, path, "%.60s: %s", r->file, reason);
}

static void join(char out[static NK_ERROR_FIELD_MAX], const char *path, const char *key)
{
	int n = snprintf(out, NK_ERROR_FIELD_MAX, "%.31s%s%.31s", path, *path ? "." : "", key);

	(void)n;	/* at most 63 bytes: never truncated */
}

/* Refuses keys of obj that are not in allowed (NULL-terminated). */
static enum nk_status only(const struct reader *r, const json_t *obj, const char *path,
			   const char *const *allowed)
{
	const char *key;
	const json_t *v;

	json_object_foreach((json_t *)obj, key, v) {
		size_t i = 0;
		char field[NK_ERROR_FIELD_MAX];

		while (allowed[i] && strcmp(allowed[i], key))
			i++;
		if (!allowed[i]) {
			join(field, path, key);
			return bad(r, field, "unknown field");
		}
	}
	return NK_OK;
}

/* obj's member key, or a refusal that names it as missing; field is path.key either way,
 * for the caller's refusals. */
static enum nk_status need_field(const struct reader *r, const json_t *obj, const char *path,
				 const char *key, const json_t **out,
				 char field[static NK_ERROR_FIELD_MAX])
{
	join(field, path, key);
	*out = json_object_get(obj, key);
	return *out ? NK_OK : bad(r, field, "missing");
}

static enum nk_status need(const struct reader *r, const json_t *obj, const char *path,
			   const char *key, const json_t **out)
{
	char field[NK_ERROR_FIELD_MAX];

	return need_field(r, obj, path, key, out, field);
}

static enum nk_status amount_of(const struct reader *r, const json_t *v, const char *field,
				int64_t *out)
{
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return bad(r, field, "must be an amount in quotes, e.g. \"300,000,000\"");
	return nk_money_parse(r->cur, json_string_value(v), field, out, r->err);
}

static enum nk_status get_amount(const struct reader *r, const json_t *obj, const char *path,
				 const char *key, int64_t *out)
{
	char field[NK_ERROR_FIELD_MAX];
	const json_t *v;
	enum nk_status rc;

	if ((rc = need_field(r, obj, path, key, &v, field)) != NK_OK)
		return rc;
	return amount_of(r, v, field, out);
}

static enum nk_status get_int(const struct reader *r, const json_t *obj, const char *path,
			      const char *key, int *out)
{
	char field[NK_ERROR_FIELD_MAX];
	const json_t *v;
	enum nk_status rc;

	if ((rc = need_field(r, obj, path, key, &v, field)) != NK_OK)
		return rc;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000)
		return bad(r, field, "must be a whole number from 0 to 1000");
	*out = (int)json_integer_value(v);
	return NK_OK;
}

/* One value of a term: a rate in percent to basis points, or years to periods. */
static enum nk_status term_value(const struct reader *r, const json_t *v, const char *field,
				 int per_year, int *out)
{
	double x, bp;

	if (!json_is_number(v) || !isfinite(json_number_value(v)))
		return bad(r, field, "must be a number");
	x = json_number_value(v);
	if (per_year)
		return nk_loan_periods(x, per_year, field, out, r->err);
	bp = x * 100;
	if (x < 0 || x > 100)
		return bad(r, field, "a rate from 0 to 100 percent a year");
	if (fabs(bp - round(bp)) > 1e-9)
		return bad(r, field, "a rate in whole hundredths of a percent (basis points)");
	*out = (int)round(bp);
	return NK_OK;
}

/* A term: one number (min = max, step 1) or {"min", "max", "step"}. */
static enum nk_status get_term(const struct reader *r, const json_t *obj, const char *path,
			       const char *key, int per_year, struct nk_term_range *out)
{
	static const char *const keys[] = { "min", "max", "step", NULL };
	char field[NK_ERROR_FIELD_MAX], sub[NK_ERROR_FIELD_MAX];
	int *dest[3] = { &out->min, &out->max, &out->step };
	const json_t *v;
	enum nk_status rc;

	if ((rc = need_field(r, obj, path, key, &v, field)) != NK_OK)
		return rc;
	if (json_is_number(v)) {
		out->step = 1;
		rc = term_value(r, v, field, per_year, &out->min);
		out->max = out->min;
		if (rc == NK_OK && out->min > 0)
			out->step = out->min;
		return rc;
	}
	if (!json_is_object(v))
		return bad(r, field, "a number, or an object with min, max and step");
	if ((rc = only(r, v, field, keys)) != NK_OK)
		return rc;
	for (int k = 0; k < 3; k++) {
		const json_t *x;

		if ((rc = need_field(r, v, field, keys[k], &x, sub)) != NK_OK)
			return rc;
		if ((rc = term_value(r, x, sub, per_year, dest[k])) != NK_OK)
			return rc;
	}
	return NK_OK;
}

static enum nk_status get_component(const struct reader *r, const json_t *obj, enum nk_component c,
				    struct nk_component_table *t)
{
	static const char *const keys[NK_COMPONENTS][10] = {
		[NK_CLAIMS] = { "min", "max", "step", NULL },
		[NK_GRANT] = { "min", "max", "step", "years", "per_year", NULL },
		[NK_LOAN] = { "min", "max", "step", "rate", "grace", "maturity", "per_year", "repayment", NULL },
		[NK_CREDITS] = { "min", "max", "step", "rate", "grace", "maturity", "per_year", "repayment", NULL },
	};
	const char *path = nk_component_name(c);
	char field[NK_ERROR_FIELD_MAX];
	const json_t *v;
	enum nk_status rc;

	memset(t, 0, sizeof(*t));
	if (!json_is_object(obj))
		return bad(r, path, "must be an object");
	if ((rc = only(r, obj, path, keys[c])) != NK_OK ||
	    (rc = get_amount(r, obj, path, "min", &t->amount.min)) != NK_OK ||
	    (rc = get_amount(r, obj, path, "max", &t->amount.max)) != NK_OK ||
	    (rc = get_amount(r, obj, path, "step", &t->amount.step)) != NK_OK)
		return rc;
	t->offered = true;
	if (c == NK_CLAIMS)
		return NK_OK;
	t->per_year = c == NK_GRANT ? 1 : 0;
	if ((c != NK_GRANT || json_object_get(obj, "per_year")) &&
	    (rc = get_int(r, obj, path, "per_year", &t->per_year)) != NK_OK)
		return rc;
	if (c == NK_GRANT)
		return get_int(r, obj, path, "years", &t->years);
	if ((rc = need(r, obj, path, "repayment", &v)) != NK_OK)
		return rc;
	join(field, path, "repayment");
	if ((rc = nk_repayment_parse(json_string_value(v), field, &t->repayment, r->err)) != NK_OK ||
	    (rc = get_term(r, obj, path, "rate", 0, &t->rate)) != NK_OK ||
	    (rc = nk_loan_periods(1, t->per_year, path, &(int){ 0 }, r->err)) != NK_OK ||
	    (rc = get_term(r, obj, path, "maturity", t->per_year, &t->maturity)) != NK_OK)
		return rc;
	if (t->repayment == NK_REPAY_BULLET) {
		join(field, path, "grace");
		if (json_object_get(obj, "grace"))
			return bad(r, field, "a bullet loan's grace period is its maturity: leave it out");
		t->grace = (struct nk_term_range){ 0, 0, 1 };
		return NK_OK;
	}
	return get_term(r, obj, path, "grace", t->per_year, &t->grace);
}

static enum nk_status get_labels(const struct reader *r, const json_t *arr,
				 struct nk_package_valuation *v)
{
	static const char *const keys[] = { "label", "worth", NULL };
	char path[NK_ERROR_FIELD_MAX];
	enum nk_status rc;

	if (!json_is_array(arr) || json_array_size(arr) > NK_PACKAGE_LABELS_MAX)
		return bad(r, "labels", "an array of at most 8 {\"label\", \"worth\"} objects");
	for (size_t l = 0; l < json_array_size(arr); l++) {
		const json_t *o = json_array_get(arr, l), *name;

		snprintf(path, sizeof(path), "labels[%zu]", l);
		if (!json_is_object(o))
			return bad(r, path, "must be an object");
		if ((rc = only(r, o, path, keys)) != NK_OK || (rc = need(r, o, path, "label", &name)) != NK_OK ||
		    (rc = get_amount(r, o, path, "worth", &v->labels[l].worth)) != NK_OK)
			return rc;
		if (!json_is_string(name) || json_string_length(name) < 1 ||
		    json_string_length(name) > NK_NAME_MAX ||
		    strlen(json_string_value(name)) != json_string_length(name))
			return bad(r, path, "a label of 1 to 128 bytes");
		memcpy(v->labels[l].name, json_string_value(name), json_string_length(name) + 1);
		v->nlabels++;
	}
	return NK_OK;
}

static enum nk_status load(const struct reader *r, const char *buf, size_t len, const char *kind,
			   json_t **out)
{
	json_error_t je;
	json_t *root;
	const char *tag;

	if (len > NK_PACKAGE_FILE_MAX)
		return nk_fail(r->err, NK_EINVAL, r->file, "over %u bytes", NK_PACKAGE_FILE_MAX);
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return nk_fail(r->err, NK_EINVAL, r->file, "line %d: %s", je.line, je.text);
	tag = json_string_value(json_object_get(root, "nakodo"));
	if (!json_is_object(root) || !tag || strcmp(tag, kind)) {
		json_decref(root);
		return bad(r, "nakodo", kind[0] == 'v' ? "not a valuation: \"nakodo\": \"valuation\" is needed"
						       : "not a package: \"nakodo\": \"package\" is needed");
	}
	*out = root;
	return NK_OK;
}

static enum nk_status read_valuation(struct reader *r, const json_t *root,
				     struct nk_package_valuation *v)
{
	static const char *const keys[] = { "nakodo", "party", "role", "currency", "discount",
					    "reservation", "components", "labels", NULL };
	static const char *const comps[] = { "claims", "grant", "loan", "credits", NULL };
	const json_t *party, *role, *cur, *disc, *comp, *labels = json_object_get(root, "labels");
	enum nk_status rc;

	memset(v, 0, sizeof(*v));
	if ((rc = only(r, root, "", keys)) != NK_OK || (rc = need(r, root, "", "party", &party)) != NK_OK ||
	    (rc = need(r, root, "", "role", &role)) != NK_OK ||
	    (rc = need(r, root, "", "currency", &cur)) != NK_OK ||
	    (rc = need(r, root, "", "discount", &disc)) != NK_OK ||
	    (rc = need(r, root, "", "components", &comp)) != NK_OK)
		return rc;
	if (!json_is_string(party) || json_string_length(party) < 1 || json_string_length(party) > NK_NAME_MAX ||
	    strlen(json_string_value(party)) != json_string_length(party))
		return bad(r, "party", "a name of 1 to 128 bytes");
	memcpy(v->party, json_string_value(party), json_string_length(party) + 1);
	if (!json_is_string(role) || nk_role_parse(json_string_value(role), &v->role) != NK_OK ||
	    !nk_role_is_party(v->role))
		return bad(r, "role", "\"claimant\" or \"payer\"");
	if (!json_is_string(cur) || !(r->cur = nk_currency_find(json_string_value(cur))))
		return bad(r, "currency", "an ISO 4217 code nakodo knows, e.g. \"USD\"");
	memcpy(v->currency, r->cur->code, sizeof(v->currency));
	if (!json_is_number(disc) || !isfinite(json_number_value(disc)))
		return bad(r, "discount", "a rate in percent a year, e.g. 10");
	v->discount = json_number_value(disc) / 100;
	if ((rc = get_amount(r, root, "", "reservation", &v->reservation)) != NK_OK)
		return rc;
	if (!json_is_object(comp))
		return bad(r, "components", "an object with any of claims, grant, loan, credits");
	if ((rc = only(r, comp, "components", comps)) != NK_OK)
		return rc;
	for (size_t c = 0; c < NK_COMPONENTS; c++) {
		const json_t *o = json_object_get(comp, comps[c]);

		if (o && (rc = get_component(r, o, (enum nk_component)c, &v->table[c])) != NK_OK)
			return rc;
	}
	if (labels && (rc = get_labels(r, labels, v)) != NK_OK)
		return rc;
	return nk_package_valuation_check(v, r->err);
}

enum nk_status nk_valuation_json_read(const char *buf, size_t len, const char *file,
				      struct nk_package_valuation *out, struct nk_error *err)
{
	struct reader r = { .file = file ? file : "valuation", .err = err };
	struct nk_package_valuation *v = calloc(1, sizeof(*v));
	json_t *root = NULL;
	enum nk_status rc;

	if (!v)
		return nk_fail(err, NK_ENOMEM, "valuation", "out of memory");
	if ((rc = load(&r, buf, len, "valuation", &root)) == NK_OK &&
	    (rc = read_valuation(&r, root, v)) == NK_OK)
		*out = *v;
	json_decref(root);
	free(v);
	return rc;
}

static json_t *amount_json(const struct nk_currency *cur, int64_t amount)
{
	char text[NK_MONEY_TEXT_MAX];

	nk_money_format(cur, amount, 1, text);
	return json_string(text);
}

static json_t *term_json(const struct nk_term_range *t, int per_year)
{
	double k = per_year ? per_year : 100;

	return json_pack("{s:f, s:f, s:f}", "min", t->min / k, "max", t->max / k, "step", t->step / k);
}

static json_t *table_json(const struct nk_currency *cur, const struct nk_component_table *t,
			  enum nk_component c)
{
	json_t *o = json_pack("{s:o, s:o, s:o}", "min", amount_json(cur, t->amount.min),
			      "max", amount_json(cur, t->amount.max), "step", amount_json(cur, t->amount.step));

	if (c == NK_CLAIMS)
		return o;
	o = nk_json_set(o, "per_year", json_integer(t->per_year));
	if (c == NK_GRANT)
		return nk_json_set(o, "years", json_integer(t->years));
	o = nk_json_set(o, "repayment", json_string(nk_repayment_name(t->repayment)));
	o = nk_json_set(o, "rate", term_json(&t->rate, 0));
	o = nk_json_set(o, "maturity", term_json(&t->maturity, t->per_year));
	if (t->repayment != NK_REPAY_BULLET)
		o = nk_json_set(o, "grace", term_json(&t->grace, t->per_year));
	return o;
}

enum nk_status nk_valuation_json_write(const struct nk_package_valuation *v, char **out,
				       struct nk_error *err)
{
	const struct nk_currency *cur;
	json_t *root, *comp, *labels;
	enum nk_status rc;
	char *text;

	if ((rc = nk_package_valuation_check(v, err)) != NK_OK)
		return rc;
	cur = nk_currency_find(v->currency);
	root = json_pack("{s:s, s:s, s:s, s:s, s:f, s:o}", "nakodo", "valuation", "party", v->party,
			 "role", nk_role_name(v->role), "currency", v->currency, "discount",
			 v->discount * 100, "reservation", amount_json(cur, v->reservation));
	/* all or nothing: a valuation sealed without one of its tables would be another */
	comp = json_object();
	for (size_t c = 0; c < NK_COMPONENTS; c++)
		if (v->table[c].offered)
			comp = nk_json_set(comp, nk_component_name((enum nk_component)c),
					   table_json(cur, &v->table[c], (enum nk_component)c));
	root = nk_json_set(root, "components", comp);
	if (v->nlabels) {
		labels = json_array();
		for (size_t l = 0; l < v->nlabels; l++)
			labels = nk_json_append(labels,
				json_pack("{s:s, s:o}", "label", v->labels[l].name, "worth",
					  amount_json(cur, v->labels[l].worth)));
		root = nk_json_set(root, "labels", labels);
	}
	text = nk_json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	json_decref(root);
	if (!text)
		return nk_fail(err, NK_ENOMEM, "valuation", "out of memory");
	*out = text;
	return NK_OK;
}

static enum nk_status read_part(const struct reader *r, const json_t *o, enum nk_component c,
				struct nk_package *p)
{
	static const char *const keys[NK_COMPONENTS][8] = {
		[NK_CLAIMS] = { "amount", NULL },
		[NK_GRANT] = { "amount", "years", "per_year", NULL },
		[NK_LOAN] = { "amount", "rate", "grace", "maturity", "per_year", "repayment", NULL },
		[NK_CREDITS] = { "amount", "rate", "grace", "maturity", "per_year", "repayment", NULL },
	};
	const char *path = nk_component_name(c);
	struct nk_loan_terms *t = &p->terms[c];
	char field[NK_ERROR_FIELD_MAX];
	const json_t *v;
	double years;
	enum nk_status rc;

	if (!json_is_object(o))
		return bad(r, path, "must be an object");
	if ((rc = only(r, o, path, keys[c])) != NK_OK ||
	    (rc = get_amount(r, o, path, "amount", &p->amount[c])) != NK_OK || c == NK_CLAIMS)
		return rc;
	if (c == NK_GRANT) {
		p->grant_per_year = 1;
		if (json_object_get(o, "per_year") &&
		    (rc = get_int(r, o, path, "per_year", &p->grant_per_year)) != NK_OK)
			return rc;
		return get_int(r, o, path, "years", &p->grant_years);
	}
	if ((rc = get_int(r, o, path, "per_year", &t->per_year)) != NK_OK ||
	    (rc = need(r, o, path, "repayment", &v)) != NK_OK)
		return rc;
	join(field, path, "repayment");
	if ((rc = nk_repayment_parse(json_string_value(v), field, &t->repayment, r->err)) != NK_OK)
		return rc;
	const char *names[3] = { "rate", "maturity", "grace" };
	for (int k = 0; k < 3; k++) {
		if (k == 2 && t->repayment == NK_REPAY_BULLET && !json_object_get(o, "grace")) {
			t->grace = t->maturity;
			break;
		}
		if ((rc = need(r, o, path, names[k], &v)) != NK_OK)
			return rc;
		join(field, path, names[k]);
		if (!json_is_number(v) || !isfinite(json_number_value(v)))
			return bad(r, field, "must be a number");
		years = json_number_value(v);
		if (k == 0) {
			t->rate = years / 100;
			rc = nk_rate_check(t->rate, field, r->err);
		} else {
			rc = nk_loan_periods(years, t->per_year, field, k == 1 ? &t->maturity : &t->grace,
					     r->err);
		}
		if (rc != NK_OK)
			return rc;
	}
	return NK_OK;
}

enum nk_status nk_package_json_currency(const char *buf, size_t len, const char *file,
					const struct nk_currency **out, struct nk_error *err)
{
	struct reader r = { .file = file ? file : "package", .err = err };
	const struct nk_currency *cur;
	json_t *root = NULL;
	enum nk_status rc;

	if ((rc = load(&r, buf, len, "package", &root)) != NK_OK)
		return rc;
	cur = nk_currency_find(json_string_value(json_object_get(root, "currency")));
	json_decref(root);
	if (!cur)
		return bad(&r, "currency", "an ISO 4217 code nakodo knows, e.g. \"USD\"");
	*out = cur;
	return NK_OK;
}

enum nk_status nk_package_json_read(const char *buf, size_t len, const char *file,
				    const struct nk_currency *cur, struct nk_package *out,
				    struct nk_error *err)
{
	static const char *const keys[] = { "nakodo", "currency", "claims", "grant", "loan", "credits",
					    "label", NULL };
	struct reader r = { .file = file ? file : "package", .cur = cur, .err = err };
	const json_t *label;
	struct nk_package p;
	json_t *root = NULL;
	enum nk_status rc;

	memset(&p, 0, sizeof(p));
	if ((rc = load(&r, buf, len, "package", &root)) != NK_OK)
		goto out;
	if ((rc = only(&r, root, "", keys)) != NK_OK)
		goto out;
	if (strcmp(json_string_value(json_object_get(root, "currency")) ?: "", cur->code)) {
		rc = bad(&r, "currency", "the package and the valuation are in different currencies");
		goto out;
	}
	for (size_t c = 0; c < NK_COMPONENTS; c++) {
		const json_t *o = json_object_get(root, keys[c + 2]);

		if (o && (rc = read_part(&r, o, (enum nk_component)c, &p)) != NK_OK)
			goto out;
	}
	label = json_object_get(root, "label");
	if (label) {
		if (!json_is_string(label) || json_string_length(label) > NK_NAME_MAX ||
		    strlen(json_string_value(label)) != json_string_length(label)) {
			rc = bad(&r, "label", "a label of at most 128 bytes");
			goto out;
		}
		memcpy(p.label, json_string_value(label), json_string_length(label) + 1);
	}
	if ((rc = nk_package_check(&p, err)) != NK_OK)
		goto out;
	*out = p;
out:
	json_decref(root);
	return rc;
}

/* Part c of p. A part of amount 0 written with the members of its kind (framed) has
 * terms that make it nothing, which nk_package_json_read reads back and nk_package_check
 * passes: a grant over 0 years, a loan repaid at once (bullet, rate, maturity and grace 0,
 * one payment a year). A framed bullet loan has its grace (its maturity) too. */
static json_t *part_json(const struct nk_currency *cur, const struct nk_package *p,
			 enum nk_component c, bool framed)
{
	static const struct nk_loan_terms nothing = {
		.per_year = 1, .repayment = NK_REPAY_BULLET,
	};
	const struct nk_loan_terms *t = p->amount[c] ? &p->terms[c] : &nothing;
	json_t *part = json_pack("{s:o}", "amount", amount_json(cur, p->amount[c]));

	if (c == NK_GRANT) {
		part = nk_json_set(part, "years", json_integer(p->amount[c] ? p->grant_years : 0));
		part = nk_json_set(part, "per_year",
				   json_integer(p->amount[c] ? p->grant_per_year : 1));
	} else if (c != NK_CLAIMS) {
		/* on the basis-point grid, as the log writes it: 0.035 * 100 is
		 * 3.5000000000000004 in binary, and an answer would print every digit */
		part = nk_json_set(part, "rate", json_real(nearbyint(t->rate * NK_BP_ONE) / 100));
		part = nk_json_set(part, "maturity", json_real((double)t->maturity / t->per_year));
		if (framed || t->repayment != NK_REPAY_BULLET)
			part = nk_json_set(part, "grace", json_real((double)t->grace / t->per_year));
		part = nk_json_set(part, "per_year", json_integer(t->per_year));
		part = nk_json_set(part, "repayment", json_string(nk_repayment_name(t->repayment)));
	}
	return part;
}

/* p's parts with an amount, and every part of framed (NULL: none) with its label ("" when
 * none), each of them then with all the members of its kind. */
static json_t *package_json(const struct nk_currency *cur, const struct nk_package *p,
			    const bool *framed)
{
	json_t *o = json_pack("{s:s, s:s}", "nakodo", "package", "currency", cur->code);

	for (size_t c = 0; o && c < NK_COMPONENTS; c++)
		if (p->amount[c] || (framed && framed[c]))
			o = nk_json_set(o, nk_component_name((enum nk_component)c),
					part_json(cur, p, (enum nk_component)c, framed != NULL));
	if (p->label[0] || framed)
		o = nk_json_set(o, "label", json_string(p->label));
	return o;
}

json_t *nk_package_json(const struct nk_currency *cur, const struct nk_package *p)
{
	return package_json(cur, p, NULL);
}

json_t *nk_package_json_framed(const struct nk_currency *cur, const struct nk_package *p,
			       const bool components[static NK_COMPONENTS])
{
	return package_json(cur, p, components);
}
