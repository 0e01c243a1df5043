/* Unit tests for core/money: currencies, parsing, formatting, checked arithmetic. */
#include <nakodo/money.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static const struct nk_currency *usd, *jpy, *krw, *eur, *gbp;

static int setup(void **state)
{
	(void)state;
	usd = nk_currency_find("USD");
	jpy = nk_currency_find("JPY");
	krw = nk_currency_find("KRW");
	eur = nk_currency_find("EUR");
	gbp = nk_currency_find("GBP");
	return !(usd && jpy && krw && eur && gbp);
}

static void currencies_have_iso_exponents(void **state)
{
	(void)state;
	assert_int_equal(usd->exponent, 2);
	assert_int_equal(eur->exponent, 2);
	assert_int_equal(gbp->exponent, 2);
	assert_int_equal(jpy->exponent, 0);
	assert_int_equal(krw->exponent, 0);
	assert_null(nk_currency_find("usd"));
	assert_null(nk_currency_find("XXX"));
	assert_int_equal(nk_currency_unit(usd), 100);
	assert_int_equal(nk_currency_unit(jpy), 1);
}

static void parses_plain_and_grouped(void **state)
{
	int64_t v = -1;

	(void)state;
	assert_int_equal(nk_money_parse(usd, "350000000", NULL, &v, NULL), NK_OK);
	assert_int_equal(v, INT64_C(35000000000));
	assert_int_equal(nk_money_parse(usd, "350,000,000.50", NULL, &v, NULL), NK_OK);
	assert_int_equal(v, INT64_C(35000000050));
	assert_int_equal(nk_money_parse(usd, "0.5", NULL, &v, NULL), NK_OK);
	assert_int_equal(v, 50);
	assert_int_equal(nk_money_parse(usd, "1,000", NULL, &v, NULL), NK_OK);
	assert_int_equal(v, 100000);
	assert_int_equal(nk_money_parse(jpy, "12,345", NULL, &v, NULL), NK_OK);
	assert_int_equal(v, 12345);
	assert_int_equal(nk_money_parse(krw, "0", NULL, &v, NULL), NK_OK);
	assert_int_equal(v, 0);
}

static void refuses_bad_text_with_reason(void **state)
{
	static const char *const bad[] = {
		"", "-5", "+5", " 5", "5 ", "1,00", "1,0000", ",100", "100,", "1,,000",
		"1.2.3", "1.", ".5", "abc", "12a", "1.234", "1e6", "0x10", "1,000.0.0",
		"1000,000", "99999999999999999999",
	};
	struct nk_error err = {0};
	int64_t v = 77;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_not_equal(nk_money_parse(usd, bad[i], "offer", &v, &err), NK_OK);
		assert_int_equal(v, 77);	/* untouched */
		assert_string_equal(err.field, "offer");
		assert_true(strlen(err.text) > 0);
	}
	assert_int_equal(nk_money_parse(jpy, "1.5", NULL, &v, &err), NK_EINVAL);
	assert_non_null(strstr(err.text, "JPY has 0 decimals"));
	assert_int_equal(nk_money_parse(usd, "-1", NULL, &v, &err), NK_EINVAL);
	assert_non_null(strstr(err.text, "negative"));
}

static void refuses_overflow(void **state)
{
	int64_t v = 0;

	(void)state;
	/* NK_AMOUNT_MAX is 4611686018427387903 minor units. */
	assert_int_equal(nk_money_parse(jpy, "4611686018427387903", NULL, &v, NULL), NK_OK);
	assert_int_equal(v, NK_AMOUNT_MAX);
	assert_int_equal(nk_money_parse(jpy, "4611686018427387904", NULL, &v, NULL), NK_ERANGE);
	assert_int_equal(nk_money_parse(usd, "46116860184273879.03", NULL, &v, NULL), NK_OK);
	assert_int_equal(nk_money_parse(usd, "46116860184273880", NULL, &v, NULL), NK_ERANGE);
}

static void formats_back(void **state)
{
	char buf[NK_MONEY_TEXT_MAX];

	(void)state;
	nk_money_format(usd, INT64_C(35000000050), 1, buf);
	assert_string_equal(buf, "350,000,000.50");
	nk_money_format(usd, INT64_C(35000000050), 0, buf);
	assert_string_equal(buf, "350000000.50");
	nk_money_format(usd, 5, 1, buf);
	assert_string_equal(buf, "0.05");
	nk_money_format(usd, 0, 1, buf);
	assert_string_equal(buf, "0.00");
	nk_money_format(jpy, 1234567, 1, buf);
	assert_string_equal(buf, "1,234,567");
	nk_money_format(jpy, 123, 1, buf);
	assert_string_equal(buf, "123");
	nk_money_format(usd, -150, 1, buf);
	assert_string_equal(buf, "-1.50");
	nk_money_format(jpy, INT64_MIN, 1, buf);
	assert_string_equal(buf, "-9,223,372,036,854,775,808");
}

static void round_trips(void **state)
{
	char buf[NK_MONEY_TEXT_MAX];
	int64_t samples[] = { 0, 1, 99, 100, 101, 123456789, NK_AMOUNT_MAX };
	int64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		for (int grouped = 0; grouped < 2; grouped++) {
			nk_money_format(usd, samples[i], grouped, buf);
			assert_int_equal(nk_money_parse(usd, buf, NULL, &v, NULL), NK_OK);
			assert_int_equal(v, samples[i]);
		}
	}
}

static void arithmetic_is_checked(void **state)
{
	int64_t r = 5;

	(void)state;
	assert_int_equal(nk_amount_add(INT64_MAX, 1, &r), NK_ERANGE);
	assert_int_equal(r, 5);
	assert_int_equal(nk_amount_sub(INT64_MIN, 1, &r), NK_ERANGE);
	assert_int_equal(nk_amount_mul(INT64_MAX / 2 + 1, 2, &r), NK_ERANGE);
	assert_int_equal(nk_amount_add(NK_AMOUNT_MAX, NK_AMOUNT_MAX, &r), NK_OK);
	assert_int_equal(nk_amount_mul(12, 10, &r), NK_OK);
	assert_int_equal(r, 120);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(currencies_have_iso_exponents),
		cmocka_unit_test(parses_plain_and_grouped),
		cmocka_unit_test(refuses_bad_text_with_reason),
		cmocka_unit_test(refuses_overflow),
		cmocka_unit_test(formats_back),
		cmocka_unit_test(round_trips),
		cmocka_unit_test(arithmetic_is_checked),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
