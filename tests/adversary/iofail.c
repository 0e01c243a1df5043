/* I/O-failure loops (issue 11, point 6): for each operation — opening a case, the
 * operations of the out-of-memory loops (case_fixture.c: submissions that complete a
 * round with hints, a settlement that purges and scrubs, a join, a sealed message, a
 * deposit, a package round, a mediator's proposal and the answer that settles by it) —
 * a case is set up in a fresh sqlite store, then for n = 1, 2, … the nth write, sync,
 * truncate or I/O file control of SQLite during the operation fails (iofail_vfs.c).
 * Each try must either fail with NK_ESTORE and leave every case in the store exactly as
 * before — its log, every briefing and both inboxes, read through a connection of their
 * own — or succeed whole, exactly as a run without a failure does. Then the operation,
 * tried again on the same connection, must succeed whole: a failure leaves nothing
 * half done behind, not even in the connection; nor on disk, where a crash right after
 * a failed try (the database and its WAL opened elsewhere, recovered from the WAL's
 * frames) must show the cases as before. The loop ends at the first n past the
 * operation's last such call. A second pass fails every call after the nth (a disk that
 * stays unwritable), closes the store and opens it again, as a restart does, before the
 * check and the second try. IOFAIL_ONLY=k runs only the kth operation, IOFAIL_N=n starts
 * each loop at n, and a breakpoint on iofail_debug_fired stops at the failing call. */
#include "case_fixture.h"
#include "iofail_vfs.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void setup_nothing(struct fixture *f)
{
	(void)f;
}

static enum nk_status run_open(struct fixture *f, struct nk_error *err)
{
	struct nk_rules rules;

	hint_rules(&rules);
	return nk_case_open(&f->env, &rules, f->id, err);
}

static const struct op open_op = { "opening a case", false, false, setup_nothing, run_open };

struct listed {
	char ids[4][NK_CASE_ID_MAX];
	size_t count;
};

static bool list_one(const char *case_id, void *arg)
{
	struct listed *l = arg;

	if (l->count < sizeof(l->ids) / sizeof(l->ids[0]))
		snprintf(l->ids[l->count], NK_CASE_ID_MAX, "%s", case_id);
	l->count++;
	return true;
}

/* Every case of the store, each as snapshot_fresh shows it, as one text (to free). */
static char *state(struct fixture *f)
{
	struct nk_store *store = NULL;
	struct listed l = { 0 };
	char url[160], *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	snprintf(url, sizeof(url), "sqlite:%s", f->db);
	assert_int_equal(nk_store_open(&store, url, 0, NULL), NK_OK);
	assert_int_equal(nk_store_list_cases(store, list_one, &l, NULL), NK_OK);
	nk_store_close(store);
	assert_true(l.count <= sizeof(l.ids) / sizeof(l.ids[0]));
	fprintf(out, "%zu cases\n", l.count);
	for (size_t i = 0; i < l.count; i++) {
		struct fixture one = *f;
		char *s;

		snprintf(one.id, sizeof(one.id), "%s", l.ids[i]);
		s = snapshot_fresh(&one);
		fprintf(out, "case %s\n%s\n", l.ids[i], s);
		free(s);
	}
	assert_int_equal(fclose(out), 0);
	return text;
}

/* Copies the file from to the file to (made private); false when from is missing. */
static bool copy_file(const char *from, const char *to)
{
	char buf[8192];
	ssize_t n = 0;
	int in = open(from, O_RDONLY), out;

	if (in < 0)
		return false;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	assert_int_equal(n, 0);
	close(in);
	assert_int_equal(close(out), 0);
	return true;
}

/* Every case as a crash right now would leave it: the database, its key and its WAL as
 * they are on disk, opened elsewhere without the shared index, so that SQLite recovers
 * the WAL from its frames alone. */
static char *state_after_crash(struct fixture *f)
{
	static const char *const suffix[] = { "", ".key", "-wal" };
	struct fixture crashed = *f;
	char from[192], to[192], *text;

	snprintf(crashed.db, sizeof(crashed.db), "%s/crash/case.db", f->w->dir);
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(from, sizeof(from), "%s%s", f->db, suffix[i]);
		snprintf(to, sizeof(to), "%s%s", crashed.db, suffix[i]);
		unlink(to);
		assert_true(copy_file(from, to) || i == 2);
	}
	unlink(strcat(strcpy(to, crashed.db), "-shm"));
	text = state(&crashed);
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++)
		unlink(strcat(strcpy(to, crashed.db), suffix[i]));
	unlink(strcat(strcpy(to, crashed.db), "-shm"));
	return text;
}

struct tally {
	long tries, failed, recovered, bad;
};

static void report(const struct op *op, bool every_after, long n, const char *what,
		   enum nk_status rc, const struct nk_error *err, const char *want,
		   const char *now, struct tally *t)
{
	/* a success that differs is the worst: always told; the others up to 8 */
	if (t->bad++ >= 8 && !(rc == NK_OK && strcmp(want, now) != 0))
		return;
	print_message("# %s%s: call %ld failing: %s%s: %s (%s: %s)\n", op->name,
		      every_after ? " (and every later one)" : "", n, what,
		      strcmp(want, now) != 0 ? ", the store differs" : "",
		      nk_status_name(rc), err->field, err->text);
	if (strcmp(want, now) != 0)
		print_difference(want, now);
}

/* One try with the nth call failing, then the retry; checks both against pre and post. */
static void try_once(struct fixture *f, const struct op *op, long n, bool every_after,
		     struct fake_env fake0, const char *pre, const char *post,
		     bool *done, struct tally *t)
{
	struct nk_error err = { 0 };
	enum nk_status rc;
	char *now;
	long fired;

	f->fake = fake0;
	iofail_after(n, every_after);
	rc = op->run(f, &err);
	fired = iofail_disarm();
	*done = fired == 0;
	t->tries++;
	if (rc == NK_OK && fired)
		t->recovered++;
	else if (rc != NK_OK)
		t->failed++;
	if (every_after) {	/* as a restart after the disk came back */
		char url[160];

		nk_store_close(f->store);
		snprintf(url, sizeof(url), "sqlite:%s", f->db);
		assert_int_equal(nk_store_open(&f->store, url, 0, NULL), NK_OK);
		f->env.store = f->store;
	}
	if (rc != NK_OK && !every_after) {
		now = state_after_crash(f);
		if (strcmp(pre, now) != 0)
			report(op, every_after, n, "a crash after the try", rc, &err, pre, now, t);
		free(now);
	}
	now = state(f);
	if ((rc != NK_OK && rc != NK_ESTORE) || strcmp(rc == NK_OK ? post : pre, now) != 0)
		report(op, every_after, n, "the try", rc, &err, rc == NK_OK ? post : pre, now, t);
	free(now);
	if (rc == NK_OK)
		return;
	f->fake = fake0;
	err = (struct nk_error){ 0 };
	rc = op->run(f, &err);
	now = state(f);
	if (rc != NK_OK || strcmp(post, now) != 0)
		report(op, every_after, n, "the retry", rc, &err, post, now, t);
	free(now);
}

static void loop(const struct world *w, const struct op *op, bool every_after)
{
	struct fixture f;
	struct tally t = { 0 };
	struct fake_env fake0;
	char *pre, *post;
	bool done = false;

	fresh(w, op, true, &f);
	pre = state(&f);
	fake0 = f.fake;
	assert_int_equal(op->run(&f, NULL), NK_OK);
	post = state(&f);
	nk_store_close(f.store);
	for (long n = env_number("IOFAIL_N", 1); !done; n++) {
		fresh(w, op, true, &f);
		try_once(&f, op, n, every_after, fake0, pre, post, &done, &t);
		nk_store_close(f.store);
	}
	print_message("# %s%s: %ld writes, syncs and truncates, %ld failed cleanly, "
		      "%ld recovered, %ld bad\n", op->name, every_after ? " (every after)" : "",
		      t.tries - 1, t.failed, t.recovered, t.bad);
	free(pre);
	free(post);
	assert_int_equal(t.bad, 0);
}

static void each_op(void **state, bool every_after)
{
	long only = env_number("IOFAIL_ONLY", -1);

	if (only < 0 || only == 0)
		loop(*state, &open_op, every_after);
	for (size_t i = 0; i < case_op_count; i++)
		if (only < 0 || only == (long)i + 1)
			loop(*state, &case_ops[i], every_after);
}

static void every_op_failing_once(void **state)
{
	each_op(state, false);
}

static void every_op_failing_for_good(void **state)
{
	each_op(state, true);
}

static int world_setup(void **state)
{
	const struct world *w;
	char crash[96];

	if (!iofail_init() || case_world_setup(state) != 0)
		return -1;
	w = *state;
	snprintf(crash, sizeof(crash), "%s/crash", w->dir);
	return mkdir(crash, 0700);
}

static int world_teardown(void **state)
{
	const struct world *w = *state;
	char crash[96];

	snprintf(crash, sizeof(crash), "%s/crash", w->dir);
	rmdir(crash);
	return case_world_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_op_failing_once),
		cmocka_unit_test(every_op_failing_for_good),
	};

	return cmocka_run_group_tests(tests, world_setup, world_teardown);
}
