/* Exact utilities for the frontier: each contribution weight x score becomes a rational
 * from the decimals the profile was written with, and each party's contributions are
 * scaled by their common denominator D, so that every partial sum is an integer. While
 * those integers stay below 2^113 a quad (fr_u) holds them, and every addition the folds
 * do is exact: 0.9 and 0.8999999999999999 cannot arise apart. See doc/analyze.md. Pure. */
#include "core/frontier_common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

__extension__ typedef __int128 i128;

/* A rational n/d, d > 0, in lowest terms. */
struct q {
	i128 n, d;
};

/* 2^113: fr_u (quad precision) holds every integer up to here. */
#define EXACT_MAX ((i128)1 << 113)

static i128 gcd(i128 a, i128 b)
{
	if (a < 0)
		a = -a;
	while (b) {
		i128 r = a % b;

		a = b;
		b = r < 0 ? -r : r;
	}
	return a ? a : 1;
}

static struct q q_norm(i128 n, i128 d)
{
	i128 g = gcd(n, d);

	return (struct q){ n / g, d / g };
}

static int q_mul(struct q a, struct q b, struct q *out)
{
	i128 g1 = gcd(a.n, b.d), g2 = gcd(b.n, a.d), n, d;

	if (__builtin_mul_overflow(a.n / g1, b.n / g2, &n) ||
	    __builtin_mul_overflow(a.d / g2, b.d / g1, &d))
		return 0;
	*out = q_norm(n, d);
	return 1;
}

static int q_add(struct q a, struct q b, struct q *out)
{
	i128 g = gcd(a.d, b.d), x, y, n, d;

	if (__builtin_mul_overflow(a.n, b.d / g, &x) || __builtin_mul_overflow(b.n, a.d / g, &y) ||
	    __builtin_add_overflow(x, y, &n) || __builtin_mul_overflow(a.d / g, b.d, &d))
		return 0;
	*out = q_norm(n, d);
	return 1;
}

/* The decimal a number was written with: the shortest that reads back as the same double
 * (what any file's "0.9" or "0.2857142857142857" gives back), as a rational. */
static int q_of(double x, struct q *out)
{
	char buf[NK_NUMBER_MAX], *s = buf;
	i128 m = 0, p = 1;
	int digits = 0, e;

	if (!isfinite(x))
		return 0;
	nk_number_shortest(x, buf);
	if (*s == '-')
		s++;
	for (; *s && *s != 'e'; s++) {
		if (*s == '.')
			continue;
		m = m * 10 + (*s - '0');
		digits++;
	}
	e = (int)strtol(s + 1, NULL, 10) - (digits - 1);
	if (e > 20 || e < -36)
		return 0;
	for (int j = 0; j < (e < 0 ? -e : e); j++)
		p *= 10;
	if (buf[0] == '-')
		m = -m;
	if (e >= 0)
		return __builtin_mul_overflow(m, p, &out->n) ? 0 : (out->d = 1, 1);
	*out = q_norm(m, p);
	return 1;
}

/* A double as the exact binary fraction it is, m x 2^e. */
static int q_of_binary(double x, struct q *out)
{
	int e;
	double m = frexp(x, &e);	/* x = m x 2^e, 0.5 <= |m| < 1 */
	i128 n = (i128)ldexp(m, 53);

	e -= 53;
	if (!isfinite(x) || e > 60 || e < -120)
		return 0;
	if (e >= 0) {
		out->n = n * ((i128)1 << e);
		out->d = 1;
	} else {
		*out = q_norm(n, (i128)1 << -e);
	}
	return 1;
}

/* A number of profile pr, exactly: its shortest decimal, or its binary value. */
static int q_num(const struct nk_profile *pr, double x, struct q *out)
{
	return pr->binary ? q_of_binary(x, out) : q_of(x, out);
}

/* Value v's score under va on issue is, exactly. */
static int exact_score(const struct nk_profile *pr, const struct nk_issue *is,
		       const struct nk_valuation *va, size_t v, struct q *out)
{
	if (va->evaluations) {
		double max = 0;
		struct q e, m;

		for (size_t j = 0; j < is->nvalues; j++)
			max = va->evaluations[j] > max ? va->evaluations[j] : max;
		if (va->evaluation_max > 0)
			max = va->evaluation_max;
		if (max <= 0) {		/* an issue every value of which scores 0 */
			*out = (struct q){ 0, 1 };
			return 1;
		}
		if (!q_num(pr, va->evaluations[v], &e) || !q_num(pr, max, &m))
			return 0;
		return q_mul(e, (struct q){ m.d, m.n }, out);
	}
	if (va->linear) {
		struct q off, slope, step, d;

		/* offset + slope x (value - lower), value - lower = v x step */
		return q_num(pr, va->offset, &off) && q_num(pr, va->slope, &slope) &&
		       q_of(is->kind == NK_ISSUE_INTEGER ? 1.0 : is->step, &step) &&
		       q_mul(step, (struct q){ (i128)v, 1 }, &d) && q_mul(slope, d, &d) &&
		       q_add(off, d, out);
	}
	return q_num(pr, va->scores[v], out);
}

/* Party k's contributions scaled to integers; 0 when they do not fit. */
static int exact_party(struct fr_table *t, const struct nk_agenda *agenda,
		       const struct nk_profile *pr, size_t k, struct q *c, i128 *denp)
{
	size_t n = 0;
	i128 den = 1, sum = 0;
	struct q w, r;

	for (size_t i = 0; i < t->ni; i++) {
		if (!q_num(pr, pr->valuations[i].weight, &w))
			return 0;
		for (size_t v = t->lo[i]; v < t->hi[i]; v++, n++) {
			i128 g;

			if (!exact_score(pr, &agenda->issues[i], &pr->valuations[i], v, &c[n]) ||
			    !q_mul(w, c[n], &c[n]))
				return 0;
			g = gcd(den, c[n].d);
			if (__builtin_mul_overflow(den / g, c[n].d, &den) || den > EXACT_MAX)
				return 0;
		}
	}
	n = 0;
	for (size_t i = 0; i < t->ni; i++) {
		i128 big = 0, x;

		for (size_t v = t->lo[i]; v < t->hi[i]; v++, n++) {
			if (__builtin_mul_overflow(c[n].n, den / c[n].d, &x) || x > EXACT_MAX ||
			    x < -EXACT_MAX)
				return 0;
			big = x > big ? x : -x > big ? -x : big;
		}
		sum += big;
		if (sum > EXACT_MAX)
			return 0;
	}
	if (!q_num(pr, pr->reservation, &r))
		return 0;
	{
		/* Acceptable when u / den >= r, i.e. u >= ceil(r x den). */
		i128 num;
		fr_u thr;

		if (__builtin_mul_overflow(r.n, den, &num))
			thr = r.n < 0 ? -INFINITY : INFINITY;
		else {
			i128 f = num / r.d;

			if (f * r.d < num)
				f++;
			thr = f > EXACT_MAX ? INFINITY : f < -EXACT_MAX ? -INFINITY : (fr_u)f;
		}
		t->threshold[k] = thr;
	}
	*denp = den;
	t->scale[k] = (fr_u)den;
	return 1;
}

void fr_table_exact(struct fr_table *t, const struct nk_agenda *agenda,
		    const struct nk_profile *const *profiles)
{
	size_t total = 0, n;
	i128 den[NK_PARTIES_MAX];
	struct q *c;

	t->exact = 0;
	for (size_t k = 0; k < t->np; k++) {
		t->scale[k] = 1;
		t->cap[k] = FR_CAP;
		t->threshold[k] = t->reservation[k];
	}
	for (size_t i = 0; i < t->ni; i++)
		total += t->hi[i] - t->lo[i];
	c = malloc(total * t->np * sizeof(*c));
	if (!c)
		return;	/* the doubles stay: still GENIUS's answer, marked inexact */
	for (size_t k = 0; k < t->np; k++) {
		if (!exact_party(t, agenda, profiles[k], k, c + k * total, &den[k])) {
			for (size_t j = 0; j < t->np; j++) {
				t->scale[j] = 1;
				t->threshold[j] = t->reservation[j];
			}
			free(c);
			return;
		}
	}
	for (size_t k = 0; k < t->np; k++) {
		n = 0;
		for (size_t i = 0; i < t->ni; i++)
			for (size_t v = t->lo[i]; v < t->hi[i]; v++, n++) {
				const struct q *x = &c[k * total + n];

				t->c[i][(v - t->lo[i]) * t->np + k] =
					(fr_u)(x->n * (den[k] / x->d));
			}
		t->cap[k] = t->scale[k];
	}
	t->exact = 1;
	free(c);
}
