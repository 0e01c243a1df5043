/* base/: the shared vocabulary every layer stands on. Strict hex both ways, the one
 * case-id rule, the clock, and the bounded reader and exclusive writer with the faults
 * their callers word their own messages from. */
#include <nakodo/buffers.h>
#include <nakodo/files.h>
#include "base/hex.h"
#include "base/ids.h"
#include <nakodo/time.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

static void hex_round_trip(void **state)
{
	const uint8_t bytes[] = { 0x00, 0x0f, 0xa5, 0xff };
	uint8_t back[4] = { 0 };
	char hex[9];

	nk_hex_encode(bytes, sizeof(bytes), hex);
	assert_string_equal(hex, "000fa5ff");
	assert_true(nk_hex_decode(hex, sizeof(back), back));
	assert_memory_equal(back, bytes, sizeof(bytes));
}

static void hex_decode_is_strict(void **state)
{
	uint8_t out[2];

	assert_false(nk_hex_decode("00FF", 2, out));	/* uppercase is not ours */
	assert_false(nk_hex_decode("0g11", 2, out));
	assert_false(nk_hex_decode("001", 2, out));	/* short */
	assert_true(nk_hex_decode("00ff", 2, out));
}

static void case_ids(void **state)
{
	char longest[NK_CASE_ID_MAX], too_long[NK_CASE_ID_MAX + 1];

	memset(longest, 'a', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	memset(too_long, 'a', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	assert_true(nk_case_id_valid("Case-1_b"));
	assert_true(nk_case_id_valid(longest));
	assert_false(nk_case_id_valid(too_long));
	assert_false(nk_case_id_valid(""));
	assert_false(nk_case_id_valid(NULL));
	assert_false(nk_case_id_valid("a/b"));
	assert_false(nk_case_id_valid("a b"));
	assert_false(nk_case_id_valid("a.b"));
}

static void clock_moves(void **state)
{
	int64_t wall = nk_time_now_ms(), mono = nk_time_mono_us();

	assert_true(wall > 1600000000000LL);	/* after September 2020 */
	assert_true(nk_time_mono_us() >= mono);
	assert_true(nk_time_mono_ms() >= mono / 1000);
}

static void files_bounded_and_exclusive(void **state)
{
	char dir[] = "/tmp/nakodo-base-XXXXXX", path[64];
	struct nk_file_fault fault = { 0 };
	struct nk_error err = { 0 };
	uint8_t *buf = NULL;
	size_t len = 0;
	struct stat st;
	mode_t old = umask(0);

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	assert_int_equal(nk_file_read_bounded(path, 8, &buf, &len, path, "f", &fault, &err),
			 NK_ENOTFOUND);
	assert_int_equal(fault.step, NK_FILE_OPEN);
	assert_int_equal(fault.errnum, ENOENT);
	assert_string_equal(err.field, "f");

	assert_int_equal(nk_file_create_exclusive(path, "12345", 5, path, "f", NULL, &err), NK_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);	/* whatever the umask */
	memset(&fault, 0, sizeof(fault));
	assert_int_equal(nk_file_create_exclusive(path, "x", 1, path, "f", &fault, &err),
			 NK_EINVAL);
	assert_int_equal(fault.errnum, EEXIST);

	assert_int_equal(nk_file_read_bounded(path, 5, &buf, &len, path, "f", NULL, &err), NK_OK);
	assert_int_equal(len, 5);
	assert_string_equal((char *)buf, "12345");	/* NUL after the last byte */
	free(buf);
	buf = NULL;
	memset(&fault, 0, sizeof(fault));
	assert_int_equal(nk_file_read_bounded(path, 4, &buf, &len, path, "f", &fault, &err),
			 NK_ECORRUPT);
	assert_int_equal(fault.step, NK_FILE_LONG);
	assert_null(buf);
	assert_int_equal(nk_dir_sync(path, "f", &err), NK_OK);

	umask(old);
	unlink(path);
	rmdir(dir);
}

static void buffer_bounded_and_sticky(void **state)
{
	struct nk_buf b = { .max = 600 };
	char piece[200];

	memset(piece, 'x', sizeof(piece));
	assert_true(nk_buf_append(&b, piece, sizeof(piece)));
	assert_true(nk_buf_append(&b, piece, sizeof(piece)));
	assert_true(nk_buf_append(&b, piece, sizeof(piece)));	/* exactly max */
	assert_int_equal(b.len, 600);
	assert_int_equal(strlen(b.data), 600);			/* NUL-terminated */
	assert_false(nk_buf_append(&b, "y", 1));			/* one past the bound */
	assert_true(b.too_big);
	assert_false(nk_buf_append(&b, "", 0));			/* sticky */
	assert_int_equal(b.len, 600);
	nk_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 600);
	assert_false(b.too_big);
	assert_true(nk_buf_append(&b, "ab", 2));
	assert_string_equal(b.data, "ab");
	nk_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hex_round_trip),
		cmocka_unit_test(hex_decode_is_strict),
		cmocka_unit_test(case_ids),
		cmocka_unit_test(clock_moves),
		cmocka_unit_test(files_bounded_and_exclusive),
		cmocka_unit_test(buffer_bounded_and_sticky),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
