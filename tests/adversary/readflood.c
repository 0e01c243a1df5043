/* The read flood of tests/adversary/reads.sh: one joined role sends COUNT signed reads of
 * its own briefing, each distinct (its own time, above the last), over one kept-alive
 * connection, as fast as the server answers, and prints how many got each status
 * ("200 N" lines). Used to fill whatever the server keeps of signed reads.
 *
 *   readflood URL TOKEN CASE ROLE KEYFILE COUNT   (passphrase: NAKODO_PASSPHRASE_FILE) */
#include "nakodo/bargain.h"
#include "nakodo/case.h"
#include "nakodo/keys.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static size_t discard(char *p, size_t size, size_t n, void *cls)
{
	(void)p;
	(void)cls;
	return size * n;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	struct nk_passphrase pass = { 0 };
	struct nk_party_key *key = NULL;
	struct nk_error err = { 0 };
	unsigned long counts[600] = { 0 };
	char path[256], url[512], auth[128], line[64], hex[2 * NK_SIGNATURE_BYTES + 1];
	char sig_line[32 + sizeof(hex)];
	enum nk_role role;
	int64_t last = 0;
	long count;
	CURL *curl;

	if (argc != 7 || (count = strtol(argv[6], NULL, 10)) < 1 ||
	    nk_role_parse(argv[4], &role) != NK_OK) {
		fprintf(stderr, "usage: readflood URL TOKEN CASE ROLE KEYFILE COUNT\n");
		return 2;
	}
	if (sodium_init() < 0 || nk_passphrase_get("Passphrase: ", false, &pass, &err) != NK_OK ||
	    nk_keyfile_read(argv[5], &pass, &key, &err) != NK_OK) {
		fprintf(stderr, "readflood: %s: %s\n", err.field, err.text);
		return 1;
	}
	nk_passphrase_wipe(&pass);
	snprintf(path, sizeof(path), "/v1/cases/%s/brief", argv[3]);
	snprintf(url, sizeof(url), "%s%s", argv[1], path);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", argv[2]);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (!(curl = curl_easy_init()))
		return 1;
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
	for (long i = 0; i < count; i++) {
		struct nk_request_auth signed_read;
		struct curl_slist *headers = NULL;
		int64_t when = now_ms();
		long status = 0;

		/* distinct and rising, as a client that reads one at a time sends them */
		when = when > last ? when : last + 1;
		last = when;
		if (nk_case_read_sign(key, argv[3], role, when, "GET", path, &signed_read,
				      &err) != NK_OK) {
			fprintf(stderr, "readflood: %s\n", err.text);
			return 1;
		}
		sodium_bin2hex(hex, sizeof(hex), signed_read.signature,
			       sizeof(signed_read.signature));
		snprintf(line, sizeof(line), "Nakodo-Request: %lld", (long long)when);
		snprintf(sig_line, sizeof(sig_line), "Nakodo-Signature: %s", hex);
		headers = curl_slist_append(headers, auth);
		headers = curl_slist_append(headers, line);
		headers = curl_slist_append(headers, sig_line);
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
		if (curl_easy_perform(curl) == CURLE_OK)
			curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
		curl_slist_free_all(headers);
		counts[status >= 0 && status < 600 ? status : 0]++;
	}
	for (int s = 0; s < 600; s++)
		if (counts[s])
			printf("%d %lu\n", s, counts[s]);
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	nk_party_key_free(key);
	return 0;
}
