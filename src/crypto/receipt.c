/* Checkpoints, closing statements and the checks a receipt must pass: the server's
 * signature on the statement, each party's, the statement's inclusion in the log at
 * the checkpoint, and the checkpoint's key and signature. Each check is reported on
 * its own, so a reader learns exactly what holds and what does not. */
#include "crypto/crypto_impl.h"

#include <nakodo/ledger.h>

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CHECKPOINT_BYTES (sizeof(TAG_CHECKPOINT) + NK_KEY_ID_BYTES + 8 + NK_HASH_BYTES + 8)

static void checkpoint_bytes(const struct nk_checkpoint *cp, uint8_t out[static CHECKPOINT_BYTES])
{
	struct writer w = { .buf = out, .cap = CHECKPOINT_BYTES };

	w_tag(&w, TAG_CHECKPOINT);
	w_bytes(&w, cp->key_id, NK_KEY_ID_BYTES);
	w_u64(&w, cp->size);
	w_bytes(&w, cp->root, NK_HASH_BYTES);
	w_u64(&w, (uint64_t)cp->time_ms);
}

void nk_checkpoint_sign(const struct nk_server_key *key, uint64_t size,
			const uint8_t root[static NK_HASH_BYTES], int64_t time_ms,
			struct nk_checkpoint *out)
{
	uint8_t msg[CHECKPOINT_BYTES];
	struct nk_checkpoint cp = { .size = size, .time_ms = time_ms };

	nk_server_key_id(key, cp.key_id);
	memcpy(cp.root, root, NK_HASH_BYTES);
	checkpoint_bytes(&cp, msg);
	nk_server_key_sign(key, msg, sizeof(msg), cp.sig);
	*out = cp;
}

enum nk_status nk_checkpoint_verify(const uint8_t server[static NK_PUBLIC_KEY_BYTES],
				    const struct nk_checkpoint *cp, struct nk_error *err)
{
	uint8_t id[NK_KEY_ID_BYTES], msg[CHECKPOINT_BYTES];
	char got[NK_KEY_ID_HEX], want[NK_KEY_ID_HEX];

	nk_key_id(server, id);
	if (sodium_memcmp(id, cp->key_id, NK_KEY_ID_BYTES) != 0) {
		nk_hex_encode(cp->key_id, NK_KEY_ID_BYTES, got);
		nk_hex_encode(id, NK_KEY_ID_BYTES, want);
		return nk_fail(err, NK_ECRYPTO, "checkpoint", "the checkpoint is signed under server "
			       "key id %s, not the given server key's %s: another server's "
			       "checkpoint", got, want);
	}
	checkpoint_bytes(cp, msg);
	if (crypto_sign_verify_detached(cp->sig, msg, sizeof(msg), server) != 0)
		return nk_fail(err, NK_ECRYPTO, "checkpoint", "the checkpoint's signature does not "
			       "verify under the given server key");
	return NK_OK;
}

static bool outcome_ok(const char *s)
{
	size_t n = strnlen(s, NK_OUTCOME_MAX);

	if (n == 0 || n == NK_OUTCOME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static bool currency_ok(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return s[3] == '\0';
}

enum nk_status nk_statement_encode(const struct nk_statement *st,
				   uint8_t out[static NK_STATEMENT_MAX], size_t *len,
				   struct nk_error *err)
{
	uint8_t buf[NK_STATEMENT_MAX];
	struct writer w = { .buf = buf, .cap = sizeof(buf) };

	if (!nk_case_id_valid(st->case_id) || !outcome_ok(st->outcome) || st->closed_ms < 0)
		return nk_fail(err, NK_EINVAL, "statement", "a statement needs a case id, an outcome "
			       "of lowercase letters, digits and '-', and a time");
	if (st->has_settlement && (st->settlement < 0 || !currency_ok(st->currency)))
		return nk_fail(err, NK_EINVAL, "statement", "a settlement is an amount of 0 or more "
			       "in a three-letter currency");
	if (st->has_package && (st->has_settlement || !currency_ok(st->currency)))
		return nk_fail(err, NK_EINVAL, "statement", "a package is named in a three-letter "
			       "currency, and never beside an amount");
	w_tag(&w, st->has_package ? TAG_STATEMENT_V3
		  : st->has_settlement ? TAG_STATEMENT_V2 : TAG_STATEMENT);
	w_str8(&w, st->case_id);
	w_str8(&w, st->outcome);
	if (st->has_settlement) {
		w_str8(&w, st->currency);
		w_u64(&w, (uint64_t)st->settlement);
	} else if (st->has_package) {
		w_str8(&w, st->currency);
		w_bytes(&w, st->package, NK_HASH_BYTES);
	}
	w_u64(&w, st->events);
	w_bytes(&w, st->head, NK_HASH_BYTES);
	w_u64(&w, (uint64_t)st->closed_ms);
	w_bytes(&w, st->key_id, NK_KEY_ID_BYTES);
	for (int r = 0; r < NK_RECEIPT_ROLES; r++) {
		w_u8(&w, st->has_party_key[r] ? 1 : 0);
		if (st->has_party_key[r])
			w_bytes(&w, st->party_key[r], NK_PUBLIC_KEY_BYTES);
	}
	if (w.overflow)
		return nk_fail(err, NK_EINVAL, "statement", "statement too long");
	memcpy(out, buf, w.len);
	*len = w.len;
	return NK_OK;
}

enum nk_status nk_statement_leaf(const struct nk_statement *st, uint8_t leaf[static NK_HASH_BYTES],
				 struct nk_error *err)
{
	uint8_t buf[NK_STATEMENT_MAX];
	size_t len;
	enum nk_status rc = nk_statement_encode(st, buf, &len, err);

	if (rc == NK_OK)
		nk_merkle_leaf_hash(buf, len, leaf);
	return rc;
}

/* What a party signs: its tag, its role, the statement. */
static enum nk_status party_bytes(const struct nk_statement *st, enum nk_role role,
				  uint8_t out[static sizeof(TAG_PARTY_SIG) + 1 + NK_STATEMENT_MAX],
				  size_t *len, struct nk_error *err)
{
	size_t n;
	enum nk_status rc = nk_statement_encode(st, out + sizeof(TAG_PARTY_SIG) + 1, &n, err);

	if (rc != NK_OK)
		return rc;
	memcpy(out, TAG_PARTY_SIG, sizeof(TAG_PARTY_SIG));
	out[sizeof(TAG_PARTY_SIG)] = (uint8_t)role;
	*len = sizeof(TAG_PARTY_SIG) + 1 + n;
	return NK_OK;
}

enum nk_status nk_receipt_sign_statement(const struct nk_server_key *key, struct nk_receipt *r,
					 struct nk_error *err)
{
	uint8_t buf[NK_STATEMENT_MAX], id[NK_KEY_ID_BYTES];
	size_t len;
	enum nk_status rc;

	nk_server_key_id(key, id);
	if (sodium_memcmp(id, r->statement.key_id, NK_KEY_ID_BYTES) != 0)
		return nk_fail(err, NK_EINVAL, "statement", "the statement names another server key");
	rc = nk_statement_encode(&r->statement, buf, &len, err);
	if (rc == NK_OK)
		nk_server_key_sign(key, buf, len, r->server_sig);
	return rc;
}

enum nk_status nk_receipt_sign_party(const struct nk_party_key *key, enum nk_role role,
				     struct nk_receipt *r, struct nk_error *err)
{
	uint8_t buf[sizeof(TAG_PARTY_SIG) + 1 + NK_STATEMENT_MAX];
	struct nk_identity id;
	size_t len;
	enum nk_status rc;

	if ((unsigned)role >= NK_RECEIPT_ROLES)
		return nk_fail(err, NK_EINVAL, "as", "unknown role");
	nk_party_key_identity(key, &id);
	if (!r->statement.has_party_key[role] ||
	    sodium_memcmp(r->statement.party_key[role], id.sign, NK_PUBLIC_KEY_BYTES) != 0)
		return nk_fail(err, NK_EREFUSED, "key", "the statement does not name this key for "
			       "the %s", nk_role_name(role));
	rc = party_bytes(&r->statement, role, buf, &len, err);
	if (rc != NK_OK)
		return rc;
	nk_party_key_sign(key, buf, len, r->party_sig[role]);
	r->has_party_sig[role] = true;
	return NK_OK;
}

/* Records one check's result and a sentence about it. */
static void note(struct nk_receipt_report *rep, enum nk_receipt_check c, enum nk_check_result res,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void note(struct nk_receipt_report *rep, enum nk_receipt_check c, enum nk_check_result res,
		 const char *fmt, ...)
{
	va_list ap;

	rep->result[c] = res;
	va_start(ap, fmt);
	vsnprintf(rep->detail[c], sizeof(rep->detail[c]), fmt, ap);
	va_end(ap);
	if (res == NK_CHECK_FAILS)
		rep->valid = false;
}

static void check_statement(const struct nk_receipt *r, const uint8_t server[static NK_PUBLIC_KEY_BYTES],
			    const uint8_t *bytes, size_t len, struct nk_receipt_report *rep)
{
	uint8_t id[NK_KEY_ID_BYTES];
	char got[NK_KEY_ID_HEX], want[NK_KEY_ID_HEX];

	nk_key_id(server, id);
	if (sodium_memcmp(id, r->statement.key_id, NK_KEY_ID_BYTES) != 0) {
		nk_hex_encode(r->statement.key_id, NK_KEY_ID_BYTES, got);
		nk_hex_encode(id, NK_KEY_ID_BYTES, want);
		note(rep, NK_CHECK_STATEMENT_SIG, NK_CHECK_FAILS, "the statement names server key "
		     "id %s, not the given server key's %s", got, want);
	} else if (crypto_sign_verify_detached(r->server_sig, bytes, len, server) != 0) {
		note(rep, NK_CHECK_STATEMENT_SIG, NK_CHECK_FAILS, "the server's signature on the "
		     "closing statement does not verify: the statement or signature was altered");
	} else {
		note(rep, NK_CHECK_STATEMENT_SIG, NK_CHECK_HOLDS, "the server signed this closing "
		     "statement: case %s, %s, %llu events", r->statement.case_id,
		     r->statement.outcome, (unsigned long long)r->statement.events);
	}
}

static void check_party(const struct nk_receipt *r, enum nk_role role, struct nk_receipt_report *rep)
{
	enum nk_receipt_check c = (enum nk_receipt_check)(NK_CHECK_CLAIMANT_SIG + (int)role);
	uint8_t buf[sizeof(TAG_PARTY_SIG) + 1 + NK_STATEMENT_MAX];
	const char *name = nk_role_name(role);
	size_t len;

	if (!r->has_party_sig[role]) {
		note(rep, c, NK_CHECK_ABSENT, r->statement.has_party_key[role]
		     ? "the %s has a key on the case but did not sign this receipt"
		     : "the %s has no key on the case", name);
	} else if (!r->statement.has_party_key[role]) {
		note(rep, c, NK_CHECK_FAILS, "a %s signature, but the statement names no %s key",
		     name, name);
	} else if (party_bytes(&r->statement, role, buf, &len, NULL) != NK_OK ||
		   crypto_sign_verify_detached(r->party_sig[role], buf, len,
					       r->statement.party_key[role]) != 0) {
		note(rep, c, NK_CHECK_FAILS, "the %s's signature does not verify under the %s key "
		     "the statement names", name, name);
	} else {
		note(rep, c, NK_CHECK_HOLDS, "the %s's registered key signed this statement", name);
	}
}

enum nk_status nk_receipt_verify(const struct nk_receipt *r,
				 const uint8_t server[static NK_PUBLIC_KEY_BYTES],
				 struct nk_receipt_report *report, struct nk_error *err)
{
	struct nk_receipt_report rep = { .valid = true };
	uint8_t bytes[NK_STATEMENT_MAX], leaf[NK_HASH_BYTES], id[NK_KEY_ID_BYTES];
	struct nk_error cerr = { 0 };
	size_t len = 0;
	bool encoded = nk_statement_encode(&r->statement, bytes, &len, NULL) == NK_OK;

	if (!encoded) {
		note(&rep, NK_CHECK_STATEMENT_SIG, NK_CHECK_FAILS, "the statement is malformed");
		note(&rep, NK_CHECK_INCLUSION, NK_CHECK_FAILS, "the statement is malformed");
	} else {
		check_statement(r, server, bytes, len, &rep);
		nk_merkle_leaf_hash(bytes, len, leaf);
		if (r->proof_len > NK_MERKLE_PROOF_MAX ||
		    nk_merkle_verify_inclusion(r->leaf_index, r->checkpoint.size, leaf, r->proof,
					       r->proof_len, r->checkpoint.root, NULL) != NK_OK)
			note(&rep, NK_CHECK_INCLUSION, NK_CHECK_FAILS, "the inclusion proof does not "
			     "take this statement to the checkpoint's root: a proof for another "
			     "case or tree, or altered");
		else
			note(&rep, NK_CHECK_INCLUSION, NK_CHECK_HOLDS, "the statement is entry %llu "
			     "of the %llu in the server's log at the checkpoint",
			     (unsigned long long)r->leaf_index, (unsigned long long)r->checkpoint.size);
	}
	for (int role = 0; role < NK_RECEIPT_ROLES; role++)
		if (encoded)
			check_party(r, (enum nk_role)role, &rep);
		else
			note(&rep, (enum nk_receipt_check)(NK_CHECK_CLAIMANT_SIG + role),
			     NK_CHECK_FAILS, "the statement is malformed");
	nk_key_id(server, id);
	if (sodium_memcmp(id, r->checkpoint.key_id, NK_KEY_ID_BYTES) != 0) {
		if (nk_checkpoint_verify(server, &r->checkpoint, &cerr) != NK_OK)
			note(&rep, NK_CHECK_CHECKPOINT_KEY, NK_CHECK_FAILS, "%s", cerr.text);
		note(&rep, NK_CHECK_CHECKPOINT_SIG, NK_CHECK_FAILS, "not checked: the checkpoint "
		     "is not the given server's");
	} else {
		note(&rep, NK_CHECK_CHECKPOINT_KEY, NK_CHECK_HOLDS, "the checkpoint names the given "
		     "server key");
		if (nk_checkpoint_verify(server, &r->checkpoint, &cerr) != NK_OK)
			note(&rep, NK_CHECK_CHECKPOINT_SIG, NK_CHECK_FAILS, "%s", cerr.text);
		else
			note(&rep, NK_CHECK_CHECKPOINT_SIG, NK_CHECK_HOLDS, "the server signed the "
			     "checkpoint of %llu entr%s", (unsigned long long)r->checkpoint.size,
			     r->checkpoint.size == 1 ? "y" : "ies");
	}
	*report = rep;
	if (!rep.valid)
		return nk_fail(err, NK_ECRYPTO, "receipt", "the receipt does not verify");
	return NK_OK;
}

const char *nk_receipt_check_name(enum nk_receipt_check check)
{
	static const char *const names[] = {
		[NK_CHECK_STATEMENT_SIG] = "statement-signature",
		[NK_CHECK_CLAIMANT_SIG] = "claimant-signature",
		[NK_CHECK_PAYER_SIG] = "payer-signature",
		[NK_CHECK_MEDIATOR_SIG] = "mediator-signature",
		[NK_CHECK_INCLUSION] = "inclusion",
		[NK_CHECK_CHECKPOINT_KEY] = "checkpoint-key",
		[NK_CHECK_CHECKPOINT_SIG] = "checkpoint-signature",
	};

	return (unsigned)check < NK_CHECK_COUNT ? names[check] : "unknown";
}

const char *nk_check_result_name(enum nk_check_result result)
{
	return result == NK_CHECK_HOLDS ? "holds" : result == NK_CHECK_FAILS ? "fails" : "absent";
}
