/* A request's canonical body (nk_case_request_body), which a joined party signs and the
 * go-between checks, written without a jansson tree for the actions whose members are
 * integers and truth values: the bytes stay the tree's, json_dumps(o, JSON_COMPACT |
 * JSON_SORT_KEYS), the form every older client signs, over edge and random values of
 * every such action. */
#include <nakodo/case.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

/* The tree the body was written from before. */
static char *tree_body(const struct nk_case_request *req)
{
	json_t *o = NULL;
	char *text;

	switch (req->action) {
	case NK_ACTION_SUBMIT:
	case NK_ACTION_ANNOUNCE:
		o = json_pack("{s:I, s:i}", "amount", (json_int_t)req->amount, "round", req->round);
		break;
	case NK_ACTION_EXTEND:
		o = req->round ? json_pack("{s:I, s:i}", "amount", (json_int_t)req->amount, "round",
					   req->round)
			       : json_pack("{s:I}", "amount", (json_int_t)req->amount);
		break;
	case NK_ACTION_PROPOSE:
		o = json_pack("{s:I}", "amount", (json_int_t)req->amount);
		break;
	case NK_ACTION_ANSWER:
		o = json_pack("{s:b}", "accept", req->accept);
		break;
	case NK_ACTION_APPROVE:
		o = json_pack("{s:b, s:I}", "accept", req->accept, "draft", (json_int_t)req->draft);
		break;
	default:
		o = json_object();
		break;
	}
	assert_non_null(o);
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	assert_non_null(text);
	return text;
}

static void same_body(const struct nk_case_request *req)
{
	char *want = tree_body(req);
	uint8_t *got = NULL;
	size_t len = 0;

	assert_int_equal(nk_case_request_body(req, &got, &len, NULL), NK_OK);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(got, want, len);
	assert_int_equal(got[len], '\0');
	free(got);
	free(want);
}

static void bodies_as_the_tree_wrote_them(void **state)
{
	static const enum nk_case_action actions[] = {
		NK_ACTION_SUBMIT, NK_ACTION_ANNOUNCE, NK_ACTION_EXTEND, NK_ACTION_PROPOSE,
		NK_ACTION_ANSWER, NK_ACTION_APPROVE, NK_ACTION_CLOSE, NK_ACTION_WITHDRAW,
	};
	static const int64_t amounts[] = { 0, 1, -1, 999990, INT64_MAX, INT64_MIN, 100000000 };
	static const int rounds[] = { 0, 1, 7, 49, -1, 2147483647 };
	uint64_t draw = 0;

	(void)state;
	for (size_t a = 0; a < sizeof(actions) / sizeof(actions[0]); a++) {
		for (size_t i = 0; i < sizeof(amounts) / sizeof(amounts[0]); i++)
			for (size_t k = 0; k < sizeof(rounds) / sizeof(rounds[0]); k++)
				for (int yes = 0; yes < 2; yes++) {
					struct nk_case_request req = {
						.action = actions[a], .amount = amounts[i],
						.round = rounds[k], .accept = yes,
						.draft = (uint64_t)amounts[i],
					};

					same_body(&req);
				}
		for (int i = 0; i < 2000; i++) {
			struct nk_case_request req = { .action = actions[a] };

			randombytes_buf(&draw, sizeof(draw));
			req.amount = (int64_t)(draw >> (draw % 64));
			req.round = (int)(draw % 51);
			req.accept = draw & 1;
			req.draft = draw >> 1;
			same_body(&req);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bodies_as_the_tree_wrote_them),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
