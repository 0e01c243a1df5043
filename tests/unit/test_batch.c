/* One server signature per batch (doc/crypto.md, "Batches"): on a grouped SQLite store
 * each commit's last link names its batch and leaf instead of carrying a signature, and
 * the batch's root is signed once as the group commits it. Here the group's committer is
 * held after its first flush, so that the commits of two cases share one batch, which the
 * test's own read then commits. Every change at rest a database writer without the
 * server's key could make is found: a forged leaf, a swapped batch signature, a link
 * moved to another batch's leaf; and a reader's proof holds for its own case only, and
 * only whole. A database from before batches opens and its logs still verify. */
#include "case/record.h"
#include "flush_gate.h"

#include <nakodo/case.h>
#include <nakodo/ledger.h>
#include <nakodo/store.h>
#include <nakodo/wire.h>

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct world {
	char dir[64], db[128], url[160];
	struct nk_server_key *signer;
	struct nk_store_group *group;
	struct nk_store *a, *b;
	struct nk_record_log *record;	/* NULL, or the envs' shared record (setup_kept) */
	struct nk_case_env ea, eb;
	struct gate gate;
};

static void rules_of(struct nk_rules *rules)
{
	nk_rules_default(rules, nk_currency_find("USD"));
	rules->rounds = 5;
	rules->proposals = 0;
}

/* The group, two deferred stores over it with their environments (sharing a record, as
 * a server's workers do, when kept), and a first case whose flush the committer is then
 * held in: later commits stay in the open batch. */
static int setup_with(void **state, bool kept)
{
	struct world *w = calloc(1, sizeof(*w));
	struct nk_rules rules;
	char first[NK_CASE_ID_MAX];

	if (!w || sodium_init() < 0 || nk_server_key_generate(&w->signer, NULL) != NK_OK)
		return -1;
	if (kept && nk_record_log_new(&w->record, NULL) != NK_OK)
		return -1;
	snprintf(w->dir, sizeof(w->dir), "/tmp/nakodo-batch-XXXXXX");
	if (!mkdtemp(w->dir))
		return -1;
	snprintf(w->db, sizeof(w->db), "%s/b.db", w->dir);
	snprintf(w->url, sizeof(w->url), "sqlite:%s", w->db);
	gate_init(&w->gate);
	if (nk_store_group_new(&w->group, w->url, NULL) != NK_OK)
		return -1;
	nk_store_group_on_flush(w->group, gate_on_flush, &w->gate);
	if (nk_store_open_grouped(&w->a, w->url, NK_STORE_CREATE | NK_STORE_DEFER_DURABLE,
				  w->group, NULL) != NK_OK ||
	    nk_store_open_grouped(&w->b, w->url, NK_STORE_DEFER_DURABLE, w->group, NULL) != NK_OK)
		return -1;
	w->ea = (struct nk_case_env){ .store = w->a, .signer = w->signer, .record = w->record };
	w->eb = (struct nk_case_env){ .store = w->b, .signer = w->signer, .record = w->record };
	rules_of(&rules);
	if (nk_case_open(&w->ea, &rules, first, NULL) != NK_OK ||
	    !gate_told(&w->gate, nk_store_durable_ticket(w->a)))
		return -1;
	*state = w;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, false);
}

/* The links' batch secrets kept by the record for the batch's other links and its
 * signature (case/record.c), instead of made again for each. */
static int setup_kept(void **state)
{
	return setup_with(state, true);
}

static int teardown(void **state)
{
	struct world *w = *state;
	const char *suffix[] = { "", ".key", "-wal", "-shm", ".server-key" };
	char path[200];

	gate_open(&w->gate);
	nk_store_close(w->a);
	nk_store_close(w->b);
	nk_store_group_free(w->group);
	nk_record_log_free(w->record);	/* after the group: its last batch is signed */
	nk_server_key_free(w->signer);
	gate_free(&w->gate);
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", w->db, suffix[i]);
		unlink(path);
	}
	rmdir(w->dir);
	free(w);
	return 0;
}

/* Runs text on the database file behind the stores' backs. */
static void sql(struct world *w, const char *text)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(w->db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static int64_t sql_int(struct world *w, const char *text)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	assert_int_equal(sqlite3_open(w->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, text, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Two cases, x through store a and y through store b, each opened and given a round
 * (three commits each), all in the one open batch. */
static void two_cases(struct world *w, char x[static NK_CASE_ID_MAX], char y[static NK_CASE_ID_MAX])
{
	struct nk_rules rules;

	rules_of(&rules);
	assert_int_equal(nk_case_open(&w->ea, &rules, x, NULL), NK_OK);
	assert_int_equal(nk_case_open(&w->eb, &rules, y, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&w->ea, x, NK_CLAIMANT, 90000000, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&w->eb, y, NK_CLAIMANT, 80000000, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&w->ea, x, NK_PAYER, 1000000, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&w->eb, y, NK_PAYER, 2000000, NULL), NK_OK);
}

static struct nk_batch_ref last_ref(const struct nk_event_list *log)
{
	struct nk_batch_ref ref = { 0 };

	assert_true(log->count > 0);
	assert_true(nk_batch_ref_decode(log->events[log->count - 1].countersig, &ref));
	return ref;
}

/* Where the store keeps the batch ref names: its number there and the leaf's place in
 * arrival order (v2 undone with the server's key; v1 as it is). */
static void place(const struct world *w, const struct nk_batch_ref *ref, uint64_t *row,
		  uint32_t *arrival)
{
	struct nk_batch_secret b;

	*row = ref->number;
	*arrival = ref->index;
	if (!ref->salted)
		return;
	assert_true(nk_batch_row(w->signer, ref->number, row));
	nk_batch_secret_make(w->signer, *row, false, &b);
	assert_true(b.id == ref->number);
	*arrival = nk_batch_arrival(&b, ref->index);
}

/* Every commit's last link names the batch, none carries a signature of its own, and
 * the two cases' six commits cost one signature: one row of the batches table. */
static void commits_share_one_signature(void **state)
{
	struct world *w = *state;
	struct nk_event_list lx = { 0 }, ly = { 0 };
	char x[NK_CASE_ID_MAX], y[NK_CASE_ID_MAX];
	int64_t before = sql_int(w, "SELECT count(*) FROM batches");
	struct nk_batch_ref rx, ry;

	two_cases(w, x, y);
	assert_int_equal(nk_case_log(&w->ea, x, &lx, NULL), NK_OK);	/* commits the batch */
	assert_int_equal(nk_case_log(&w->eb, y, &ly, NULL), NK_OK);
	rx = last_ref(&lx);
	ry = last_ref(&ly);
	assert_true(rx.number == ry.number);
	assert_true(rx.index != ry.index);
	for (size_t i = 0; i < lx.count; i++) {
		const uint8_t *sig = lx.events[i].countersig;

		assert_true(nk_countersig_none(sig) || nk_batch_ref_decode(sig, NULL));
	}
	assert_int_equal(sql_int(w, "SELECT count(*) FROM batches") - before, 1);
	/* the case goes on after its batch committed: another batch, another signature */
	assert_int_equal(nk_case_submit(&w->ea, x, NK_CLAIMANT, 85000000, NULL), NK_OK);
	nk_event_list_free(&lx);
	assert_int_equal(nk_case_log(&w->ea, x, &lx, NULL), NK_OK);
	{
		uint64_t r1 = 0, r2 = 0;
		uint32_t a1 = 0, a2 = 0;
		struct nk_batch_ref later = last_ref(&lx);

		place(w, &rx, &r1, &a1);
		place(w, &later, &r2, &a2);
		assert_true(r2 > r1 && later.number != rx.number);
	}
	nk_event_list_free(&lx);
	nk_event_list_free(&ly);
}

/* A reader's proof: the path of its own leaf and the batch's signature, which the bare
 * chain check with the server's public key accepts; not for another case's log, not
 * cut short, not without a proof at all. */
static void a_proof_holds_for_its_own_case_only(void **state)
{
	struct world *w = *state;
	struct nk_event_list lx = { 0 }, ly = { 0 };
	struct nk_batch_proof px, py, cut;
	struct nk_chain_link *links;
	uint8_t pk[NK_PUBLIC_KEY_BYTES], head[NK_HASH_BYTES];
	char x[NK_CASE_ID_MAX], y[NK_CASE_ID_MAX];
	bool proved = false;
	size_t bad = 0;

	two_cases(w, x, y);
	assert_int_equal(nk_case_log(&w->ea, x, &lx, NULL), NK_OK);
	assert_int_equal(nk_case_log(&w->eb, y, &ly, NULL), NK_OK);
	assert_int_equal(case_log_proof(&w->ea, x, &lx, &px, &proved, NULL), NK_OK);
	assert_true(proved);
	assert_int_equal(case_log_proof(&w->eb, y, &ly, &py, &proved, NULL), NK_OK);
	nk_server_key_public(w->signer, pk);
	links = calloc(lx.count, sizeof(*links));
	assert_non_null(links);
	for (size_t i = 0; i < lx.count; i++) {
		memcpy(links[i].hash, lx.events[i].chain, NK_HASH_BYTES);
		memcpy(links[i].sig, lx.events[i].countersig, NK_SIGNATURE_BYTES);
	}
	assert_int_equal(nk_chain_verify_proved(pk, x, lx.events, links, lx.count, 0, &px, head,
						&bad, NULL), NK_OK);
	assert_memory_equal(head, lx.events[lx.count - 1].chain, NK_HASH_BYTES);
	/* without the proof, as a verifier of the old form reads it */
	assert_int_equal(nk_chain_verify(pk, x, lx.events, links, lx.count, head, &bad, NULL),
			 NK_ECRYPTO);
	assert_int_equal(bad, lx.count - 1);
	/* y's proof, of the same batch and signature, for x's log */
	assert_int_equal(nk_chain_verify_proved(pk, x, lx.events, links, lx.count, 0, &py, head,
						&bad, NULL), NK_ECRYPTO);
	py.ref = px.ref;	/* even when it claims x's place */
	assert_int_equal(nk_chain_verify_proved(pk, x, lx.events, links, lx.count, 0, &py, head,
						&bad, NULL), NK_ECRYPTO);
	/* a proof cut short: its top hashes gone (left zero) */
	cut = px;
	memset(cut.path[NK_BATCH_DEPTH - 1], 0, NK_HASH_BYTES);
	assert_int_equal(nk_chain_verify_proved(pk, x, lx.events, links, lx.count, 0, &cut, head,
						&bad, NULL), NK_ECRYPTO);
	/* another server's key */
	{
		struct nk_server_key *other = NULL;
		uint8_t opk[NK_PUBLIC_KEY_BYTES];

		assert_int_equal(nk_server_key_generate(&other, NULL), NK_OK);
		nk_server_key_public(other, opk);
		assert_int_equal(nk_chain_verify_proved(opk, x, lx.events, links, lx.count, 0, &px,
							head, &bad, NULL), NK_ECRYPTO);
		nk_server_key_free(other);
	}
	free(links);
	nk_event_list_free(&lx);
	nk_event_list_free(&ly);
}

/* The log on the wire carries the proof; a reader refuses one cut short or padded. */
static void the_wire_log_carries_a_whole_proof(void **state)
{
	struct world *w = *state;
	struct nk_event_list lx = { 0 }, back = { 0 };
	struct nk_batch_proof px, got;
	char x[NK_CASE_ID_MAX], y[NK_CASE_ID_MAX], id[NK_CASE_ID_MAX];
	bool proved = false, has = false;
	json_t *j, *path;

	two_cases(w, x, y);
	assert_int_equal(nk_case_log(&w->ea, x, &lx, NULL), NK_OK);
	assert_int_equal(case_log_proof(&w->ea, x, &lx, &px, &proved, NULL), NK_OK);
	j = nk_wire_log_to_json(x, &lx);
	assert_non_null(j);
	assert_int_equal(nk_wire_log_add_proof(j, &px), NK_OK);
	assert_int_equal(nk_wire_log_proof_from_json(j, &got, &has, NULL), NK_OK);
	assert_true(has);
	assert_memory_equal(&got.path, &px.path, sizeof(px.path));
	assert_memory_equal(got.sig, px.sig, sizeof(px.sig));
	assert_true(got.ref.number == px.ref.number && got.ref.index == px.ref.index);
	assert_int_equal(nk_wire_log_from_json(j, id, &back, NULL), NK_OK);
	nk_event_list_free(&back);
	path = json_object_get(json_object_get(j, "batch"), "proof");
	assert_int_equal(json_array_size(path), NK_BATCH_DEPTH);
	assert_int_equal(json_array_remove(path, NK_BATCH_DEPTH - 1), 0);
	assert_int_equal(nk_wire_log_proof_from_json(j, &got, &has, NULL), NK_EINVAL);
	json_decref(j);
	nk_event_list_free(&lx);
}

/* Changes at rest, each found by the full check (the log) and by a command's load
 * without a cache (the one verification of the fast check). */
static void changes_to_a_batch_are_found(void **state)
{
	struct world *w = *state;
	struct nk_event_list log = { 0 };
	struct nk_error err = { 0 };
	char x[NK_CASE_ID_MAX], y[NK_CASE_ID_MAX], text[512];

	for (int i = 0; i < 3; i++) {
		struct nk_batch_ref ref;
		uint64_t row = 0;
		uint32_t at = 0;

		two_cases(w, x, y);
		assert_int_equal(nk_case_log(&w->ea, x, &log, NULL), NK_OK);
		ref = last_ref(&log);
		place(w, &ref, &row, &at);
		nk_event_list_free(&log);
		if (i == 0)	/* a forged leaf: x's last leaf replaced, as a writer would to
				 * vouch for an event of its own */
			snprintf(text, sizeof(text), "UPDATE batches SET leaves = substr(leaves, 1, "
				 "32 * %u) || randomblob(32) || substr(leaves, 32 * %u + 33) WHERE "
				 "number = %llu", at, at, (unsigned long long)row);
		else if (i == 1)	/* the batch's signature swapped for another batch's */
			snprintf(text, sizeof(text), "UPDATE batches SET sig = (SELECT sig FROM "
				 "batches WHERE number = 1) WHERE number = %llu",
				 (unsigned long long)row);
		else	/* the batch gone */
			snprintf(text, sizeof(text), "DELETE FROM batches WHERE number = %llu",
				 (unsigned long long)row);
		sql(w, text);
		assert_int_equal(nk_case_log(&w->ea, x, &log, &err), NK_ECORRUPT);
		assert_non_null(strstr(err.text, "broken at event"));
		assert_int_equal(nk_case_submit(&w->ea, x, NK_CLAIMANT, 85000000, &err), NK_ECORRUPT);
	}
}

/* A database writer without the server's key appends an event and copies the last
 * link's batch reference onto it (or points it at another leaf): refused. */
static void a_writer_cannot_borrow_a_batch(void **state)
{
	struct world *w = *state;
	struct nk_event_list log = { 0 };
	struct nk_error err = { 0 };
	char x[NK_CASE_ID_MAX], y[NK_CASE_ID_MAX], text[1024];

	two_cases(w, x, y);
	assert_int_equal(nk_case_log(&w->ea, x, &log, NULL), NK_OK);
	nk_event_list_free(&log);
	/* y's last link's reference, moved onto x's last event */
	snprintf(text, sizeof(text),
		 "UPDATE events SET countersig = (SELECT countersig FROM events WHERE case_id = "
		 "'%s' ORDER BY seq DESC LIMIT 1) WHERE case_id = '%s' AND seq = (SELECT max(seq) "
		 "FROM events WHERE case_id = '%s')", y, x, x);
	sql(w, text);
	assert_int_equal(nk_case_log(&w->ea, x, &log, &err), NK_ECORRUPT);
	assert_int_equal(nk_case_submit(&w->ea, x, NK_CLAIMANT, 85000000, &err), NK_ECORRUPT);
}

/* A version-4 database (no batches table, every link countersigned) opens, is brought
 * to version 5, and its logs verify; its cases go on in batches. */
static void an_old_database_opens_and_verifies(void **state)
{
	struct world *w = *state;
	struct nk_store *plain = NULL;
	struct nk_event_list log = { 0 };
	struct nk_rules rules;
	uint8_t pk[NK_PUBLIC_KEY_BYTES];
	char old[NK_CASE_ID_MAX], url[300], db[200];

	(void)w;
	snprintf(db, sizeof(db), "%s/old.db", w->dir);
	snprintf(url, sizeof(url), "sqlite:%s", db);
	assert_int_equal(nk_store_open(&plain, url, NK_STORE_CREATE, NULL), NK_OK);
	{
		struct nk_case_env env = { .store = plain, .signer = w->signer };

		rules_of(&rules);
		assert_int_equal(nk_case_open(&env, &rules, old, NULL), NK_OK);
		assert_int_equal(nk_case_submit(&env, old, NK_CLAIMANT, 90000000, NULL), NK_OK);
		assert_int_equal(nk_case_submit(&env, old, NK_PAYER, 1000000, NULL), NK_OK);
	}
	nk_store_close(plain);
	{
		sqlite3 *h = NULL;

		assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
		assert_int_equal(sqlite3_exec(h, "DROP TABLE batches; PRAGMA user_version = 4",
					      NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(h);
	}
	assert_int_equal(nk_store_open(&plain, url, 0, NULL), NK_OK);
	{
		struct nk_case_env env = { .store = plain, .signer = w->signer };
		struct nk_chain_link *links;
		uint8_t head[NK_HASH_BYTES];
		size_t bad = 0;

		assert_int_equal(nk_case_log(&env, old, &log, NULL), NK_OK);
		nk_server_key_public(w->signer, pk);
		links = calloc(log.count, sizeof(*links));
		assert_non_null(links);
		for (size_t i = 0; i < log.count; i++) {
			memcpy(links[i].hash, log.events[i].chain, NK_HASH_BYTES);
			memcpy(links[i].sig, log.events[i].countersig, NK_SIGNATURE_BYTES);
		}
		assert_int_equal(nk_chain_verify(pk, old, log.events, links, log.count, head, &bad,
						 NULL), NK_OK);
		free(links);
		nk_event_list_free(&log);
	}
	nk_store_close(plain);
	{
		sqlite3 *h = NULL;
		sqlite3_stmt *st = NULL;

		assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 5);
		sqlite3_finalize(st);
		sqlite3_close(h);
	}
	unlink(db);
	snprintf(url, sizeof(url), "%s-wal", db);
	unlink(url);
	snprintf(url, sizeof(url), "%s-shm", db);
	unlink(url);
	snprintf(url, sizeof(url), "%s.key", db);
	unlink(url);
}

/* The public empty subtree of height k (v1's): zeros, hashed up. */
static void public_empty(int k, uint8_t out[static NK_HASH_BYTES])
{
	memset(out, 0, NK_HASH_BYTES);
	for (int i = 0; i < k; i++)
		nk_merkle_node_hash(out, out, out);
}

/* What a reader of x's log learns of the batch it shared with y: no sibling of its
 * proof is a public empty subtree (which bounded the batch's size), nor y's leaf as
 * anyone could recompute it from y's case id, seq and head (as v1's proof[0] was); the
 * id is not the store's count of batches. */
static void a_proof_tells_no_size_nor_neighbour(void **state)
{
	struct world *w = *state;
	struct nk_event_list lx = { 0 }, ly = { 0 };
	struct nk_batch_proof px;
	uint8_t e[NK_HASH_BYTES], other[NK_HASH_BYTES];
	char x[NK_CASE_ID_MAX], y[NK_CASE_ID_MAX];
	bool proved = false;
	uint64_t row = 0;
	uint32_t at = 0;

	two_cases(w, x, y);
	assert_int_equal(nk_case_log(&w->ea, x, &lx, NULL), NK_OK);
	assert_int_equal(nk_case_log(&w->eb, y, &ly, NULL), NK_OK);
	assert_int_equal(case_log_proof(&w->ea, x, &lx, &px, &proved, NULL), NK_OK);
	assert_true(proved && px.ref.salted);
	for (int k = 0; k < NK_BATCH_DEPTH; k++) {
		public_empty(k, e);
		assert_memory_not_equal(px.path[k], e, NK_HASH_BYTES);
		for (size_t i = 0; i < ly.count; i++) {
			if (nk_batch_leaf(y, ly.events[i].seq, ly.events[i].chain, other, NULL) != NK_OK)
				continue;
			assert_memory_not_equal(px.path[k], other, NK_HASH_BYTES);
		}
	}
	/* six leaves in a batch of 1,024 slots: the proof's siblings are as many empty
	 * subtrees as before, but this batch's own */
	place(w, &px.ref, &row, &at);
	assert_true(px.ref.number != row);
	assert_int_equal(sql_int(w, "SELECT count(*) FROM batches WHERE number > 0"), (int64_t)row);
	nk_event_list_free(&lx);
	nk_event_list_free(&ly);
}

/* A last link's reference altered — its salt, its slot, its batch's id — is refused by
 * the server's check and by a reader's. */
static void forged_salts_slots_and_ids_are_refused(void **state)
{
	struct world *w = *state;
	struct nk_event_list lx = { 0 };
	struct nk_batch_proof px, forged;
	struct nk_chain_link *links;
	uint8_t pk[NK_PUBLIC_KEY_BYTES], head[NK_HASH_BYTES], keep[NK_SIGNATURE_BYTES];
	char x[NK_CASE_ID_MAX], y[NK_CASE_ID_MAX];
	bool proved = false;
	size_t bad = 0, n;

	two_cases(w, x, y);
	assert_int_equal(nk_case_log(&w->ea, x, &lx, NULL), NK_OK);
	assert_int_equal(case_log_proof(&w->ea, x, &lx, &px, &proved, NULL), NK_OK);
	nk_server_key_public(w->signer, pk);
	n = lx.count;
	links = calloc(n, sizeof(*links));
	assert_non_null(links);
	for (size_t i = 0; i < n; i++) {
		memcpy(links[i].hash, lx.events[i].chain, NK_HASH_BYTES);
		memcpy(links[i].sig, lx.events[i].countersig, NK_SIGNATURE_BYTES);
	}
	assert_int_equal(nk_chain_verify_proved(pk, x, lx.events, links, n, 0, &px, head, &bad,
						NULL), NK_OK);
	memcpy(keep, links[n - 1].sig, sizeof(keep));
	for (int f = 0; f < 3; f++) {
		struct nk_batch_ref r = px.ref;
		struct nk_error err = { 0 };

		if (f == 0)
			r.salt[7] ^= 1;
		else if (f == 1)
			r.index ^= 1;
		else
			r.number = r.number % NK_BATCH_ID_MAX + 1;
		nk_batch_ref_encode(&r, links[n - 1].sig);
		forged = px;
		forged.ref = r;
		assert_int_equal(nk_chain_verify_proved(pk, x, lx.events, links, n, 0, &forged, head,
							&bad, NULL), NK_ECRYPTO);
		/* and the server's own check of the log, the reference forged at rest */
		memcpy(lx.events[n - 1].countersig, links[n - 1].sig, NK_SIGNATURE_BYTES);
		assert_int_equal(case_chain_check(&w->ea, x, &lx, true, NULL, &err), NK_ECORRUPT);
		assert_int_equal(case_chain_check(&w->ea, x, &lx, false, NULL, &err), NK_ECORRUPT);
		memcpy(links[n - 1].sig, keep, sizeof(keep));
		memcpy(lx.events[n - 1].countersig, keep, sizeof(keep));
	}
	free(links);
	nk_event_list_free(&lx);
}

/* A log whose last link is in a batch of the first format (v1: the store's number, the
 * leaf's place, public empty subtrees), as databases of schema version 5 hold them,
 * still verifies: the server's check, its proof, a reader's check of it. */
static void a_v1_batch_still_verifies(void **state)
{
	struct world *w = *state;
	struct nk_event_list lx = { 0 };
	struct nk_batch_proof px;
	struct nk_batch_ref v1 = { .number = 100000, .index = 0 };
	struct nk_chain_link *links;
	uint8_t leaf[NK_HASH_BYTES], root[NK_HASH_BYTES], sig[NK_SIGNATURE_BYTES];
	uint8_t ref[NK_SIGNATURE_BYTES], pk[NK_PUBLIC_KEY_BYTES], head[NK_HASH_BYTES];
	char x[NK_CASE_ID_MAX], y[NK_CASE_ID_MAX], text[1200];
	bool proved = false;
	size_t bad = 0, n;

	two_cases(w, x, y);
	assert_int_equal(nk_case_log(&w->ea, x, &lx, NULL), NK_OK);
	n = lx.count;
	assert_int_equal(nk_batch_leaf(x, (int64_t)n, lx.events[n - 1].chain, leaf, NULL), NK_OK);
	assert_int_equal(nk_batch_root((const uint8_t (*)[NK_HASH_BYTES])leaf, 1, 0, NULL, root,
				       NULL), NK_OK);
	nk_batch_sign(w->signer, v1.number, root, sig);
	nk_batch_ref_encode(&v1, ref);
	{
		char hs[2 * NK_SIGNATURE_BYTES + 1], hl[2 * NK_HASH_BYTES + 1];
		char hr[2 * NK_SIGNATURE_BYTES + 1];

		sodium_bin2hex(hs, sizeof(hs), sig, sizeof(sig));
		sodium_bin2hex(hl, sizeof(hl), leaf, sizeof(leaf));
		sodium_bin2hex(hr, sizeof(hr), ref, sizeof(ref));
		snprintf(text, sizeof(text), "INSERT INTO batches(number, sig, leaves) VALUES "
			 "(%llu, x'%s', x'%s'); UPDATE events SET countersig = x'%s' WHERE "
			 "case_id = '%s' AND seq = %zu", (unsigned long long)v1.number, hs, hl,
			 hr, x, n);
	}
	sql(w, text);
	nk_event_list_free(&lx);
	assert_int_equal(nk_case_log(&w->ea, x, &lx, NULL), NK_OK);
	assert_int_equal(case_log_proof(&w->ea, x, &lx, &px, &proved, NULL), NK_OK);
	assert_true(proved && !px.ref.salted && px.ref.number == v1.number);
	/* and it tells what v1 told, which a_proof_tells_no_size_nor_neighbour checks v2
	 * does not: a batch of one leaf has the public empty subtrees for siblings */
	for (int k = 0; k < NK_BATCH_DEPTH; k++) {
		public_empty(k, root);
		assert_memory_equal(px.path[k], root, NK_HASH_BYTES);
	}
	nk_server_key_public(w->signer, pk);
	links = calloc(n, sizeof(*links));
	assert_non_null(links);
	for (size_t i = 0; i < n; i++) {
		memcpy(links[i].hash, lx.events[i].chain, NK_HASH_BYTES);
		memcpy(links[i].sig, lx.events[i].countersig, NK_SIGNATURE_BYTES);
	}
	assert_int_equal(nk_chain_verify_proved(pk, x, lx.events, links, n, 0, &px, head, &bad,
						NULL), NK_OK);
	/* and the case goes on, in the new format */
	assert_int_equal(nk_case_submit(&w->ea, x, NK_CLAIMANT, 85000000, NULL), NK_OK);
	free(links);
	nk_event_list_free(&lx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(commits_share_one_signature, setup, teardown),
		cmocka_unit_test_setup_teardown(a_proof_holds_for_its_own_case_only, setup, teardown),
		cmocka_unit_test_setup_teardown(the_wire_log_carries_a_whole_proof, setup, teardown),
		cmocka_unit_test_setup_teardown(changes_to_a_batch_are_found, setup, teardown),
		cmocka_unit_test_setup_teardown(a_writer_cannot_borrow_a_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(an_old_database_opens_and_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(a_proof_tells_no_size_nor_neighbour, setup, teardown),
		cmocka_unit_test_setup_teardown(forged_salts_slots_and_ids_are_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_v1_batch_still_verifies, setup, teardown),
		/* the same with the record's kept secrets */
		cmocka_unit_test_setup_teardown(commits_share_one_signature, setup_kept, teardown),
		cmocka_unit_test_setup_teardown(a_proof_holds_for_its_own_case_only, setup_kept,
						teardown),
		cmocka_unit_test_setup_teardown(the_wire_log_carries_a_whole_proof, setup_kept,
						teardown),
		cmocka_unit_test_setup_teardown(changes_to_a_batch_are_found, setup_kept, teardown),
		cmocka_unit_test_setup_teardown(a_proof_tells_no_size_nor_neighbour, setup_kept,
						teardown),
		cmocka_unit_test_setup_teardown(forged_salts_slots_and_ids_are_refused, setup_kept,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
