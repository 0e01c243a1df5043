/* Native TLS: what libmicrohttpd needs to serve HTTPS with the configured certificate
 * and key. Both are PEM text in memory; GnuTLS loads them when the daemon starts. */
#include "server/tls.h"

#include <stddef.h>

/* TLS 1.2 and 1.3 only, with GnuTLS's normal ciphers: every client nakodo talks to
 * (libcurl, browsers, curl) speaks them, and older versions have known weaknesses. */
static const char tls_priorities[] = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";

enum nk_status server_tls_options(const struct nk_server_config *cfg, unsigned *flags,
				  struct MHD_OptionItem items[static SERVER_TLS_OPTIONS],
				  struct nk_error *err)
{
	items[0] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	if (!cfg->tls_cert_pem && !cfg->tls_key_pem)
		return NK_OK;
	if (!cfg->tls_cert_pem || !cfg->tls_key_pem)
		return nk_fail(err, NK_EINVAL, cfg->tls_cert_pem ? "tls-key" : "tls-cert",
			       "TLS needs both a certificate and its private key");
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return nk_fail(err, NK_EINVAL, "tls-cert", "this libmicrohttpd was built without "
			       "TLS: serve plain HTTP behind a TLS proxy instead");
	*flags |= MHD_USE_TLS;
	items[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert_pem };
	items[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key_pem };
	items[2] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)tls_priorities };
	items[3] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	return NK_OK;
}
