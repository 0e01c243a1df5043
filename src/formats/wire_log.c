/* JSON shapes that the server sends and the command prints alike, so that a remote
 * command's --json output is the local one byte for byte. */
#include <nakodo/wire.h>
#include <nakodo/json_build.h>

#include <sodium.h>

json_t *nk_wire_log_to_json(const char *case_id, const struct nk_event_list *log)
{
	json_t *events = json_array();

	for (size_t i = 0; events && i < log->count; i++) {
		const struct nk_event *ev = &log->events[i];
		char chain[2 * NK_CHAIN_BYTES + 1] = "", sig[2 * NK_COUNTERSIG_BYTES + 1] = "";

		if (ev->linked) {
			sodium_bin2hex(chain, sizeof(chain), ev->chain, sizeof(ev->chain));
			sodium_bin2hex(sig, sizeof(sig), ev->countersig, sizeof(ev->countersig));
		}
		if (json_array_append_new(events, json_pack("{s:I, s:I, s:s, s:s, s:o, s:s, s:s}",
			"seq", (json_int_t)ev->seq, "time_ms", (json_int_t)ev->time_ms,
			"actor", ev->actor, "type", ev->type,
			"body", nk_json_loads_exact(ev->body, 0, NK_JSON_CANONICAL), "chain", chain,
			"countersignature", sig)) != 0) {
			json_decref(events);
			return NULL;
		}
	}
	return json_pack("{s:s, s:o}", "case", case_id, "events", events);
}

enum nk_status nk_wire_log_add_proof(json_t *log, const struct nk_batch_proof *proof)
{
	json_t *path = json_array(), *batch;
	char hex[2 * NK_SIGNATURE_BYTES + 1];

	for (int k = 0; path && k < NK_BATCH_DEPTH; k++) {
		sodium_bin2hex(hex, sizeof(hex), proof->path[k], NK_HASH_BYTES);
		if (json_array_append_new(path, json_string(hex)) != 0) {
			json_decref(path);
			path = NULL;
		}
	}
	if (!path)
		return NK_ENOMEM;
	sodium_bin2hex(hex, sizeof(hex), proof->sig, NK_SIGNATURE_BYTES);
	batch = json_pack("{s:I, s:I, s:o, s:s}", "number", (json_int_t)proof->ref.number,
			  "index", (json_int_t)proof->ref.index, "proof", path, "signature", hex);
	return batch && json_object_set_new(log, "batch", batch) == 0 ? NK_OK : NK_ENOMEM;
}
