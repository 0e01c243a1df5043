/* Unit tests for store/: one table of tests runs against both backends (sqlite: in a
 * fresh temporary directory, and mem:), then what only files can show: the bytes left
 * on disk after purge and scrub, foreign and damaged files, the key file. */
#include <nakodo/seal.h>
#include <nakodo/store.h>

#include "store/store_impl.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

struct fixture {
	char dir[64];
	char db[128];
	char key[144];
	char url[160];
	struct nk_store *store;
};

/* ---- helpers ---- */

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(dir);
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* Reads a whole regular file into a new buffer; NULL (and *len 0) when there is none. */
static uint8_t *read_file(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf = NULL;
	FILE *f;
	long size;

	*len = 0;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !(f = fopen(path, "rb")))
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return buf;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static bool contains(const uint8_t *hay, size_t hay_len, const void *needle, size_t len)
{
	for (size_t i = 0; len <= hay_len && i <= hay_len - len; i++)
		if (memcmp(hay + i, needle, len) == 0)
			return true;
	return false;
}

/* Whether needle occurs in the database file or any file SQLite keeps beside it. */
static bool store_files_contain(const struct fixture *fx, const void *needle, size_t len)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	char path[192];
	bool found = false;

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]) && !found; i++) {
		size_t size;
		uint8_t *bytes;

		snprintf(path, sizeof(path), "%s%s", fx->db, suffixes[i]);
		bytes = read_file(path, &size);
		found = bytes && contains(bytes, size, needle, len);
		free(bytes);
	}
	return found;
}

static int setup(void **state)
{
	const char *backend = *state;
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct nk_error err = {0};
	const char *tmp = getenv("TMPDIR");

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/nakodo-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->db, sizeof(fx->db), "%s/test.db", fx->dir);
	snprintf(fx->key, sizeof(fx->key), "%s.key", fx->db);
	if (strcmp(backend, "mem") == 0)
		snprintf(fx->url, sizeof(fx->url), "mem:");
	else
		snprintf(fx->url, sizeof(fx->url), "sqlite:%s", fx->db);
	*state = fx;
	if (nk_store_open(&fx->store, fx->url, NK_STORE_CREATE, &err) != NK_OK) {
		fprintf(stderr, "# open %s: %s\n", fx->url, err.text);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	nk_store_close(fx->store);
	remove_dir(fx->dir);
	free(fx);
	return 0;
}

static void reopen(struct fixture *fx)
{
	struct nk_error err = {0};

	nk_store_close(fx->store);
	fx->store = NULL;
	assert_int_equal(nk_store_open(&fx->store, fx->url, 0, &err), NK_OK);
}

static void begin(struct nk_store *st)
{
	assert_int_equal(nk_store_begin(st, NULL), NK_OK);
}

static void commit(struct nk_store *st)
{
	assert_int_equal(nk_store_commit(st, NULL), NK_OK);
}

static void create_case(struct nk_store *st, const char *id)
{
	begin(st);
	assert_int_equal(nk_store_case_create(st, id, NULL), NK_OK);
	commit(st);
}

static int64_t append(struct nk_store *st, const char *case_id, const char *actor,
		      const char *type, const char *body)
{
	struct nk_event ev = { .time_ms = 1700000000000 };

	snprintf(ev.actor, sizeof(ev.actor), "%s", actor);
	snprintf(ev.type, sizeof(ev.type), "%s", type);
	ev.body = (char *)body;
	assert_int_equal(nk_store_append(st, case_id, &ev, NULL), NK_OK);
	return ev.seq;
}

static void put(struct nk_store *st, const char *case_id, const char *name, const char *value)
{
	assert_int_equal(nk_store_secret_put(st, case_id, name, (const uint8_t *)value,
					     strlen(value), NULL), NK_OK);
}

static void assert_secret(struct nk_store *st, const char *case_id, const char *name,
			  const char *want)
{
	uint8_t buf[NK_SECRET_MAX];
	size_t len = 0;
	struct nk_error err = {0};

	assert_int_equal(nk_store_secret_get(st, case_id, name, buf, sizeof(buf), &len, &err),
			 NK_OK);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(buf, want, len);
}

static size_t count_events(struct nk_store *st, const char *case_id)
{
	struct nk_event_list list = {0};
	size_t n;

	assert_int_equal(nk_store_load(st, case_id, &list, NULL), NK_OK);
	n = list.count;
	nk_event_list_free(&list);
	return n;
}

/* The sealed bytes of (case, name) as the backend holds them. */
static size_t raw_sealed(struct nk_store *st, const char *case_id, const char *name,
			 uint8_t sealed[static STORE_SEALED_MAX])
{
	size_t len = 0;

	assert_int_equal(st->ops->secret_get(st->backend, case_id, name, sealed, &len, NULL),
			 NK_OK);
	return len;
}

struct collected {
	char ids[8][NK_CASE_ID_MAX];
	size_t count, stop_after;
};

static bool collect(const char *case_id, void *arg)
{
	struct collected *c = arg;

	snprintf(c->ids[c->count++], NK_CASE_ID_MAX, "%s", case_id);
	return c->count < c->stop_after;
}

/* ---- tests for both backends ---- */

static void append_and_load_in_order(void **state)
{
	struct fixture *fx = *state;
	struct nk_event_list list = {0};
	static const char *const types[] = { "case.opened", "round.figure", "round.result" };

	create_case(fx->store, "c1");
	create_case(fx->store, "c2");
	begin(fx->store);
	for (int i = 0; i < 3; i++)
		assert_int_equal(append(fx->store, "c1", "claimant", types[i], "{\"n\":1}"), i + 1);
	assert_int_equal(append(fx->store, "c2", "payer", "case.opened", "{}"), 1);
	commit(fx->store);
	begin(fx->store);
	assert_int_equal(append(fx->store, "c1", "mediator", "case.closed", "{\"end\":true}"), 4);
	commit(fx->store);

	assert_int_equal(nk_store_load(fx->store, "c1", &list, NULL), NK_OK);
	assert_int_equal(list.count, 4);
	for (size_t i = 0; i < list.count; i++)
		assert_int_equal(list.events[i].seq, (int64_t)i + 1);
	assert_string_equal(list.events[1].type, "round.figure");
	assert_string_equal(list.events[1].actor, "claimant");
	assert_string_equal(list.events[3].actor, "mediator");
	assert_string_equal(list.events[3].body, "{\"end\":true}");
	assert_int_equal(list.events[0].time_ms, 1700000000000);
	nk_event_list_free(&list);
	assert_null(list.events);
	assert_int_equal(count_events(fx->store, "c2"), 1);
}

static void rollback_leaves_nothing(void **state)
{
	struct fixture *fx = *state;
	struct collected seen = { .stop_after = 8 };

	create_case(fx->store, "c1");
	begin(fx->store);
	append(fx->store, "c1", "claimant", "case.opened", "{}");
	put(fx->store, "c1", "limit", "first");
	commit(fx->store);

	begin(fx->store);
	assert_int_equal(nk_store_case_create(fx->store, "c2", NULL), NK_OK);
	append(fx->store, "c1", "payer", "round.figure", "{}");
	append(fx->store, "c2", "payer", "case.opened", "{}");
	put(fx->store, "c1", "limit", "second");
	put(fx->store, "c1", "other", "x");
	assert_int_equal(nk_store_secret_purge(fx->store, "c1", NULL), NK_OK);
	nk_store_rollback(fx->store);

	assert_int_equal(count_events(fx->store, "c1"), 1);
	assert_int_equal(nk_store_load(fx->store, "c2", &(struct nk_event_list){0}, NULL),
			 NK_ENOTFOUND);
	assert_secret(fx->store, "c1", "limit", "first");
	assert_int_equal(nk_store_secret_get(fx->store, "c1", "other", (uint8_t[8]){0}, 8,
					     &(size_t){0}, NULL), NK_ENOTFOUND);
	assert_int_equal(nk_store_list_cases(fx->store, collect, &seen, NULL), NK_OK);
	assert_int_equal(seen.count, 1);

	begin(fx->store);	/* a rolled-back seq is not used up */
	assert_int_equal(append(fx->store, "c1", "payer", "round.figure", "{}"), 2);
	commit(fx->store);
	nk_store_rollback(fx->store);	/* outside a transaction: nothing to do */
	assert_int_equal(count_events(fx->store, "c1"), 2);
}

static void unknown_case_is_not_found(void **state)
{
	struct fixture *fx = *state;
	struct nk_event ev = { .actor = "payer", .type = "round.figure", .body = "{}" };
	struct nk_event sentinel = {0};
	struct nk_event_list list = { .events = &sentinel, .count = 7 };
	struct nk_error err = {0};

	begin(fx->store);
	assert_int_equal(nk_store_append(fx->store, "nope", &ev, &err), NK_ENOTFOUND);
	assert_string_equal(err.field, "case");
	assert_non_null(strstr(err.text, "nope"));
	assert_int_equal(ev.seq, 0);
	assert_int_equal(nk_store_secret_put(fx->store, "nope", "limit", (const uint8_t *)"1", 1,
					     NULL), NK_ENOTFOUND);
	assert_int_equal(nk_store_secret_purge(fx->store, "nope", NULL), NK_ENOTFOUND);
	nk_store_rollback(fx->store);
	assert_int_equal(nk_store_load(fx->store, "nope", &list, NULL), NK_ENOTFOUND);
	assert_ptr_equal(list.events, &sentinel);	/* untouched on failure */
	assert_int_equal(list.count, 7);
	assert_int_equal(nk_store_secret_get(fx->store, "nope", "limit", (uint8_t[8]){0}, 8,
					     &(size_t){0}, NULL), NK_ENOTFOUND);
}

static void duplicate_case_is_refused(void **state)
{
	struct fixture *fx = *state;
	struct nk_error err = {0};

	begin(fx->store);
	assert_int_equal(nk_store_case_create(fx->store, "c1", NULL), NK_OK);
	assert_int_equal(nk_store_case_create(fx->store, "c1", &err), NK_EINVAL);
	assert_string_equal(err.field, "case");
	assert_non_null(strstr(err.text, "already exists"));
	append(fx->store, "c1", "claimant", "case.opened", "{}");
	commit(fx->store);
	begin(fx->store);
	assert_int_equal(nk_store_case_create(fx->store, "c1", NULL), NK_EINVAL);
	nk_store_rollback(fx->store);
	assert_int_equal(count_events(fx->store, "c1"), 1);
}

static void cases_are_listed_oldest_first(void **state)
{
	struct fixture *fx = *state;
	struct collected all = { .stop_after = 8 }, two = { .stop_after = 2 };

	assert_int_equal(nk_store_list_cases(fx->store, collect, &all, NULL), NK_OK);
	assert_int_equal(all.count, 0);
	create_case(fx->store, "zeta");
	create_case(fx->store, "alpha");
	create_case(fx->store, "mid-1");
	assert_int_equal(nk_store_list_cases(fx->store, collect, &all, NULL), NK_OK);
	assert_int_equal(all.count, 3);
	assert_string_equal(all.ids[0], "zeta");
	assert_string_equal(all.ids[1], "alpha");
	assert_string_equal(all.ids[2], "mid-1");
	assert_int_equal(nk_store_list_cases(fx->store, collect, &two, NULL), NK_OK);
	assert_int_equal(two.count, 2);
}

static void secrets_put_get_replace(void **state)
{
	struct fixture *fx = *state;
	uint8_t big[NK_SECRET_MAX + 1], buf[NK_SECRET_MAX], small[4];
	size_t len = 99;
	struct nk_error err = {0};

	memset(big, 'b', sizeof(big));
	create_case(fx->store, "c1");
	begin(fx->store);
	put(fx->store, "c1", "limit.claimant", "70000000000");
	put(fx->store, "c1", "empty", "");
	assert_int_equal(nk_store_secret_put(fx->store, "c1", "max", big, NK_SECRET_MAX, NULL),
			 NK_OK);
	assert_int_equal(nk_store_secret_put(fx->store, "c1", "big", big, sizeof(big), &err),
			 NK_EINVAL);
	assert_string_equal(err.field, "secret");
	commit(fx->store);

	assert_secret(fx->store, "c1", "limit.claimant", "70000000000");
	assert_secret(fx->store, "c1", "empty", "");
	assert_int_equal(nk_store_secret_get(fx->store, "c1", "max", buf, sizeof(buf), &len,
					     NULL), NK_OK);
	assert_int_equal(len, NK_SECRET_MAX);
	assert_memory_equal(buf, big, NK_SECRET_MAX);

	begin(fx->store);
	put(fx->store, "c1", "limit.claimant", "60000000000");
	commit(fx->store);
	assert_secret(fx->store, "c1", "limit.claimant", "60000000000");

	memset(small, 0xaa, sizeof(small));
	len = 99;
	assert_int_equal(nk_store_secret_get(fx->store, "c1", "limit.claimant", small,
					     sizeof(small), &len, &err), NK_EINVAL);
	assert_memory_equal(small, "\xaa\xaa\xaa\xaa", 4);
	assert_int_equal(len, 99);
	assert_null(strstr(err.text, "6000"));	/* never a secret in a message */
	assert_int_equal(nk_store_secret_get(fx->store, "c1", "missing", buf, sizeof(buf), &len,
					     &err), NK_ENOTFOUND);
	assert_string_equal(err.field, "secret");
}

static void sealed_blob_opens_only_where_it_was_put(void **state)
{
	struct fixture *fx = *state;
	uint8_t sealed[STORE_SEALED_MAX], again[STORE_SEALED_MAX], buf[64];
	size_t len, len2, got = 77;
	struct nk_error err = {0};
	struct nk_store *st = fx->store;

	create_case(st, "c1");
	create_case(st, "c2");
	begin(st);
	put(st, "c1", "limit", "35000000000");
	commit(st);
	len = raw_sealed(st, "c1", "limit", sealed);
	assert_int_equal(len, STORE_SEAL_OVERHEAD + 11);
	assert_false(contains(sealed, len, "35000000000", 11));
	begin(st);
	put(st, "c1", "limit", "35000000000");	/* same value, new nonce */
	commit(st);
	len2 = raw_sealed(st, "c1", "limit", again);
	assert_int_equal(len2, len);
	assert_memory_not_equal(sealed, again, len);

	begin(st);
	assert_int_equal(st->ops->secret_put(st->backend, "c2", "limit", sealed, len, NULL), NK_OK);
	assert_int_equal(st->ops->secret_put(st->backend, "c1", "other", sealed, len, NULL), NK_OK);
	sealed[len - 1] ^= 1;
	assert_int_equal(st->ops->secret_put(st->backend, "c1", "flipped", sealed, len, NULL),
			 NK_OK);
	assert_int_equal(st->ops->secret_put(st->backend, "c1", "short", sealed, 20, NULL), NK_OK);
	commit(st);

	assert_int_equal(nk_store_secret_get(st, "c2", "limit", buf, sizeof(buf), &got, &err),
			 NK_ECRYPTO);
	assert_string_equal(err.field, "secret");
	assert_null(strstr(err.text, "35000000000"));
	assert_int_equal(got, 77);
	assert_int_equal(nk_store_secret_get(st, "c1", "other", buf, sizeof(buf), &got, NULL),
			 NK_ECRYPTO);
	assert_int_equal(nk_store_secret_get(st, "c1", "flipped", buf, sizeof(buf), &got, NULL),
			 NK_ECRYPTO);
	assert_int_equal(nk_store_secret_get(st, "c1", "short", buf, sizeof(buf), &got, NULL),
			 NK_ECRYPTO);
	assert_secret(st, "c1", "limit", "35000000000");
}

static void bad_input_is_refused_and_changes_nothing(void **state)
{
	struct fixture *fx = *state;
	static const char *const bad_ids[] = {
		"", "a/b", "a b", "caf\xc3\xa9", "../x", "a.b",
		"0123456789012345678901234567890123456789012345678901234567890123",
	};
	struct nk_event ev = { .actor = "payer", .type = "round.figure", .body = "{}" };
	char *body = malloc(NK_EVENT_BODY_MAX + 2);
	struct nk_error err = {0};
	struct nk_store *st = fx->store;

	assert_non_null(body);
	memset(body, 'x', NK_EVENT_BODY_MAX + 1);
	body[NK_EVENT_BODY_MAX + 1] = '\0';

	assert_int_equal(nk_store_case_create(st, "c1", &err), NK_EINVAL);
	assert_string_equal(err.field, "transaction");
	assert_int_equal(nk_store_commit(st, &err), NK_EINVAL);
	create_case(st, "c1");
	assert_int_equal(nk_store_append(st, "c1", &ev, &err), NK_EINVAL);

	begin(st);
	assert_int_equal(nk_store_begin(st, &err), NK_EINVAL);
	assert_int_equal(nk_store_scrub(st, &err), NK_EINVAL);
	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		err = (struct nk_error){0};
		assert_int_equal(nk_store_case_create(st, bad_ids[i], &err), NK_EINVAL);
		assert_string_equal(err.field, "case");
		assert_int_equal(nk_store_append(st, bad_ids[i], &ev, NULL), NK_EINVAL);
	}
	assert_int_equal(nk_store_case_create(st, NULL, NULL), NK_EINVAL);
	assert_int_equal(nk_store_append(st, "c1", NULL, &err), NK_EINVAL);

	memset(ev.type, 't', sizeof(ev.type));	/* no NUL inside */
	assert_int_equal(nk_store_append(st, "c1", &ev, &err), NK_EINVAL);
	assert_string_equal(err.field, "event.type");
	snprintf(ev.type, sizeof(ev.type), "round figure");
	assert_int_equal(nk_store_append(st, "c1", &ev, &err), NK_EINVAL);
	snprintf(ev.type, sizeof(ev.type), "round.figure");
	ev.actor[0] = '\0';
	assert_int_equal(nk_store_append(st, "c1", &ev, &err), NK_EINVAL);
	assert_string_equal(err.field, "event.actor");
	snprintf(ev.actor, sizeof(ev.actor), "payer");
	ev.time_ms = -1;
	assert_int_equal(nk_store_append(st, "c1", &ev, &err), NK_EINVAL);
	ev.time_ms = 0;
	ev.body = NULL;
	assert_int_equal(nk_store_append(st, "c1", &ev, &err), NK_EINVAL);
	ev.body = body;
	assert_int_equal(nk_store_append(st, "c1", &ev, &err), NK_EINVAL);
	assert_string_equal(err.field, "event.body");
	assert_int_equal(ev.seq, 0);
	body[NK_EVENT_BODY_MAX] = '\0';	/* exactly the limit is fine */
	assert_int_equal(nk_store_append(st, "c1", &ev, NULL), NK_OK);

	assert_int_equal(nk_store_secret_put(st, "c1", "", (const uint8_t *)"1", 1, &err),
			 NK_EINVAL);
	assert_string_equal(err.field, "secret.name");
	assert_int_equal(nk_store_secret_put(st, "c1", "a/b", (const uint8_t *)"1", 1, NULL),
			 NK_EINVAL);
	assert_int_equal(nk_store_secret_put(st, "c1", "x", NULL, 1, NULL), NK_EINVAL);
	commit(st);
	assert_int_equal(count_events(st, "c1"), 1);
	free(body);
}

/* ---- tokens, read snapshots (both backends) ---- */

static void tokens_put_find_revoke(void **state)
{
	struct fixture *fx = *state;
	uint8_t a[NK_TOKEN_BYTES], b[NK_TOKEN_BYTES], op[NK_TOKEN_BYTES];
	char case_id[NK_CASE_ID_MAX] = "untouched", role[NK_TOKEN_ROLE_MAX] = "untouched";
	size_t n = 99;

	memset(a, 0xa1, sizeof(a));
	memset(b, 0xb2, sizeof(b));
	memset(op, 0x0c, sizeof(op));
	create_case(fx->store, "c1");
	assert_int_equal(nk_store_token_put(fx->store, a, "c1", "claimant", NULL), NK_EINVAL);
	begin(fx->store);
	assert_int_equal(nk_store_token_put(fx->store, a, "c1", "claimant", NULL), NK_OK);
	assert_int_equal(nk_store_token_put(fx->store, a, "c1", "payer", NULL), NK_EINVAL);
	assert_int_equal(nk_store_token_put(fx->store, b, "nosuch", "payer", NULL), NK_ENOTFOUND);
	assert_int_equal(nk_store_token_put(fx->store, b, "c1", "Payer!", NULL), NK_EINVAL);
	assert_int_equal(nk_store_token_put(fx->store, op, "", "operator", NULL), NK_OK);
	commit(fx->store);
	begin(fx->store);
	assert_int_equal(nk_store_token_put(fx->store, b, "c1", "payer", NULL), NK_OK);
	nk_store_rollback(fx->store);

	assert_int_equal(nk_store_token_find(fx->store, b, case_id, role, NULL), NK_ENOTFOUND);
	assert_string_equal(case_id, "untouched");
	assert_int_equal(nk_store_token_find(fx->store, a, case_id, role, NULL), NK_OK);
	assert_string_equal(case_id, "c1");
	assert_string_equal(role, "claimant");
	assert_int_equal(nk_store_token_find(fx->store, op, case_id, role, NULL), NK_OK);
	assert_string_equal(case_id, "");
	assert_string_equal(role, "operator");
	assert_int_equal(nk_store_token_count(fx->store, "c1", "claimant", &n, NULL), NK_OK);
	assert_int_equal(n, 1);

	begin(fx->store);
	assert_int_equal(nk_store_token_revoke(fx->store, "c1", "claimant", &n, NULL), NK_OK);
	assert_int_equal(n, 1);
	commit(fx->store);
	assert_int_equal(nk_store_token_find(fx->store, a, case_id, role, NULL), NK_ENOTFOUND);
	assert_int_equal(nk_store_token_count(fx->store, "c1", "claimant", &n, NULL), NK_OK);
	assert_int_equal(n, 0);
	assert_int_equal(nk_store_token_count(fx->store, "", "operator", &n, NULL), NK_OK);
	assert_int_equal(n, 1);
}

static void read_snapshot_refuses_writes(void **state)
{
	struct fixture *fx = *state;
	struct nk_event ev = { .time_ms = 1, .actor = "a", .type = "t", .body = "{}" };

	create_case(fx->store, "c1");
	assert_int_equal(nk_store_begin_read(fx->store, NULL), NK_OK);
	assert_int_equal(nk_store_begin_read(fx->store, NULL), NK_EINVAL);
	assert_int_equal(nk_store_append(fx->store, "c1", &ev, NULL), NK_EINVAL);
	assert_int_equal(nk_store_commit(fx->store, NULL), NK_EINVAL);
	assert_int_equal(count_events(fx->store, "c1"), 0);
	nk_store_rollback(fx->store);
	assert_int_equal(nk_store_wait_durable(fx->store, NULL), NK_OK);
	begin(fx->store);	/* the snapshot ended */
	append(fx->store, "c1", "a", "t", "{}");
	commit(fx->store);
	assert_int_equal(count_events(fx->store, "c1"), 1);
}

/* ---- sqlite only: hashes on disk, the upgrade, group commit ---- */

static void tokens_are_stored_as_keyed_hashes(void **state)
{
	struct fixture *fx = *state;
	uint8_t token[NK_TOKEN_BYTES];
	char case_id[NK_CASE_ID_MAX], role[NK_TOKEN_ROLE_MAX];

	randombytes_buf(token, sizeof(token));
	begin(fx->store);
	assert_int_equal(nk_store_token_put(fx->store, token, "", "operator", NULL), NK_OK);
	commit(fx->store);
	reopen(fx);
	assert_false(store_files_contain(fx, token, sizeof(token)));
	assert_int_equal(nk_store_token_find(fx->store, token, case_id, role, NULL), NK_OK);
	assert_string_equal(role, "operator");
}

static void version_1_database_is_upgraded(void **state)
{
	struct fixture *fx = *state;
	uint8_t sig[NK_RECORD_SIG_BYTES] = { 1 };
	uint64_t index = 9;
	uint8_t token[NK_TOKEN_BYTES] = { 7 };
	char case_id[NK_CASE_ID_MAX], role[NK_TOKEN_ROLE_MAX];
	sqlite3 *db = NULL;

	create_case(fx->store, "c1");
	nk_store_close(fx->store);
	fx->store = NULL;
	assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE tokens; DROP TABLE envelopes; DROP TABLE record; DROP TABLE legacy; "
				      "DROP TABLE checkpoints; ALTER TABLE events DROP COLUMN chain; "
				      "ALTER TABLE events DROP COLUMN countersig; "
				      "PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	reopen(fx);
	assert_int_equal(count_events(fx->store, "c1"), 0);
	begin(fx->store);
	assert_int_equal(nk_store_token_put(fx->store, token, "c1", "payer", NULL), NK_OK);
	/* and on to version 3: the record's tables are there */
	assert_int_equal(nk_store_record_append(fx->store, "c1", token, sizeof(token), sig, &index,
						NULL), NK_OK);
	assert_int_equal(nk_store_checkpoint_put(fx->store, 1, token, sizeof(token), NULL), NK_OK);
	assert_int_equal(nk_store_checkpoint_put(fx->store, 1, token, sizeof(token), NULL), NK_EINVAL);
	assert_int_equal(nk_store_checkpoint_put(fx->store, 2, token, sizeof(token), NULL), NK_EINVAL);
	commit(fx->store);
	assert_int_equal(index, 0);
	assert_int_equal(nk_store_token_find(fx->store, token, case_id, role, NULL), NK_OK);
	begin(fx->store);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.a", (const uint8_t *)"x", 1,
					       NULL), NK_OK);
	commit(fx->store);
}

/* A version-2 database (tokens, no envelopes) gains the envelopes table on open. */
static void version_2_database_is_upgraded(void **state)
{
	struct fixture *fx = *state;
	uint8_t *got = NULL;
	size_t len = 0;
	sqlite3 *db = NULL;

	create_case(fx->store, "c1");
	nk_store_close(fx->store);
	fx->store = NULL;
	assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
	/* version 2 had tokens but neither envelopes (3) nor links and the record (4) */
	assert_int_equal(sqlite3_exec(db, "DROP TABLE envelopes; DROP TABLE record; DROP TABLE legacy; "
				      "DROP TABLE checkpoints; ALTER TABLE events DROP COLUMN chain; "
				      "ALTER TABLE events DROP COLUMN countersig; "
				      "PRAGMA user_version = 2", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	reopen(fx);
	begin(fx->store);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.a", (const uint8_t *)"xy", 2,
					       NULL), NK_OK);
	commit(fx->store);
	assert_int_equal(nk_store_envelope_get(fx->store, "c1", "msg.a", &got, &len, NULL), NK_OK);
	assert_int_equal(len, 2);
	free(got);
}

#define GROUP_THREADS 4
#define GROUP_COMMITS 40

struct group_worker {
	const char *url;
	struct nk_store_group *group;
	int n;
	enum nk_status rc;
};

/* One connection of the group: its own case, GROUP_COMMITS commits of one event. */
static void *group_worker(void *arg)
{
	struct group_worker *w = arg;
	struct nk_store *st = NULL;
	char id[16];
	struct nk_error err = {0};

	snprintf(id, sizeof(id), "g%d", w->n);
	w->rc = nk_store_open_grouped(&st, w->url, 0, w->group, &err);
	if (w->rc == NK_OK && (w->rc = nk_store_begin(st, &err)) == NK_OK &&
	    (w->rc = nk_store_case_create(st, id, &err)) == NK_OK)
		w->rc = nk_store_commit(st, &err);
	for (int i = 0; i < GROUP_COMMITS && w->rc == NK_OK; i++) {
		struct nk_event ev = { .time_ms = 1, .actor = "a", .type = "t", .body = "{}" };

		if ((w->rc = nk_store_begin(st, &err)) == NK_OK &&
		    (w->rc = nk_store_append(st, id, &ev, &err)) == NK_OK)
			w->rc = nk_store_commit(st, &err);
		if (w->rc != NK_OK)
			nk_store_rollback(st);
	}
	nk_store_close(st);
	return NULL;
}

static void group_commit_batches_and_keeps_everything(void **state)
{
	struct fixture *fx = *state;
	struct nk_store_group *group = NULL;
	struct group_worker w[GROUP_THREADS];
	pthread_t t[GROUP_THREADS];
	uint64_t commits = 0, flushes = 0;
	char id[16];

	assert_int_equal(nk_store_group_new(&group, fx->url, NULL), NK_OK);
	for (int i = 0; i < GROUP_THREADS; i++) {
		w[i] = (struct group_worker){ .url = fx->url, .group = group, .n = i };
		assert_int_equal(pthread_create(&t[i], NULL, group_worker, &w[i]), 0);
	}
	for (int i = 0; i < GROUP_THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].rc, NK_OK);
	}
	nk_store_group_counts(group, &commits, &flushes);
	nk_store_group_free(group);
	assert_int_equal(commits, GROUP_THREADS * (GROUP_COMMITS + 1));
	assert_true(flushes >= 1 && flushes <= commits);
	print_message("# group commit: %llu commits in %llu flushes\n",
		      (unsigned long long)commits, (unsigned long long)flushes);
	reopen(fx);
	for (int i = 0; i < GROUP_THREADS; i++) {
		snprintf(id, sizeof(id), "g%d", i);
		assert_int_equal(count_events(fx->store, id), GROUP_COMMITS);
	}
}

/* ---- tests only the sqlite backend can run ---- */

static void reopened_store_keeps_everything(void **state)
{
	struct fixture *fx = *state;

	create_case(fx->store, "c1");
	begin(fx->store);
	append(fx->store, "c1", "claimant", "case.opened", "{\"currency\":\"USD\"}");
	put(fx->store, "c1", "limit", "70000000000");
	commit(fx->store);
	reopen(fx);
	assert_int_equal(count_events(fx->store, "c1"), 1);
	assert_secret(fx->store, "c1", "limit", "70000000000");
}

static void purge_and_scrub_leave_no_trace(void **state)
{
	struct fixture *fx = *state;
	static const char plain[] = "claimant-limit:USD:731500000:6d1b";
	static const char marker[] = "EVENT-MARKER-5f2a09c4";
	uint8_t first[STORE_SEALED_MAX], second[STORE_SEALED_MAX];
	size_t first_len, second_len;
	struct stat st;
	char wal[192];
	struct nk_store *s = fx->store;

	create_case(s, "c1");
	create_case(s, "c2");
	begin(s);
	append(s, "c1", "mediator", "case.note", "{\"note\":\"EVENT-MARKER-5f2a09c4\"}");
	put(s, "c1", "limit", plain);
	put(s, "c2", "keep", "payer-limit");
	commit(s);
	first_len = raw_sealed(s, "c1", "limit", first);
	begin(s);
	put(s, "c1", "limit", plain);	/* replaced: the old blob must go too */
	commit(s);
	second_len = raw_sealed(s, "c1", "limit", second);

	/* The search finds what is there: an event body and both sealed blobs. */
	assert_true(store_files_contain(fx, marker, strlen(marker)));
	assert_true(store_files_contain(fx, first, first_len));
	assert_true(store_files_contain(fx, second, second_len));
	assert_false(store_files_contain(fx, plain, strlen(plain)));	/* never in clear */

	begin(s);
	assert_int_equal(nk_store_secret_purge(s, "c1", NULL), NK_OK);
	commit(s);
	/* Committed, but the WAL still holds older copies of the page: hence scrub. */
	assert_true(store_files_contain(fx, second, second_len));
	assert_int_equal(nk_store_scrub(s, NULL), NK_OK);

	for (size_t part = 0; part < 2; part++) {
		const uint8_t *blob = part ? second : first;
		size_t len = part ? second_len : first_len;

		assert_false(store_files_contain(fx, blob, len));
		/* nor its nonce, nor its MAC and ciphertext, on their own */
		assert_false(store_files_contain(fx, blob + 1, crypto_secretbox_NONCEBYTES));
		assert_false(store_files_contain(fx, blob + 1 + crypto_secretbox_NONCEBYTES,
						 len - 1 - crypto_secretbox_NONCEBYTES));
	}
	assert_false(store_files_contain(fx, plain, strlen(plain)));
	assert_true(store_files_contain(fx, marker, strlen(marker)));
	snprintf(wal, sizeof(wal), "%s-wal", fx->db);
	assert_true(stat(wal, &st) != 0 || st.st_size == 0);

	assert_int_equal(nk_store_secret_get(s, "c1", "limit", (uint8_t[64]){0}, 64, &(size_t){0},
					     NULL), NK_ENOTFOUND);
	assert_secret(s, "c2", "keep", "payer-limit");
	assert_int_equal(count_events(s, "c1"), 1);
}

/* Opening path (without CREATE, and with it when also_create) is NK_ECORRUPT naming
 * it, and leaves its bytes as they were and no key file beside it. */
static void assert_refused_untouched(const char *path, const char *why, bool also_create)
{
	char url[256], key[256];
	struct nk_store *store = (struct nk_store *)&url;	/* must stay as it is */
	struct nk_error err = {0};
	size_t before_len, after_len;
	uint8_t *before = read_file(path, &before_len), *after;

	snprintf(url, sizeof(url), "sqlite:%s", path);
	snprintf(key, sizeof(key), "%s.key", path);
	for (unsigned flags = 0; flags <= (also_create ? NK_STORE_CREATE : 0);
	     flags += NK_STORE_CREATE) {
		assert_int_equal(nk_store_open(&store, url, flags, &err), NK_ECORRUPT);
		assert_ptr_equal(store, (struct nk_store *)&url);
		assert_non_null(strstr(err.text, why));
		assert_non_null(strstr(err.text, path));
	}
	after = read_file(path, &after_len);
	assert_int_equal(before_len, after_len);
	if (before_len)
		assert_memory_equal(before, after, before_len);
	assert_int_equal(access(key, F_OK), -1);
	free(before);
	free(after);
}

static void foreign_files_are_refused_untouched(void **state)
{
	struct fixture *fx = *state;
	char path[192];
	sqlite3 *db = NULL;
	char text[600] = "";

	snprintf(path, sizeof(path), "%s/other.db", fx->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE cases(id TEXT); INSERT INTO cases "
				      "VALUES ('x'); PRAGMA user_version = 1", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_refused_untouched(path, "not a nakodo database", true);

	snprintf(path, sizeof(path), "%s/notes.txt", fx->dir);
	for (int i = 0; i < 20; i++)
		strcat(text, "not a database!\n");
	write_file(path, text, strlen(text));
	assert_refused_untouched(path, "not a nakodo database", true);

	/* An empty file is refused too, unless CREATE asks to make the database in it. */
	snprintf(path, sizeof(path), "%s/empty.db", fx->dir);
	write_file(path, "", 0);
	assert_refused_untouched(path, "empty", false);
	assert_refused_untouched(fx->dir, "not a nakodo database", true);
}

static void missing_key_file_is_refused(void **state)
{
	struct fixture *fx = *state;
	struct nk_store *store = NULL;
	struct nk_error err = {0};
	char moved[192];

	nk_store_close(fx->store);
	fx->store = NULL;
	snprintf(moved, sizeof(moved), "%s/moved.key", fx->dir);
	assert_int_equal(rename(fx->key, moved), 0);
	for (unsigned flags = 0; flags <= NK_STORE_CREATE; flags += NK_STORE_CREATE) {
		assert_int_equal(nk_store_open(&store, fx->url, flags, &err), NK_ECORRUPT);
		assert_null(store);
		assert_string_equal(err.field, "key");
		assert_non_null(strstr(err.text, fx->key));
		assert_non_null(strstr(err.text, "missing"));
		assert_int_equal(access(fx->key, F_OK), -1);	/* not made anew */
	}
	assert_int_equal(rename(moved, fx->key), 0);
	reopen(fx);
}

static void damaged_key_file_is_refused(void **state)
{
	struct fixture *fx = *state;
	struct nk_store *store = NULL;
	struct nk_error err = {0};
	size_t len, other_len;
	uint8_t *good, *other, bad[64];
	char other_url[192], other_key[192];

	nk_store_close(fx->store);
	fx->store = NULL;
	good = read_file(fx->key, &len);
	assert_int_equal(len, 56);
	for (int damage = 0; damage < 5; damage++) {
		size_t bad_len = len;

		memcpy(bad, good, len);
		if (damage == 0)
			bad_len = 20;		/* truncated */
		else if (damage == 1)
			bad_len = 0;		/* emptied */
		else if (damage == 2)
			bad[20] ^= 0x01;	/* a flipped bit in the key */
		else if (damage == 3)
			bad[0] = 'X';		/* wrong magic */
		else
			bad[bad_len++] = '\n';	/* a byte too many */
		write_file(fx->key, bad, bad_len);
		assert_int_equal(nk_store_open(&store, fx->url, 0, &err), NK_ECORRUPT);
		assert_null(store);
		assert_non_null(strstr(err.text, "is damaged"));
		assert_non_null(strstr(err.text, fx->key));
	}

	/* a sound key file, but another database's */
	snprintf(other_url, sizeof(other_url), "sqlite:%s/second.db", fx->dir);
	snprintf(other_key, sizeof(other_key), "%s/second.db.key", fx->dir);
	assert_int_equal(nk_store_open(&store, other_url, NK_STORE_CREATE, NULL), NK_OK);
	nk_store_close(store);
	store = NULL;
	other = read_file(other_key, &other_len);
	write_file(fx->key, other, other_len);
	assert_int_equal(nk_store_open(&store, fx->url, 0, &err), NK_ECORRUPT);
	assert_non_null(strstr(err.text, "does not belong"));

	write_file(fx->key, good, len);
	reopen(fx);
	free(good);
	free(other);
}

static void key_file_is_private(void **state)
{
	struct fixture *fx = *state;
	struct nk_store *store = NULL;
	struct stat st;
	char url[192], key[192];
	mode_t old;

	assert_int_equal(stat(fx->key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 56);

	old = umask(0);		/* 0600 comes from nakodo, not from the umask */
	snprintf(url, sizeof(url), "sqlite:%s/open.db", fx->dir);
	snprintf(key, sizeof(key), "%s/open.db.key", fx->dir);
	assert_int_equal(nk_store_open(&store, url, NK_STORE_CREATE, NULL), NK_OK);
	umask(old);
	nk_store_close(store);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void open_without_create_makes_nothing(void **state)
{
	struct fixture *fx = *state;
	struct nk_store *store = NULL;
	struct nk_error err = {0};
	size_t entries = count_entries(fx->dir);
	char url[192];

	snprintf(url, sizeof(url), "sqlite:%s/none.db", fx->dir);
	assert_int_equal(nk_store_open(&store, url, 0, &err), NK_ENOTFOUND);
	assert_null(store);
	assert_non_null(strstr(err.text, "none.db"));
	snprintf(url, sizeof(url), "%s/none.db", fx->dir);	/* a bare path */
	assert_int_equal(nk_store_open(&store, url, 0, &err), NK_ENOTFOUND);
	snprintf(url, sizeof(url), "sqlite:%s/no-such-dir/x.db", fx->dir);
	assert_int_equal(nk_store_open(&store, url, 0, NULL), NK_ENOTFOUND);
	assert_int_equal(nk_store_open(&store, url, NK_STORE_CREATE, &err), NK_ESTORE);
	assert_null(store);
	assert_int_equal(count_entries(fx->dir), entries);
}

static void bare_path_and_empty_file_with_create(void **state)
{
	struct fixture *fx = *state;
	struct nk_store *store = NULL;
	char path[192];

	snprintf(path, sizeof(path), "%s/made.db", fx->dir);
	write_file(path, "", 0);
	assert_int_equal(nk_store_open(&store, path, NK_STORE_CREATE, NULL), NK_OK);
	create_case(store, "c1");
	nk_store_close(store);
	store = NULL;
	assert_int_equal(nk_store_open(&store, path, 0, NULL), NK_OK);
	assert_int_equal(count_events(store, "c1"), 0);
	nk_store_close(store);
}

/* ---- tests without a store ---- */

static void bad_urls_and_flags_are_refused(void **state)
{
	struct nk_store *store = (struct nk_store *)state;	/* must stay as it is */
	struct nk_error err = {0};

	(void)state;
	assert_int_equal(nk_store_open(&store, "", 0, &err), NK_EINVAL);
	assert_string_equal(err.field, "store");
	assert_int_equal(nk_store_open(&store, NULL, 0, NULL), NK_EINVAL);
	assert_int_equal(nk_store_open(&store, "sqlite:", 0, NULL), NK_EINVAL);
	assert_int_equal(nk_store_open(&store, "mem:name", 0, NULL), NK_EINVAL);
	assert_int_equal(nk_store_open(&store, "postgres://nk:hunter2@db/nk", 0, &err), NK_EINVAL);
	assert_null(strstr(err.text, "hunter2"));	/* a URL may carry a password */
	assert_non_null(strstr(err.text, "postgres"));
	assert_int_equal(nk_store_open(&store, "mem:", 0x80, &err), NK_EINVAL);
	assert_string_equal(err.field, "flags");
	assert_ptr_equal(store, (struct nk_store *)state);
	nk_store_close(NULL);
	nk_event_list_free(NULL);
	nk_event_list_free(&(struct nk_event_list){0});
}

/* Envelopes: stored as given, one per name, deleted on request, and every write undone
 * by a rollback. */
static void envelopes_put_get_delete(void **state)
{
	struct fixture *fx = *state;
	static uint8_t big[NK_ENVELOPE_MAX + 1];
	const uint8_t a[] = "ciphertext-a", b[] = "ciphertext-b";
	struct nk_error err = {0};
	uint8_t *got = NULL;
	size_t len = 0;

	create_case(fx->store, "c1");
	create_case(fx->store, "c2");
	begin(fx->store);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.a", a, sizeof(a), NULL), NK_OK);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.a", b, sizeof(b), &err), NK_EINVAL);
	assert_string_equal(err.field, "envelope");
	assert_int_equal(nk_store_envelope_put(fx->store, "nope", "msg.a", a, sizeof(a), NULL), NK_ENOTFOUND);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "bad name", a, sizeof(a), NULL), NK_EINVAL);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.big", big, sizeof(big), NULL), NK_EINVAL);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.empty", a, 0, NULL), NK_EINVAL);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.max", big, NK_ENVELOPE_MAX, NULL), NK_OK);
	commit(fx->store);
	/* outside a transaction, writes are refused */
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.b", b, sizeof(b), NULL), NK_EINVAL);
	assert_int_equal(nk_store_envelope_delete(fx->store, "c1", "msg.a", NULL), NK_EINVAL);

	assert_int_equal(nk_store_envelope_get(fx->store, "c1", "msg.a", &got, &len, NULL), NK_OK);
	assert_int_equal(len, sizeof(a));
	assert_memory_equal(got, a, sizeof(a));
	free(got);
	assert_int_equal(nk_store_envelope_get(fx->store, "c2", "msg.a", &got, &len, NULL), NK_ENOTFOUND);
	assert_int_equal(nk_store_envelope_get(fx->store, "c1", "msg.max", &got, &len, NULL), NK_OK);
	assert_int_equal(len, NK_ENVELOPE_MAX);
	free(got);

	/* rolled back: a put disappears and a delete is undone */
	begin(fx->store);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.b", b, sizeof(b), NULL), NK_OK);
	assert_int_equal(nk_store_envelope_delete(fx->store, "c1", "msg.a", NULL), NK_OK);
	assert_int_equal(nk_store_envelope_delete(fx->store, "c1", "msg.a", NULL), NK_ENOTFOUND);
	nk_store_rollback(fx->store);
	assert_int_equal(nk_store_envelope_get(fx->store, "c1", "msg.b", &got, &len, NULL), NK_ENOTFOUND);
	assert_int_equal(nk_store_envelope_get(fx->store, "c1", "msg.a", &got, &len, NULL), NK_OK);
	free(got);

	/* committed: the delete holds, and the name can be used again */
	begin(fx->store);
	assert_int_equal(nk_store_envelope_delete(fx->store, "c1", "msg.a", NULL), NK_OK);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.a", b, sizeof(b), NULL), NK_OK);
	commit(fx->store);
	assert_int_equal(nk_store_envelope_get(fx->store, "c1", "msg.a", &got, &len, NULL), NK_OK);
	assert_memory_equal(got, b, sizeof(b));
	free(got);
	/* a secret purge (the end of a case) leaves envelopes alone */
	begin(fx->store);
	assert_int_equal(nk_store_secret_purge(fx->store, "c1", NULL), NK_OK);
	commit(fx->store);
	assert_int_equal(nk_store_envelope_get(fx->store, "c1", "msg.a", &got, &len, NULL), NK_OK);
	free(got);
}

/* ---- the tables ---- */

struct store_test {
	const char *name;
	CMUnitTestFunction fn;
};

static const struct store_test both_backends[] = {
	{ "append_and_load_in_order", append_and_load_in_order },
	{ "rollback_leaves_nothing", rollback_leaves_nothing },
	{ "unknown_case_is_not_found", unknown_case_is_not_found },
	{ "duplicate_case_is_refused", duplicate_case_is_refused },
	{ "cases_are_listed_oldest_first", cases_are_listed_oldest_first },
	{ "secrets_put_get_replace", secrets_put_get_replace },
	{ "sealed_blob_opens_only_where_it_was_put", sealed_blob_opens_only_where_it_was_put },
	{ "bad_input_is_refused_and_changes_nothing", bad_input_is_refused_and_changes_nothing },
	{ "tokens_put_find_revoke", tokens_put_find_revoke },
	{ "read_snapshot_refuses_writes", read_snapshot_refuses_writes },
	{ "envelopes_put_get_delete", envelopes_put_get_delete },
};

static const struct store_test sqlite_only[] = {
	{ "reopened_store_keeps_everything", reopened_store_keeps_everything },
	{ "purge_and_scrub_leave_no_trace", purge_and_scrub_leave_no_trace },
	{ "foreign_files_are_refused_untouched", foreign_files_are_refused_untouched },
	{ "missing_key_file_is_refused", missing_key_file_is_refused },
	{ "damaged_key_file_is_refused", damaged_key_file_is_refused },
	{ "key_file_is_private", key_file_is_private },
	{ "open_without_create_makes_nothing", open_without_create_makes_nothing },
	{ "bare_path_and_empty_file_with_create", bare_path_and_empty_file_with_create },
	{ "tokens_are_stored_as_keyed_hashes", tokens_are_stored_as_keyed_hashes },
	{ "version_1_database_is_upgraded", version_1_database_is_upgraded },
	{ "version_2_database_is_upgraded", version_2_database_is_upgraded },
	{ "group_commit_batches_and_keeps_everything", group_commit_batches_and_keeps_everything },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define TESTS (2 * COUNT(both_backends) + COUNT(sqlite_only) + 1)

static void add(struct CMUnitTest *t, char name[static 96], const char *backend,
		const struct store_test *test)
{
	snprintf(name, 96, "%s/%s", backend, test->name);
	*t = (struct CMUnitTest){
		.name = name, .test_func = test->fn, .setup_func = setup,
		.teardown_func = teardown, .initial_state = (void *)backend,
	};
}

int main(void)
{
	static const char *const backends[] = { "sqlite", "mem" };
	struct CMUnitTest tests[TESTS];
	char names[TESTS][96];
	size_t n = 0;

	for (size_t b = 0; b < COUNT(backends); b++)
		for (size_t i = 0; i < COUNT(both_backends); i++, n++)
			add(&tests[n], names[n], backends[b], &both_backends[i]);
	for (size_t i = 0; i < COUNT(sqlite_only); i++, n++)
		add(&tests[n], names[n], "sqlite", &sqlite_only[i]);
	tests[n++] = (struct CMUnitTest){
		.name = "bad_urls_and_flags_are_refused", .test_func = bad_urls_and_flags_are_refused,
	};
	return _cmocka_run_group_tests("store", tests, n, NULL, NULL);
}
