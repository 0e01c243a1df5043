/* crypto/ rates beside baselines measured in the same run: sealing and opening a
 * message against SHA-256 of the same envelope and against the bare libsodium calls
 * underneath; signing and verifying a request against bare Ed25519; appends to a
 * Merkle log of 1,000,000 leaves against hashing the leaves, and its proofs' sizes and
 * times; and the cost of a key file at each Argon2id setting against making the key
 * pair alone. Times are the thread's CPU time (the machines these run on are shared,
 * and every operation here is single-threaded), with wall time beside the key files.
 * Usage: bench_crypto [--skip-sensitive] (the sensitive setting takes 1 GiB and
 * seconds). */
#include <nakodo/keys.h>
#include <nakodo/ledger.h>
#include <nakodo/seal.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define MIN_SECONDS 1.0
#define TEXT_BYTES 1024
#define LOG_SIZE 1000000
#define PROOFS 20000
#define CASE_ID "bench-case-1"

static double clock_s(clockid_t which)
{
	struct timespec ts;

	clock_gettime(which, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of this thread: what another process's load does not inflate. */
static double now(void)
{
	return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

static double wall(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* ---- messages and signatures ---- */

struct msgs {
	struct nk_party_key *sender, *recipient;
	struct nk_identity sid, rid;
	struct nk_message_expect expect;
	uint8_t text[TEXT_BYTES];
	uint8_t *env;		/* one sealed envelope, for open and the baseline */
	size_t env_len;
	uint8_t sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t sig[NK_SIGNATURE_BYTES];
	uint8_t inner[NK_SIGNATURE_BYTES + TEXT_BYTES];
	uint8_t box[crypto_box_SEALBYTES + NK_SIGNATURE_BYTES + TEXT_BYTES];
	uint8_t xsk[crypto_box_SECRETKEYBYTES], xpk[crypto_box_PUBLICKEYBYTES];
	uint8_t sink[NK_HASH_BYTES];
};

typedef int (*op_fn)(struct msgs *m, uint64_t i);

static int op_sha256(struct msgs *m, uint64_t i)
{
	return crypto_hash_sha256(m->sink, m->env, m->env_len);
}

static int op_seal(struct msgs *m, uint64_t i)
{
	struct nk_envelope_header h = { .case_id = CASE_ID, .kind = NK_MESSAGE_TEXT,
					.from = NK_CLAIMANT, .to = NK_PAYER, .seq = i + 1 };
	uint8_t *env = NULL;
	size_t len;

	if (nk_message_seal(m->sender, &h, &m->rid, m->text, sizeof(m->text), &env, &len,
			    NULL) != NK_OK)
		return 1;
	free(env);
	return 0;
}

static int op_open(struct msgs *m, uint64_t i)
{
	struct nk_opened_message msg = { 0 };
	enum nk_message_verdict why;

	if (nk_message_open(m->recipient, &m->expect, m->env, m->env_len, &msg, &why,
			    NULL) != NK_OK)
		return 1;
	nk_opened_message_free(&msg);
	return 0;
}

/* The primitives a seal is made of, without the envelope: Ed25519 over the text, then
 * crypto_box_seal of signature and text. */
static int op_raw_seal(struct msgs *m, uint64_t i)
{
	crypto_sign_detached(m->inner, NULL, m->text, sizeof(m->text), m->sk);
	memcpy(m->inner + NK_SIGNATURE_BYTES, m->text, sizeof(m->text));
	return crypto_box_seal(m->box, m->inner, sizeof(m->inner), m->xpk);
}

static int op_raw_open(struct msgs *m, uint64_t i)
{
	if (crypto_box_seal_open(m->inner, m->box, sizeof(m->box), m->xpk, m->xsk) != 0)
		return 1;
	return crypto_sign_verify_detached(m->inner, m->text, sizeof(m->text), m->pk);
}

static int op_text_sha256(struct msgs *m, uint64_t i)
{
	return crypto_hash_sha256(m->sink, m->text, sizeof(m->text));
}

static int op_sign(struct msgs *m, uint64_t i)
{
	return nk_action_sign(m->sender, CASE_ID, NK_CLAIMANT, i + 1, "withdraw", m->text,
			      sizeof(m->text), m->sig, NULL) != NK_OK;
}

static int op_verify(struct msgs *m, uint64_t i)
{
	return nk_action_verify(&m->sid, CASE_ID, NK_CLAIMANT, 1, "withdraw", m->text,
				sizeof(m->text), m->sig, NULL) != NK_OK;
}

static int op_raw_sign(struct msgs *m, uint64_t i)
{
	return crypto_sign_detached(m->sig, NULL, m->text, sizeof(m->text), m->sk);
}

static int op_raw_verify(struct msgs *m, uint64_t i)
{
	return crypto_sign_verify_detached(m->sig, m->text, sizeof(m->text), m->pk);
}

/* Runs op for at least MIN_SECONDS; operations per second, or -1 when one failed. */
static double rate(op_fn op, struct msgs *m)
{
	double t0 = now(), t;
	uint64_t n = 0;

	do {
		if (op(m, n++) != 0)
			return -1;
	} while ((t = now() - t0) < MIN_SECONDS);
	return (double)n / t;
}

static void row(const char *name, double r, double base)
{
	if (base <= 0)
		printf("  %-44s %12.0f /s  %9.2f us  (baseline)\n", name, r, 1e6 / r);
	else
		printf("  %-44s %12.0f /s  %9.2f us  (%.4f of baseline)\n", name, r, 1e6 / r,
		       r / base);
}

static int bench_messages(void)
{
	struct msgs *m = calloc(1, sizeof(*m));
	struct nk_envelope_header h = { .case_id = CASE_ID, .kind = NK_MESSAGE_TEXT,
					.from = NK_CLAIMANT, .to = NK_PAYER, .seq = 1 };
	double base;
	int rc = 1;

	if (!m || nk_party_key_generate(&m->sender, NULL) != NK_OK ||
	    nk_party_key_generate(&m->recipient, NULL) != NK_OK)
		goto out;
	nk_party_key_identity(m->sender, &m->sid);
	nk_party_key_identity(m->recipient, &m->rid);
	randombytes_buf(m->text, sizeof(m->text));
	crypto_sign_keypair(m->pk, m->sk);
	crypto_box_keypair(m->xpk, m->xsk);
	m->expect = (struct nk_message_expect){ .case_id = CASE_ID, .kind = NK_MESSAGE_TEXT,
						.me = NK_PAYER, .sender = &m->sid, .next_seq = 1 };
	if (nk_message_seal(m->sender, &h, &m->rid, m->text, sizeof(m->text), &m->env,
			    &m->env_len, NULL) != NK_OK ||
	    op_raw_seal(m, 0) != 0 || op_sign(m, 0) != 0)
		goto out;

	printf("\nsealed messages: %d-byte text, %zu-byte envelope\n", TEXT_BYTES, m->env_len);
	base = rate(op_sha256, m);
	row("SHA-256 of the envelope", base, 0);
	row("bare crypto_sign_detached + crypto_box_seal", rate(op_raw_seal, m), base);
	row("seal (nk_message_seal)", rate(op_seal, m), base);
	row("bare crypto_box_seal_open + verify", rate(op_raw_open, m), base);
	row("open (nk_message_open, verified)", rate(op_open, m), base);

	printf("\nsigned requests: Ed25519 over a %d-byte body\n", TEXT_BYTES);
	base = rate(op_text_sha256, m);
	row("SHA-256 of the body", base, 0);
	row("bare crypto_sign_detached", rate(op_raw_sign, m), base);
	row("sign (nk_action_sign)", rate(op_sign, m), base);
	op_raw_sign(m, 0);
	row("bare crypto_sign_verify_detached", rate(op_raw_verify, m), base);
	if (op_sign(m, 0) != 0)
		goto out;
	row("verify (nk_action_verify)", rate(op_verify, m), base);
	rc = 0;
out:
	if (m) {
		free(m->env);
		nk_party_key_free(m->sender);
		nk_party_key_free(m->recipient);
		sodium_memzero(m, sizeof(*m));
	}
	free(m);
	return rc;
}

/* ---- the Merkle log ---- */

static uint64_t next_random(uint64_t *x)
{
	*x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
	return *x;
}

static long max_rss_kib(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

struct proof_stats {
	double make_us, verify_us;
	size_t min_len, max_len;
	double mean_len;
};

/* Inclusion proofs for random leaves of the first `size` leaves (or of a random earlier
 * size when size is 0), made and verified. */
static int inclusion(const struct nk_merkle_log *log, const uint8_t (*leaves)[NK_HASH_BYTES],
		     uint64_t size, struct proof_stats *st)
{
	uint8_t (*proof)[NK_HASH_BYTES] = calloc(NK_MERKLE_PROOF_MAX, NK_HASH_BYTES);
	uint8_t root[NK_HASH_BYTES];
	uint64_t x = 0x9e3779b97f4a7c15u, total = 0;
	double made = 0, checked = 0, t;
	int rc = 1;

	*st = (struct proof_stats){ .min_len = SIZE_MAX };
	if (!proof)
		return 1;
	for (int i = 0; i < PROOFS; i++) {
		uint64_t n = size ? size : 1 + next_random(&x) % LOG_SIZE;
		uint64_t at = next_random(&x) % n;
		size_t len;

		t = now();
		if (nk_merkle_log_inclusion(log, at, n, proof, &len, NULL) != NK_OK)
			goto out;
		made += now() - t;
		if (nk_merkle_log_root(log, n, root, NULL) != NK_OK)
			goto out;
		t = now();
		if (nk_merkle_verify_inclusion(at, n, leaves[at],
					       (const uint8_t(*)[NK_HASH_BYTES])proof, len, root,
					       NULL) != NK_OK)
			goto out;
		checked += now() - t;
		total += len;
		st->min_len = len < st->min_len ? len : st->min_len;
		st->max_len = len > st->max_len ? len : st->max_len;
	}
	st->make_us = 1e6 * made / PROOFS;
	st->verify_us = 1e6 * checked / PROOFS;
	st->mean_len = (double)total / PROOFS;
	rc = 0;
out:
	free(proof);
	return rc;
}

/* Consistency proofs from a random earlier size to size2 (or between two random sizes
 * when size2 is 0), made and verified. */
static int consistency(const struct nk_merkle_log *log, uint64_t size2, struct proof_stats *st)
{
	uint8_t (*proof)[NK_HASH_BYTES] = calloc(NK_MERKLE_PROOF_MAX, NK_HASH_BYTES);
	uint8_t r1[NK_HASH_BYTES], r2[NK_HASH_BYTES];
	uint64_t x = 0x2545f4914f6cdd1du, total = 0;
	double made = 0, checked = 0, t;
	int rc = 1;

	*st = (struct proof_stats){ .min_len = SIZE_MAX };
	if (!proof)
		return 1;
	for (int i = 0; i < PROOFS; i++) {
		uint64_t n2 = size2 ? size2 : 2 + next_random(&x) % (LOG_SIZE - 1);
		uint64_t n1 = 1 + next_random(&x) % (n2 - 1);
		size_t len;

		t = now();
		if (nk_merkle_log_consistency(log, n1, n2, proof, &len, NULL) != NK_OK)
			goto out;
		made += now() - t;
		if (nk_merkle_log_root(log, n1, r1, NULL) != NK_OK ||
		    nk_merkle_log_root(log, n2, r2, NULL) != NK_OK)
			goto out;
		t = now();
		if (nk_merkle_verify_consistency(n1, n2, r1, r2,
						 (const uint8_t(*)[NK_HASH_BYTES])proof, len,
						 NULL) != NK_OK)
			goto out;
		checked += now() - t;
		total += len;
		st->min_len = len < st->min_len ? len : st->min_len;
		st->max_len = len > st->max_len ? len : st->max_len;
	}
	st->make_us = 1e6 * made / PROOFS;
	st->verify_us = 1e6 * checked / PROOFS;
	st->mean_len = (double)total / PROOFS;
	rc = 0;
out:
	free(proof);
	return rc;
}

static void proof_row(const char *name, const struct proof_stats *st)
{
	printf("  %-44s %5.1f hashes (%zu-%zu; %4.0f bytes)  make %7.2f us  verify %6.2f us\n",
	       name, st->mean_len, st->min_len, st->max_len, st->mean_len * NK_HASH_BYTES,
	       st->make_us, st->verify_us);
}

static int bench_merkle(void)
{
	uint8_t (*leaves)[NK_HASH_BYTES] = malloc((size_t)LOG_SIZE * NK_HASH_BYTES);
	struct nk_merkle_log *log = NULL;
	struct proof_stats st;
	uint8_t root[NK_HASH_BYTES];
	long rss0 = max_rss_kib();
	double t, hashing, appending;
	int rc = 1;

	if (!leaves || nk_merkle_log_new(&log, NULL) != NK_OK)
		goto out;
	printf("\nMerkle log (RFC 9162), %d leaves\n", LOG_SIZE);
	t = now();
	for (uint64_t i = 0; i < LOG_SIZE; i++) {
		uint8_t data[8];

		for (int b = 0; b < 8; b++)
			data[b] = (uint8_t)(i >> (56 - 8 * b));
		nk_merkle_leaf_hash(data, sizeof(data), leaves[i]);
	}
	hashing = now() - t;
	t = now();
	for (uint64_t i = 0; i < LOG_SIZE; i++)
		if (nk_merkle_log_append(log, leaves[i], NULL, NULL) != NK_OK)
			goto out;
	appending = now() - t;
	printf("  %-44s %12.0f /s  %9.3f us  (baseline)\n", "leaf hashes SHA-256(0x00 || 8 bytes)",
	       LOG_SIZE / hashing, 1e6 * hashing / LOG_SIZE);
	printf("  %-44s %12.0f /s  %9.3f us  (%.4f of baseline)\n",
	       "appends (nk_merkle_log_append)", LOG_SIZE / appending, 1e6 * appending / LOG_SIZE, hashing / appending);
	printf("  %-44s %ld KiB more peak resident (leaves array included: %d KiB)\n", "memory",
	       max_rss_kib() - rss0, LOG_SIZE * NK_HASH_BYTES / 1024);
	t = now();
	if (nk_merkle_log_root(log, LOG_SIZE, root, NULL) != NK_OK)
		goto out;
	printf("  %-44s %9.2f us\n", "root of the whole log", 1e6 * (now() - t));
	printf("  proofs (%d random each; mean length, range, time to make and to verify):\n",
	       PROOFS);
	if (inclusion(log, (const uint8_t(*)[NK_HASH_BYTES])leaves, LOG_SIZE, &st))
		goto out;
	proof_row("inclusion, tree of 1,000,000", &st);
	if (inclusion(log, (const uint8_t(*)[NK_HASH_BYTES])leaves, 0, &st))
		goto out;
	proof_row("inclusion, random earlier tree size", &st);
	if (consistency(log, LOG_SIZE, &st))
		goto out;
	proof_row("consistency, random size -> 1,000,000", &st);
	if (consistency(log, 0, &st))
		goto out;
	proof_row("consistency, between two random sizes", &st);
	rc = 0;
out:
	nk_merkle_log_free(log);
	free(leaves);
	return rc;
}

/* ---- key files ---- */

static int bench_keyfiles(bool sensitive)
{
	static const struct {
		const char *name;
		enum nk_kdf_cost cost;
		int runs;
	} costs[] = {
		{ "test-only (1 pass, 8 KiB)", NK_KDF_TEST_ONLY, 20 },
		{ "interactive (2 passes, 64 MiB)", NK_KDF_INTERACTIVE, 5 },
		{ "moderate, the default (3, 256 MiB)", NK_KDF_MODERATE, 3 },
		{ "sensitive (4 passes, 1 GiB)", NK_KDF_SENSITIVE, 1 },
	};
	struct nk_party_key *key = NULL, *back = NULL;
	struct nk_passphrase pass = { 0 };
	uint8_t file[NK_KEYFILE_BYTES];
	double t, pair = 0;
	int rc = 1, n = 0;

	if (nk_passphrase_set("correct horse battery staple", 28, &pass, NULL) != NK_OK)
		return 1;
	t = now();
	do {
		nk_party_key_free(key);
		key = NULL;
		if (nk_party_key_generate(&key, NULL) != NK_OK)
			goto out;
		n++;
	} while ((pair = now() - t) < MIN_SECONDS);
	pair /= n;
	printf("\nkey files (nk_keyfile_encode = keygen's cost; decode = every later use)\n");
	printf("  %-44s %12.1f us  (baseline)\n", "key pair alone (nk_party_key_generate)",
	       1e6 * pair);
	for (size_t c = 0; c < sizeof(costs) / sizeof(costs[0]); c++) {
		double enc = 1e9, dec = 1e9, enc_wall = 1e9, d, w;

		if (costs[c].cost == NK_KDF_SENSITIVE && !sensitive) {
			printf("  %-44s skipped (--skip-sensitive)\n", costs[c].name);
			continue;
		}
		for (int r = 0; r < costs[c].runs; r++) {
			t = now();
			w = wall();
			if (nk_keyfile_encode(key, &pass, costs[c].cost, file, NULL) != NK_OK)
				goto out;
			d = now() - t;
			w = wall() - w;
			enc = d < enc ? d : enc;
			enc_wall = w < enc_wall ? w : enc_wall;
			t = now();
			if (nk_keyfile_decode(file, sizeof(file), &pass, &back, NULL) != NK_OK)
				goto out;
			d = now() - t;
			dec = d < dec ? d : dec;
			nk_party_key_free(back);
			back = NULL;
		}
		printf("  %-44s encode %9.2f ms (wall %9.2f)  decode %9.2f ms  (%.1fx the key "
		       "pair; best of %d)\n", costs[c].name, 1e3 * enc, 1e3 * enc_wall, 1e3 * dec,
		       enc / pair, costs[c].runs);
	}
	rc = 0;
out:
	nk_party_key_free(key);
	nk_party_key_free(back);
	nk_passphrase_wipe(&pass);
	return rc;
}

static void print_machine(const char *when)
{
	char line[256], model[128] = "unknown CPU";
	FILE *f;

	if (!when) {
		struct utsname u;

		if ((f = fopen("/proc/cpuinfo", "r"))) {
			while (fgets(line, sizeof(line), f))
				if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
					snprintf(model, sizeof(model), "%s", strchr(line, ':') + 2);
					model[strcspn(model, "\n")] = '\0';
					break;
				}
			fclose(f);
		}
		if (uname(&u) == 0)
			printf("machine: %s %s %s, %s, %ld cores; libsodium %s\n", u.sysname,
			       u.release, u.machine, model, sysconf(_SC_NPROCESSORS_ONLN),
			       sodium_version_string());
		return;
	}
	if ((f = fopen("/proc/loadavg", "r"))) {
		if (fgets(line, sizeof(line), f))
			printf("load average %s: %s", when, line);
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	bool sensitive = !(argc > 1 && strcmp(argv[1], "--skip-sensitive") == 0);

	if (sodium_init() < 0)
		return 1;
	printf("bench_crypto: crypto/ rates against baselines in the same run (one thread, "
	       "CPU time)\n");
	print_machine(NULL);
	print_machine("at start");
	if (bench_messages() || bench_merkle() || bench_keyfiles(sensitive)) {
		fprintf(stderr, "bench_crypto: an operation failed\n");
		return 1;
	}
	print_machine("at end");
	return 0;
}
