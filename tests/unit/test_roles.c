/* Unit tests for the role table (core/rules.c): every role has a distinct stored name
 * that parses back to it, a kind, and a role whose briefing it reads; the stored values
 * of the first roles never move; a value that is no role is refused everywhere. */
#include <nakodo/bargain.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

static void names_parse_back_and_are_distinct(void **state)
{
	(void)state;
	for (int r = 0; r < NK_ROLE_COUNT; r++) {
		enum nk_role back = NK_ROLE_COUNT;

		assert_true(nk_role_valid((enum nk_role)r));
		assert_non_null(nk_role_info((enum nk_role)r));
		assert_string_equal(nk_role_info((enum nk_role)r)->name,
				    nk_role_name((enum nk_role)r));
		assert_int_equal(nk_role_parse(nk_role_name((enum nk_role)r), &back), NK_OK);
		assert_int_equal(back, r);
		for (int s = 0; s < r; s++)
			assert_string_not_equal(nk_role_name((enum nk_role)r),
						nk_role_name((enum nk_role)s));
	}
}

/* Events, statements, envelopes and receipts store these values and names. */
static void stored_values_are_fixed(void **state)
{
	(void)state;
	assert_int_equal(NK_CLAIMANT, 0);
	assert_int_equal(NK_PAYER, 1);
	assert_int_equal(NK_MEDIATOR, 2);
	assert_int_equal(NK_CLAIMANT_PRINCIPAL, 3);
	assert_int_equal(NK_PAYER_PRINCIPAL, 4);
	assert_string_equal(nk_role_name(NK_CLAIMANT), "claimant");
	assert_string_equal(nk_role_name(NK_PAYER), "payer");
	assert_string_equal(nk_role_name(NK_MEDIATOR), "mediator");
}

static void kinds_and_readers(void **state)
{
	int parties = 0, mediators = 0;

	(void)state;
	for (int r = 0; r < NK_ROLE_COUNT; r++) {
		enum nk_role role = (enum nk_role)r, reads = nk_role_reads(role);

		assert_true(nk_role_valid(reads));
		parties += nk_role_is_party(role);
		mediators += nk_role_kind(role) == NK_ROLE_MEDIATOR;
		assert_int_equal(nk_role_is_party(role), nk_role_kind(role) == NK_ROLE_PARTY);
		/* a party and the mediator read their own briefing; any other role reads
		 * a party's or its own, never the mediator's */
		if (nk_role_kind(role) == NK_ROLE_PARTY || nk_role_kind(role) == NK_ROLE_MEDIATOR)
			assert_int_equal(reads, role);
		else
			assert_true(reads == role || nk_role_is_party(reads));
	}
	assert_int_equal(parties, NK_PARTY_COUNT);
	assert_int_equal(mediators, 1);
	assert_true(nk_role_is_party(NK_CLAIMANT) && nk_role_is_party(NK_PAYER));
	assert_false(nk_role_is_party(NK_MEDIATOR));
}

/* Each party has exactly one principal, which reads that party's briefing. */
static void principals_read_their_party(void **state)
{
	int principals[NK_PARTY_COUNT] = { 0 };

	(void)state;
	assert_string_equal(nk_role_name(NK_CLAIMANT_PRINCIPAL), "claimant-principal");
	assert_string_equal(nk_role_name(NK_PAYER_PRINCIPAL), "payer-principal");
	assert_int_equal(nk_role_reads(NK_CLAIMANT_PRINCIPAL), NK_CLAIMANT);
	assert_int_equal(nk_role_reads(NK_PAYER_PRINCIPAL), NK_PAYER);
	for (int r = 0; r < NK_ROLE_COUNT; r++)
		if (nk_role_kind((enum nk_role)r) == NK_ROLE_PRINCIPAL) {
			assert_true(nk_role_is_party(nk_role_reads((enum nk_role)r)));
			assert_false(nk_role_is_party((enum nk_role)r));
			principals[nk_role_reads((enum nk_role)r)]++;
		}
	assert_int_equal(principals[NK_CLAIMANT], 1);
	assert_int_equal(principals[NK_PAYER], 1);
}

static void non_roles_are_refused(void **state)
{
	enum nk_role r = NK_CLAIMANT;

	(void)state;
	assert_false(nk_role_valid(NK_ROLE_COUNT));
	assert_false(nk_role_valid((enum nk_role)-1));
	assert_null(nk_role_info(NK_ROLE_COUNT));
	assert_false(nk_role_is_party(NK_ROLE_COUNT));
	assert_string_equal(nk_role_name(NK_ROLE_COUNT), "unknown");
	assert_int_equal(nk_role_parse("unknown", &r), NK_EINVAL);
	assert_int_equal(nk_role_parse("", &r), NK_EINVAL);
	assert_int_equal(nk_role_parse(NULL, &r), NK_EINVAL);
	assert_int_equal(nk_role_parse("Claimant", &r), NK_EINVAL);
	assert_int_equal(nk_role_parse("claimant ", &r), NK_EINVAL);
	assert_int_equal(r, NK_CLAIMANT);	/* untouched by a refusal */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_parse_back_and_are_distinct),
		cmocka_unit_test(stored_values_are_fixed),
		cmocka_unit_test(kinds_and_readers),
		cmocka_unit_test(principals_read_their_party),
		cmocka_unit_test(non_roles_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
