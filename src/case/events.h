/* The stored events of a case: their types, and the codec their bodies are written and
 * replayed with. The log outlives any one version of nakodo, so its bodies are read by
 * this codec alone, never by the public API's (which may grow fields and tighten its
 * checks): each body is replayed by what was valid when it was written. */
#ifndef NAKODO_CASE_EVENTS_H
#define NAKODO_CASE_EVENTS_H

#include <nakodo/package.h>

#include <jansson.h>

/* Every type of event a case's log may hold. The names (case_event_name) are what the
 * log stores: they never change, whatever the enum's order. */
enum case_event {
	CASE_EV_OPENED,
	CASE_EV_FIGURE,
	CASE_EV_EXTENSION,
	CASE_EV_ROUND,
	CASE_EV_IMPASSE,
	CASE_EV_PROPOSAL,
	CASE_EV_ANSWER,
	CASE_EV_PROPOSAL_RESULT,
	CASE_EV_SETTLED,
	CASE_EV_CLOSED,
	CASE_EV_PURGED,
	CASE_EV_JOINED,
	CASE_EV_MESSAGE,
	CASE_EV_DEPOSITED,
	CASE_EV_RELEASED,
	CASE_EV_WITHDRAWN,
	CASE_EV_TOKEN,
	CASE_EV_PACKAGE_SUBMITTED,
	CASE_EV_PACKAGE_ROUND,
	CASE_EV_PACKAGE_ANSWER,
	CASE_EV_PACKAGE_RESULT,
	CASE_EV_COUNT
};

/* The stored name of type ("opened", "proposal-result", "package_result" ...). */
const char *case_event_name(enum case_event type);

/* The type stored as name; false for a name no version of nakodo wrote. */
bool case_event_find(const char *name, enum case_event *out);

/* A body's version: its "v" member, or 1 when it has none (every body written before
 * versions were counted, and every version-1 body since, so that their bytes never
 * changed). NK_ECORRUPT for a version above what this nakodo writes for type: a log
 * written by a newer nakodo is refused whole rather than half understood. */
NK_MUST_USE enum nk_status case_event_version(enum case_event type, const json_t *body,
					      int *version, struct nk_error *err);

/* "opened", a case of figures, version 1: {"rules": RULES, "seed_commitment": HEX}.
 * The encoder returns a new reference, NULL when out of memory. The decoder reads the
 * rules as version 1 wrote them: unknown members are ignored and only what the fold and
 * the replay rely on is checked (nk_rules_check_sound, not nk_rules_check, whose policy
 * may since have tightened); NK_ECORRUPT naming "log" otherwise. */
json_t *case_event_opened_encode(const struct nk_rules *rules,
				 const uint8_t commitment[static 32]);
NK_MUST_USE enum nk_status case_event_opened_decode(const json_t *body, struct nk_rules *rules,
						    uint8_t commitment[static 32],
						    struct nk_error *err);

/* "opened", a package case, version 1: {"kind": "package", "frame": FRAME}, read as
 * leniently as the rules above. */
json_t *case_event_package_opened_encode(const struct nk_package_frame *frame);
NK_MUST_USE enum nk_status case_event_package_opened_decode(const json_t *body,
							    struct nk_package_frame *frame,
							    struct nk_error *err);

/* The kind an opening names: its "kind" member, or "figures" when it has none (the
 * cases opened before kinds were named). NULL when "kind" is not a string. */
const char *case_event_opened_kind(const json_t *body);

#endif
