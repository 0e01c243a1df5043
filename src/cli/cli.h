/* The nakodo command's shared pieces: the context every subcommand gets, the table
 * entry shape, and the helpers for output and exit status. Internal to the command. */
#ifndef NAKODO_CLI_H
#define NAKODO_CLI_H

#include <nakodo/status.h>

#include <stdbool.h>
#include <stdio.h>

/* Exit statuses of the command. */
enum cli_exit {
	CLI_OK = 0,		/* done */
	CLI_REFUSED = 1,	/* refused by the case's rules */
	CLI_USAGE = 2,		/* bad usage or input */
	CLI_STORAGE = 3,	/* storage error */
};

struct cli_ctx {
	const char *db;		/* --db, NAKODO_DB, or "nakodo.db" */
	bool json;		/* --json: one JSON object on stdout */
	const char *cacert;	/* --cacert, NAKODO_CACERT: the CAs a server's certificate
				 * is checked against (NULL: the system's) */
	FILE *out;		/* stdout */
	FILE *err;		/* stderr */
};

/* A subcommand: argv[0] is its name; global options have been removed already. It
 * prints its own --help to ctx->out and returns an enum cli_exit. */
struct cli_command {
	const char *name;
	const char *summary;	/* one line for `nakodo --help` */
	int (*run)(struct cli_ctx *ctx, int argc, char **argv);
};

/* Subcommands, one file each (src/cli/cmd_NAME.c). */
int cmd_case(struct cli_ctx *ctx, int argc, char **argv);
int cli_case_list(struct cli_ctx *ctx, int argc, char **argv);	/* cmd_case_list.c */
extern const char cli_case_list_help[];
int cmd_submit(struct cli_ctx *ctx, int argc, char **argv);
int cmd_extend(struct cli_ctx *ctx, int argc, char **argv);
int cmd_propose(struct cli_ctx *ctx, int argc, char **argv);
int cmd_answer(struct cli_ctx *ctx, int argc, char **argv);
int cmd_approve(struct cli_ctx *ctx, int argc, char **argv);
int cmd_endorse(struct cli_ctx *ctx, int argc, char **argv);
int cmd_reject(struct cli_ctx *ctx, int argc, char **argv);
int cmd_close(struct cli_ctx *ctx, int argc, char **argv);
int cmd_announce(struct cli_ctx *ctx, int argc, char **argv);	/* cmd_party.c */
int cmd_brief(struct cli_ctx *ctx, int argc, char **argv);
int cmd_log(struct cli_ctx *ctx, int argc, char **argv);
int cmd_demo(struct cli_ctx *ctx, int argc, char **argv);
int cmd_analyze(struct cli_ctx *ctx, int argc, char **argv);	/* multi-issue analysis */
int cmd_loan(struct cli_ctx *ctx, int argc, char **argv);	/* loan schedules */
int cmd_simulate(struct cli_ctx *ctx, int argc, char **argv);	/* rule sets vs rupture */
int cmd_package(struct cli_ctx *ctx, int argc, char **argv);	/* settlement packages */
int cmd_serve(struct cli_ctx *ctx, int argc, char **argv);	/* the HTTP API */
int cmd_keygen(struct cli_ctx *ctx, int argc, char **argv);	/* party keys */
int cmd_pubkey(struct cli_ctx *ctx, int argc, char **argv);
int cmd_verify(struct cli_ctx *ctx, int argc, char **argv);	/* receipts */
int cmd_server_key(struct cli_ctx *ctx, int argc, char **argv);	/* the server's key */
int cmd_join(struct cli_ctx *ctx, int argc, char **argv);	/* a party's key on a case */
int cmd_send(struct cli_ctx *ctx, int argc, char **argv);	/* sealed messages */
int cmd_inbox(struct cli_ctx *ctx, int argc, char **argv);
int cmd_deposit(struct cli_ctx *ctx, int argc, char **argv);	/* simultaneous disclosure */
int cmd_withdraw(struct cli_ctx *ctx, int argc, char **argv);
int cmd_receipt(struct cli_ctx *ctx, int argc, char **argv);	/* an ended case's receipt */
int cmd_sign_read(struct cli_ctx *ctx, int argc, char **argv);	/* signed-read headers */
int cmd_token(struct cli_ctx *ctx, int argc, char **argv);	/* a role's access token */
int cmd_key(struct cli_ctx *ctx, int argc, char **argv);	/* key sessions */

#endif
