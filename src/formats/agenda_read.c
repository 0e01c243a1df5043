/* The empty agenda and profile both readers fill, their last check, and a numeric
 * issue's range (agenda_read.h). */
#include "formats/agenda_read.h"

#include <stdio.h>
#include <stdlib.h>

enum nk_status agenda_read_new(size_t nissues, const char *file, struct nk_agenda **out,
			       struct nk_error *err)
{
	struct nk_agenda *ag = calloc(1, sizeof(*ag));

	if (ag)
		ag->issues = calloc(nissues, sizeof(*ag->issues));
	if (!ag || !ag->issues) {
		nk_agenda_free(ag);
		return nk_fail(err, NK_ENOMEM, file, "out of memory");
	}
	*out = ag;
	return NK_OK;
}

enum nk_status agenda_read_profile_new(const struct nk_agenda *agenda, const char *file,
				       struct nk_profile **out, struct nk_error *err)
{
	struct nk_profile *pr = calloc(1, sizeof(*pr));

	if (pr)
		pr->valuations = calloc(agenda->nissues, sizeof(*pr->valuations));
	if (!pr || !pr->valuations) {
		nk_profile_free(pr);
		return nk_fail(err, NK_ENOMEM, file, "out of memory");
	}
	pr->nissues = agenda->nissues;
	pr->discount = 1;
	*out = pr;
	return NK_OK;
}

enum nk_status agenda_read_done(struct nk_agenda **ag, struct nk_agenda **out,
				struct nk_error *err)
{
	enum nk_status rc = nk_agenda_check(*ag, err);

	if (rc == NK_OK) {
		*out = *ag;
		*ag = NULL;
	}
	return rc;
}

enum nk_status agenda_read_profile_done(const struct nk_agenda *agenda, struct nk_profile **pr,
					struct nk_profile **out, struct nk_error *err)
{
	enum nk_status rc = nk_profile_check(agenda, *pr, err);

	if (rc == NK_OK) {
		*out = *pr;
		*pr = NULL;
	}
	return rc;
}

enum nk_status agenda_read_numeric(struct nk_issue *is, char reason[static NK_ERROR_TEXT_MAX],
				   struct nk_error *err)
{
	enum nk_status rc = nk_issue_make_numeric(is, err);

	if (rc)
		snprintf(reason, NK_ERROR_TEXT_MAX, "%s", err ? err->text : "bad range");
	return rc;
}
