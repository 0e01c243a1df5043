/* Round evaluations per second in core/bargain, for each settlement rule with and
 * without hints, beside a baseline measured in the same run: the bare midpoint
 * comparison with no grid, no leakage accounting and no hints. */
#include <nakodo/bargain.h>

#include <stdio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define FIGURES 4096

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t demands[FIGURES], offers[FIGURES];

/* The baseline: what a go-between without rules would compute. */
static double bare(long iterations, int64_t *sink)
{
	double t0 = now();

	for (long i = 0; i < iterations; i++) {
		int64_t d = demands[i % FIGURES], o = offers[i % FIGURES];

		*sink += o >= d ? d + (o - d) / 2 : -1;
	}
	return (double)iterations / (now() - t0);
}

static double rounds(const struct nk_rules *r, long iterations, int64_t *sink)
{
	static const uint8_t seed[NK_SEED_BYTES] = { 42 };
	struct nk_round_result res;
	double t0 = now();

	for (long i = 0; i < iterations; i++) {
		struct nk_round_figures f = { demands[i % FIGURES], offers[i % FIGURES], 0, 0 };

		if (nk_bargain_round(r, 1, &f, &res, seed, NULL) != NK_OK)
			return 0;
		*sink += res.figure + res.band;
	}
	return (double)iterations / (now() - t0);
}

int main(void)
{
	struct utsname u;
	struct nk_rules r;
	uint64_t x = 88172645463325252u;
	int64_t sink = 0;
	long n = 200000;
	double base;
	static const struct {
		const char *name, *settle, *hints;
	} cases[] = {
		{ "midpoint, no hints", "midpoint", "none" },
		{ "midpoint, hints 10,25", "midpoint", "10,25" },
		{ "band 10%, hints 10,25", "band:10%", "10,25" },
		{ "random, no hints", "random", "none" },
	};

	for (int i = 0; i < FIGURES; i++) {	/* xorshift: half the rounds overlap */
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		demands[i] = 100000 + (int64_t)(x % 900000);
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		offers[i] = 100000 + (int64_t)(x % 900000);
	}
	uname(&u);
	printf("bench_bargain: round evaluations per second (one thread)\n");
	printf("machine: %s %s, %ld cores\n", u.sysname, u.machine, sysconf(_SC_NPROCESSORS_ONLN));
	base = bare(50 * n, &sink);
	printf("  %-26s %14.0f /s  (baseline)\n", "bare midpoint comparison", base);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		double rate;

		nk_rules_default(&r, nk_currency_find("USD"));
		r.range_high = 2000000;
		r.grid = 100;
		if (nk_rules_parse_settle(&r, cases[c].settle, NULL) != NK_OK ||
		    nk_rules_parse_hints(&r, cases[c].hints, NULL) != NK_OK)
			return 1;
		rate = rounds(&r, n, &sink);
		printf("  %-26s %14.0f /s  (%.4f of baseline; %.2f us per round)\n", cases[c].name, rate,
		       rate / base, 1e6 / rate);
	}
	return sink == 42;	/* keeps the work from being optimised away */
}
