/* The C side of the interoperability test with PyNaCl (tests/interop/interop.py):
 * seals messages and signs statements with fresh throwaway keys, opens envelopes that
 * Python made, reads a key file that Python wrote, and builds a receipt. Built by
 * meson for the test only, never installed; every key it makes is new and under the
 * test passphrase that NAKODO_PASSPHRASE_FILE names, at the minimum Argon2id cost. */
#include "helper.h"

#include <nakodo/keys.h>
#include <nakodo/seal.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASE_ID "interop-case-1"

void put_hex(FILE *f, const char *name, const uint8_t *p, size_t n)
{
	fprintf(f, "%s ", name);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
	fputc('\n', f);
}

int write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[4096];
	FILE *f;
	int rc = 1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "wb"))) {
		fprintf(stderr, "helper: cannot write %s\n", path);
		return 1;
	}
	if (fwrite(data, 1, len, f) == len)
		rc = 0;
	if (fclose(f) != 0)
		rc = 1;
	if (rc)
		fprintf(stderr, "helper: cannot write %s\n", path);
	return rc;
}

static int read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(NK_ENVELOPE_MAX + 1);
	size_t n = 0;

	if (!f || !buf) {
		fprintf(stderr, "helper: cannot read %s\n", path);
		if (f)
			fclose(f);
		free(buf);
		return 1;
	}
	n = fread(buf, 1, NK_ENVELOPE_MAX + 1, f);
	fclose(f);
	*out = buf;
	*len = n;
	return 0;
}

static int fail(const char *what, const struct nk_error *err)
{
	fprintf(stderr, "helper: %s: %s\n", what, err->text);
	return 1;
}

/* Seals text from sender to recipient as message number seq of kind, writes the
 * envelope to dir/name and its description to the manifest. */
static int seal_one(FILE *manifest, const char *dir, const char *name,
		    const struct nk_party_key *sender, const struct nk_identity *recipient,
		    enum nk_message_kind kind, uint64_t seq, const uint8_t *text, size_t len)
{
	struct nk_envelope_header h = { .case_id = CASE_ID, .kind = kind, .from = NK_CLAIMANT,
					.to = NK_PAYER, .seq = seq };
	struct nk_error err = { 0 };
	uint8_t *env = NULL;
	size_t env_len = 0;
	int rc;

	if (nk_message_seal(sender, &h, recipient, text, len, &env, &env_len, &err) != NK_OK)
		return fail(name, &err);
	rc = write_file(dir, name, env, env_len);
	fprintf(manifest, "envelope %s %s %llu\n", name, nk_message_kind_name(kind),
		(unsigned long long)seq);
	put_hex(manifest, "text", text, len);
	free(env);
	return rc;
}

/* helper seal DIR: a claimant's key seals four envelopes to a payer's key, signs a
 * join and an action; the payer's key goes into DIR/recipient.key for Python to open. */
static int cmd_seal(int argc, char **argv)
{
	static const uint8_t text[] = "The claimant accepts the grant element as proposed.\n"
				      "\0 A NUL above, and UTF-8: \xc3\xa9\xe6\x97\xa5";
	static const char body[] = "{\"deposit\":1}";
	uint8_t long_text[300];
	struct nk_party_key *sender = NULL, *recipient = NULL;
	struct nk_passphrase pass = { 0 };
	struct nk_identity s, r;
	struct nk_error err = { 0 };
	uint8_t sig[NK_SIGNATURE_BYTES];
	char path[4096];
	FILE *m = NULL;
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: helper seal DIR\n");
		return 2;
	}
	if (nk_passphrase_get("", false, &pass, &err) != NK_OK ||
	    nk_party_key_generate(&sender, &err) != NK_OK ||
	    nk_party_key_generate(&recipient, &err) != NK_OK) {
		fail("keys", &err);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/recipient.key", argv[2]);
	remove(path);
	if (nk_keyfile_write(path, recipient, &pass, NK_KDF_TEST_ONLY, &err) != NK_OK) {
		fail("recipient.key", &err);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/seal.txt", argv[2]);
	if (!(m = fopen(path, "w"))) {
		fprintf(stderr, "helper: cannot write %s\n", path);
		goto out;
	}
	nk_party_key_identity(sender, &s);
	nk_party_key_identity(recipient, &r);
	fprintf(m, "case %s\n", CASE_ID);
	put_hex(m, "sender-sign", s.sign, sizeof(s.sign));
	put_hex(m, "sender-seal", s.seal, sizeof(s.seal));
	put_hex(m, "recipient-sign", r.sign, sizeof(r.sign));
	put_hex(m, "recipient-seal", r.seal, sizeof(r.seal));
	{
		char number[NK_SAFETY_NUMBER_MAX];

		nk_safety_number(&s, number);
		fprintf(m, "sender-safety-number %s\n", number);
	}
	if (seal_one(m, argv[2], "message.env", sender, &r, NK_MESSAGE_TEXT, 1, text,
		     sizeof(text) - 1) ||
	    seal_one(m, argv[2], "empty.env", sender, &r, NK_MESSAGE_TEXT, 2, NULL, 0) ||
	    seal_one(m, argv[2], "deposit.env", sender, &r, NK_MESSAGE_DEPOSIT, 1,
		     (const uint8_t *)"deposit: 1200000 USD", 20))
		goto out;
	for (size_t i = 0; i < sizeof(long_text); i++)	/* past the smallest size class */
		long_text[i] = (uint8_t)('a' + i % 26);
	if (seal_one(m, argv[2], "long.env", sender, &r, NK_MESSAGE_TEXT, 3, long_text,
		     sizeof(long_text)))
		goto out;
	if (nk_join_sign(sender, CASE_ID, NK_CLAIMANT, sig, &err) != NK_OK) {
		fail("join", &err);
		goto out;
	}
	put_hex(m, "join-sig", sig, sizeof(sig));
	if (nk_action_sign(sender, CASE_ID, NK_CLAIMANT, 7, "withdraw", (const uint8_t *)body,
			   strlen(body), sig, &err) != NK_OK) {
		fail("action", &err);
		goto out;
	}
	fprintf(m, "action 7 withdraw\n");
	put_hex(m, "action-body", (const uint8_t *)body, strlen(body));
	put_hex(m, "action-sig", sig, sizeof(sig));
	rc = 0;
out:
	if (m && fclose(m) != 0)
		rc = 1;
	nk_party_key_free(sender);
	nk_party_key_free(recipient);
	nk_passphrase_wipe(&pass);
	return rc;
}

/* helper open KEYFILE ENVELOPE CASE KIND ME SENDER_SIGN NEXT_SEQ: opens an envelope as
 * ME; prints "ok", the header and the text in hex, or "rejected VERDICT: reason" and
 * never the text. Exit 0 when opened, 1 when rejected, 2 on a usage or key error. */
static int cmd_open(int argc, char **argv)
{
	struct nk_party_key *me = NULL;
	struct nk_passphrase pass = { 0 };
	struct nk_identity sender = { 0 };
	struct nk_opened_message msg = { 0 };
	struct nk_message_expect expect = { 0 };
	enum nk_message_verdict why = NK_MESSAGE_MALFORMED;
	struct nk_error err = { 0 };
	uint8_t *env = NULL;
	size_t len = 0;
	char *end = NULL;
	int rc = 2;

	if (argc != 9) {
		fprintf(stderr, "usage: helper open KEYFILE ENVELOPE CASE KIND ME SENDER_SIGN "
			"NEXT_SEQ\n");
		return 2;
	}
	expect.case_id = argv[4];
	expect.kind = strcmp(argv[5], "deposit") == 0 ? NK_MESSAGE_DEPOSIT : NK_MESSAGE_TEXT;
	expect.sender = &sender;
	expect.next_seq = strtoull(argv[8], &end, 10);
	if (*end || nk_role_parse(argv[6], &expect.me) != NK_OK ||
	    nk_key_from_hex(argv[7], sender.sign, &err) != NK_OK) {
		fprintf(stderr, "helper: bad arguments\n");
		goto out;
	}
	if (nk_passphrase_get("", false, &pass, &err) != NK_OK ||
	    nk_keyfile_read(argv[2], &pass, &me, &err) != NK_OK) {
		fail("key", &err);
		goto out;
	}
	if (read_file(argv[3], &env, &len))
		goto out;
	if (nk_message_open(me, &expect, env, len, &msg, &why, &err) != NK_OK) {
		if (msg.text)
			abort();	/* a rejected envelope never yields text */
		printf("rejected %s: %s\n", nk_message_verdict_name(why), err.text);
		rc = 1;
		goto out;
	}
	printf("ok %s\n", nk_message_verdict_name(why));
	printf("from %s\nto %s\nseq %llu\n", nk_role_name(msg.header.from),
	       nk_role_name(msg.header.to), (unsigned long long)msg.header.seq);
	put_hex(stdout, "text", (const uint8_t *)msg.text, msg.text_len);
	rc = 0;
out:
	nk_opened_message_free(&msg);
	nk_party_key_free(me);
	nk_passphrase_wipe(&pass);
	free(env);
	return rc;
}

/* helper keyfile FILE: opens a key file (Python wrote it from doc/formats.md) and
 * prints the identity its secrets derive. */
static int cmd_keyfile(int argc, char **argv)
{
	struct nk_party_key *key = NULL;
	struct nk_passphrase pass = { 0 };
	struct nk_identity id;
	struct nk_error err = { 0 };
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: helper keyfile FILE\n");
		return 2;
	}
	if (nk_passphrase_get("", false, &pass, &err) != NK_OK ||
	    nk_keyfile_read(argv[2], &pass, &key, &err) != NK_OK) {
		printf("refused %s\n", err.text);
		goto out;
	}
	nk_party_key_identity(key, &id);
	put_hex(stdout, "sign", id.sign, sizeof(id.sign));
	put_hex(stdout, "seal", id.seal, sizeof(id.seal));
	rc = 0;
out:
	nk_party_key_free(key);
	nk_passphrase_wipe(&pass);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} commands[] = {
		{ "seal", cmd_seal },
		{ "open", cmd_open },
		{ "keyfile", cmd_keyfile },
		{ "record", cmd_record },
	};

	if (sodium_init() < 0)
		return 2;
	for (size_t i = 0; argc > 1 && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc, argv);
	fprintf(stderr, "usage: helper seal|open|keyfile|record ...\n");
	return 2;
}
