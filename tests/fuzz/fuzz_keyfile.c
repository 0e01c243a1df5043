/* libFuzzer harness for the party key-file reader: any bytes, as they are and, for a
 * file of the right size, with its checksum made to match (as an attacker would), so
 * that the header's checks and the AEAD are reached. A file is refused before any key
 * derivation (damaged, truncated, out of bounds) or, at the minimum Argon2id cost only
 * (to keep runs fast), opened or refused as a wrong passphrase. */
#include <nakodo/keys.h>

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t fixed[NK_KEYFILE_BYTES];

	if (sodium_init() < 0)
		abort();
	one(data, size);
	if (size == NK_KEYFILE_BYTES) {
		memcpy(fixed, data, size);
		crypto_generichash(fixed + size - 16, 16, fixed, size - 16, NULL, 0);
		one(fixed, size);
	}
	return 0;
}

static void one(const uint8_t *data, size_t size)
{
	struct nk_passphrase pass = { 0 };
	struct nk_party_key *key = NULL;
	struct nk_identity claimed, got;
	struct nk_error err = { 0 };
	enum nk_status rc;

	rc = nk_keyfile_inspect(data, size, &claimed, &err);
	if (rc != NK_OK) {
		if (rc != NK_ECORRUPT || err.text[0] == '\0')
			abort();	/* refusals are "corrupt" and say why */
		return;
	}
	/* bytes 12..23: passes and memory; run the KDF only at its minimum */
	if (memcmp(data + 12, "\0\0\0\1\0\0\0\0\0\0\x20\0", 12) != 0)
		return;
	if (nk_passphrase_set("fuzz", 4, &pass, NULL) != NK_OK)
		abort();
	rc = nk_keyfile_decode(data, size, &pass, &key, &err);
	if (rc == NK_OK) {
		nk_party_key_identity(key, &got);
		if (memcmp(&got, &claimed, sizeof(got)) != 0)
			abort();	/* an opened file's keys are those its header claims */
	} else if (rc != NK_ECRYPTO && rc != NK_ECORRUPT) {
		abort();
	} else if (key) {
		abort();	/* untouched on failure */
	}
	nk_party_key_free(key);
	nk_passphrase_wipe(&pass);
}
