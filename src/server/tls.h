/* Native TLS for the server (libmicrohttpd with GnuTLS): the daemon's flag and options
 * for the certificate and key the configuration holds, when it holds them. */
#ifndef NAKODO_SERVER_TLS_H
#define NAKODO_SERVER_TLS_H

#include <nakodo/server.h>

#include <microhttpd.h>

/* Options server_tls_options fills: certificate, key, priorities, the end. */
#define SERVER_TLS_OPTIONS 4

/* With cfg->tls_cert_pem and cfg->tls_key_pem both set, adds MHD_USE_TLS to *flags
 * and fills items with the options that load them (the end alone without them). One
 * without the other, or a libmicrohttpd built without TLS, is NK_EINVAL naming it. */
NK_MUST_USE enum nk_status server_tls_options(const struct nk_server_config *cfg,
					      unsigned *flags,
					      struct MHD_OptionItem items[static SERVER_TLS_OPTIONS],
					      struct nk_error *err);

#endif
