/* Unit tests for formats/: GENIUS XML domains and profiles (semantics, refusals with
 * file and line) and nakodo's JSON agendas and profiles (reading, writing, round trip). */
#include <nakodo/domain.h>
#include <nakodo/agenda_formats.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const char domain_xml[] =
	"<negotiation_template>\n"
	"<utility_space number_of_issues=\"2\">\n"
	"<objective index=\"0\" name=\"shop\" type=\"objective\" etype=\"objective\">\n"
	"  <issue index=\"1\" name=\"fruit\" type=\"discrete\" etype=\"discrete\">\n"
	"    <item index=\"1\" value=\"apple\"/><item index=\"2\" value=\"pear\"/>\n"
	"    <item index=\"3\" value=\"plum\"/>\n"
	"  </issue>\n"
	"  <issue index=\"2\" name=\"price\" type=\"integer\" etype=\"integer\" lowerbound=\"8\" upperbound=\"12\"/>\n"
	"</objective>\n"
	"</utility_space>\n"
	"</negotiation_template>\n";

static const char profile_xml[] =
	"<utility_space>\n"
	"<objective index=\"0\" name=\"shop\" type=\"objective\" etype=\"objective\">\n"
	"  <issue index=\"1\" name=\"fruit\" type=\"discrete\" etype=\"discrete\">\n"
	"    <item index=\"1\" value=\"apple\" evaluation=\"2\"/>\n"
	"    <item index=\"2\" value=\"pear\" evaluation=\"8\"/>\n"
	"    <item index=\"3\" value=\"plum\" evaluation=\"4\"/>\n"
	"  </issue>\n"
	"  <issue index=\"2\" name=\"price\" type=\"integer\" etype=\"integer\" lowerbound=\"8\" upperbound=\"12\">\n"
	"    <evaluator ftype=\"linear\" offset=\"1.0\" slope=\"-0.25\"/>\n"
	"  </issue>\n"
	"  <weight index=\"2\" value=\"0.4\"/>\n"
	"  <weight index=\"1\" value=\"0.6\"/>\n"
	"</objective>\n"
	"<reservation value=\"0.3\"/>\n"
	"<discount_factor value=\"0.9\"/>\n"
	"</utility_space>\n";

static struct nk_agenda *read_domain(void)
{
	struct nk_agenda *a = NULL;

	assert_int_equal(nk_genius_read_domain(domain_xml, strlen(domain_xml), "d.xml", &a, NULL), NK_OK);
	return a;
}

static void reads_domain_and_profile_with_genius_semantics(void **state)
{
	struct nk_agenda *a = read_domain();
	struct nk_profile *p = NULL;
	uint32_t o[2] = { 1, 0 };

	(void)state;
	assert_int_equal(a->nissues, 2);
	assert_string_equal(a->issues[0].name, "fruit");
	assert_int_equal(a->issues[0].nvalues, 3);
	assert_int_equal(a->issues[1].kind, NK_ISSUE_INTEGER);
	assert_int_equal(a->issues[1].nvalues, 5);
	assert_string_equal(a->issues[1].labels[0], "8");
	assert_string_equal(a->issues[1].labels[4], "12");
	assert_int_equal(nk_genius_read_profile(a, profile_xml, strlen(profile_xml), "dir/p.xml", &p, NULL),
			 NK_OK);
	assert_string_equal(p->name, "p");
	/* Discrete: evaluation / largest evaluation. */
	assert_true(p->valuations[0].scores[0] == 0.25);
	assert_true(p->valuations[0].scores[1] == 1.0);
	/* Integer: offset + slope * (v - lowerbound). */
	assert_true(p->valuations[1].scores[0] == 1.0);
	assert_true(p->valuations[1].scores[4] == 0.0);
	assert_true(p->valuations[0].weight == 0.6);
	assert_true(p->reservation == 0.3);
	assert_true(p->discount == 0.9);
	/* pear at 8: 0.6 * 1 + 0.4 * 1 = 1. */
	assert_true(nk_profile_utility(p, o) == 1.0);
	nk_profile_free(p);
	nk_agenda_free(a);
}

static void reservation_defaults_to_zero(void **state)
{
	struct nk_agenda *a = read_domain();
	struct nk_profile *p = NULL;
	char buf[sizeof(profile_xml)];
	char *r;

	(void)state;
	memcpy(buf, profile_xml, sizeof(buf));
	r = strstr(buf, "<reservation");
	memcpy(r, "</utility_space>\n", sizeof("</utility_space>\n"));
	assert_int_equal(nk_genius_read_profile(a, buf, strlen(buf), "p.xml", &p, NULL), NK_OK);
	assert_true(p->reservation == 0);
	assert_true(p->discount == 1);
	nk_profile_free(p);
	nk_agenda_free(a);
}

static void refuses_with_file_line_and_reason(void **state)
{
	static const char bad_xml[] = "<negotiation_template>\n<utility_space>\n<objective>\n</utility_space>";
	static const char hyper[] =
		"<utility_space>\n<objective name=\"x\">\n<issue index=\"1\" name=\"a\" type=\"discrete\">"
		"<item value=\"x\"/></issue>\n</objective>\n<hyperRectangle utility_function=\"1\"/>\n"
		"</utility_space>";
	static const char real[] =
		"<utility_space>\n<objective name=\"x\">\n\n<issue index=\"1\" name=\"a\" type=\"real\" "
		"lowerbound=\"0\" upperbound=\"1\"/>\n</objective>\n</utility_space>";
	struct nk_agenda *a = NULL;
	struct nk_profile *p = NULL;
	struct nk_error err;
	char buf[sizeof(profile_xml)];

	(void)state;
	assert_int_equal(nk_genius_read_domain(bad_xml, strlen(bad_xml), "bad.xml", &a, &err),
			 NK_EINVAL);
	assert_non_null(strstr(err.field, "bad.xml:"));
	assert_non_null(strstr(err.text, "malformed XML"));
	assert_int_equal(nk_genius_read_domain(hyper, strlen(hyper), "h.xml", &a, &err), NK_EINVAL);
	assert_string_equal(err.field, "h.xml:5");
	assert_non_null(strstr(err.text, "hyperRectangle"));
	assert_int_equal(nk_genius_read_domain(real, strlen(real), "r.xml", &a, &err), NK_EINVAL);
	assert_string_equal(err.field, "r.xml:4");
	assert_null(a);

	a = read_domain();
	memcpy(buf, profile_xml, sizeof(buf));
	memcpy(strstr(buf, "\"plum\""), "\"kiwi\"", 6);
	assert_int_equal(nk_genius_read_profile(a, buf, strlen(buf), "p.xml", &p, &err), NK_EINVAL);
	assert_string_equal(err.field, "p.xml:6");
	assert_non_null(strstr(err.text, "kiwi"));
	memcpy(buf, profile_xml, sizeof(buf));
	memcpy(strstr(buf, "ftype=\"linear\""), "ftype=\"spline\"", 14);
	assert_int_equal(nk_genius_read_profile(a, buf, strlen(buf), "p.xml", &p, &err), NK_EINVAL);
	assert_string_equal(err.field, "p.xml:9");
	assert_null(p);
	nk_agenda_free(a);
}

static const char agenda_json[] =
	"{\"nakodo\": \"agenda\", \"name\": \"talks\", \"issues\": ["
	" {\"name\": \"claims\", \"type\": \"discrete\", \"values\": [\"300\", \"600\"]},"
	" {\"name\": \"years\", \"type\": \"integer\", \"min\": 10, \"max\": 20},"
	" {\"name\": \"rate\", \"type\": \"real\", \"min\": 0, \"max\": 3.5, \"step\": 0.5}]}";

static const char profile_json[] =
	"{\"nakodo\": \"profile\", \"name\": \"korea\", \"reservation\": 0.4, \"issues\": {"
	" \"claims\": {\"weight\": 0.5, \"scores\": {\"300\": 0.2, \"600\": 1}},"
	" \"years\": {\"weight\": 0.25, \"linear\": {\"offset\": 0, \"slope\": 0.1}},"
	" \"rate\": {\"weight\": 0.25, \"linear\": {\"offset\": 1, \"slope\": -0.2}}}}";

static void json_round_trip(void **state)
{
	struct nk_agenda *a = NULL, *b = NULL;
	struct nk_profile *p = NULL, *q = NULL;
	char *text = NULL;

	(void)state;
	assert_int_equal(nk_agenda_json_read(agenda_json, strlen(agenda_json), "a.json", &a, NULL), NK_OK);
	assert_int_equal(a->issues[1].nvalues, 11);
	assert_int_equal(a->issues[2].nvalues, 8);
	assert_string_equal(a->issues[2].labels[3], "1.5");
	assert_int_equal(nk_profile_json_read(a, profile_json, strlen(profile_json), "p.json", &p, NULL),
			 NK_OK);
	assert_true(p->valuations[1].scores[10] == 1.0);
	assert_true(fabs(p->valuations[2].scores[7] - 0.3) < 1e-12);
	assert_int_equal(nk_agenda_json_write(a, &text, NULL), NK_OK);
	assert_int_equal(nk_agenda_json_read(text, strlen(text), "again.json", &b, NULL), NK_OK);
	free(text);
	assert_int_equal(b->nissues, a->nissues);
	for (size_t i = 0; i < a->nissues; i++) {
		assert_int_equal(b->issues[i].nvalues, a->issues[i].nvalues);
		for (size_t v = 0; v < a->issues[i].nvalues; v++)
			assert_string_equal(b->issues[i].labels[v], a->issues[i].labels[v]);
	}
	assert_int_equal(nk_profile_json_write(a, p, &text, NULL), NK_OK);
	assert_int_equal(nk_profile_json_read(b, text, strlen(text), "again.json", &q, NULL), NK_OK);
	free(text);
	for (size_t i = 0; i < a->nissues; i++) {
		assert_true(q->valuations[i].weight == p->valuations[i].weight);
		for (size_t v = 0; v < a->issues[i].nvalues; v++)
			assert_true(q->valuations[i].scores[v] == p->valuations[i].scores[v]);
	}
	assert_true(q->reservation == 0.4);
	nk_profile_free(p);
	nk_profile_free(q);
	nk_agenda_free(a);
	nk_agenda_free(b);
}

static void json_refusals_name_the_place(void **state)
{
	static const struct {
		const char *text, *needle;
	} bad[] = {
		{ "{\"issues\": [", "malformed JSON" },
		{ "[]", "top level" },
		{ "{\"issues\": []}", "issues" },
		{ "{\"issues\": [{\"name\": \"a\", \"type\": \"fuzzy\"}]}", "issues[0]" },
		{ "{\"issues\": [{\"name\": \"a\", \"type\": \"discrete\", \"values\": [\"x\", \"x\"]}]}", "twice" },
		{ "{\"issues\": [{\"name\": \"a\", \"type\": \"integer\", \"min\": 0, \"max\": 5000}]}", "at most" },
		{ "{\"issues\": [{\"name\": \"a\", \"type\": \"real\", \"min\": 0, \"max\": 1}]}", "step" },
		{ "{\"issues\": [{\"name\": \"a\", \"type\": \"discrete\", \"values\": [\"x\"]},"
		  "{\"name\": \"a\", \"type\": \"discrete\", \"values\": [\"x\"]}]}", "two issues" },
	};
	struct nk_agenda *a = NULL;
	struct nk_profile *p = NULL;
	struct nk_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_not_equal(nk_agenda_json_read(bad[i].text, strlen(bad[i].text), "x.json", &a, &err),
				     NK_OK);
		assert_null(a);
		if (!strstr(err.text, bad[i].needle) && !strstr(err.field, bad[i].needle))
			fail_msg("case %zu: \"%s\" / \"%s\" lacks \"%s\"", i, err.field, err.text, bad[i].needle);
	}
	assert_int_equal(nk_agenda_json_read(agenda_json, strlen(agenda_json), "a.json", &a, NULL), NK_OK);
	{
		static const char missing[] = "{\"issues\": {\"claims\": {\"weight\": 1, \"scores\": "
					      "{\"300\": 1, \"600\": 0}}}}";

		assert_int_equal(nk_profile_json_read(a, missing, strlen(missing), "p.json", &p, &err),
				 NK_EINVAL);
		assert_string_equal(err.field, "p.json");
	}
	nk_agenda_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_domain_and_profile_with_genius_semantics),
		cmocka_unit_test(reservation_defaults_to_zero),
		cmocka_unit_test(refuses_with_file_line_and_reason),
		cmocka_unit_test(json_round_trip),
		cmocka_unit_test(json_refusals_name_the_place),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
