/* Out-of-memory loops (issue 10, point 10): for each operation — a submission that
 * completes a round with hints (either side), a round that settles, a join, a sealed
 * message, a deposit that releases both, a package round, a mediator's proposal and the
 * answer that settles by it — the case is set up, then for n = 1, 2, … the nth
 * allocation during the operation fails (oom_hook.c). Each try must either fail with
 * NK_ENOMEM and leave the log, every briefing and the inboxes exactly as before, or
 * succeed whole, exactly as a run without a failure does. The loop ends at the first n
 * past the operation's last allocation. A second pass fails every allocation after the
 * nth, which must always fail cleanly. To look into one failure: OOM_ONLY=k runs only
 * the kth operation of case_ops[] in the first test, OOM_N=n starts its loop at n, and a
 * breakpoint on oom_debug_fired stops at the failing allocation. */
#include "oom_hook.h"

#include "case_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- the loop ---- */

struct tally {
	long tries, failed, recovered, bad;
};

/* One try with the nth allocation failing; checks the outcome against pre and post. */
static void try_once(struct fixture *f, const struct op *op, long n, bool every_after,
		     const char *pre, const char *post, bool *done, bool *changed,
		     struct tally *t)
{
	struct nk_error err = { 0 };
	enum nk_status rc;
	const char *want;
	char *now;
	long fired;

	oom_fail_after(n, every_after);
	rc = op->run(f, &err);
	fired = oom_disarm();
	now = snapshot(f);
	*done = fired == 0;
	*changed = rc == NK_OK;
	want = rc == NK_OK ? post : pre;
	t->tries++;
	if (rc == NK_OK && fired)
		t->recovered++;
	else if (rc != NK_OK)
		t->failed++;
	if ((rc != NK_OK && rc != NK_ENOMEM) || (every_after && fired && rc == NK_OK) ||
	    strcmp(want, now) != 0) {
		/* a success that differs is the worst: always told; the others up to 8 */
		if (t->bad++ < 8 || (rc == NK_OK && strcmp(want, now) != 0)) {
			print_message("# %s%s: allocation %ld failing: %s (%s: %s)%s\n", op->name,
				      every_after ? " (and every later one)" : "", n,
				      nk_status_name(rc), err.field, err.text,
				      strcmp(want, now) != 0 ? ", the case differs from a run "
				      "without the failure" : "");
			if (strcmp(want, now) != 0)
				print_difference(want, now);
		}
	}
	free(now);
}

static void loop(const struct world *w, const struct op *op, bool sqlite, bool every_after)
{
	struct fixture f;
	struct tally t = { 0 };
	struct fake_env fake0;
	char *pre, *post;
	bool done = false, changed = false;

	fresh(w, op, sqlite, &f);
	pre = snapshot(&f);
	fake0 = f.fake;
	assert_int_equal(op->run(&f, NULL), NK_OK);
	post = snapshot(&f);
	nk_store_close(f.store);
	fresh(w, op, sqlite, &f);
	for (long n = env_number("OOM_N", 1); !done; n++) {
		if (changed) {
			nk_store_close(f.store);
			fresh(w, op, sqlite, &f);
		}
		f.fake = fake0;
		try_once(&f, op, n, every_after, pre, post, &done, &changed, &t);
	}
	nk_store_close(f.store);
	print_message("# %s on %s%s: %ld allocations, %ld failed cleanly, %ld recovered, %ld bad\n",
		      op->name, sqlite ? "sqlite" : "mem", every_after ? " (every after)" : "",
		      t.tries - 1, t.failed, t.recovered, t.bad);
	free(pre);
	free(post);
	assert_int_equal(t.bad, 0);
}

static void every_op_on_mem(void **state)
{
	for (size_t i = 0; i < case_op_count; i++)
		if (env_number("OOM_ONLY", (long)i) == (long)i)
			loop(*state, &case_ops[i], false, false);
}

static void every_op_on_mem_failing_for_good(void **state)
{
	for (size_t i = 0; i < case_op_count; i++)
		loop(*state, &case_ops[i], false, true);
}

/* The operations that end a case included: their scrub (a WAL checkpoint) runs after
 * the commit, and one that runs out of memory leaves the scrub owed and the settlement
 * reported as done. */
static void every_op_on_sqlite(void **state)
{
	for (size_t i = 0; i < case_op_count; i++)
		loop(*state, &case_ops[i], true, false);
}

static int world_setup(void **state)
{
	oom_hook_init();
	return case_world_setup(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_op_on_mem),
		cmocka_unit_test(every_op_on_mem_failing_for_good),
		cmocka_unit_test(every_op_on_sqlite),
	};

	return cmocka_run_group_tests(tests, world_setup, case_world_teardown);
}
