/* libFuzzer harness for the GENIUS XML readers: the input is read as a domain, and as a
 * profile over a fixed three-issue domain. An accepted profile must give the same frontier
 * by the fold as by enumeration. */
#include <nakodo/frontier.h>
#include <nakodo/agenda_formats.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char domain[] =
	"<negotiation_template><utility_space><objective name=\"f\">"
	"<issue index=\"1\" name=\"a\" type=\"discrete\"><item value=\"x\"/><item value=\"y\"/></issue>"
	"<issue index=\"2\" name=\"b\" type=\"integer\" lowerbound=\"1\" upperbound=\"4\"/>"
	"<issue index=\"3\" name=\"c\" type=\"discrete\"><item value=\"p\"/><item value=\"q\"/>"
	"<item value=\"r\"/></issue></objective></utility_space></negotiation_template>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nk_agenda *a = NULL, *fixed = NULL;
	struct nk_profile *p = NULL;
	struct nk_frontier *f = NULL, *g = NULL;

	if (nk_genius_read_domain((const char *)data, size, "fuzz.xml", &a, NULL) == NK_OK &&
	    nk_agenda_check(a, NULL) != NK_OK)
		abort();
	if (nk_genius_read_domain(domain, sizeof(domain) - 1, "domain.xml", &fixed, NULL) != NK_OK)
		abort();
	if (nk_genius_read_profile(fixed, (const char *)data, size, "fuzz.xml", &p, NULL) == NK_OK) {
		const struct nk_profile *pp[2] = { p, p };

		if (nk_frontier_compute(fixed, pp, 2, NULL, &f, NULL) != NK_OK ||
		    nk_frontier_enumerate(fixed, pp, 2, NULL, 1e6, &g, NULL) != NK_OK ||
		    f->npoints != g->npoints || f->points[0].count != g->points[0].count)
			abort();
	}
	nk_frontier_free(f);
	nk_frontier_free(g);
	nk_profile_free(p);
	nk_agenda_free(fixed);
	nk_agenda_free(a);
	return 0;
}
