/* Status names and the helper that fills an nk_error. */
#include <nakodo/status.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum nk_status nk_fail(struct nk_error *err, enum nk_status code, const char *field,
		       const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
	return code;
}

const char *nk_status_name(enum nk_status status)
{
	static const char *const names[] = {
		[NK_OK] = "ok",
		[NK_EINVAL] = "invalid",
		[NK_ERANGE] = "out-of-range",
		[NK_EREFUSED] = "refused",
		[NK_ENOTFOUND] = "not-found",
		[NK_ESTORE] = "storage",
		[NK_ECORRUPT] = "corrupt",
		[NK_ENOMEM] = "out-of-memory",
		[NK_ECRYPTO] = "crypto",
		[NK_EAUTH] = "unauthorized",
	};

	if ((size_t)status >= sizeof(names) / sizeof(names[0]) || !names[status])
		return "unknown";
	return names[status];
}
