/* The hash chain of a case's events and the server's countersignature of each link.
 * An event's canonical bytes bind everything the store keeps of it and the link
 * before it, so no event can be changed, dropped, reordered or moved to another case
 * without every later link changing. */
#include "crypto/crypto_impl.h"

#include <nakodo/ledger.h>

#include <sodium.h>
#include <string.h>

/* The event's fixed fields, before its body: tag, case id, seq, time, actor, type and
 * the body's length. */
#define EVENT_HEAD_MAX (sizeof(TAG_EVENT) + 1 + NK_CASE_ID_MAX + 8 + 8 + 1 + \
			NK_EVENT_ACTOR_MAX + 1 + NK_EVENT_TYPE_MAX + 4)

enum nk_status nk_chain_hash(const uint8_t prev[static NK_HASH_BYTES], const char *case_id,
			     const struct nk_event *ev, uint8_t out[static NK_HASH_BYTES],
			     struct nk_error *err)
{
	uint8_t head[EVENT_HEAD_MAX];
	struct writer w = { .buf = head, .cap = sizeof(head) };
	size_t body_len = ev->body ? strlen(ev->body) : 0;

	if (!nk_case_id_valid(case_id) || ev->seq < 1 ||
	    strnlen(ev->actor, NK_EVENT_ACTOR_MAX) == NK_EVENT_ACTOR_MAX ||
	    strnlen(ev->type, NK_EVENT_TYPE_MAX) == NK_EVENT_TYPE_MAX ||
	    body_len > NK_EVENT_BODY_MAX)
		return nk_fail(err, NK_EINVAL, "event", "event %lld of case %.64s is out of bounds",
			       (long long)ev->seq, case_id ? case_id : "");
	w_tag(&w, TAG_EVENT);
	w_str8(&w, case_id);
	w_u64(&w, (uint64_t)ev->seq);
	w_u64(&w, (uint64_t)ev->time_ms);
	w_str8(&w, ev->actor);
	w_str8(&w, ev->type);
	w_u32(&w, (uint32_t)body_len);
	if (w.overflow)
		return nk_fail(err, NK_EINVAL, "event", "event header too long");
	sha256_parts(out, head, w.len, ev->body, body_len, prev, NK_HASH_BYTES);
	return NK_OK;
}

static void countersign_bytes(const uint8_t key_id[static NK_KEY_ID_BYTES],
			      const uint8_t hash[static NK_HASH_BYTES],
			      uint8_t out[static sizeof(TAG_COUNTERSIGN) + NK_KEY_ID_BYTES + NK_HASH_BYTES])
{
	memcpy(out, TAG_COUNTERSIGN, sizeof(TAG_COUNTERSIGN));
	memcpy(out + sizeof(TAG_COUNTERSIGN), key_id, NK_KEY_ID_BYTES);
	memcpy(out + sizeof(TAG_COUNTERSIGN) + NK_KEY_ID_BYTES, hash, NK_HASH_BYTES);
}

void nk_countersign(const struct nk_server_key *key, const uint8_t hash[static NK_HASH_BYTES],
		    uint8_t sig[static NK_SIGNATURE_BYTES])
{
	uint8_t id[NK_KEY_ID_BYTES];
	uint8_t msg[sizeof(TAG_COUNTERSIGN) + NK_KEY_ID_BYTES + NK_HASH_BYTES];

	nk_server_key_id(key, id);
	countersign_bytes(id, hash, msg);
	nk_server_key_sign(key, msg, sizeof(msg), sig);
}

enum nk_status nk_countersign_verify(const uint8_t server[static NK_PUBLIC_KEY_BYTES],
				     const uint8_t hash[static NK_HASH_BYTES],
				     const uint8_t sig[static NK_SIGNATURE_BYTES],
				     struct nk_error *err)
{
	uint8_t id[NK_KEY_ID_BYTES];
	uint8_t msg[sizeof(TAG_COUNTERSIGN) + NK_KEY_ID_BYTES + NK_HASH_BYTES];

	nk_key_id(server, id);
	countersign_bytes(id, hash, msg);
	if (crypto_sign_verify_detached(sig, msg, sizeof(msg), server) != 0)
		return nk_fail(err, NK_ECRYPTO, "countersignature", "the link is not countersigned "
			       "by this server's key");
	return NK_OK;
}

bool nk_countersig_none(const uint8_t sig[static NK_SIGNATURE_BYTES])
{
	static const uint8_t zero[NK_SIGNATURE_BYTES];

	return sodium_memcmp(sig, zero, NK_SIGNATURE_BYTES) == 0;
}

enum nk_status nk_chain_verify(const uint8_t server[static NK_PUBLIC_KEY_BYTES], const char *case_id,
			       const struct nk_event *events, const struct nk_chain_link *links,
			       size_t count, uint8_t head[static NK_HASH_BYTES], size_t *bad,
			       struct nk_error *err)
{
	return nk_chain_verify_after(server, case_id, events, links, count, 0, head, bad, err);
}

enum nk_status nk_chain_verify_after(const uint8_t server[static NK_PUBLIC_KEY_BYTES],
				     const char *case_id, const struct nk_event *events,
				     const struct nk_chain_link *links, size_t count,
				     size_t unlinked, uint8_t head[static NK_HASH_BYTES],
				     size_t *bad, struct nk_error *err)
{
	return nk_chain_verify_proved(server, case_id, events, links, count, unlinked, NULL, head,
				      bad, err);
}

struct proof_arg {
	const uint8_t *server;
	const struct nk_batch_proof *proof;
};

/* A reader's vouching for a link in a batch: the last by its proof, any other by the
 * later link that binds it (as a covered one). */
static enum nk_status by_proof(void *arg, const char *case_id, int64_t seq, bool last,
			       const uint8_t head[static NK_HASH_BYTES],
			       const uint8_t ref[static NK_SIGNATURE_BYTES], struct nk_error *err)
{
	const struct proof_arg *a = arg;

	if (!last)
		return NK_OK;
	return nk_batch_proof_verify(a->server, case_id, seq, head, ref, a->proof, err);
}

enum nk_status nk_chain_verify_proved(const uint8_t server[static NK_PUBLIC_KEY_BYTES],
				      const char *case_id, const struct nk_event *events,
				      const struct nk_chain_link *links, size_t count,
				      size_t unlinked, const struct nk_batch_proof *last,
				      uint8_t head[static NK_HASH_BYTES], size_t *bad,
				      struct nk_error *err)
{
	struct proof_arg a = { .server = server, .proof = last };

	return nk_chain_verify_batched(server, case_id, events, links, count, unlinked, by_proof,
				       &a, head, bad, err);
}

enum nk_status nk_chain_verify_batched(const uint8_t server[static NK_PUBLIC_KEY_BYTES],
				       const char *case_id, const struct nk_event *events,
				       const struct nk_chain_link *links, size_t count,
				       size_t unlinked, nk_chain_batch_check *check, void *arg,
				       uint8_t head[static NK_HASH_BYTES], size_t *bad,
				       struct nk_error *err)
{
	uint8_t prev[NK_HASH_BYTES] = { 0 }, h[NK_HASH_BYTES];

	for (size_t i = 0; i < count; i++) {
		enum nk_status rc;

		if (events[i].seq != (int64_t)i + 1) {
			*bad = i;
			return nk_fail(err, NK_ECRYPTO, "chain", "event %zu has number %lld: the log "
				       "has a gap or is out of order", i + 1,
				       (long long)events[i].seq);
		}
		rc = nk_chain_hash(prev, case_id, &events[i], h, err);
		if (rc != NK_OK) {
			*bad = i;
			return rc;
		}
		if (i < unlinked) {
			memcpy(prev, h, sizeof(prev));
			continue;
		}
		if (sodium_memcmp(h, links[i].hash, NK_HASH_BYTES) != 0) {
			*bad = i;
			return nk_fail(err, NK_ECRYPTO, "chain", "event %zu does not hash to its "
				       "link: it or an earlier event was changed", i + 1);
		}
		/* without a countersignature of its own, the next countersigned link vouches
		 * for it (it binds this hash); the last link has no next */
		if (nk_countersig_none(links[i].sig) && i + 1 < count) {
			memcpy(prev, h, sizeof(prev));
			continue;
		}
		if (nk_countersig_none(links[i].sig)) {
			*bad = i;
			return nk_fail(err, NK_ECRYPTO, "chain", "event %zu, the last, has no "
				       "countersignature: the log was cut after an event a later "
				       "one was to vouch for", i + 1);
		}
		if (nk_batch_ref_decode(links[i].sig, NULL)) {
			struct nk_error why = { 0 };

			if (!check || check(arg, case_id, events[i].seq, i + 1 == count, h,
					    links[i].sig, &why) != NK_OK) {
				*bad = i;
				return nk_fail(err, NK_ECRYPTO, "chain", "event %zu's link is in a "
					       "batch this server's key did not sign: %s", i + 1,
					       check ? why.text : "no proof of it is given");
			}
		} else if (nk_countersign_verify(server, h, links[i].sig, NULL) != NK_OK) {
			*bad = i;
			return nk_fail(err, NK_ECRYPTO, "chain", "event %zu's link is not "
				       "countersigned by this server's key", i + 1);
		}
		memcpy(prev, h, sizeof(prev));
	}
	memcpy(head, prev, NK_HASH_BYTES);
	return NK_OK;
}
