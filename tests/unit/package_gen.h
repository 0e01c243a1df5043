/* Random small package cases for the brute-force tests (package_gen.c). */
#ifndef NAKODO_TEST_PACKAGE_GEN_H
#define NAKODO_TEST_PACKAGE_GEN_H

#include <nakodo/package.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define M (INT64_C(100000000))	/* a million dollars in cents */

/* splitmix64. */
uint64_t next_random(uint64_t *state);
/* 0..n-1. */
int below(uint64_t *s, int n);
/* An empty valuation of party in role at discount, in USD. */
void base(struct nk_package_valuation *v, const char *party, enum nk_role role, double discount);
/* A random small table of component c. */
void random_table(uint64_t *s, struct nk_component_table *t, enum nk_component c);
/* Two random valuations on a small shared shape (same years, per_year, repayment). */
void random_case(uint64_t *s, struct nk_package_valuation *c, struct nk_package_valuation *p);
/* Every package of the grid, in grid order, into out (at most cap: a failed assertion
 * past it). Returns how many. */
size_t enumerate(const struct nk_package_space *sp, struct nk_package *out, size_t cap);
/* The same package (terms compared only where there is an amount). */
bool same_package(const struct nk_package *a, const struct nk_package *b);

#endif
