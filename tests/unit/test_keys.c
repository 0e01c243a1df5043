/* Unit tests for party and server keys: key files round-trip; a wrong passphrase, every
 * truncation and every single-byte change of a key file are refused (and said why);
 * files are 0600 and never overwritten; safety numbers and key ids match their
 * definitions computed independently (Python's hashlib). */
#include <nakodo/keys.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

static struct nk_passphrase pass(const char *text)
{
	struct nk_passphrase p = { 0 };

	assert_int_equal(nk_passphrase_set(text, strlen(text), &p, NULL), NK_OK);
	return p;
}

static void make_file(uint8_t file[static NK_KEYFILE_BYTES], struct nk_identity *id)
{
	struct nk_party_key *key = NULL;
	struct nk_passphrase p = pass("correct horse");

	assert_int_equal(nk_party_key_generate(&key, NULL), NK_OK);
	nk_party_key_identity(key, id);
	assert_int_equal(nk_keyfile_encode(key, &p, NK_KDF_TEST_ONLY, file, NULL), NK_OK);
	nk_party_key_free(key);
	nk_passphrase_wipe(&p);
}

static void round_trip(void **state)
{
	uint8_t file[NK_KEYFILE_BYTES], sig[NK_SIGNATURE_BYTES];
	struct nk_passphrase p = pass("correct horse");
	struct nk_party_key *key = NULL;
	struct nk_identity id, got, claimed;
	static const uint8_t msg[] = "hello";

	make_file(file, &id);
	assert_int_equal(nk_keyfile_inspect(file, sizeof(file), &claimed, NULL), NK_OK);
	assert_memory_equal(&claimed, &id, sizeof(id));
	assert_int_equal(nk_keyfile_decode(file, sizeof(file), &p, &key, NULL), NK_OK);
	nk_party_key_identity(key, &got);
	assert_memory_equal(&got, &id, sizeof(id));
	nk_party_key_sign(key, msg, sizeof(msg), sig);
	assert_int_equal(crypto_sign_verify_detached(sig, msg, sizeof(msg), id.sign), 0);
	assert_memory_not_equal(id.sign, id.seal, NK_PUBLIC_KEY_BYTES);
	nk_party_key_free(key);
	nk_passphrase_wipe(&p);
}

static void wrong_passphrase(void **state)
{
	uint8_t file[NK_KEYFILE_BYTES];
	struct nk_passphrase p = pass("correct horsE");
	struct nk_party_key *key = (struct nk_party_key *)&file;	/* a sentinel */
	struct nk_error err = { 0 };
	struct nk_identity id;

	make_file(file, &id);
	assert_int_equal(nk_keyfile_decode(file, sizeof(file), &p, &key, &err), NK_ECRYPTO);
	assert_ptr_equal(key, (struct nk_party_key *)&file);
	assert_string_equal(err.field, "passphrase");
	assert_non_null(strstr(err.text, "wrong passphrase"));
	assert_null(strstr(err.text, "horse"));
	nk_passphrase_wipe(&p);
}

static void empty_passphrase_refused(void **state)
{
	uint8_t file[NK_KEYFILE_BYTES];
	struct nk_passphrase p = pass("");
	struct nk_party_key *key = NULL;

	assert_int_equal(nk_party_key_generate(&key, NULL), NK_OK);
	assert_int_equal(nk_keyfile_encode(key, &p, NK_KDF_TEST_ONLY, file, NULL), NK_EINVAL);
	nk_party_key_free(key);
	nk_passphrase_wipe(&p);
}

/* Every length short of a key file, and one byte more, is refused without the KDF. */
static void truncated(void **state)
{
	uint8_t file[NK_KEYFILE_BYTES + 1] = { 0 };
	struct nk_passphrase p = pass("correct horse");
	struct nk_error err = { 0 };
	struct nk_identity id;

	make_file(file, &id);
	for (size_t len = 0; len < NK_KEYFILE_BYTES; len++) {
		struct nk_party_key *key = NULL;

		assert_int_equal(nk_keyfile_decode(file, len, &p, &key, &err), NK_ECORRUPT);
		assert_null(key);
		assert_non_null(strstr(err.text, "truncated"));
	}
	assert_int_equal(nk_keyfile_decode(file, sizeof(file), &p, &(struct nk_party_key *){ 0 },
					   &err), NK_ECORRUPT);
	assert_non_null(strstr(err.text, "longer"));
	nk_passphrase_wipe(&p);
}

/* Every single-byte change: the checksum catches it (no KDF run). */
static void every_byte_altered(void **state)
{
	uint8_t file[NK_KEYFILE_BYTES];
	struct nk_passphrase p = pass("correct horse");
	struct nk_identity id;

	make_file(file, &id);
	for (size_t i = 0; i < sizeof(file); i++) {
		for (int bit = 0; bit < 8; bit++) {
			struct nk_party_key *key = NULL;
			struct nk_error err = { 0 };

			file[i] ^= (uint8_t)(1u << bit);
			assert_int_equal(nk_keyfile_decode(file, sizeof(file), &p, &key, &err),
					 NK_ECORRUPT);
			assert_null(key);
			assert_string_equal(err.field, "key");
			file[i] ^= (uint8_t)(1u << bit);
		}
	}
	nk_passphrase_wipe(&p);
}

/* An attacker who also fixes the checksum: every change to the header or the
 * ciphertext is still refused, by the bounds or by the AEAD. */
static void altered_with_checksum_fixed(void **state)
{
	uint8_t file[NK_KEYFILE_BYTES];
	struct nk_passphrase p = pass("correct horse");
	struct nk_identity id;
	int corrupt = 0, crypto = 0;

	make_file(file, &id);
	for (size_t i = 0; i < NK_KEYFILE_BYTES - 16; i++) {
		struct nk_party_key *key = NULL;
		uint8_t copy[NK_KEYFILE_BYTES];
		enum nk_status rc;

		memcpy(copy, file, sizeof(copy));
		copy[i] ^= 0x01;
		crypto_generichash(copy + NK_KEYFILE_BYTES - 16, 16, copy, NK_KEYFILE_BYTES - 16,
				   NULL, 0);
		rc = nk_keyfile_decode(copy, sizeof(copy), &p, &key, NULL);
		assert_true(rc == NK_ECORRUPT || rc == NK_ECRYPTO);
		assert_null(key);
		corrupt += rc == NK_ECORRUPT;
		crypto += rc == NK_ECRYPTO;
	}
	assert_true(crypto > 150);	/* salt, nonce, keys, ciphertext, low cost bits */
	assert_true(corrupt >= 12);	/* magic, version, algorithms */
	nk_passphrase_wipe(&p);
}

static void bounds_refused(void **state)
{
	uint8_t file[NK_KEYFILE_BYTES];
	struct nk_error err = { 0 };
	struct nk_identity id;

	make_file(file, &id);
	file[16] = 0xff;	/* memlimit's top byte: an absurd allocation */
	crypto_generichash(file + NK_KEYFILE_BYTES - 16, 16, file, NK_KEYFILE_BYTES - 16, NULL, 0);
	assert_int_equal(nk_keyfile_inspect(file, sizeof(file), &id, &err), NK_ECORRUPT);
	assert_non_null(strstr(err.text, "out of bounds"));
}

static void files(void **state)
{
	char dir[] = "/tmp/nk-keys-XXXXXX", path[64], other[64];
	struct nk_passphrase p = pass("correct horse");
	struct nk_party_key *key = NULL, *back = NULL;
	struct nk_identity id, got;
	struct nk_error err = { 0 };
	struct stat st;
	mode_t old = umask(0);

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a.key", dir);
	snprintf(other, sizeof(other), "%s/none.key", dir);
	assert_int_equal(nk_party_key_generate(&key, NULL), NK_OK);
	nk_party_key_identity(key, &id);
	assert_int_equal(nk_keyfile_write(path, key, &p, NK_KDF_TEST_ONLY, NULL), NK_OK);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, NK_KEYFILE_BYTES);
	/* never overwritten */
	assert_int_equal(nk_keyfile_write(path, key, &p, NK_KDF_TEST_ONLY, &err), NK_EINVAL);
	assert_non_null(strstr(err.text, "exists"));
	assert_int_equal(nk_keyfile_read(path, &p, &back, NULL), NK_OK);
	nk_party_key_identity(back, &got);
	assert_memory_equal(&got, &id, sizeof(id));
	assert_int_equal(nk_keyfile_read(other, &p, &(struct nk_party_key *){ 0 }, NULL),
			 NK_ENOTFOUND);
	unlink(path);
	rmdir(dir);
	nk_party_key_free(key);
	nk_party_key_free(back);
	nk_passphrase_wipe(&p);
}

static void passphrase_file(void **state)
{
	char path[] = "/tmp/nk-pass-XXXXXX";
	struct nk_passphrase p = { 0 };
	struct nk_error err = { 0 };
	char big[NK_PASSPHRASE_MAX + 8];
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	close(fd);
	setenv("NAKODO_PASSPHRASE_FILE", path, 1);
	f = fopen(path, "w");
	fputs("a secret\r\nsecond line\n", f);
	fclose(f);
	assert_int_equal(nk_passphrase_get("unused", true, &p, NULL), NK_OK);
	assert_int_equal(p.len, 8);
	assert_string_equal(p.text, "a secret");
	nk_passphrase_wipe(&p);
	assert_null(p.text);

	f = fopen(path, "w");
	fputs("\nsecond line\n", f);
	fclose(f);
	assert_int_equal(nk_passphrase_get("unused", false, &p, &err), NK_EINVAL);
	assert_non_null(strstr(err.text, "empty"));

	memset(big, 'x', sizeof(big));
	f = fopen(path, "w");
	fwrite(big, 1, sizeof(big), f);
	fclose(f);
	assert_int_equal(nk_passphrase_get("unused", false, &p, &err), NK_EINVAL);
	assert_null(p.text);
	unlink(path);
	assert_int_equal(nk_passphrase_get("unused", false, &p, &err), NK_ENOTFOUND);
	unsetenv("NAKODO_PASSPHRASE_FILE");
}

/* Expected values from Python: hashlib.sha512(b"nakodo/safety-number/v1\0" + sign +
 * seal), and hashlib.sha256(b"nakodo/key-id/v1\0" + pk)[:8]. */
static void safety_number_and_key_id(void **state)
{
	struct nk_identity id;
	char sn[NK_SAFETY_NUMBER_MAX];
	uint8_t seed[32], kid[NK_KEY_ID_BYTES], pk[NK_PUBLIC_KEY_BYTES];
	char hex[NK_KEY_HEX];
	struct nk_server_key *server = NULL;

	for (int i = 0; i < 32; i++) {
		id.sign[i] = (uint8_t)i;
		id.seal[i] = (uint8_t)(32 + i);
	}
	nk_safety_number(&id, sn);
	assert_string_equal(sn, "84019 32294 46753 88498 93138 87196");
	id.seal[31] ^= 1;
	nk_safety_number(&id, sn);
	assert_string_not_equal(sn, "84019 32294 46753 88498 93138 87196");

	/* RFC 8032 section 7.1, test 1 */
	assert_int_equal(sodium_hex2bin(seed, sizeof(seed), "9d61b19deffd5a60ba844af492ec2cc4"
					"4449c5697b326919703bac031cae7f60", 64, NULL, NULL, NULL), 0);
	assert_int_equal(nk_server_key_from_seed(seed, &server, NULL), NK_OK);
	nk_server_key_public(server, pk);
	nk_key_to_hex(pk, hex);
	assert_string_equal(hex, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
	nk_server_key_id(server, kid);
	nk_key_id(pk, seed);
	assert_memory_equal(kid, seed, NK_KEY_ID_BYTES);
	sodium_bin2hex(hex, sizeof(hex), kid, sizeof(kid));
	assert_string_equal(hex, "f5f8347116f962fe");
	nk_server_key_free(server);
}

static void key_hex(void **state)
{
	static const char good[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
	static const char *const bad[] = {
		"", "d75a", "D75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
		"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511", 
		"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a0",
		"g75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
		"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511 ",
	};
	uint8_t key[NK_PUBLIC_KEY_BYTES], same[NK_PUBLIC_KEY_BYTES];
	char hex[NK_KEY_HEX];

	assert_int_equal(nk_key_from_hex(good, key, NULL), NK_OK);
	nk_key_to_hex(key, hex);
	assert_string_equal(hex, good);
	memcpy(same, key, sizeof(key));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(nk_key_from_hex(bad[i], key, NULL), NK_EINVAL);
		assert_memory_equal(key, same, sizeof(key));	/* untouched */
	}
}

static void server_key_file(void **state)
{
	char dir[] = "/tmp/nk-skey-XXXXXX", path[64];
	struct nk_server_key *a = NULL, *b = NULL;
	uint8_t pa[32], pb[32], file[NK_SERVER_KEYFILE_BYTES];
	bool created = false;
	struct stat st;
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/server.key", dir);
	assert_int_equal(nk_server_key_load_or_create(path, &a, &created, NULL), NK_OK);
	assert_true(created);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(nk_server_key_load_or_create(path, &b, &created, NULL), NK_OK);
	assert_false(created);
	nk_server_key_public(a, pa);
	nk_server_key_public(b, pb);
	assert_memory_equal(pa, pb, 32);
	nk_server_key_free(b);
	b = NULL;
	/* a damaged file is refused, not replaced */
	fd = open(path, O_RDWR);
	assert_int_equal(pread(fd, file, sizeof(file), 0), (ssize_t)sizeof(file));
	file[20] ^= 4;
	assert_int_equal(pwrite(fd, file, sizeof(file), 0), (ssize_t)sizeof(file));
	close(fd);
	assert_int_equal(nk_server_key_load_or_create(path, &b, &created, NULL), NK_ECORRUPT);
	assert_null(b);
	unlink(path);
	rmdir(dir);
	nk_server_key_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(wrong_passphrase),
		cmocka_unit_test(empty_passphrase_refused),
		cmocka_unit_test(truncated),
		cmocka_unit_test(every_byte_altered),
		cmocka_unit_test(altered_with_checksum_fixed),
		cmocka_unit_test(bounds_refused),
		cmocka_unit_test(files),
		cmocka_unit_test(passphrase_file),
		cmocka_unit_test(safety_number_and_key_id),
		cmocka_unit_test(key_hex),
		cmocka_unit_test(server_key_file),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
