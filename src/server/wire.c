/* JSON shapes that the server sends and the command prints alike, so that a remote
 * command's --json output is the local one byte for byte. */
#include "server/wire.h"

json_t *wire_log_to_json(const char *case_id, const struct nk_event_list *log)
{
	json_t *events = json_array();

	for (size_t i = 0; events && i < log->count; i++) {
		const struct nk_event *ev = &log->events[i];

		if (json_array_append_new(events, json_pack("{s:I, s:I, s:s, s:s, s:o}",
			"seq", (json_int_t)ev->seq, "time_ms", (json_int_t)ev->time_ms,
			"actor", ev->actor, "type", ev->type,
			"body", json_loads(ev->body, 0, NULL))) != 0) {
			json_decref(events);
			return NULL;
		}
	}
	return json_pack("{s:s, s:o}", "case", case_id, "events", events);
}
