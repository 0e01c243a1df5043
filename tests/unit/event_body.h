/* The event tests' round trip of a stored body: written as the log writes it
 * (CASE_BODY_FLAGS) and read back, so that a decoder is tested on the bytes a log holds.
 * Include after cmocka.h and case/case_impl.h. */
#ifndef NAKODO_TESTS_EVENT_BODY_H
#define NAKODO_TESTS_EVENT_BODY_H

#include <stdlib.h>

/* body (taken) as the log stores it, read back. */
static json_t *reparse(json_t *body)
{
	char *text = nk_json_dumps(body, CASE_BODY_FLAGS);
	json_t *o;

	assert_non_null(text);
	o = json_loads(text, 0, NULL);
	free(text);
	json_decref(body);
	assert_non_null(o);
	return o;
}

#endif
