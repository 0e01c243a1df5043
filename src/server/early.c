/* An answer sent while the request's body still comes. libmicrohttpd queues an answer
 * only before it reads the body or once all of it has come, so a chunked body, whose
 * length is known only at its end, that passed its limit was refused by closing the
 * connection: the client read nothing (curl's 000), where a Content-Length past the limit
 * is told the 413 problem. Here the same answer, status line and headers as the library
 * writes them, goes to the connection at once (through TLS when the daemon serves it), and
 * the connection, which closes after it, lingers a little (bounded in bytes and time),
 * discarding what the client still sends: closed with unread bytes, it would reset, and a
 * client still sending could lose the answer before reading it. */
#include "server/answer.h"
#include "server/receive.h"

#include <nakodo/buffers.h>

#include <errno.h>
#include <gnutls/gnutls.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* What a connection answered early may still read, discarded, before it closes: the
 * bytes a client had in flight when the answer came (a socket's buffers each way), and
 * the time to read the answer. Past either it closes, read or not. */
#define EARLY_LINGER_BYTES (4u << 20)
#define EARLY_LINGER_MS 2000
/* The answer, a kilobyte or so, goes into a send buffer nothing else uses: it waits at
 * most this for room, never for the client. */
#define EARLY_SEND_MS 200

/* "Sun, 06 Dec 2026 10:17:45 GMT": the Date header as the library writes it (RFC 9110's
 * IMF-fixdate, English names whatever the locale). */
static void http_date(char out[static 64], time_t now)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm;

	if (!gmtime_r(&now, &tm))
		memset(&tm, 0, sizeof(tm));
	snprintf(out, 64, "%.3s, %02u %.3s %04u %02u:%02u:%02u GMT",
		 days + 3 * ((unsigned)tm.tm_wday % 7), (unsigned)tm.tm_mday % 100,
		 months + 3 * ((unsigned)tm.tm_mon % 12), (unsigned)(tm.tm_year + 1900) % 10000,
		 (unsigned)tm.tm_hour % 100, (unsigned)tm.tm_min % 100, (unsigned)tm.tm_sec % 100);
}

static bool put(struct nk_buf *b, const char *text)
{
	return nk_buf_append(b, text, strlen(text));
}

static enum MHD_Result put_header(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	struct nk_buf *b = cls;

	(void)kind;
	put(b, key);
	put(b, ": ");
	put(b, value);
	put(b, "\r\n");
	return MHD_YES;
}

/* The whole answer: status line, Date, Connection: close, the response's own headers in
 * their order, Content-Length, the body (none to a HEAD, as the library answers one). */
static bool write_answer(struct nk_buf *out, struct MHD_Response *resp, unsigned status,
			 const char *body, bool head)
{
	char line[64], date[64];

	http_date(date, time(NULL));
	snprintf(line, sizeof(line), "HTTP/1.1 %u %s\r\n", status,
		 MHD_get_reason_phrase_for(status));
	put(out, line);
	put(out, "Date: ");
	put(out, date);
	put(out, "\r\nConnection: close\r\n");
	MHD_get_response_headers(resp, put_header, out);
	snprintf(line, sizeof(line), "Content-Length: %zu\r\n\r\n", strlen(body));
	put(out, line);
	return (head || put(out, body)) && !out->too_big && !out->failed;
}

static bool writable(int fd, int64_t ms)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	return ms > 0 && poll(&p, 1, (int)ms) == 1 && (p.revents & POLLOUT);
}

/* Sends all of text on the connection, through its TLS session when tls; the socket does
 * not block, and a send buffer that stays full for EARLY_SEND_MS fails it. */
static bool send_all(struct MHD_Connection *conn, bool tls, const char *text, size_t n)
{
	const union MHD_ConnectionInfo *fd =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *session =
		tls ? MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION) : NULL;
	struct timespec start, now;

	if (!fd || (tls && (!session || !session->tls_session)))
		return false;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (n > 0) {
		ssize_t sent = tls ? gnutls_record_send(session->tls_session, text, n)
				   : send(fd->connect_fd, text, n, MSG_NOSIGNAL);
		bool again = tls ? sent == GNUTLS_E_AGAIN || sent == GNUTLS_E_INTERRUPTED
				 : sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
						errno == EINTR);

		if (sent > 0) {
			text += sent;
			n -= (size_t)sent;
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!again || !writable(fd->connect_fd, EARLY_SEND_MS -
					((now.tv_sec - start.tv_sec) * 1000 +
					 (now.tv_nsec - start.tv_nsec) / 1000000)))
			return false;
	}
	/* the end, said at once to a client that reads to it (TLS says it on close) */
	if (!tls)
		(void)shutdown(fd->connect_fd, SHUT_WR);
	return true;
}

enum MHD_Result early_refuse(struct MHD_Connection *conn, struct nk_server *srv,
			     struct http_request *req, const char *method, unsigned status,
			     const char *field, const char *detail)
{
	char *body = answer_problem_text(req, status, NULL, field, detail, NULL);
	struct nk_buf out = { .max = 4096 };
	struct MHD_Response *resp;
	bool sent;

	/* the response holds body, and its headers are those of any other answer */
	if (!(resp = answer_body(req, status, body, "application/problem+json")) || !body) {
		if (resp)
			MHD_destroy_response(resp);
		return MHD_NO;
	}
	sent = write_answer(&out, resp, status, body, method && strcmp(method, "HEAD") == 0) &&
	       send_all(conn, srv->cfg.tls_cert_pem != NULL, out.data, out.len);
	MHD_destroy_response(resp);
	nk_buf_free(&out);
	req->answered = true;
	answer_log(srv, req, method, status);
	if (!sent)
		return MHD_NO;
	req->early = true;
	receive_linger(srv, conn, EARLY_LINGER_MS);
	return MHD_YES;
}

enum MHD_Result early_discard(struct http_request *req, size_t bytes)
{
	req->lingered += bytes;
	return bytes > 0 && req->lingered <= EARLY_LINGER_BYTES ? MHD_YES : MHD_NO;
}
