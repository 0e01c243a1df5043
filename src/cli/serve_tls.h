/* nakodo serve --tls-cert FILE --tls-key FILE: the certificate and key read for the
 * server's native TLS, the key kept in memory only as long as the server runs. */
#ifndef NAKODO_CLI_SERVE_TLS_H
#define NAKODO_CLI_SERVE_TLS_H

#include <nakodo/status.h>

#include <stddef.h>
#include <stdint.h>

struct serve_tls {
	uint8_t *cert, *key;	/* PEM text, NUL-terminated; NULL when not read */
	size_t cert_len, key_len;
};

/* Reads both files (each at most 64 KiB, PEM): a missing or unreadable one, one that is
 * not PEM, or a key file that other users may read is NK_EINVAL (NK_ESTORE for a read
 * error) naming the option. Nothing is kept on failure. */
NK_MUST_USE enum nk_status serve_tls_read(const char *cert_path, const char *key_path,
					  struct serve_tls *out, struct nk_error *err);

/* Wipes the key and frees both. */
void serve_tls_free(struct serve_tls *t);

#endif
