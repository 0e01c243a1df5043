/* The record of a case's log (record.c; its checks record_batch.c): each event's link and countersignature, the
 * chain check every load makes, and the closing statement an ended case leaves in the
 * server's record. */
#ifndef NAKODO_CASE_RECORD_H
#define NAKODO_CASE_RECORD_H

#include <nakodo/case.h>
#include <nakodo/ledger.h>

/* The event's link after the case's last one (sets ev->seq, chain, countersig and
 * linked), inside the write transaction. Without countersign the countersignature is
 * left none (nk_countersig_none): only for an event a countersigned one follows in the
 * same commit (case_append_covered). */
NK_MUST_USE enum nk_status case_link_event(const struct nk_case_env *env, const char *id,
					   struct nk_event *ev, bool countersign,
					   struct nk_error *err);

/* NK_OK when env has the server's signing key, which every case needs. */
NK_MUST_USE enum nk_status case_need_signer(const struct nk_case_env *env, struct nk_error *err);
/* How many leading events of case id were stored before links existed (at most count,
 * the events its log holds) into *n; NK_ECORRUPT beyond count. */
NK_MUST_USE enum nk_status case_legacy_count(const struct nk_case_env *env, const char *id,
					     size_t count, size_t *n, struct nk_error *err);

/* Checks every event's link and the countersignature of the last (which binds all
 * before it), or, with every_sig, every countersignature; a broken link is NK_ECORRUPT
 * naming the first bad event. head (may be NULL) gets the last link. */
NK_MUST_USE enum nk_status case_chain_check(const struct nk_case_env *env, const char *id,
					    const struct nk_event_list *log, bool every_sig,
					    uint8_t *head, struct nk_error *err);

/* case_chain_check with every signature, and for a log whose last link is in a batch
 * (*proved set), that link's proof for a reader (doc/crypto.md, "Batches"): outside a
 * transaction, once the batch is committed. */
NK_MUST_USE enum nk_status case_log_proof(const struct nk_case_env *env, const char *id,
					  const struct nk_event_list *log,
					  struct nk_batch_proof *proof, bool *proved,
					  struct nk_error *err);

/* Inside the transaction that ended the case, after its last event: appends its
 * closing statement, signed, to the server's record. */
NK_MUST_USE enum nk_status case_record_close(const struct nk_case_env *env, const char *id,
					     struct nk_error *err);

#endif
