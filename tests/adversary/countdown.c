/* The failure hooks' countdown (countdown.h). */
#include "countdown.h"

void countdown_arm(struct countdown *c, long n, bool every_after)
{
	*c = (struct countdown){ .left = n, .every_after = every_after };
}

long countdown_disarm(struct countdown *c)
{
	c->left = 0;
	c->failing = false;
	return c->fired;
}

__attribute__((no_sanitize("address", "undefined")))
enum countdown_answer countdown_fail(struct countdown *c)
{
	if (c->failing)
		return c->every_after ? (c->fired++, COUNTDOWN_FAIL) : COUNTDOWN_PASS;
	if (c->left == 0 || --c->left > 0)
		return COUNTDOWN_PASS;
	c->failing = true;
	c->fired++;
	return COUNTDOWN_FIRST;
}
