/* The store tests' shared fixture, helpers and runner (store_fixture.h). */
#include "store_fixture.h"

#include "test_store_url.h"

/* A schema of its own in the test cluster for one test, named in the URL's search_path,
 * with the key folder in the fixture's folder. */
static bool pg_url(struct fixture *fx)
{
	struct test_store t;

	if (!test_store_make(&t, fx->dir, "postgresql"))
		return false;
	snprintf(fx->url, sizeof(fx->url), "%s", t.url);
	snprintf(fx->schema, sizeof(fx->schema), "%s", t.schema);
	return true;
}

void remove_dir(const char *dir)
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

size_t count_entries(const char *dir)
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
uint8_t *read_file(const char *path, size_t *len)
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

void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

bool contains(const uint8_t *hay, size_t hay_len, const void *needle, size_t len)
{
	for (size_t i = 0; len <= hay_len && i <= hay_len - len; i++)
		if (memcmp(hay + i, needle, len) == 0)
			return true;
	return false;
}

/* Whether needle occurs in the database file or any file SQLite keeps beside it. */
bool store_files_contain(const struct fixture *fx, const void *needle, size_t len)
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

int setup(void **state)
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
	if (strcmp(backend, "postgresql") == 0)
		snprintf(fx->key, sizeof(fx->key), "%s/storage.key", fx->dir);
	else if (unsetenv("NAKODO_KEYS") != 0)	/* a postgresql test's key folder */
		return -1;
	*state = fx;
	if (strcmp(backend, "mem") == 0)
		snprintf(fx->url, sizeof(fx->url), "mem:");
	else if (strcmp(backend, "postgresql") == 0 && !pg_url(fx))
		return -1;
	else if (strcmp(backend, "postgresql") != 0)
		snprintf(fx->url, sizeof(fx->url), "sqlite:%s", fx->db);
	*state = fx;
	if (nk_store_open(&fx->store, fx->url, NK_STORE_CREATE, &err) != NK_OK) {
		fprintf(stderr, "# open %s: %s\n", fx->url, err.text);
		return -1;
	}
	return 0;
}

int teardown(void **state)
{
	struct fixture *fx = *state;

	nk_store_close(fx->store);
	if (*fx->schema) {
		char sql[128];

		snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", fx->schema);
		(void)test_store_admin(sql);
	}
	remove_dir(fx->dir);
	free(fx);
	return 0;
}

void reopen(struct fixture *fx)
{
	struct nk_error err = {0};

	nk_store_close(fx->store);
	fx->store = NULL;
	assert_int_equal(nk_store_open(&fx->store, fx->url, 0, &err), NK_OK);
}

void begin(struct nk_store *st)
{
	assert_int_equal(nk_store_begin(st, NULL), NK_OK);
}

void commit(struct nk_store *st)
{
	assert_int_equal(nk_store_commit(st, NULL), NK_OK);
}

void create_case(struct nk_store *st, const char *id)
{
	begin(st);
	assert_int_equal(nk_store_case_create(st, id, NULL), NK_OK);
	commit(st);
}

int64_t append(struct nk_store *st, const char *case_id, const char *actor,
	       const char *type, const char *body)
{
	struct nk_event ev = { .time_ms = 1700000000000 };

	snprintf(ev.actor, sizeof(ev.actor), "%s", actor);
	snprintf(ev.type, sizeof(ev.type), "%s", type);
	ev.body = (char *)body;
	assert_int_equal(nk_store_append(st, case_id, &ev, NULL), NK_OK);
	return ev.seq;
}

void put(struct nk_store *st, const char *case_id, const char *name, const char *value)
{
	assert_int_equal(nk_store_secret_put(st, case_id, name, (const uint8_t *)value,
					     strlen(value), NULL), NK_OK);
}

void assert_secret(struct nk_store *st, const char *case_id, const char *name,
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

size_t count_events(struct nk_store *st, const char *case_id)
{
	struct nk_event_list list = {0};
	size_t n;

	assert_int_equal(nk_store_load(st, case_id, &list, NULL), NK_OK);
	n = list.count;
	nk_event_list_free(&list);
	return n;
}

/* The sealed bytes of (case, name) as the backend holds them. */
size_t raw_sealed(struct nk_store *st, const char *case_id, const char *name,
		  uint8_t sealed[static STORE_SEALED_MAX])
{
	size_t len = 0;

	assert_int_equal(st->ops->secret_get(st->backend, case_id, name, sealed, &len, NULL),
			 NK_OK);
	return len;
}


bool collect(const char *case_id, void *arg)
{
	struct collected *c = arg;

	snprintf(c->ids[c->count++], NK_CASE_ID_MAX, "%s", case_id);
	return c->count < c->stop_after;
}

static void add(struct CMUnitTest *t, char name[static 96], const char *backend,
		const struct store_test *test)
{
	snprintf(name, 96, "%s/%s", backend, test->name);
	*t = (struct CMUnitTest){
		.name = name, .test_func = test->fn, .setup_func = setup,
		.teardown_func = teardown, .initial_state = (void *)backend,
	};
}

int store_tests_run(const char *group, const struct store_test *both, size_t nboth,
		    const struct store_test *sqlite, size_t nsqlite,
		    const struct CMUnitTest *plain, size_t nplain)
{
	static const char *const backends[] = { "sqlite", "mem", "postgresql" };
	size_t total = COUNT(backends) * nboth + nsqlite + nplain, n = 0;
	struct CMUnitTest *tests = calloc(total, sizeof(*tests));
	char (*names)[96] = calloc(total, sizeof(*names));
	int failed;

	if (!tests || !names)
		return 1;
	for (size_t b = 0; b < COUNT(backends); b++)
		for (size_t i = 0; i < nboth; i++, n++)
			add(&tests[n], names[n], backends[b], &both[i]);
	for (size_t i = 0; i < nsqlite; i++, n++)
		add(&tests[n], names[n], "sqlite", &sqlite[i]);
	for (size_t i = 0; i < nplain; i++, n++)
		tests[n] = plain[i];
	failed = _cmocka_run_group_tests(group, tests, n, NULL, NULL);
	free(tests);
	free(names);
	return failed;
}
