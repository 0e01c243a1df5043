/* Unit tests for the record wired into cases: links stored beside every event and
 * checked on load (mem and sqlite), a changed, dropped or moved event found by its
 * number, the closing statement logged once at the end, receipts of several cases in
 * one log, and proofs that do not carry over from one case to another. */
#include <nakodo/case.h>
#include <nakodo/ledger.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define DEMAND INT64_C(73100000)
#define OFFER INT64_C(74300000)

struct fixture {
	char dir[64], db[128], url[160];
	struct nk_server_key *signer;
	struct nk_store *store;
	struct nk_case_env env;
};

static int setup_with(void **state, bool sqlite)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || sodium_init() < 0 || nk_server_key_generate(&f->signer, NULL) != NK_OK)
		return -1;
	snprintf(f->url, sizeof(f->url), "mem:");
	if (sqlite) {
		snprintf(f->dir, sizeof(f->dir), "/tmp/nakodo-record-XXXXXX");
		if (!mkdtemp(f->dir))
			return -1;
		snprintf(f->db, sizeof(f->db), "%s/r.db", f->dir);
		snprintf(f->url, sizeof(f->url), "sqlite:%s", f->db);
	}
	if (nk_store_open(&f->store, f->url, NK_STORE_CREATE, NULL) != NK_OK)
		return -1;
	f->env = (struct nk_case_env){ .store = f->store, .signer = f->signer };
	*state = f;
	return 0;
}

static int setup_mem(void **state) { return setup_with(state, false); }
static int setup_sqlite(void **state) { return setup_with(state, true); }

static int teardown(void **state)
{
	struct fixture *f = *state;
	char path[200];

	nk_store_close(f->store);
	nk_server_key_free(f->signer);
	if (f->dir[0]) {
		const char *suffix[] = { "", ".key", "-wal", "-shm" };

		for (size_t i = 0; i < 4; i++) {
			snprintf(path, sizeof(path), "%s%s", f->db, suffix[i]);
			unlink(path);
		}
		rmdir(f->dir);
	}
	free(f);
	return 0;
}

/* Opens a one-round case; settles it when settle. */
static void run_case(struct fixture *f, char id[static NK_CASE_ID_MAX], bool settle)
{
	struct nk_rules rules;

	nk_rules_default(&rules, nk_currency_find("USD"));
	rules.rounds = 1;
	rules.proposals = 0;
	assert_int_equal(nk_case_open(&f->env, &rules, id, NULL), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, DEMAND, NULL), NK_OK);
	if (settle)
		assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, OFFER, NULL), NK_OK);
}

static void sql(struct fixture *f, const char *text)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void links_are_stored_and_verify(void **state)
{
	struct fixture *f = *state;
	struct nk_event_list log = { 0 };
	struct nk_chain_link *links;
	uint8_t pk[NK_PUBLIC_KEY_BYTES], head[NK_HASH_BYTES];
	char id[NK_CASE_ID_MAX];
	size_t bad = 99;

	run_case(f, id, true);
	assert_int_equal(nk_case_log(&f->env, id, &log, NULL), NK_OK);
	assert_true(log.count >= 5);
	links = calloc(log.count, sizeof(*links));
	for (size_t i = 0; i < log.count; i++) {
		assert_true(log.events[i].linked);
		memcpy(links[i].hash, log.events[i].chain, NK_HASH_BYTES);
		memcpy(links[i].sig, log.events[i].countersig, NK_SIGNATURE_BYTES);
	}
	nk_server_key_public(f->signer, pk);
	/* what the store kept verifies on its own, with the public key alone */
	assert_int_equal(nk_chain_verify(pk, id, log.events, links, log.count, head, &bad, NULL), NK_OK);
	assert_memory_equal(head, log.events[log.count - 1].chain, NK_HASH_BYTES);
	free(links);
	nk_event_list_free(&log);
}

static void another_servers_key_finds_the_log_corrupt(void **state)
{
	struct fixture *f = *state;
	struct nk_case_env other = f->env;
	struct nk_server_key *key = NULL;
	struct nk_event_list log = { 0 };
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX];

	run_case(f, id, false);
	assert_int_equal(nk_server_key_generate(&key, NULL), NK_OK);
	other.signer = key;
	assert_int_equal(nk_case_log(&other, id, &log, &err), NK_ECORRUPT);
	assert_non_null(strstr(err.text, "broken at event 1"));
	assert_int_equal(nk_case_submit(&other, id, NK_PAYER, OFFER, &err), NK_ECORRUPT);
	other.signer = NULL;
	assert_int_equal(nk_case_log(&other, id, &log, &err), NK_EINVAL);
	assert_string_equal(err.field, "signer");
	nk_server_key_free(key);
}

/* Each change at rest is reported with the number of the first event it breaks. */
static void changed_dropped_or_moved_events_are_found(void **state)
{
	struct fixture *f = *state;
	struct nk_event_list log = { 0 };
	struct nk_brief brief;
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX], text[512];
	static const struct {
		const char *sql, *want;
	} cases[] = {
		{ "UPDATE events SET body = replace(body, 'claimant', 'payer') WHERE seq = 2",
		  "broken at event 2" },
		{ "UPDATE events SET time_ms = time_ms + 1 WHERE seq = 3", "broken at event 3" },
		{ "UPDATE events SET countersig = randomblob(64) WHERE seq = 4", "broken at event 4" },
		{ "UPDATE events SET countersig = zeroblob(64) WHERE seq = 6", "broken at event 6" },
		{ "DELETE FROM events WHERE seq = 3; UPDATE events SET seq = seq - 1 WHERE seq > 3",
		  "broken at event 3" },
		{ "UPDATE events SET chain = NULL, countersig = NULL WHERE seq = 1",
		  "broken at event 1" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_case(f, id, true);
		snprintf(text, sizeof(text), "%s AND case_id = '%s'", cases[i].sql, id);
		if (strstr(cases[i].sql, "DELETE"))
			snprintf(text, sizeof(text), "DELETE FROM events WHERE seq = 3 AND case_id = '%s'; "
				 "UPDATE events SET seq = seq - 1 WHERE seq > 3 AND case_id = '%s'", id, id);
		sql(f, text);
		assert_int_equal(nk_case_log(&f->env, id, &log, &err), NK_ECORRUPT);
		assert_non_null(strstr(err.text, cases[i].want));
		/* a briefing checks every hash and the last countersignature only */
		if (strstr(cases[i].sql, "randomblob(64) WHERE seq = 4"))
			continue;
		assert_int_equal(nk_case_brief(&f->env, id, NK_MEDIATOR, &brief, &err), NK_ECORRUPT);
		assert_non_null(strstr(err.text, cases[i].want));
	}
	/* a whole log moved under another case id breaks at its first event */
	run_case(f, id, true);
	snprintf(text, sizeof(text), "INSERT INTO cases(id, created) VALUES ('moved', 0); "
		 "INSERT INTO events SELECT 'moved', seq, time_ms, actor, type, body, chain, "
		 "countersig FROM events WHERE case_id = '%s'", id);
	sql(f, text);
	assert_int_equal(nk_case_log(&f->env, "moved", &log, &err), NK_ECORRUPT);
	assert_non_null(strstr(err.text, "broken at event 1"));
}

static bool holds(const uint8_t *hay, size_t n, const void *needle, size_t len)
{
	for (size_t i = 0; i + len <= n; i++)
		if (memcmp(hay + i, needle, len) == 0)
			return true;
	return false;
}

static void statement_is_logged_once_at_the_end(void **state)
{
	struct fixture *f = *state;
	struct nk_event_list log = { 0 };
	struct nk_statement st;
	uint8_t data[NK_RECORD_ENTRY_MAX], sig[NK_RECORD_SIG_BYTES], raw[8];
	char id[NK_CASE_ID_MAX], text[32];
	uint64_t size = 9, index = 9;
	size_t len = 0;

	run_case(f, id, false);
	assert_int_equal(nk_store_record_size(f->store, &size, NULL), NK_OK);
	assert_int_equal(size, 0);
	assert_int_equal(nk_store_record_find(f->store, id, &index, data, &len, sig, NULL), NK_ENOTFOUND);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, OFFER, NULL), NK_OK);
	assert_int_equal(nk_store_record_size(f->store, &size, NULL), NK_OK);
	assert_int_equal(size, 1);
	assert_int_equal(nk_store_record_find(f->store, id, &index, data, &len, sig, NULL), NK_OK);
	assert_int_equal(index, 0);
	assert_int_equal(nk_statement_decode(data, len, &st, NULL), NK_OK);
	assert_int_equal(nk_case_log(&f->env, id, &log, NULL), NK_OK);
	assert_string_equal(st.case_id, id);
	assert_string_equal(st.outcome, "settled");
	assert_int_equal(st.events, log.count);
	assert_memory_equal(st.head, log.events[log.count - 1].chain, NK_HASH_BYTES);
	nk_event_list_free(&log);
	/* the record holds no figure: neither as bytes nor as text */
	for (int i = 0; i < 8; i++)
		raw[i] = (uint8_t)((uint64_t)DEMAND >> (8 * i));
	assert_false(holds(data, len, raw, sizeof(raw)));
	snprintf(text, sizeof(text), "%lld", (long long)DEMAND);
	assert_false(holds(data, len, text, strlen(text)));
	snprintf(text, sizeof(text), "%lld", (long long)(DEMAND + (OFFER - DEMAND) / 2));
	assert_false(holds(data, len, text, strlen(text)));
	/* a second entry for the case is refused, and nothing else changes it */
	assert_int_equal(nk_store_begin(f->store, NULL), NK_OK);
	assert_int_equal(nk_store_record_append(f->store, id, data, len, sig, NULL, NULL), NK_EINVAL);
	nk_store_rollback(f->store);
	assert_int_equal(nk_case_close(&f->env, id, NULL), NK_EREFUSED);
	assert_int_equal(nk_store_record_size(f->store, &size, NULL), NK_OK);
	assert_int_equal(size, 1);
}

static void statement_bytes_read_back_strictly(void **state)
{
	struct nk_statement st = { .case_id = "abc", .outcome = "closed", .events = 7,
				   .closed_ms = 1234, .has_party_key = { true, false, true } };
	struct nk_statement back;
	uint8_t bytes[NK_STATEMENT_MAX + 1];
	size_t len = 0;

	(void)state;
	memset(st.head, 0xab, sizeof(st.head));
	memset(st.party_key[0], 1, NK_PUBLIC_KEY_BYTES);
	memset(st.party_key[2], 2, NK_PUBLIC_KEY_BYTES);
	assert_int_equal(nk_statement_encode(&st, bytes, &len, NULL), NK_OK);
	assert_int_equal(nk_statement_decode(bytes, len, &back, NULL), NK_OK);
	assert_memory_equal(&back, &st, sizeof(st));
	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(nk_statement_decode(bytes, cut, &back, NULL), NK_ECORRUPT);
	bytes[len] = 0;
	assert_int_equal(nk_statement_decode(bytes, len + 1, &back, NULL), NK_ECORRUPT);
}

static void receipts_of_two_cases_verify_and_do_not_mix(void **state)
{
	struct fixture *f = *state;
	struct nk_receipt *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	struct nk_receipt *again = calloc(1, sizeof(*again)), *mixed = calloc(1, sizeof(*mixed));
	struct nk_receipt_report rep;
	struct nk_record_log *cache = NULL;
	struct nk_error err = { 0 };
	uint8_t pk[NK_PUBLIC_KEY_BYTES];
	char ida[NK_CASE_ID_MAX], idb[NK_CASE_ID_MAX], idc[NK_CASE_ID_MAX];

	nk_server_key_public(f->signer, pk);
	run_case(f, ida, true);
	run_case(f, idc, false);
	assert_int_equal(nk_case_receipt(&f->env, idc, a, &err), NK_EREFUSED);
	assert_non_null(strstr(err.text, "not ended"));
	assert_int_equal(nk_case_close(&f->env, idc, NULL), NK_OK);
	run_case(f, idb, true);
	assert_int_equal(nk_case_receipt(&f->env, ida, a, NULL), NK_OK);
	assert_int_equal(nk_case_receipt(&f->env, idb, b, NULL), NK_OK);
	assert_int_equal(nk_receipt_verify(a, pk, &rep, NULL), NK_OK);
	assert_int_equal(nk_receipt_verify(b, pk, &rep, NULL), NK_OK);
	assert_int_equal(a->leaf_index, 0);
	assert_int_equal(b->leaf_index, 2);
	assert_int_equal(a->checkpoint.size, 3);
	/* one checkpoint per size: the second receipt reuses the first's */
	assert_memory_equal(&a->checkpoint, &b->checkpoint, sizeof(a->checkpoint));
	/* the closed case's receipt says so */
	assert_int_equal(nk_case_receipt(&f->env, idc, again, NULL), NK_OK);
	assert_string_equal(again->statement.outcome, "closed");
	/* a's proof does not carry b's statement */
	*mixed = *a;
	mixed->statement = b->statement;
	mixed->server_sig[0] = b->server_sig[0];
	memcpy(mixed->server_sig, b->server_sig, sizeof(mixed->server_sig));
	assert_int_equal(nk_receipt_verify(mixed, pk, &rep, NULL), NK_ECRYPTO);
	assert_int_equal(rep.result[NK_CHECK_INCLUSION], NK_CHECK_FAILS);
	assert_int_equal(rep.result[NK_CHECK_STATEMENT_SIG], NK_CHECK_HOLDS);
	/* a kept tree gives the same receipt as one rebuilt from the store */
	assert_int_equal(nk_record_log_new(&cache, NULL), NK_OK);
	f->env.record = cache;
	assert_int_equal(nk_case_receipt(&f->env, idb, again, NULL), NK_OK);
	assert_memory_equal(again, b, sizeof(*b));
	run_case(f, idc, true);
	assert_int_equal(nk_case_receipt(&f->env, idc, again, NULL), NK_OK);
	assert_int_equal(again->checkpoint.size, 4);
	assert_int_equal(nk_receipt_verify(again, pk, &rep, NULL), NK_OK);
	f->env.record = NULL;
	assert_int_equal(nk_case_receipt(&f->env, idc, mixed, NULL), NK_OK);
	assert_memory_equal(again, mixed, sizeof(*mixed));
	nk_record_log_free(cache);
	free(a);
	free(b);
	free(again);
	free(mixed);
}

/* A receipt whose entry in the record was altered is refused rather than issued. */
static void altered_record_is_refused(void **state)
{
	struct fixture *f = *state;
	struct nk_receipt *r = calloc(1, sizeof(*r));
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX], text[256];

	run_case(f, id, true);
	snprintf(text, sizeof(text), "UPDATE record SET entry = entry || x'00' WHERE case_id = '%s'", id);
	sql(f, text);
	assert_int_equal(nk_case_receipt(&f->env, id, r, &err), NK_ECORRUPT);
	run_case(f, id, true);
	snprintf(text, sizeof(text), "UPDATE record SET sig = zeroblob(64) WHERE case_id = '%s'", id);
	sql(f, text);
	assert_int_equal(nk_case_receipt(&f->env, id, r, &err), NK_ECORRUPT);
	free(r);
}

/* Makes the database file the shape of schema version 3: no links, no record, no
 * legacy table. */
static void downgrade_to_version_3(struct fixture *f)
{
	nk_store_close(f->store);
	f->store = NULL;
	sql(f, "DROP TABLE legacy; DROP TABLE record; DROP TABLE checkpoints; "
	    "ALTER TABLE events DROP COLUMN chain; ALTER TABLE events DROP COLUMN countersig; "
	    "PRAGMA user_version = 3");
	assert_int_equal(nk_store_open(&f->store, f->url, 0, NULL), NK_OK);
	f->env.store = f->store;
}

static size_t log_count(struct fixture *f, const char *id)
{
	struct nk_event_list log = { 0 };
	size_t n;

	assert_int_equal(nk_case_log(&f->env, id, &log, NULL), NK_OK);
	n = log.count;
	nk_event_list_free(&log);
	return n;
}

/* Cases stored before events had links are upgraded with a count of their unlinked
 * events: they brief, go on, end and get receipts; their old events are chained from
 * the first new link on, so changing one is found, and stripping a new link still is. */
static void cases_from_before_links_go_on(void **state)
{
	struct fixture *f = *state;
	struct nk_receipt *r = calloc(1, sizeof(*r));
	struct nk_receipt_report rep;
	struct nk_event_list log = { 0 };
	struct nk_brief brief;
	struct nk_error err = { 0 };
	uint8_t pk[NK_PUBLIC_KEY_BYTES];
	char ida[NK_CASE_ID_MAX], idb[NK_CASE_ID_MAX], ended[NK_CASE_ID_MAX], text[256];
	int64_t n = 0, nb = 0;

	nk_server_key_public(f->signer, pk);
	run_case(f, ida, false);
	run_case(f, idb, false);
	run_case(f, ended, true);
	downgrade_to_version_3(f);
	assert_int_equal(nk_store_legacy_events(f->store, ida, &n, NULL), NK_OK);
	assert_int_equal(nk_store_legacy_events(f->store, idb, &nb, NULL), NK_OK);
	assert_true(n >= 2);
	assert_int_equal(nb, n);
	/* nothing is linked yet: the case reads, briefs and checks all the same */
	assert_int_equal(log_count(f, ida), (size_t)n);
	assert_int_equal(nk_case_brief(&f->env, ida, NK_MEDIATOR, &brief, NULL), NK_OK);
	/* the payer's answer settles it: the first linked event covers the old ones */
	assert_int_equal(nk_case_submit(&f->env, ida, NK_PAYER, OFFER, NULL), NK_OK);
	assert_int_equal(nk_case_log(&f->env, ida, &log, NULL), NK_OK);
	assert_true(log.count > (size_t)n);
	for (size_t i = 0; i < log.count; i++)
		assert_int_equal(log.events[i].linked, i >= (size_t)n);
	assert_int_equal(nk_case_receipt(&f->env, ida, r, NULL), NK_OK);
	assert_int_equal(nk_receipt_verify(r, pk, &rep, NULL), NK_OK);
	assert_string_equal(r->statement.outcome, "settled");
	assert_int_equal(r->statement.events, log.count);
	assert_memory_equal(r->statement.head, log.events[log.count - 1].chain, NK_HASH_BYTES);
	nk_event_list_free(&log);
	/* closing works too */
	assert_int_equal(nk_case_close(&f->env, idb, NULL), NK_OK);
	assert_int_equal(nk_case_receipt(&f->env, idb, r, NULL), NK_OK);
	assert_int_equal(nk_receipt_verify(r, pk, &rep, NULL), NK_OK);
	assert_string_equal(r->statement.outcome, "closed");
	/* a case that ended before the record has no statement: refused, not corrupt */
	assert_int_equal(nk_store_legacy_events(f->store, ended, &n, NULL), NK_OK);
	assert_int_equal(log_count(f, ended), (size_t)n);
	assert_int_equal(nk_store_legacy_events(f->store, ida, &n, NULL), NK_OK);
	assert_int_equal(nk_case_receipt(&f->env, ended, r, &err), NK_EREFUSED);
	assert_non_null(strstr(err.text, "before this server kept a record"));
	/* changing an old event breaks the first link made over it */
	snprintf(text, sizeof(text), "UPDATE events SET body = replace(body, 'claimant', 'payer') "
		 "WHERE seq = 2 AND case_id = '%s'", ida);
	sql(f, text);
	assert_int_equal(nk_case_log(&f->env, ida, &log, &err), NK_ECORRUPT);
	snprintf(text, sizeof(text), "broken at event %lld", (long long)n + 1);
	assert_non_null(strstr(err.text, text));
	assert_int_equal(nk_case_brief(&f->env, ida, NK_MEDIATOR, &brief, &err), NK_ECORRUPT);
	assert_int_equal(nk_case_receipt(&f->env, ida, r, &err), NK_ECORRUPT);
	/* a new event stripped of its link is still refused */
	snprintf(text, sizeof(text), "UPDATE events SET chain = NULL, countersig = NULL "
		 "WHERE seq = %lld AND case_id = '%s'", (long long)nb + 1, idb);
	sql(f, text);
	assert_int_equal(nk_case_log(&f->env, idb, &log, &err), NK_ECORRUPT);
	snprintf(text, sizeof(text), "broken at event %lld: it has no link", (long long)nb + 1);
	assert_non_null(strstr(err.text, text));
	/* and so is a legacy count beyond the log */
	snprintf(text, sizeof(text), "UPDATE legacy SET events = 99 WHERE case_id = '%s'", idb);
	sql(f, text);
	assert_int_equal(nk_case_log(&f->env, idb, &log, &err), NK_ECORRUPT);
	free(r);
}

/* A new case in an upgraded database, and every case of a new one, has no legacy. */
static void new_cases_have_no_legacy(void **state)
{
	struct fixture *f = *state;
	char id[NK_CASE_ID_MAX], fresh[NK_CASE_ID_MAX];
	int64_t n = 9;

	run_case(f, id, false);
	assert_int_equal(nk_store_legacy_events(f->store, id, &n, NULL), NK_OK);
	assert_int_equal(n, 0);
	if (!f->dir[0])
		return;
	downgrade_to_version_3(f);
	run_case(f, fresh, false);
	assert_int_equal(nk_store_legacy_events(f->store, fresh, &n, NULL), NK_OK);
	assert_int_equal(n, 0);
	assert_int_equal(nk_store_legacy_events(f->store, "nosuchcase", &n, NULL), NK_OK);
	assert_int_equal(n, 0);
	/* a version-4 database from before the legacy table gets it, empty */
	nk_store_close(f->store);
	f->store = NULL;
	sql(f, "DROP TABLE legacy");
	assert_int_equal(nk_store_open(&f->store, f->url, 0, NULL), NK_OK);
	f->env.store = f->store;
	assert_int_equal(nk_store_legacy_events(f->store, fresh, &n, NULL), NK_OK);
	assert_int_equal(n, 0);
	assert_int_equal(nk_case_submit(&f->env, fresh, NK_PAYER, OFFER, NULL), NK_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(links_are_stored_and_verify, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(links_are_stored_and_verify, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(another_servers_key_finds_the_log_corrupt, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(changed_dropped_or_moved_events_are_found, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(statement_is_logged_once_at_the_end, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(statement_is_logged_once_at_the_end, setup_sqlite, teardown),
		cmocka_unit_test(statement_bytes_read_back_strictly),
		cmocka_unit_test_setup_teardown(receipts_of_two_cases_verify_and_do_not_mix, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(receipts_of_two_cases_verify_and_do_not_mix, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(altered_record_is_refused, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(cases_from_before_links_go_on, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(new_cases_have_no_legacy, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(new_cases_have_no_legacy, setup_sqlite, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
