/* A package valuation from examples/ (EXAMPLES_DIR), read as `nakodo package value` reads
 * it, for the cmocka tests of package cases; include after <cmocka.h>. */
#ifndef NAKODO_TESTS_EXAMPLE_VALUATION_H
#define NAKODO_TESTS_EXAMPLE_VALUATION_H

#include <nakodo/agenda_formats.h>
#include <nakodo/package_json.h>

#include <stdio.h>
#include <stdlib.h>

static inline void example_valuation(const char *name, struct nk_package_valuation *v)
{
	char path[512], *buf = NULL;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%s", EXAMPLES_DIR, name);
	assert_int_equal(nk_file_read(path, &buf, &len, NULL), NK_OK);
	assert_int_equal(nk_valuation_json_read(buf, len, path, v, NULL), NK_OK);
	free(buf);
}

#endif
