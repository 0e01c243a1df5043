/* JSON shapes the server sends and the command prints alike (wire.c). */
#ifndef NAKODO_SERVER_WIRE_H
#define NAKODO_SERVER_WIRE_H

#include <nakodo/store.h>

#include <jansson.h>

/* {"case": ID, "events": [{seq, time_ms, actor, type, body, chain, countersignature},
 * …]}, the link in lowercase hex: a new reference, or NULL when out of memory. */
json_t *wire_log_to_json(const char *case_id, const struct nk_event_list *log);

#endif
