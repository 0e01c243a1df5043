/* The command as a client of `nakodo serve`: --server URL --token TOKEN (or
 * NAKODO_SERVER, NAKODO_TOKEN) send a subcommand to the server over HTTP (libcurl)
 * instead of opening a database, and its answer is printed as local mode prints it. */
#ifndef NAKODO_CLI_REMOTE_H
#define NAKODO_CLI_REMOTE_H

#include "util.h"

#include <nakodo/case.h>
#include <nakodo/blind_relay.h>
#include <nakodo/keys.h>

/* Where to send requests: from the options, else the environment. */
struct remote {
	const char *server;	/* "http://127.0.0.1:8750", or NULL for local mode */
	const char *token;
	/* Where each came from, for a message that names what the user gave: "--server",
	 * "NAKODO_SERVER", "--token", "NAKODO_TOKEN" (NULL: not known). */
	const char *server_from, *token_from;
	/* Signs bodiless requests (reads) when the server says the token's role has joined
	 * and asks for its signature (borrowed; may be NULL). */
	const struct nk_party_key *key;
	bool anonymous;		/* a public route (GET /v1/server-key): no token needed */
	/* Sign every request in its headers, over its body, as sign_role with key, without
	 * waiting to be asked (a blind case's relay, doc/blind.md). */
	bool sign_first;
	enum nk_role sign_role;
	/* A libcurl handle kept between calls (remote_session_open), so that one run's
	 * requests share one kept-alive connection; NULL: a handle per call. */
	void *session;
};

/* The long options every case subcommand takes, and how to record them: call
 * remote_option for the letters REMOTE_OPT_SERVER and REMOTE_OPT_TOKEN. */
#define REMOTE_OPT_SERVER 0x100
#define REMOTE_OPT_TOKEN 0x101
#define REMOTE_OPTIONS \
	{ "server", required_argument, NULL, REMOTE_OPT_SERVER }, \
	{ "token", required_argument, NULL, REMOTE_OPT_TOKEN }

void remote_option(struct remote *r, int opt, const char *arg);

/* What the keyed case commands (join, send, inbox, deposit, withdraw, receipt) take: one
 * CASE, and those of --as ROLE, --key FILE, --to ROLE, --out FILE that accepts names by
 * letter ("akto"), besides --server and --token. */
struct cli_case_args {
	const char *id, *as, *key, *to, *out;
};

/* Parses argv into a and remote; any other option, or a second CASE, is a usage error
 * of command name. Leaves optind after what it read; checking what is required is the
 * command's. */
int cli_case_args_parse(struct cli_ctx *ctx, const char *name, const char *accepts, int argc,
			char **argv, struct cli_case_args *a, struct remote *remote);
/* Fills what the options left empty from NAKODO_SERVER and NAKODO_TOKEN; true when a
 * server is set (remote mode). */
bool remote_active(struct remote *r);

/* Keeps one connection for r's calls until remote_session_close (a run of many
 * requests: a blind round). CLI_OK, or CLI_STORAGE when libcurl cannot start. */
int remote_session_open(struct remote *r);
void remote_session_close(struct remote *r);
/* Waits until the clock has passed the number of the process's last signed request, so
 * that the party's next command, started at once, is not refused as a replay: before
 * the process ends (main does it after every command). */
void remote_clock_settle(void);

/* Sends METHOD PATH with body (may be NULL; the reference is taken) and sets *reply to
 * the answer's JSON. A problem answer is reported as a local error would be (text or
 * --json) and its exit status returned; CLI_OK otherwise. */
int remote_call(struct cli_ctx *ctx, const struct remote *r, const char *method,
		const char *path, json_t *body, json_t **reply);

/* A request of the blind relay's (doc/api.md): body (body_len bytes, or NULL) sent raw
 * as application/octet-stream, and the answer's body into data[cap] (len bytes), its
 * status and its relay headers (Nakodo-Round, -Epoch, -Seq: "" when absent) kept for
 * the caller to read (nk_relay_answer_read). A problem answer is reported as by
 * remote_call. */
struct remote_bytes {
	const uint8_t *body;
	size_t body_len;
	uint8_t *data;
	size_t cap, len;
	bool too_big;
	bool quiet;	/* a problem answer is not reported: http says it, CLI_REFUSED */
	long http;
	char round[24], epoch[24], seq[24];
};
int remote_call_bytes(struct cli_ctx *ctx, const struct remote *r, const char *method,
		      const char *path, struct remote_bytes *io);

/* GETs path and sets *text (malloc, NUL-terminated; the caller frees it) and *len to
 * the answer's body, for routes that answer in text. Problems are reported as by
 * remote_call. */
int remote_get_text(struct cli_ctx *ctx, const struct remote *r, const char *path, char **text,
		    size_t *len);

/* remote_address.c. How long a request may take (libcurl's timeout), in seconds. */
#define REMOTE_TIMEOUT_S 30L
/* Where r's token came from, for messages: "--token", "NAKODO_TOKEN" or a file. */
const char *remote_token_source(const struct remote *r);
/* r's token is 64 hex digits (else a usage error naming where it came from, never it). */
int remote_token_check(struct cli_ctx *ctx, const struct remote *r);
/* r's server address is http:// or https://, with a host and no login, query or
 * fragment (else a usage error that does not repeat it); *local: the host is this
 * machine or the scheme https (no warning owed). */
int remote_server_check(struct cli_ctx *ctx, const struct remote *r, bool *local);
/* Once a run, when away: the server is reached in clear. */
void remote_warn_cleartext(struct cli_ctx *ctx, const char *server, bool away);
/* err: why a request found no server (code, libcurl's CURLcode), naming the address
 * and where it came from. */
void remote_connect_failure(const struct remote *r, int code, struct nk_error *err);

#endif
