/* The pages and their assets, served from the table built into the command
 * (web_files.h): no file system is read, so no path can reach outside it. Every answer
 * carries the same strict headers (web_headers), the API's too. */
#include "server/server_impl.h"
#include "server/web_files.h"

#include "base/ids.h"

#include <stdlib.h>
#include <string.h>

/* Same origin only; no inline script or style; WebAssembly compiled from the page's own
 * modules (libsodium's); nothing framed, no <base>, no plugin. */
#define WEB_CSP "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " \
	"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " \
	"form-action 'self'; frame-ancestors 'none'"

void web_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy", WEB_CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	/* the token lives in the fragment, which no Referer carries; this covers the rest */
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
}

struct MHD_Response *web_response(const struct web_file *file)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(file->len, (void *)file->data, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return NULL;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, file->type);
	/* pages are not cached (a new build's page names new assets); assets, whose names
	 * change with their content, are cached for a year */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				strncmp(file->path, "/assets/", 8) == 0
				? "public, max-age=31536000, immutable" : "no-store");
	web_headers(resp);
	return resp;
}

static int by_path(const void *key, const void *elem)
{
	return strcmp(key, ((const struct web_file *)elem)->path);
}

static const struct web_file *web_find(const char *path)
{
	return bsearch(path, web_files, web_file_count, sizeof(web_files[0]), by_path);
}

static enum nk_status page(struct route_call *call, const char *path, struct nk_error *err)
{
	call->file = web_find(path);
	/* cannot happen: tools/web_embed.py refuses a web/ without both pages */
	return call->file ? NK_OK : nk_fail(err, NK_ENOTFOUND, "url", "no such page");
}

enum nk_status web_index(struct route_call *call, struct nk_error *err)
{
	return page(call, "/pages/index.html", err);
}

/* Any well-formed case id gets the same page, without a look into the store: the page
 * learns the case from the API with its token, so that the page cannot tell anyone
 * without one whether the case exists. */
enum nk_status web_case(struct route_call *call, struct nk_error *err)
{
	if (!call->case_id || !nk_case_id_valid(call->case_id))
		return nk_fail(err, NK_ENOTFOUND, "url", "not a case id");
	return page(call, "/pages/case.html", err);
}

enum nk_status web_asset(struct route_call *call, struct nk_error *err)
{
	/* only built names: /assets/... with its hash; never a page's source path */
	call->file = strncmp(call->url, "/assets/", 8) == 0 ? web_find(call->url) : NULL;
	return call->file ? NK_OK : nk_fail(err, NK_ENOTFOUND, "url", "no such asset");
}
