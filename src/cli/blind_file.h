/* A blind case's state file beside the party's key, KEY.CASE.blind (doc/blind.md, "State
 * between runs"): two copies of the side's sealed state, the newer one read, the older
 * one overwritten in place by the next save. Internal to the command (blind_submit.c,
 * cmd_verify_draw.c). */
#ifndef NAKODO_CLI_BLIND_FILE_H
#define NAKODO_CLI_BLIND_FILE_H

#include <nakodo/blind.h>
#include <nakodo/case.h>
#include <nakodo/keys.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct blind_file {
	char path[4096];
	const struct nk_party_key *key;
	size_t copy;		/* one copy's bytes, fixed by the case's rules */
	size_t slot;		/* its room in the file: copy rounded up to whole 4 KiB pages */
	int lock;		/* blind_file_lock's descriptor, or -1 */
	uint64_t generation;	/* the newer copy's */
	int newer;		/* which copy is the newer, 0 or 1; -1: no file yet */
};

/* The state file's path for case_id beside key_path, KEY.CASE.blind, into out (size
 * bytes): false when it does not fit. */
bool blind_file_path(char *out, size_t size, const char *key_path, const char *case_id);

/* The case's session id (both sides compute it alike): the case and both registered
 * identities. */
void cli_blind_session_id(const struct nk_brief *b, uint8_t sid[static NK_BLIND_SESSION_BYTES]);

/* f set for b's case and role beside key_path, and the side in it loaded into *p:
 * NK_ENOTFOUND when there is no file yet (f is then ready for the first save). With
 * lock, the run's lock on the state (KEY.CASE.blind.lock, flock) is taken first and kept
 * until blind_file_unlock, whatever the outcome, so that no two runs of one side read and
 * overwrite the same copy: NK_EREFUSED when another run of this side holds it. */
NK_MUST_USE enum nk_status blind_file_open(struct blind_file *f, const struct nk_brief *b,
					   const struct nk_party_key *key,
					   const char *key_path, bool lock,
					   struct nk_blind_party **p, struct nk_error *err);
/* p saved durably: the first save makes the file (both copies' room, the second empty),
 * later ones overwrite the older copy in place and flush its data (fdatasync). */
NK_MUST_USE enum nk_status blind_file_save(struct blind_file *f, const struct nk_blind_party *p,
					   struct nk_error *err);

/* A save whose write and flush run on a thread of their own while the caller computes
 * what follows (the claimant's garbling after its begin and pin: doc/blind.md, "Fewer
 * crossings"): blind_file_save_start seals p at once (the caller may change p then),
 * blind_file_save_wait waits for the write to be durable, and must be called, and must
 * have succeeded, before anything that depends on the save is sent. Until it returns,
 * f is the thread's. */
struct blind_flush {
	struct blind_file *f;
	uint8_t *data;
	pthread_t thread;
	bool threaded;
	enum nk_status rc;
	struct nk_error err;
};
NK_MUST_USE enum nk_status blind_file_save_start(struct blind_file *f,
						 const struct nk_blind_party *p,
						 struct blind_flush *fl, struct nk_error *err);
NK_MUST_USE enum nk_status blind_file_save_wait(struct blind_flush *fl, struct nk_error *err);

/* The run's lock released (a blind_file with lock -1: nothing). */
void blind_file_unlock(struct blind_file *f);

#endif
