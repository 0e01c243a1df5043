/* GENIUS files nakodo reads as GENIUS 10.4 does (issue 15): issues typed by vtype, a
 * weight for the root objective, an issue whose evaluations are all 0, non-linear spaces
 * that are linear in disguise (and the refusal of the others, saying what is supported),
 * a domain and a profile given in each other's place. */
#include <nakodo/domain.h>
#include <nakodo/agenda_formats.h>
#include <nakodo/frontier.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const char domain_xml[] =
	"<negotiation_template>\n<utility_space number_of_issues=\"3\">\n"
	"<objective index=\"0\" name=\"deal\" type=\"objective\">\n"
	"  <issue index=\"1\" name=\"size\" vtype=\"integer\" lowerbound=\"0\" upperbound=\"3\"/>\n"
	"  <issue index=\"2\" name=\"days\" vtype=\"integer\" lowerbound=\"0\" upperbound=\"3\"/>\n"
	"  <issue index=\"3\" name=\"colour\" vtype=\"discrete\">\n"
	"    <item index=\"1\" value=\"red\"/><item index=\"2\" value=\"blue\"/></issue>\n"
	"</objective>\n</utility_space>\n</negotiation_template>\n";

/* Linear; weights include one for the objective's own index 0 (GENIUS ignores it);
 * colour's evaluations are all 0 (the issue weighs nothing). */
static const char linear_xml[] =
	"<utility_space>\n<objective index=\"0\" name=\"deal\" type=\"objective\">\n"
	"  <weight index=\"0\" value=\"1.0\"/>\n"
	"  <weight index=\"1\" value=\"0.5\"/><weight index=\"2\" value=\"0.3\"/>\n"
	"  <weight index=\"3\" value=\"0.2\"/>\n"
	"  <issue index=\"1\" name=\"size\" vtype=\"integer\" lowerbound=\"0\" upperbound=\"3\">\n"
	"    <evaluator ftype=\"linear\" offset=\"0.1\" slope=\"0.3\"/></issue>\n"
	"  <issue index=\"2\" name=\"days\" vtype=\"integer\" lowerbound=\"0\" upperbound=\"3\">\n"
	"    <evaluator ftype=\"linear\" offset=\"1\" slope=\"-0.25\"/></issue>\n"
	"  <issue index=\"3\" name=\"colour\" vtype=\"discrete\">\n"
	"    <item value=\"red\" evaluation=\"0\"/><item value=\"blue\" evaluation=\"0\"/></issue>\n"
	"</objective>\n<reservation value=\"0.2\"/>\n</utility_space>\n";

/* Non-linear, but a sum of one-issue rectangles: size 0-1 scores 4, 2-3 scores 2; days 3
 * scores 6, days 0-1 scores 4 x 0.5 in a nested ufun; 1 for every outcome; over 10. */
static const char nonlinear_xml[] =
	"<utility_space type=\"nonlinear\">\n<objective index=\"0\" name=\"deal\">\n"
	"  <issue index=\"1\" name=\"size\" type=\"integer\" lowerbound=\"0\" upperbound=\"3\"/>\n"
	"  <issue index=\"2\" name=\"days\" type=\"integer\" lowerbound=\"0\" upperbound=\"3\"/>\n"
	"  <issue index=\"3\" name=\"colour\" type=\"discrete\">\n"
	"    <item value=\"red\"/><item value=\"blue\"/></issue>\n"
	"  <utility maxutility=\"10\">\n"
	"   <ufun type=\"PlainUfun\" weight=\"1\" aggregation=\"sum\">\n"
	"    <hyperRectangle utility_function=\"1\" utility=\"4\">\n"
	"      <INCLUDES index=\"1\" min=\"0\" max=\"1\"/></hyperRectangle>\n"
	"    <hyperRectangle utility_function=\"1\" utility=\"2\">\n"
	"      <INCLUDES index=\"1\" min=\"2\" max=\"3\"/></hyperRectangle>\n"
	"    <hyperRectangle utility_function=\"1\" utility=\"6\">\n"
	"      <INCLUDES index=\"2\" min=\"3\" max=\"3\"/></hyperRectangle>\n"
	"    <hyperRectangle utility_function=\"1\" utility=\"1\"></hyperRectangle>\n"
	"    <ufun weight=\"0.5\" aggregation=\"sum\">\n"
	"      <hyperRectangle utility_function=\"1\" utility=\"4\">\n"
	"        <INCLUDES index=\"2\" min=\"0\" max=\"1\"/></hyperRectangle>\n"
	"    </ufun>\n"
	"   </ufun>\n"
	"  </utility>\n"
	"</objective>\n<reservation value=\"0.25\"/>\n</utility_space>\n";

static struct nk_agenda *domain(void)
{
	struct nk_agenda *a = NULL;

	assert_int_equal(nk_genius_read_domain(domain_xml, strlen(domain_xml), "d.xml", &a, NULL),
			 NK_OK);
	return a;
}

static void reads_vtype_root_weight_and_zero_issue(void **state)
{
	struct nk_agenda *a = domain();
	struct nk_profile *p = NULL;
	struct nk_error err = { 0 };
	uint32_t o[3] = { 3, 0, 1 };

	(void)state;
	assert_int_equal(a->issues[0].kind, NK_ISSUE_INTEGER);
	assert_int_equal(a->issues[2].kind, NK_ISSUE_DISCRETE);
	assert_int_equal(nk_genius_read_profile(a, linear_xml, strlen(linear_xml), "l.xml", &p, &err),
			 NK_OK);
	/* 0.5 x (0.1 + 0.3 x 3) + 0.3 x 1 + 0.2 x 0 */
	assert_true(nk_profile_utility(p, o) > 0.8 - 1e-12 && nk_profile_utility(p, o) < 0.8 + 1e-12);
	assert_true(p->valuations[2].scores[0] == 0 && p->valuations[2].scores[1] == 0);
	nk_profile_free(p);
	nk_agenda_free(a);
}

static void reads_nonlinear_sum_of_rectangles(void **state)
{
	static const double size[] = { 0.4 + 0.1, 0.4 + 0.1, 0.2 + 0.1, 0.2 + 0.1 };
	static const double days[] = { 0.2, 0.2, 0, 0.6 };
	struct nk_agenda *a = domain();
	struct nk_profile *p = NULL, *q = NULL;
	struct nk_error err = { 0 };
	struct nk_frontier *f = NULL;

	(void)state;
	assert_int_equal(nk_genius_read_profile(a, nonlinear_xml, strlen(nonlinear_xml), "n.xml",
						&p, &err), NK_OK);
	for (uint32_t s = 0; s < 4; s++)
		for (uint32_t d = 0; d < 4; d++) {
			uint32_t o[3] = { s, d, 0 };
			double u = nk_profile_utility(p, o), want = size[s] + days[d];

			want = want > 1 ? 1 : want;

			assert_true(u > want - 1e-12 && u < want + 1e-12);
		}
	assert_true(p->reservation == 0.25);
	/* And it analyses like any profile, exactly: size 0 with days 3 is 1.1, capped. */
	assert_int_equal(nk_genius_read_profile(a, linear_xml, strlen(linear_xml), "l.xml", &q,
						&err), NK_OK);
	{
		const struct nk_profile *pp[2] = { p, q };

		assert_int_equal(nk_frontier_compute(a, pp, 2, NULL, &f, &err), NK_OK);
		assert_true(f->exact);
		assert_true(f->points[f->npoints - 1].utility[0] == 1.0);
		nk_frontier_free(f);
	}
	nk_profile_free(q);
	nk_profile_free(p);
	nk_agenda_free(a);
}

static void refuses(const struct nk_agenda *a, const char *from, const char *to,
		    const char *says)
{
	char buf[sizeof(nonlinear_xml) + 64];
	struct nk_profile *p = NULL;
	struct nk_error err = { 0 };
	char *at;

	snprintf(buf, sizeof(buf), "%s", nonlinear_xml);
	at = strstr(buf, from);
	assert_non_null(at);
	memmove(at + strlen(to), at + strlen(from), strlen(at + strlen(from)) + 1);
	memcpy(at, to, strlen(to));
	assert_int_equal(nk_genius_read_profile(a, buf, strlen(buf), "n.xml", &p, &err), NK_EINVAL);
	assert_null(p);
	assert_non_null(strstr(err.field, "n.xml:"));
	assert_non_null(strstr(err.text, says));
}

static void refuses_truly_nonlinear_saying_what_is_supported(void **state)
{
	struct nk_agenda *a = domain();

	(void)state;
	refuses(a, "weight=\"1\" aggregation=\"sum\"", "weight=\"1\" aggregation=\"max\"",
		"sum of one-issue hyperRectangles");
	refuses(a, "<INCLUDES index=\"1\" min=\"0\" max=\"1\"/>",
		"<INCLUDES index=\"1\" min=\"0\" max=\"1\"/><INCLUDES index=\"2\" min=\"0\" max=\"1\"/>",
		"several issues");
	refuses(a, "<INCLUDES index=\"1\" min=\"2\"", "<EXCLUDES index=\"1\" min=\"2\"",
		"EXCLUDES");
	refuses(a, "<INCLUDES index=\"2\" min=\"3\"", "<INCLUDES index=\"3\" min=\"3\"",
		"integer issue");
	nk_agenda_free(a);
}

static void swapped_files_are_named(void **state)
{
	struct nk_agenda *a = NULL;
	struct nk_profile *p = NULL;
	struct nk_error err = { 0 };

	(void)state;
	assert_int_equal(nk_genius_read_domain(linear_xml, strlen(linear_xml), "l.xml", &a, &err),
			 NK_EINVAL);
	assert_string_equal(err.field, "l.xml");
	assert_non_null(strstr(err.text, "profile"));
	assert_int_equal(nk_genius_read_domain(nonlinear_xml, strlen(nonlinear_xml), "n.xml", &a,
					       &err), NK_EINVAL);
	assert_non_null(strstr(err.text, "profile"));
	a = domain();
	assert_int_equal(nk_genius_read_profile(a, domain_xml, strlen(domain_xml), "d.xml", &p,
						&err), NK_EINVAL);
	assert_string_equal(err.field, "d.xml");
	assert_non_null(strstr(err.text, "domain"));
	assert_null(p);
	nk_agenda_free(a);
}

/* The non-linear profile and the linear one written back as GENIUS XML read back to the
 * same utilities on every outcome. */
static void writes_back_what_it_read(void **state)
{
	struct nk_agenda *a = domain(), *b = NULL;
	struct nk_profile *p[2] = { NULL, NULL }, *q[2] = { NULL, NULL };
	struct nk_error err = { 0 };
	char *xml = NULL;

	(void)state;
	assert_int_equal(nk_genius_read_profile(a, nonlinear_xml, strlen(nonlinear_xml), "n.xml",
						&p[0], &err), NK_OK);
	assert_int_equal(nk_genius_read_profile(a, linear_xml, strlen(linear_xml), "l.xml", &p[1],
						&err), NK_OK);
	assert_int_equal(nk_genius_write_domain(a, (const struct nk_profile *const *)p, 2, &xml,
						&err), NK_OK);
	assert_int_equal(nk_genius_read_domain(xml, strlen(xml), "d2.xml", &b, &err), NK_OK);
	free(xml);
	/* size is scored by rectangles for party 1: no longer an integer issue */
	assert_int_equal(b->issues[0].kind, NK_ISSUE_DISCRETE);
	for (size_t k = 0; k < 2; k++) {
		assert_int_equal(nk_genius_write_profile(a, (const struct nk_profile *const *)p, 2, k,
							 &xml, &err), NK_OK);
		assert_int_equal(nk_genius_read_profile(b, xml, strlen(xml), "p2.xml", &q[k], &err),
				 NK_OK);
		free(xml);
		assert_true(q[k]->reservation == p[k]->reservation);
		for (uint32_t s = 0; s < 4; s++)
			for (uint32_t d = 0; d < 4; d++)
				for (uint32_t c = 0; c < 2; c++) {
					uint32_t o[3] = { s, d, c };
					double x = nk_profile_utility(p[k], o), y = nk_profile_utility(q[k], o);

					assert_true(x - y < 1e-12 && y - x < 1e-12);
				}
	}
	for (size_t k = 0; k < 2; k++) {
		nk_profile_free(p[k]);
		nk_profile_free(q[k]);
	}
	nk_agenda_free(b);
	nk_agenda_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_vtype_root_weight_and_zero_issue),
		cmocka_unit_test(reads_nonlinear_sum_of_rectangles),
		cmocka_unit_test(refuses_truly_nonlinear_saying_what_is_supported),
		cmocka_unit_test(swapped_files_are_named),
		cmocka_unit_test(writes_back_what_it_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
