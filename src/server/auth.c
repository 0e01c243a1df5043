/* Access: bearer tokens of 256 random bits, shown once and kept by the store only as a
 * keyed hash; the operator's token made on first start; and a token-bucket rate limit
 * per token, keyed by a hash of the token so that the limiter holds no token either. */
#include "server/server_impl.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool auth_parse(const char *header, uint8_t token[static NK_TOKEN_BYTES])
{
	static const char scheme[] = "Bearer ";
	const char *hex;

	if (!header || strncmp(header, scheme, sizeof(scheme) - 1) != 0)
		return false;
	hex = header + sizeof(scheme) - 1;
	if (strlen(hex) != HTTP_TOKEN_HEX)
		return false;
	for (size_t i = 0; i < NK_TOKEN_BYTES; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		token[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

bool auth_rate_take(struct nk_server *srv, const uint8_t token[static NK_TOKEN_BYTES])
{
	uint64_t key = 0;
	struct rate_bucket *b;
	int64_t now = now_us();
	bool ok;

	crypto_shorthash((uint8_t *)&key, token, NK_TOKEN_BYTES, srv->rate_key);
	key |= 1;	/* 0 marks an empty slot */
	pthread_mutex_lock(&srv->rate_mu);
	b = &srv->rate[key % HTTP_RATE_SLOTS];
	if (b->key != key) {
		b->key = key;
		b->level = srv->cfg.burst;
		b->last_us = now;
	}
	b->level += (double)(now - b->last_us) * srv->cfg.rate / 1e6;
	if (b->level > srv->cfg.burst)
		b->level = srv->cfg.burst;
	b->last_us = now;
	ok = b->level >= 1.0;
	if (ok)
		b->level -= 1.0;
	pthread_mutex_unlock(&srv->rate_mu);
	return ok;
}

enum nk_status auth_issue(struct nk_store *store, const char *case_id, const char *role,
			  char hex[static HTTP_TOKEN_HEX + 1], struct nk_error *err)
{
	uint8_t *token = sodium_malloc(NK_TOKEN_BYTES);
	enum nk_status rc;

	if (!token)
		return nk_fail(err, NK_ENOMEM, "token", "out of memory");
	randombytes_buf(token, NK_TOKEN_BYTES);
	rc = nk_store_token_put(store, token, case_id, role, err);
	if (rc == NK_OK)
		sodium_bin2hex(hex, HTTP_TOKEN_HEX + 1, token, NK_TOKEN_BYTES);
	sodium_free(token);
	return rc;
}

enum nk_status auth_ensure_operator(struct nk_store *store, FILE *log, struct nk_error *err)
{
	char *hex = NULL;
	size_t count = 0;
	enum nk_status rc;

	if ((rc = nk_store_token_count(store, "", "operator", &count, err)) != NK_OK || count > 0)
		return rc;
	if (!(hex = sodium_malloc(HTTP_TOKEN_HEX + 1)))
		return nk_fail(err, NK_ENOMEM, "token", "out of memory");
	if ((rc = nk_store_begin(store, err)) != NK_OK)
		goto out;
	rc = auth_issue(store, "", "operator", hex, err);
	if (rc == NK_OK)
		rc = nk_store_commit(store, err);
	if (rc != NK_OK) {
		nk_store_rollback(store);
		goto out;
	}
	/* shown once, on first start: the store keeps only its hash */
	fprintf(log, "operator token: %s\n", hex);
	fflush(log);
out:
	sodium_free(hex);
	return rc;
}
