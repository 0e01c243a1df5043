/* nakodo's own JSON form of agendas and profiles (doc/formats.md), read and written
 * with jansson, and the loaders that tell a JSON file from a GENIUS XML one. */
#include <nakodo/agenda_formats.h>
#include <nakodo/json_build.h>
#include <nakodo/files.h>

#include <jansson.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Refuses naming the file as the field and where in it, as a JSON path, in the text. */
static enum nk_status json_fail(struct nk_error *err, const char *file, const char *path,
				const char *reason)
{
	return nk_fail(err, NK_EINVAL, file, "%s: %s", path, reason);
}

static enum nk_status load_json(const char *buf, size_t len, const char *file, json_t **out,
				struct nk_error *err)
{
	json_error_t je;
	json_t *root;

	if (len > NK_AGENDA_FILE_MAX)
		return nk_fail(err, NK_EINVAL, file, "the file exceeds %u bytes", NK_AGENDA_FILE_MAX);
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		char where[NK_ERROR_FIELD_MAX];

		snprintf(where, sizeof(where), "%.40s:%d", file, je.line);
		return nk_fail(err, NK_ECORRUPT, where, "malformed JSON: %s", je.text);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return nk_fail(err, NK_EINVAL, file, "the top level must be an object");
	}
	*out = root;
	return NK_OK;
}

static const char *short_string(const json_t *j)
{
	const char *s = json_string_value(j);

	return s && *s && strlen(s) <= NK_NAME_MAX && strlen(s) == json_string_length(j) ? s : NULL;
}

static int get_number(const json_t *obj, const char *key, double *out)
{
	const json_t *j = json_object_get(obj, key);

	if (!json_is_number(j) || !isfinite(json_number_value(j)))
		return 0;
	*out = json_number_value(j);
	return 1;
}

static enum nk_status read_issue(const json_t *j, size_t i, struct nk_issue *is, const char *file,
				 struct nk_error *err)
{
	const char *name = short_string(json_object_get(j, "name"));
	const char *type = json_string_value(json_object_get(j, "type"));
	const json_t *values;
	char path[64];

	snprintf(path, sizeof(path), "issues[%zu]", i);
	if (!json_is_object(j) || !name)
		return json_fail(err, file, path, "an issue needs a \"name\" of 1 to 128 bytes");
	is->name = strdup(name);
	if (!is->name)
		return nk_fail(err, NK_ENOMEM, file, "out of memory");
	if (type && !strcmp(type, "discrete")) {
		is->kind = NK_ISSUE_DISCRETE;
		values = json_object_get(j, "values");
		if (!json_is_array(values) || json_array_size(values) < 1 ||
		    json_array_size(values) > NK_VALUES_MAX)
			return json_fail(err, file, path, "\"values\" must be an array of 1 to 1000 labels");
		is->labels = calloc(json_array_size(values), sizeof(*is->labels));
		if (!is->labels)
			return nk_fail(err, NK_ENOMEM, file, "out of memory");
		for (size_t v = 0; v < json_array_size(values); v++) {
			const char *label = short_string(json_array_get(values, v));

			if (!label)
				return json_fail(err, file, path, "each value is a string of 1 to 128 bytes");
			is->labels[v] = strdup(label);
			if (!is->labels[v])
				return nk_fail(err, NK_ENOMEM, file, "out of memory");
			is->nvalues++;
		}
		return NK_OK;
	}
	if (type && (!strcmp(type, "integer") || !strcmp(type, "real"))) {
		is->kind = !strcmp(type, "integer") ? NK_ISSUE_INTEGER : NK_ISSUE_REAL;
		is->step = 1;
		if (!get_number(j, "min", &is->lower) || !get_number(j, "max", &is->upper) ||
		    (is->kind == NK_ISSUE_REAL && !get_number(j, "step", &is->step)) ||
		    (is->kind == NK_ISSUE_INTEGER &&
		     (is->lower != floor(is->lower) || is->upper != floor(is->upper))))
			return json_fail(err, file, path,
					 "a numeric issue needs \"min\" and \"max\" (integers for an integer "
					 "issue) and, when real, a \"step\"");
		if (nk_issue_make_numeric(is, err)) {
			char reason[NK_ERROR_TEXT_MAX];

			snprintf(reason, sizeof(reason), "%s", err ? err->text : "bad range");
			return json_fail(err, file, path, reason);
		}
		return NK_OK;
	}
	return json_fail(err, file, path, "\"type\" must be \"discrete\", \"integer\" or \"real\"");
}

enum nk_status nk_agenda_json_read(const char *buf, size_t len, const char *file,
				   struct nk_agenda **out, struct nk_error *err)
{
	struct nk_agenda *ag = NULL;
	json_t *root = NULL;
	const json_t *issues;
	enum nk_status rc;

	rc = load_json(buf, len, file, &root, err);
	if (rc)
		goto out;
	issues = json_object_get(root, "issues");
	if (!json_is_array(issues) || json_array_size(issues) < 1 ||
	    json_array_size(issues) > NK_ISSUES_MAX) {
		rc = json_fail(err, file, "issues", "an array of 1 to 64 issues is needed");
		goto out;
	}
	ag = calloc(1, sizeof(*ag));
	if (ag)
		ag->issues = calloc(json_array_size(issues), sizeof(*ag->issues));
	if (!ag || !ag->issues) {
		rc = nk_fail(err, NK_ENOMEM, file, "out of memory");
		goto out;
	}
	{
		const char *name = short_string(json_object_get(root, "name"));

		ag->name = strdup(name ? name : "agenda");
		if (!ag->name) {
			rc = nk_fail(err, NK_ENOMEM, file, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < json_array_size(issues); i++) {
		ag->nissues++;
		rc = read_issue(json_array_get(issues, i), i, &ag->issues[i], file, err);
		if (rc)
			goto out;
	}
	rc = nk_agenda_check(ag, err);
	if (rc)
		goto out;
	*out = ag;
	ag = NULL;
out:
	nk_agenda_free(ag);
	json_decref(root);
	return rc;
}

static enum nk_status read_valuation(const json_t *j, const struct nk_issue *is,
				     struct nk_valuation *va, const char *file,
				     struct nk_error *err)
{
	const json_t *scores = json_object_get(j, "scores");
	const json_t *linear = json_object_get(j, "linear");
	char path[NK_NAME_MAX + 16];

	snprintf(path, sizeof(path), "issues.%s", is->name);
	if (!json_is_object(j) || !get_number(j, "weight", &va->weight) || va->weight < 0)
		return json_fail(err, file, path, "needs a \"weight\" >= 0");
	va->scores = calloc(is->nvalues, sizeof(*va->scores));
	if (!va->scores)
		return nk_fail(err, NK_ENOMEM, file, "out of memory");
	if (json_is_object(linear) && is->kind != NK_ISSUE_DISCRETE) {
		va->linear = 1;
		if (!get_number(linear, "slope", &va->slope))
			return json_fail(err, file, path, "\"linear\" needs a \"slope\"");
		if (!get_number(linear, "offset", &va->offset))
			va->offset = 0;
		for (size_t v = 0; v < is->nvalues; v++)
			va->scores[v] = va->offset + va->slope * (nk_issue_number(is, v) - is->lower);
		return NK_OK;
	}
	if (!json_is_object(scores) || json_object_size(scores) != is->nvalues)
		return json_fail(err, file, path,
				 "needs \"scores\" with one number per value (or \"linear\" for a numeric issue)");
	for (size_t v = 0; v < is->nvalues; v++) {
		if (!get_number(scores, is->labels[v], &va->scores[v]))
			return json_fail(err, file, path, "a value of the issue has no numeric score");
	}
	return NK_OK;
}

enum nk_status nk_profile_json_read(const struct nk_agenda *agenda, const char *buf, size_t len,
				    const char *file, struct nk_profile **out,
				    struct nk_error *err)
{
	struct nk_profile *pr = NULL;
	json_t *root = NULL;
	const json_t *issues;
	enum nk_status rc;

	rc = load_json(buf, len, file, &root, err);
	if (rc)
		goto out;
	issues = json_object_get(root, "issues");
	if (!json_is_object(issues) || json_object_size(issues) != agenda->nissues) {
		rc = json_fail(err, file, "issues", "an object with one entry per issue of the agenda is needed");
		goto out;
	}
	pr = calloc(1, sizeof(*pr));
	if (pr)
		pr->valuations = calloc(agenda->nissues, sizeof(*pr->valuations));
	if (!pr || !pr->valuations) {
		rc = nk_fail(err, NK_ENOMEM, file, "out of memory");
		goto out;
	}
	pr->nissues = agenda->nissues;
	pr->discount = 1;
	{
		const char *name = short_string(json_object_get(root, "name"));
		const json_t *res = json_object_get(root, "reservation");

		pr->name = strdup(name ? name : "party");
		if (!pr->name) {
			rc = nk_fail(err, NK_ENOMEM, file, "out of memory");
			goto out;
		}
		if (res && !get_number(root, "reservation", &pr->reservation)) {
			rc = json_fail(err, file, "reservation", "must be a number");
			goto out;
		}
		if (json_object_get(root, "discount") && !get_number(root, "discount", &pr->discount)) {
			rc = json_fail(err, file, "discount", "must be a number");
			goto out;
		}
	}
	for (size_t i = 0; i < agenda->nissues; i++) {
		const json_t *j = json_object_get(issues, agenda->issues[i].name);

		if (!j) {
			char path[NK_NAME_MAX + 16];

			snprintf(path, sizeof(path), "issues.%s", agenda->issues[i].name);
			rc = json_fail(err, file, path, "missing");
			goto out;
		}
		rc = read_valuation(j, &agenda->issues[i], &pr->valuations[i], file, err);
		if (rc)
			goto out;
	}
	rc = nk_profile_check(agenda, pr, err);
	if (rc)
		goto out;
	*out = pr;
	pr = NULL;
out:
	nk_profile_free(pr);
	json_decref(root);
	return rc;
}

static json_t *issue_to_json(const struct nk_issue *is)
{
	static const char *const kinds[] = {
		[NK_ISSUE_DISCRETE] = "discrete",
		[NK_ISSUE_INTEGER] = "integer",
		[NK_ISSUE_REAL] = "real",
	};
	json_t *j = json_pack("{s:s, s:s}", "name", is->name, "type", kinds[is->kind]);
	json_t *values;

	if (!j)
		return NULL;
	if (is->kind != NK_ISSUE_DISCRETE) {
		j = nk_json_set(j, "min", json_real(is->lower));
		j = nk_json_set(j, "max", json_real(is->upper));
		if (is->kind == NK_ISSUE_REAL)
			j = nk_json_set(j, "step", json_real(is->step));
		return j;
	}
	values = json_array();
	for (size_t v = 0; values && v < is->nvalues; v++)
		values = nk_json_append(values, json_string(is->labels[v]));
	j = nk_json_set(j, "values", values);
	return j;
}

static enum nk_status dump(json_t *root, char **out, struct nk_error *err)
{
	char *s = nk_json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
				JSON_REAL_PRECISION(17));

	json_decref(root);
	if (!s)
		return nk_fail(err, NK_ENOMEM, "json", "out of memory");
	*out = s;
	return NK_OK;
}

enum nk_status nk_agenda_json_write(const struct nk_agenda *agenda, char **out,
				    struct nk_error *err)
{
	json_t *root = json_pack("{s:s, s:s}", "nakodo", "agenda", "name",
				 agenda->name ? agenda->name : "agenda");
	json_t *issues = json_array();

	for (size_t i = 0; root && issues && i < agenda->nissues; i++)
		issues = nk_json_append(issues, issue_to_json(&agenda->issues[i]));
	return dump(nk_json_set(root, "issues", issues), out, err);
}

enum nk_status nk_profile_json_write(const struct nk_agenda *agenda,
				     const struct nk_profile *profile, char **out,
				     struct nk_error *err)
{
	json_t *root = json_pack("{s:s, s:s, s:f, s:f}", "nakodo", "profile", "name",
				 profile->name ? profile->name : "party", "reservation",
				 profile->reservation, "discount", profile->discount);
	json_t *issues = json_object();

	for (size_t i = 0; root && issues && i < agenda->nissues; i++) {
		const struct nk_valuation *va = &profile->valuations[i];
		json_t *j = json_pack("{s:f}", "weight", va->weight);

		if (va->linear) {
			j = nk_json_set(j, "linear",
					    json_pack("{s:f, s:f}", "offset", va->offset, "slope", va->slope));
		} else {
			json_t *scores = json_object();

			for (size_t v = 0; scores && v < agenda->issues[i].nvalues; v++)
				scores = nk_json_set(scores, agenda->issues[i].labels[v],
						    json_real(va->scores[v]));
			j = nk_json_set(j, "scores", scores);
		}
		issues = nk_json_set(issues, agenda->issues[i].name, j);
	}
	return dump(nk_json_set(root, "issues", issues), out, err);
}

enum nk_status nk_file_read(const char *path, char **out, size_t *len, struct nk_error *err)
{
	struct nk_file_fault fault = { 0 };
	uint8_t *buf = NULL;
	enum nk_status rc = nk_file_read_bounded(path, NK_AGENDA_FILE_MAX, &buf, len, path, path,
						 &fault, err);

	/* An agenda's reader has always worded its failures as answers about the input. */
	if (rc != NK_OK && fault.step == NK_FILE_OPEN)
		return nk_fail(err, NK_ENOTFOUND, path, "cannot open: %s", strerror(fault.errnum));
	if (rc != NK_OK && fault.step == NK_FILE_READ)
		return nk_fail(err, NK_EINVAL, path, "cannot read: %s", strerror(fault.errnum));
	if (rc != NK_OK && fault.step == NK_FILE_LONG)
		return nk_fail(err, NK_EINVAL, path, "the file exceeds %u bytes", NK_AGENDA_FILE_MAX);
	if (rc == NK_OK)
		*out = (char *)buf;
	return rc;
}

static int looks_like_json(const char *buf)
{
	buf += strspn(buf, " \t\r\n");
	if (!strncmp(buf, "\xEF\xBB\xBF", 3))
		buf += 3 + strspn(buf + 3, " \t\r\n");
	return *buf == '{';
}

enum nk_status nk_agenda_parse(const char *buf, size_t len, const char *file,
			       struct nk_agenda **out, struct nk_error *err)
{
	if (looks_like_json(buf))
		return nk_agenda_json_read(buf, len, file, out, err);
	return nk_genius_read_domain(buf, len, file, out, err);
}

enum nk_status nk_profile_parse(const struct nk_agenda *agenda, const char *buf, size_t len,
				const char *file, struct nk_profile **out, struct nk_error *err)
{
	if (looks_like_json(buf))
		return nk_profile_json_read(agenda, buf, len, file, out, err);
	return nk_genius_read_profile(agenda, buf, len, file, out, err);
}

enum nk_status nk_agenda_load(const char *path, struct nk_agenda **out, struct nk_error *err)
{
	enum nk_status rc;
	char *buf = NULL;
	size_t len = 0;

	rc = nk_file_read(path, &buf, &len, err);
	if (rc == NK_OK)
		rc = nk_agenda_parse(buf, len, path, out, err);
	free(buf);
	return rc;
}

enum nk_status nk_profile_load(const struct nk_agenda *agenda, const char *path,
			       struct nk_profile **out, struct nk_error *err)
{
	enum nk_status rc;
	char *buf = NULL;
	size_t len = 0;

	rc = nk_file_read(path, &buf, &len, err);
	if (rc == NK_OK)
		rc = nk_profile_parse(agenda, buf, len, path, out, err);
	free(buf);
	return rc;
}
