/* The server's certificate and private key, read for libmicrohttpd: bounded, checked
 * for the PEM a user may have swapped or mistyped, the key refused when other users can
 * read it and wiped when the server stops. */
#include "serve_tls.h"

#include <nakodo/files.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SERVE_TLS_FILE_MAX (64u * 1024)	/* a certificate chain or a key, with room */

static void wipe_free(uint8_t *buf, size_t len)
{
	if (buf) {
		sodium_memzero(buf, len);
		free(buf);
	}
}

/* Reads path into *out for option field, which must hold the PEM marker. */
static enum nk_status read_pem(const char *path, const char *field, const char *marker,
			       const char *kind, uint8_t **out, size_t *len, struct nk_error *err)
{
	enum nk_status rc = nk_file_read_bounded(path, SERVE_TLS_FILE_MAX, out, len, path, field,
						 NULL, err);

	if (rc != NK_OK)
		return rc;
	if (memchr(*out, '\0', *len) || !strstr((const char *)*out, marker)) {
		wipe_free(*out, *len);
		*out = NULL;
		return nk_fail(err, NK_EINVAL, field, "%s: not a PEM %s (no '%s' line)", path, kind,
			       marker);
	}
	return NK_OK;
}

enum nk_status serve_tls_read(const char *cert_path, const char *key_path, struct serve_tls *out,
			      struct nk_error *err)
{
	struct serve_tls t = { 0 };
	struct stat st;
	enum nk_status rc;

	if (!cert_path || !key_path)
		return nk_fail(err, NK_EINVAL, cert_path ? "tls-key" : "tls-cert",
			       "TLS needs both --tls-cert FILE and --tls-key FILE");
	if ((rc = read_pem(cert_path, "tls-cert", "-----BEGIN CERTIFICATE-----", "certificate",
			   &t.cert, &t.cert_len, err)) != NK_OK ||
	    (rc = read_pem(key_path, "tls-key", "PRIVATE KEY-----", "private key", &t.key,
			   &t.key_len, err)) != NK_OK) {
		serve_tls_free(&t);
		return rc;
	}
	/* a key others can read is no longer the server's alone */
	if (stat(key_path, &st) != 0 || (st.st_mode & S_IROTH)) {
		serve_tls_free(&t);
		return nk_fail(err, NK_EINVAL, "tls-key", "%s: other users may read this private "
			       "key; make it private (chmod o-r) or use a copy that is", key_path);
	}
	*out = t;
	return NK_OK;
}

void serve_tls_free(struct serve_tls *t)
{
	wipe_free(t->key, t->key_len);
	wipe_free(t->cert, t->cert_len);
	*t = (struct serve_tls){ 0 };
}
