/* Unit tests for status names and nk_fail. */
#include <nakodo/status.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static void fail_fills_error(void **state)
{
	struct nk_error err = {0};

	(void)state;
	assert_int_equal(nk_fail(&err, NK_EINVAL, "amount", "too many decimals (%d)", 3), NK_EINVAL);
	assert_int_equal(err.code, NK_EINVAL);
	assert_string_equal(err.field, "amount");
	assert_string_equal(err.text, "too many decimals (3)");
	assert_int_equal(nk_fail(NULL, NK_ERANGE, NULL, "x"), NK_ERANGE);
}

static void names_are_stable(void **state)
{
	(void)state;
	assert_string_equal(nk_status_name(NK_OK), "ok");
	assert_string_equal(nk_status_name(NK_EREFUSED), "refused");
	assert_string_equal(nk_status_name((enum nk_status)999), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fail_fills_error),
		cmocka_unit_test(names_are_stable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
