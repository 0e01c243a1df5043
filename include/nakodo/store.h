/* Where cases live: an append-only event log per case, sealed secrets beside it, and
 * nothing else. The store knows nothing of negotiation rules. A backend is chosen by
 * URL: "sqlite:PATH" (a bare PATH means the same) or "mem:" (for tests). */
#ifndef NAKODO_STORE_H
#define NAKODO_STORE_H

#include <nakodo/status.h>
#include <nakodo/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NK_SECRET_NAME_MAX 64
#define NK_SECRET_MAX 8192	/* bytes of plaintext in one secret (a package valuation) */
#define NK_RECORD_ENTRY_MAX 512	/* bytes of one entry of the server's record */
#define NK_RECORD_SIG_BYTES 64	/* the server's signature on an entry */
#define NK_CHECKPOINT_DATA_MAX 256	/* bytes of one stored checkpoint */

/* NK_CASE_ID_MAX, struct nk_event and struct nk_event_list are in nakodo/types.h. */

/* Frees the bodies and the array; accepts NULL and an empty list. */
void nk_event_list_free(struct nk_event_list *list);

struct nk_store;

enum nk_store_flags {
	NK_STORE_CREATE = 1u << 0,	/* create the database (and its key file) if missing */
	/* nk_store_open_grouped only: nk_store_commit returns once its writes are in the
	 * log, before they are flushed; the caller must not tell anyone of them before
	 * nk_store_group_durable says so (the server answers from the flush's callback,
	 * without holding a thread while it waits) */
	NK_STORE_DEFER_DURABLE = 1u << 1,
};

/* What a backend can do, so that callers ask instead of reading the URL's scheme. */
enum nk_store_caps {
	/* Its data outlives the handle: kept in files that other handles (one per worker
	 * thread) and later runs open again. Without it (mem:) the data lives in the one
	 * handle that made it and is gone when that closes. */
	NK_STORE_PERSISTENT = 1u << 0,
	/* It orders concurrent write transactions itself (row locks), so a grouped store's
	 * writers do not take the process-wide turn; and a COMMIT that returned is durable
	 * (the database flushes its own log, grouping commits that arrive together), so
	 * the group flushes nothing. The two go together: the group's tickets assume that
	 * commits that wait for its flush end in ticket order, which only the turn keeps.
	 * postgresql: has it. */
	NK_STORE_CONCURRENT_WRITERS = 1u << 1,
};

/* Sets *caps to the capabilities (enum nk_store_caps) of the backend url names,
 * without opening anything. NK_EINVAL for a URL no backend of this build takes. */
NK_MUST_USE enum nk_status nk_store_url_caps(const char *url, unsigned *caps,
					     struct nk_error *err);

/* The server's signing key for the store at url, as the store decides where it lives:
 * PATH.server-key beside an sqlite database (mode 0600, made on first need), or, for a
 * store without files (mem:), a key made now that lives as long as this run. The
 * caller frees *out with nk_server_key_free. See doc/storage.md. */
struct nk_server_key;
NK_MUST_USE enum nk_status nk_store_server_key(const char *url, struct nk_server_key **out,
					       struct nk_error *err);
/* The file nk_store_server_key keeps the key of the store at url in, into out[size].
 * NK_EINVAL naming "db" when the store keeps no files or the path does not fit. */
NK_MUST_USE enum nk_status nk_store_server_key_path(const char *url, char *out, size_t size,
						    struct nk_error *err);

/* Opens the store named by url. A missing database is NK_ENOTFOUND (and nothing is
 * created) unless NK_STORE_CREATE is given; a file that is not a nakodo database, or a
 * missing, damaged or foreign key file, is NK_ECORRUPT and the file is left unchanged.
 * *out is untouched on failure. The caller closes it with nk_store_close(). A store is
 * used by one thread at a time. See doc/storage.md. */
NK_MUST_USE enum nk_status nk_store_open(struct nk_store **out, const char *url,
					 unsigned flags, struct nk_error *err);
void nk_store_close(struct nk_store *store);	/* accepts NULL; wipes the key */

/* A write transaction (SQLite: BEGIN IMMEDIATE). Everything that changes a case happens
 * between begin and commit; nk_store_commit returns only once the writes are durable,
 * and when it fails it has rolled back: nothing of the transaction stays.
 * After a failure inside the transaction the caller calls nk_store_rollback. */
NK_MUST_USE enum nk_status nk_store_begin(struct nk_store *store, struct nk_error *err);
NK_MUST_USE enum nk_status nk_store_commit(struct nk_store *store, struct nk_error *err);
void nk_store_rollback(struct nk_store *store);

/* Inside a transaction: registers a new, empty case. The id has 1 to NK_CASE_ID_MAX - 1
 * letters, digits, '-' and '_'. NK_EINVAL if the id is malformed or exists. */
NK_MUST_USE enum nk_status nk_store_case_create(struct nk_store *store, const char *case_id,
						struct nk_error *err);

/* Inside a transaction: appends ev to the case's log and sets ev->seq. The body must
 * be at most NK_EVENT_BODY_MAX bytes. NK_ENOTFOUND if there is no such case. A linked
 * event carries the seq its link was made for: NK_ECORRUPT if the store would give it
 * another (the caller rolls back). */
NK_MUST_USE enum nk_status nk_store_append(struct nk_store *store, const char *case_id,
					   struct nk_event *ev, struct nk_error *err);

/* Loads the case's whole log in sequence order into out (the caller frees it with
 * nk_event_list_free). NK_ENOTFOUND if there is no such case. */
NK_MUST_USE enum nk_status nk_store_load(struct nk_store *store, const char *case_id,
					 struct nk_event_list *out, struct nk_error *err);

/* The case's last event: its seq (0 when the case has none yet), whether it is linked
 * and its chain hash. Inside a transaction it sees the transaction's own appends.
 * NK_ENOTFOUND if there is no such case. */
NK_MUST_USE enum nk_status nk_store_last_link(struct nk_store *store, const char *case_id,
					      int64_t *seq, bool *linked,
					      uint8_t chain[static NK_CHAIN_BYTES],
					      struct nk_error *err);

/* Batches (doc/crypto.md, "Batches"; doc/storage.md): a grouped store commits many
 * cases' transactions in one batch, whose links the server signs once. The signer is the
 * case layer's: called, once per batch, in the turn just before the batch commits, with
 * the batch's number and every leaf put in it, it fills sig. */
typedef void nk_store_batch_signer(void *arg, uint64_t number,
				   const uint8_t (*leaves)[NK_CHAIN_BYTES], size_t count,
				   uint8_t sig[static NK_COUNTERSIG_BYTES]);

/* Inside a write transaction: puts leaf in the open batch, to be signed by sign(arg, …)
 * (the same for every leaf of a batch; arg must live until the group is freed), and
 * sets its batch's number and its index there. NK_ENOTFOUND when there is no batch to
 * put it in (a store that is not grouped, a backend without batches, a full batch): the
 * caller countersigns the link itself. A rolled back transaction takes its leaves out. */
NK_MUST_USE enum nk_status nk_store_batch_leaf(struct nk_store *store,
					       const uint8_t leaf[static NK_CHAIN_BYTES],
					       nk_store_batch_signer *sign, void *arg,
					       uint64_t *number, uint32_t *index,
					       struct nk_error *err);
/* Whether the store is in a write transaction that runs in a batch (a grouped store
 * with a shared writer on a backend with batches): whether nk_store_batch_leaf may take
 * a leaf, asked first so that a store without batches costs no leaf hash. */
bool nk_store_batching(const struct nk_store *store);

/* Batch number's leaves (a new array of *count hashes the caller frees with free()) and
 * signature. *open is true for the batch this transaction's writer has open: its leaves
 * so far, put in by this process, and no signature yet (sig untouched). NK_ENOTFOUND if
 * there is no such batch. */
NK_MUST_USE enum nk_status nk_store_batch_get(struct nk_store *store, uint64_t number,
					      uint8_t (**leaves)[NK_CHAIN_BYTES], size_t *count,
					      uint8_t sig[static NK_COUNTERSIG_BYTES], bool *open,
					      struct nk_error *err);

/* How many leading events of the case (seq 1 to *count) were stored before events had
 * links (schema version 4): they are chained retroactively by the case layer but carry
 * no countersignature. 0 for a case made since, and for a case there is not. */
NK_MUST_USE enum nk_status nk_store_legacy_events(struct nk_store *store, const char *case_id,
						  int64_t *count, struct nk_error *err);

/* Calls fn for each case id, oldest first, until fn returns false. The id is borrowed
 * for the call; fn may read the store but not list its cases again. */
NK_MUST_USE enum nk_status nk_store_list_cases(struct nk_store *store,
					       bool (*fn)(const char *case_id, void *arg),
					       void *arg, struct nk_error *err);

/* A case's summary for the operator's list of cases (doc/api.md, GET /v1/cases/overview):
 * what the mediator's briefing shows of its kind, state and round, kept by the case
 * layer in the transaction of each change to them, so that a page of the list reads
 * no log. The words are the case layer's (letters, digits, '-'); the store keeps them
 * as given. */
#define NK_SUMMARY_WORD_MAX 16
#define NK_SUMMARY_PAGE_MAX 200	/* cases in one page of the list */
struct nk_case_summary {
	char case_id[NK_CASE_ID_MAX];
	int64_t created_ms;		/* when the case was made (the store's) */
	bool kept;			/* false: none was kept (a case from before them) */
	char kind[NK_SUMMARY_WORD_MAX];		/* "figures", "package" */
	char state[NK_SUMMARY_WORD_MAX];	/* "open", "impasse", "settled", "closed" */
	char currency[NK_SUMMARY_WORD_MAX];
	int round, rounds;		/* the round open (or the last one), of how many */
	int64_t changed_ms;		/* when the state or the round last changed */
};

/* Inside a write transaction: keeps s as its case's summary, replacing the one before.
 * s->created_ms and s->kept are not read. NK_ENOTFOUND if there is no such case. */
NK_MUST_USE enum nk_status nk_store_summary_put(struct nk_store *store,
						const struct nk_case_summary *s,
						struct nk_error *err);

/* Up to limit (1 to NK_SUMMARY_PAGE_MAX) cases, newest first, after the case named
 * after ("": from the newest), each with its summary when one was kept, into out
 * (room for limit); *count says how many. NK_ENOTFOUND when after names no case. Reads
 * one index range: the cost does not grow with the number of cases. */
NK_MUST_USE enum nk_status nk_store_summary_page(struct nk_store *store, const char *after,
						 size_t limit, struct nk_case_summary *out,
						 size_t *count, struct nk_error *err);

/* Inside a transaction: stores a confidential value under (case, name), sealed with
 * the storage key (XSalsa20-Poly1305, bound to the case and the name). Replaces an
 * earlier value of the same name. len is at most NK_SECRET_MAX; name has letters,
 * digits and "-_.:", shorter than NK_SECRET_NAME_MAX. NK_ENOTFOUND if no such case. */
NK_MUST_USE enum nk_status nk_store_secret_put(struct nk_store *store, const char *case_id,
					       const char *name, const uint8_t *plain,
					       size_t len, struct nk_error *err);

/* nk_store_secret_put in two steps, so that the sealing (a key derivation and the
 * cipher) can be done before the write transaction: the seal binds the storage key, the
 * case and the name, nothing of the log. nk_store_secret_seal needs no transaction and
 * writes the sealed bytes into sealed[cap] (*sealed_len: len + NK_SECRET_SEAL_OVERHEAD;
 * NK_EINVAL when cap is too small); nk_store_secret_put_sealed, inside a transaction,
 * stores them under the same (case, name) as nk_store_secret_put would. */
#define NK_SECRET_SEAL_OVERHEAD 41	/* a version byte, the nonce, the tag */
NK_MUST_USE enum nk_status nk_store_secret_seal(const struct nk_store *store,
						const char *case_id, const char *name,
						const uint8_t *plain, size_t len, uint8_t *sealed,
						size_t cap, size_t *sealed_len,
						struct nk_error *err);
NK_MUST_USE enum nk_status nk_store_secret_put_sealed(struct nk_store *store,
						      const char *case_id, const char *name,
						      const uint8_t *sealed, size_t sealed_len,
						      struct nk_error *err);

/* Opens the secret (case, name) into plain[cap] and sets *len. NK_ENOTFOUND if there is
 * none; NK_ECRYPTO if it does not open under the storage key or is bound elsewhere;
 * NK_EINVAL if cap is too small. The caller wipes plain after use. */
NK_MUST_USE enum nk_status nk_store_secret_get(struct nk_store *store, const char *case_id,
					       const char *name, uint8_t *plain, size_t cap,
					       size_t *len, struct nk_error *err);

/* Secrets named with this prefix outlive the case's purge: still sealed, they hold what
 * a party may see of an ended case and no one else may (a random settlement's seed, the
 * hints each side was told), so they cannot go into the log, which the mediator reads. */
#define NK_SECRET_KEPT "kept."

/* Inside a transaction: deletes every secret of the case (the pages are overwritten)
 * but those named NK_SECRET_KEPT…. NK_ENOTFOUND if there is no such case. */
NK_MUST_USE enum nk_status nk_store_secret_purge(struct nk_store *store, const char *case_id,
						 struct nk_error *err);

/* Outside a transaction, after a purge was committed: makes sure no copy of deleted
 * data remains in any file of the store (SQLite: WAL checkpoint with truncation).
 * NK_ESTORE if another connection's read kept it from finishing; call it again later.
 * Each purge records, in its own transaction, that a scrub is owed; a scrub that
 * succeeds forgets the ones owed when it began. */
NK_MUST_USE enum nk_status nk_store_scrub(struct nk_store *store, struct nk_error *err);

/* Outside a transaction: NK_OK when the database answers (a PostgreSQL store reconnects
 * if its connection was lost), NK_ESTORE when it cannot be reached. Always NK_OK for a
 * store in a file or in memory, and inside a transaction (it cannot tell there). */
NK_MUST_USE enum nk_status nk_store_ping(struct nk_store *store, struct nk_error *err);

/* Outside a transaction: sets *pending to whether a purge committed since the last
 * scrub that succeeded (so deleted secrets may still be in the store's files). The
 * server and the command call nk_store_scrub when it is, at every start. */
NK_MUST_USE enum nk_status nk_store_scrub_pending(struct nk_store *store, bool *pending,
						  struct nk_error *err);

/* ---- Sealed messages (envelopes) ----
 * A message or deposit as the sender sealed it: ciphertext the go-between cannot open,
 * so it is stored as it came, not sealed again under the storage key. Envelopes are the
 * record of the talks and are kept after the case ends (a purge deletes secrets only);
 * a deposit withdrawn before its release is deleted. Names follow the rules of secret
 * names; an envelope is 1 to NK_ENVELOPE_MAX bytes (nakodo/seal.h). */

/* Inside a transaction: stores env under (case, name). NK_EINVAL if that name is taken
 * or the envelope is empty or too long; NK_ENOTFOUND if there is no such case. */
NK_MUST_USE enum nk_status nk_store_envelope_put(struct nk_store *store, const char *case_id,
						 const char *name, const uint8_t *env, size_t len,
						 struct nk_error *err);

/* The envelope (case, name) in a new buffer *out (the caller frees it with free()) of
 * *len bytes. NK_ENOTFOUND if there is none. */
NK_MUST_USE enum nk_status nk_store_envelope_get(struct nk_store *store, const char *case_id,
						 const char *name, uint8_t **out, size_t *len,
						 struct nk_error *err);

/* Inside a transaction: deletes the envelope (case, name). NK_ENOTFOUND if there is
 * none. */
NK_MUST_USE enum nk_status nk_store_envelope_delete(struct nk_store *store, const char *case_id,
						    const char *name, struct nk_error *err);
/* ---- The server's record: one append-only list of entries (ended cases' closing
 * statements, as bytes the case layer encodes), each with the server's signature, and
 * checkpoints (opaque bytes) by the number of entries they cover. Entries are never
 * changed or removed. ---- */

/* Inside a transaction: appends the entry of case_id (len 1 to NK_RECORD_ENTRY_MAX
 * bytes) at the next index, which it writes to *index (may be NULL). NK_EINVAL if the
 * case has an entry already; NK_ENOTFOUND if there is no such case. */
NK_MUST_USE enum nk_status nk_store_record_append(struct nk_store *store, const char *case_id,
						  const uint8_t *data, size_t len,
						  const uint8_t sig[static NK_RECORD_SIG_BYTES],
						  uint64_t *index, struct nk_error *err);

/* The entry of case_id: its index, bytes (into data, *len of them) and signature.
 * NK_ENOTFOUND if the case has none. */
NK_MUST_USE enum nk_status nk_store_record_find(struct nk_store *store, const char *case_id,
						uint64_t *index,
						uint8_t data[static NK_RECORD_ENTRY_MAX], size_t *len,
						uint8_t sig[static NK_RECORD_SIG_BYTES],
						struct nk_error *err);

/* The number of entries. */
NK_MUST_USE enum nk_status nk_store_record_size(struct nk_store *store, uint64_t *size,
						struct nk_error *err);

/* Calls fn for each entry from index start on, in order, until fn returns false. The
 * bytes are borrowed for the call; fn must not use the store. */
NK_MUST_USE enum nk_status nk_store_record_each(struct nk_store *store, uint64_t start,
						bool (*fn)(uint64_t index, const uint8_t *data,
							   size_t len, void *arg),
						void *arg, struct nk_error *err);

/* Inside a transaction: keeps the checkpoint over the first size entries (len 1 to
 * NK_CHECKPOINT_DATA_MAX bytes). There is at most one per size: NK_EINVAL if size has
 * one already, or size is 0 or beyond the record. */
NK_MUST_USE enum nk_status nk_store_checkpoint_put(struct nk_store *store, uint64_t size,
						   const uint8_t *data, size_t len,
						   struct nk_error *err);
/* The checkpoint kept for size; NK_ENOTFOUND if there is none. */
NK_MUST_USE enum nk_status nk_store_checkpoint_get(struct nk_store *store, uint64_t size,
						   uint8_t data[static NK_CHECKPOINT_DATA_MAX],
						   size_t *len, struct nk_error *err);

/* ---- Access tokens (the server's invitations) ----
 * A token is NK_TOKEN_BYTES random bytes held by its bearer. The store keeps only a
 * keyed hash of it (BLAKE2b-256 under a key derived from the storage key), with the
 * case it opens ("" for a server-wide token) and a role name; a lookup compares the
 * hashes in constant time. */
#define NK_TOKEN_BYTES 32
#define NK_TOKEN_ROLE_MAX 32	/* a role name, "claimant-principal": letters, digits, "-_.:" */

/* Inside a transaction: records token for (case_id, role). case_id is "" or an
 * existing case (NK_ENOTFOUND otherwise). */
NK_MUST_USE enum nk_status nk_store_token_put(struct nk_store *store,
					      const uint8_t token[static NK_TOKEN_BYTES],
					      const char *case_id, const char *role,
					      struct nk_error *err);

/* What token grants: the case ("" if server-wide) and the role. NK_ENOTFOUND when the
 * token is unknown or was revoked; the outputs are untouched then. */
NK_MUST_USE enum nk_status nk_store_token_find(struct nk_store *store,
					       const uint8_t token[static NK_TOKEN_BYTES],
					       char case_id[static NK_CASE_ID_MAX],
					       char role[static NK_TOKEN_ROLE_MAX],
					       struct nk_error *err);

/* Inside a transaction: forgets every token of (case_id, role) and sets *count (may be
 * NULL) to how many there were. */
NK_MUST_USE enum nk_status nk_store_token_revoke(struct nk_store *store, const char *case_id,
						 const char *role, size_t *count,
						 struct nk_error *err);

/* How many live tokens (case_id, role) has. In a write transaction it takes the case's
 * turn first, as every write to the case does (PostgreSQL: the case's row; SQLite's
 * write transaction holds the whole file already), so that a token looked up after it
 * is as the turn's previous holder left it, not as it was before that one committed. */
NK_MUST_USE enum nk_status nk_store_token_count(struct nk_store *store, const char *case_id,
						const char *role, size_t *count,
						struct nk_error *err);

/* ---- Reading without the write lock, and group commit (for the server) ---- */

/* A read transaction (SQLite: BEGIN DEFERRED): a consistent snapshot that does not
 * block writers. Writes inside it are refused; end it with nk_store_rollback. */
NK_MUST_USE enum nk_status nk_store_begin_read(struct nk_store *store, struct nk_error *err);

/* A group of connections to one database that commit together: their writers take
 * turns through an in-process lock (no busy waiting on the database), their COMMIT
 * does not flush, and one committer thread flushes the log once for every batch of
 * commits that arrived while the previous flush ran. nk_store_commit of a grouped
 * connection still returns only once its writes are durable. On sqlite every write
 * transaction of the group runs on one shared connection, as a savepoint of a batch
 * that the committer commits before its flush: other connections see a batch once it
 * is committed (doc/storage.md, "Group commit"). On a store with
 * NK_STORE_CONCURRENT_WRITERS the writers take no turn and nothing is flushed: a
 * COMMIT that returned is durable, and every ticket counts as durable (no on_flush
 * calls; the flush counter stays 0). */
struct nk_store_group;

/* Starts the group's committer thread for the database named by url. */
NK_MUST_USE enum nk_status nk_store_group_new(struct nk_store_group **out, const char *url,
					      struct nk_error *err);
/* Stops the committer after a last flush; every store of the group must be closed
 * first. Accepts NULL. */
void nk_store_group_free(struct nk_store_group *group);

/* Like nk_store_open, as a member of group (which outlives the store). */
NK_MUST_USE enum nk_status nk_store_open_grouped(struct nk_store **out, const char *url,
						 unsigned flags, struct nk_store_group *group,
						 struct nk_error *err);

/* Waits until every commit this connection may have seen so far is durable, so that
 * an answer built from a read is never sent before what it shows is on disk. Returns
 * at once outside a group. */
NK_MUST_USE enum nk_status nk_store_wait_durable(struct nk_store *store, struct nk_error *err);

/* The ticket that covers every commit this connection made or may have seen so far (0
 * outside a group): what an answer built now waits for. Calling it also says the caller
 * is done with its writes: until then a read through this connection outside a
 * transaction first commits the batch that holds its last write (sqlite), so that it
 * reads what it wrote; after it, a read may not see them before the batch commits. */
uint64_t nk_store_durable_ticket(struct nk_store *store);

/* Whether ticket's commits are durable, or a flush failed (*failed: then they never
 * will be, and nothing may be acknowledged). */
bool nk_store_group_durable(struct nk_store_group *group, uint64_t ticket, bool *failed);

/* fn(arg, synced, failed) is called on the committer's thread after every flush, with
 * the highest ticket now durable: a server resumes the answers waiting for it. fn must
 * be quick and must not commit; NULL stops the calls. */
void nk_store_group_on_flush(struct nk_store_group *group,
			     void (*fn)(void *arg, uint64_t synced, bool failed), void *arg);

/* Whether a flush of the group's log failed: from then on every commit is refused (an
 * fsync that failed may have lost what it was to write, so nothing later is trusted)
 * until the process starts again. */
bool nk_store_group_failed(struct nk_store_group *group);

/* Counters of a group, for metrics: commits, flushes (one per batch). */
void nk_store_group_counts(struct nk_store_group *group, uint64_t *commits, uint64_t *flushes);

#endif
