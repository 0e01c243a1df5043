/* helper record DIR: the record of one case as nakodo keeps it — the events' hash chain
 * with the server's countersignatures, a Merkle log of thirteen leaves holding the
 * case's closing statement at index 9, the receipt signed by the server and both
 * parties, and consistency proofs between earlier sizes and the checkpoint's — written
 * to DIR/record.txt and DIR/receipt.txt for interop.py to check from the documents. */
#include "helper.h"

#include <nakodo/ledger.h>

#include <stdlib.h>
#include <string.h>

#define CASE_ID "interop-case-7"
#define LEAVES 13
#define AT 9

static int fail(const char *what, const struct nk_error *err)
{
	fprintf(stderr, "helper: %s: %s\n", what, err->text);
	return 1;
}

/* A batch of six leaves holding the last link's (the others another case's, which a
 * reader never sees), in the format written now (v2: salted leaves at secret slots,
 * secret empty subtrees, a permuted id): the batch's id, the link's slot, its proof and
 * the batch's signature into the manifest; then the same link in a batch of the first
 * format (v1), as older logs hold it, as "v1-…" lines (doc/crypto.md, "Batches"). */
#define BATCH_NUMBER 41
#define BATCH_LEAVES 6
#define BATCH_AT 4

static void put_batch(FILE *m, const char *prefix, uint64_t number, uint32_t index,
		      uint8_t path[NK_BATCH_DEPTH][NK_HASH_BYTES],
		      const uint8_t sig[static NK_SIGNATURE_BYTES],
		      const uint8_t ref[static NK_SIGNATURE_BYTES])
{
	char name[32];

	fprintf(m, "%sbatch-number %llu\n%sbatch-index %u\n", prefix, (unsigned long long)number,
		prefix, index);
	snprintf(name, sizeof(name), "%sbatch-proof", prefix);
	for (int k = 0; k < NK_BATCH_DEPTH; k++)
		put_hex(m, name, path[k], NK_HASH_BYTES);
	snprintf(name, sizeof(name), "%sbatch-sig", prefix);
	put_hex(m, name, sig, NK_SIGNATURE_BYTES);
	snprintf(name, sizeof(name), "%sbatch-ref", prefix);
	put_hex(m, name, ref, NK_SIGNATURE_BYTES);
}

static int batch(FILE *m, const struct nk_server_key *server, int64_t seq,
		 const uint8_t head[static NK_HASH_BYTES], uint8_t ref_out[static NK_SIGNATURE_BYTES])
{
	uint8_t leaves[BATCH_LEAVES][NK_HASH_BYTES], path[NK_BATCH_DEPTH][NK_HASH_BYTES];
	uint8_t root[NK_HASH_BYTES], sig[NK_SIGNATURE_BYTES], v1_ref[NK_SIGNATURE_BYTES];
	struct nk_batch_ref ref = { 0 }, other = { 0 };
	const struct nk_batch_ref v1 = { .number = BATCH_NUMBER, .index = BATCH_AT };
	struct nk_batch_secret b;
	struct nk_error err = { 0 };

	for (int i = 0; i < BATCH_LEAVES; i++)
		if ((i == BATCH_AT ? nk_batch_salted_leaf(server, CASE_ID, seq, head, &ref,
							  leaves[i], &err) :
		     nk_batch_salted_leaf(server, "interop-case-other", i + 1, head, &other,
					  leaves[i], &err)) != NK_OK)
			return fail("batch leaf", &err);
	nk_batch_secret_make(server, BATCH_NUMBER, true, &b);
	ref.number = b.id;
	ref.index = nk_batch_slot(&b, BATCH_AT);
	if (nk_batch_root_salted(&b, (const uint8_t (*)[NK_HASH_BYTES])leaves, BATCH_LEAVES,
				 ref.index, path, root, &err) != NK_OK)
		return fail("batch root", &err);
	nk_batch_sign_salted(server, b.id, root, sig);
	nk_batch_ref_encode(&ref, ref_out);
	put_batch(m, "", ref.number, ref.index, path, sig, ref_out);
	/* v1 */
	for (int i = 0; i < BATCH_LEAVES; i++)
		if (nk_batch_leaf(i == BATCH_AT ? CASE_ID : "interop-case-other", i == BATCH_AT ?
				  seq : i + 1, head, leaves[i], &err) != NK_OK)
			return fail("batch leaf", &err);
	if (nk_batch_root((const uint8_t (*)[NK_HASH_BYTES])leaves, BATCH_LEAVES, BATCH_AT, path,
			  root, &err) != NK_OK)
		return fail("batch root", &err);
	nk_batch_sign(server, BATCH_NUMBER, root, sig);
	nk_batch_ref_encode(&v1, v1_ref);
	put_batch(m, "v1-", BATCH_NUMBER, BATCH_AT, path, sig, v1_ref);
	return 0;
}

/* The case's events, chained into the manifest: the first two countersigned, the third
 * naming an earlier batch (vouched for by the last, as a covered link), the fourth
 * covered (none of its own), the last naming its batch, whose proof follows; head gets
 * the last link. */
static int chain(FILE *m, const struct nk_server_key *server, uint8_t head[static NK_HASH_BYTES])
{
	static const struct {
		const char *actor, *type, *body;
	} events[] = {
		{ "mediator", "opened", "{\"rules\":{\"rounds\":3,\"settle\":\"midpoint\"}}" },
		{ "claimant", "joined", "{\"role\":\"claimant\"}" },
		{ "payer", "joined", "{\"role\":\"payer\"}" },
		{ "server", "tick", "" },
		{ "server", "closed", "{\"outcome\":\"settled\"}" },
	};
	uint8_t prev[NK_HASH_BYTES] = { 0 }, sig[NK_SIGNATURE_BYTES];
	struct nk_error err = { 0 };
	const size_t count = sizeof(events) / sizeof(events[0]);
	const struct nk_batch_ref earlier = { .number = BATCH_NUMBER - 1, .index = 2 };

	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		struct nk_event ev = { .seq = (int64_t)i + 1,
				       .time_ms = 1700000000000 + 1000 * (int64_t)i,
				       .body = (char *)events[i].body };

		snprintf(ev.actor, sizeof(ev.actor), "%s", events[i].actor);
		snprintf(ev.type, sizeof(ev.type), "%s", events[i].type);
		if (nk_chain_hash(prev, CASE_ID, &ev, prev, &err) != NK_OK)
			return fail("chain", &err);
		/* "tick" is covered by the countersignature of the event after it, as a
		 * figure that completes its round is by the round's outcome */
		if (strcmp(ev.type, "tick") == 0)
			memset(sig, 0, sizeof(sig));
		else if (i == 2)
			nk_batch_ref_encode(&earlier, sig);
		else if (i + 1 == count) {
			if (batch(m, server, ev.seq, prev, sig))
				return 1;
		} else
			nk_countersign(server, prev, sig);
		fprintf(m, "event %lld %lld %s %s\n", (long long)ev.seq, (long long)ev.time_ms,
			ev.actor, ev.type);
		put_hex(m, "body", (const uint8_t *)ev.body, strlen(ev.body));
		put_hex(m, "link", prev, sizeof(prev));
		put_hex(m, "countersig", sig, sizeof(sig));
	}
	memcpy(head, prev, NK_HASH_BYTES);
	fprintf(m, "events %zu\n", sizeof(events) / sizeof(events[0]));
	return 0;
}

/* Consistency proofs from a few earlier sizes to the whole log. */
static int consistency(FILE *m, const struct nk_merkle_log *log)
{
	static const uint64_t sizes[] = { 1, 4, 7, 8, 12, LEAVES };
	uint8_t (*proof)[NK_HASH_BYTES] = calloc(NK_MERKLE_PROOF_MAX, NK_HASH_BYTES);
	uint8_t root[NK_HASH_BYTES];
	struct nk_error err = { 0 };
	size_t len;
	int rc = 1;

	if (!proof)
		return 1;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (nk_merkle_log_consistency(log, sizes[i], LEAVES, proof, &len, &err) != NK_OK ||
		    nk_merkle_log_root(log, sizes[i], root, &err) != NK_OK) {
			fail("consistency", &err);
			goto out;
		}
		fprintf(m, "consistency %llu %d\n", (unsigned long long)sizes[i], LEAVES);
		put_hex(m, "old-root", root, sizeof(root));
		for (size_t k = 0; k < len; k++)
			put_hex(m, "cproof", proof[k], NK_HASH_BYTES);
	}
	rc = 0;
out:
	free(proof);
	return rc;
}

int cmd_record(int argc, char **argv)
{
	struct nk_server_key *server = NULL;
	struct nk_party_key *party[2] = { NULL, NULL };
	struct nk_merkle_log *log = NULL;
	struct nk_receipt *r = calloc(1, sizeof(*r));
	struct nk_receipt_report report;
	struct nk_identity id;
	struct nk_error err = { 0 };
	uint8_t pk[NK_PUBLIC_KEY_BYTES], leaf[NK_HASH_BYTES], root[NK_HASH_BYTES];
	char path[4096], *text = NULL;
	size_t text_len = 0;
	FILE *m = NULL;
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: helper record DIR\n");
		free(r);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/record.txt", argv[2]);
	if (!r || !(m = fopen(path, "w"))) {
		fprintf(stderr, "helper: cannot write %s\n", path);
		goto out;
	}
	if (nk_server_key_generate(&server, &err) != NK_OK ||
	    nk_party_key_generate(&party[0], &err) != NK_OK ||
	    nk_party_key_generate(&party[1], &err) != NK_OK ||
	    nk_merkle_log_new(&log, &err) != NK_OK) {
		fail("keys", &err);
		goto out;
	}
	nk_server_key_public(server, pk);
	put_hex(m, "server-key", pk, sizeof(pk));
	fprintf(m, "case %s\n", CASE_ID);
	if (chain(m, server, r->statement.head))
		goto out;
	snprintf(r->statement.case_id, sizeof(r->statement.case_id), "%s", CASE_ID);
	snprintf(r->statement.outcome, sizeof(r->statement.outcome), "settled");
	r->statement.events = 5;
	r->statement.closed_ms = 1700000004000;
	nk_server_key_id(server, r->statement.key_id);
	for (int i = 0; i < 2; i++) {
		nk_party_key_identity(party[i], &id);
		r->statement.has_party_key[i] = true;
		memcpy(r->statement.party_key[i], id.sign, NK_PUBLIC_KEY_BYTES);
	}
	for (int i = 0; i < LEAVES; i++) {
		char other[32];
		int n = snprintf(other, sizeof(other), "another case's statement %d", i);

		if (i == AT) {
			if (nk_statement_leaf(&r->statement, leaf, &err) != NK_OK) {
				fail("statement", &err);
				goto out;
			}
		} else {
			nk_merkle_leaf_hash((const uint8_t *)other, (size_t)n, leaf);
		}
		if (nk_merkle_log_append(log, leaf, NULL, &err) != NK_OK) {
			fail("log", &err);
			goto out;
		}
		put_hex(m, "leaf", leaf, sizeof(leaf));
	}
	if (nk_receipt_sign_statement(server, r, &err) != NK_OK ||
	    nk_receipt_sign_party(party[0], NK_CLAIMANT, r, &err) != NK_OK ||
	    nk_receipt_sign_party(party[1], NK_PAYER, r, &err) != NK_OK ||
	    nk_merkle_log_inclusion(log, AT, LEAVES, r->proof, &r->proof_len, &err) != NK_OK ||
	    nk_merkle_log_root(log, LEAVES, root, &err) != NK_OK) {
		fail("receipt", &err);
		goto out;
	}
	r->leaf_index = AT;
	nk_checkpoint_sign(server, LEAVES, root, 1700000500000, &r->checkpoint);
	if (nk_receipt_verify(r, pk, &report, &err) != NK_OK) {
		fail("own receipt", &err);
		goto out;
	}
	if (consistency(m, log))
		goto out;
	if (nk_receipt_format(r, &text, &text_len, &err) != NK_OK) {
		fail("receipt text", &err);
		goto out;
	}
	if (write_file(argv[2], "receipt.txt", text, text_len))
		goto out;
	rc = 0;
out:
	if (m && fclose(m) != 0)
		rc = 1;
	free(text);
	free(r);
	nk_merkle_log_free(log);
	nk_party_key_free(party[0]);
	nk_party_key_free(party[1]);
	nk_server_key_free(server);
	return rc;
}
