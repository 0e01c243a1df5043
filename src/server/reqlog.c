/* The request log's lines (answer.c) written in batches by a thread of their own: a
 * write(2) for every request cost the submission's path about 1.5% of the server's CPU
 * (bench/README.md). A request copies its line into a buffer under a lock; the writer,
 * woken by the first line after it went idle, waits REQLOG_GATHER_US for more, then
 * writes them all with one fwrite and fflush. A line therefore reaches the log some
 * 20 milliseconds after its answer, in the order the requests were answered; reqlog_stop
 * writes every line left, so a clean exit loses none. Before reqlog_start and after
 * reqlog_stop, lines are written at once, as before. And the request's id that each
 * line, answer and problem carries. */
#include "server/server_impl.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Room for some 900 lines; a request that finds it full writes it out itself. */
#define REQLOG_BUFFER (128u * 1024u)
/* How long the writer gathers lines once woken. Waking it costs about as much as the
 * write(2)s it saves (two context switches): at 2 ms it woke some 400 times a second
 * under the submission benchmark and saved nothing; at 20 ms, 50 times. */
#define REQLOG_GATHER_US 20000

/* 64 random bits in hex: a counter would tell a party how many requests others made
 * between two of its own, and so when the other side acted. A thread that has its
 * worker draws them from the worker's pool of random bytes, refilled when used up. */
void reqlog_request_id(struct nk_server *srv, char out[static 17])
{
	struct worker *w = pthread_getspecific(srv->store_key);
	uint8_t bytes[8];

	if (!w) {
		randombytes_buf(bytes, sizeof(bytes));
		sodium_bin2hex(out, 17, bytes, sizeof(bytes));
		return;
	}
	if (w->id_used + sizeof(bytes) > sizeof(w->id_bytes)) {
		randombytes_buf(w->id_bytes, sizeof(w->id_bytes));
		w->id_used = 0;
	}
	sodium_bin2hex(out, 17, w->id_bytes + w->id_used, sizeof(bytes));
	w->id_used += sizeof(bytes);
}

/* A line being written, cut at its end: what does not fit is dropped. */
struct line_out {
	char *p, *end;
};

static void put_bytes(struct line_out *o, const char *s, size_t len)
{
	size_t room = (size_t)(o->end - o->p);

	if (len > room)
		len = room;
	memcpy(o->p, s, len);
	o->p += len;
}

static void put_text(struct line_out *o, const char *s)
{
	put_bytes(o, s, strlen(s));
}

/* v in decimal, padded with zeros to at least width digits. */
static void put_number(struct line_out *o, uint64_t v, unsigned width)
{
	char digits[20];
	unsigned n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (n < width && n < sizeof(digits))
		digits[n++] = '0';
	while (n > 0 && o->p < o->end)
		*o->p++ = digits[--n];
}

/* The proleptic Gregorian date of a day counted from 1970-01-01 (negative before it):
 * the civil_from_days of Howard Hinnant's "chrono-Compatible Low-Level Date
 * Algorithms", in 400-year eras of 146,097 days starting on a March 1st. */
static void civil_date(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;				/* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;	/* [0, 399] */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);	/* [0, 365], from March 1st */
	int64_t mp = (5 * doy + 2) / 153;			/* [0, 11], March first */

	*day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

size_t reqlog_line(char line[static REQLOG_LINE], const struct timespec *when, const char *id,
		   const char *method, const char *route, unsigned status, int64_t us)
{
	struct line_out o = { line, line + REQLOG_LINE - 1 };	/* room kept for the newline */
	int64_t secs = when->tv_sec, days = secs / 86400, of_day = secs % 86400, year;
	unsigned month, day;

	if (of_day < 0) {
		of_day += 86400;
		days--;
	}
	civil_date(days, &year, &month, &day);
	if (us < 0)
		us = 0;
	put_text(&o, "time=");
	if (year < 0)
		put_text(&o, "-");
	put_number(&o, (uint64_t)(year < 0 ? -year : year), 4);
	put_text(&o, "-");
	put_number(&o, month, 2);
	put_text(&o, "-");
	put_number(&o, day, 2);
	put_text(&o, "T");
	put_number(&o, (uint64_t)(of_day / 3600), 2);
	put_text(&o, ":");
	put_number(&o, (uint64_t)(of_day / 60 % 60), 2);
	put_text(&o, ":");
	put_number(&o, (uint64_t)(of_day % 60), 2);
	put_text(&o, ".");
	put_number(&o, (uint64_t)when->tv_nsec / 1000000, 3);
	put_text(&o, "Z request=");
	put_text(&o, id);
	put_text(&o, " method=");
	put_bytes(&o, method, strnlen(method, 16));
	put_text(&o, " route=");
	put_text(&o, route);
	put_text(&o, " status=");
	put_number(&o, status, 1);
	put_text(&o, " ms=");
	put_number(&o, (uint64_t)us / 1000, 1);
	put_text(&o, ".");
	put_number(&o, (uint64_t)us % 1000, 3);
	*o.p++ = '\n';
	return (size_t)(o.p - line);
}

/* Writes and empties the request buffer; the caller holds reqlog_mu. */
static void reqlog_write_locked(struct nk_server *srv)
{
	if (srv->reqlog_len > 0) {
		fwrite(srv->reqlog_buf, 1, srv->reqlog_len, srv->cfg.log);
		fflush(srv->cfg.log);
		srv->reqlog_len = 0;
	}
}

static void *reqlog_writer(void *arg)
{
	struct nk_server *srv = arg;
	const struct timespec gather = { 0, REQLOG_GATHER_US * 1000L };
	char *spare = srv->reqlog_spare;
	size_t len;

	pthread_mutex_lock(&srv->reqlog_mu);
	for (;;) {
		while (srv->reqlog_len == 0 && !srv->reqlog_stop) {
			srv->reqlog_idle = true;
			pthread_cond_wait(&srv->reqlog_wake, &srv->reqlog_mu);
			srv->reqlog_idle = false;
		}
		if (srv->reqlog_len == 0)	/* stopping, nothing left */
			break;
		if (!srv->reqlog_stop) {
			pthread_mutex_unlock(&srv->reqlog_mu);
			nanosleep(&gather, NULL);
			pthread_mutex_lock(&srv->reqlog_mu);
		}
		/* take the lines and write them without the lock, so that requests go on
		 * filling the other buffer meanwhile; the lock on the stream keeps a request
		 * that finds its buffer full from writing before these */
		flockfile(srv->cfg.log);
		len = srv->reqlog_len;
		spare = srv->reqlog_buf;
		srv->reqlog_buf = srv->reqlog_spare;
		srv->reqlog_spare = spare;
		srv->reqlog_len = 0;
		pthread_mutex_unlock(&srv->reqlog_mu);
		fwrite(spare, 1, len, srv->cfg.log);
		fflush(srv->cfg.log);
		funlockfile(srv->cfg.log);
		pthread_mutex_lock(&srv->reqlog_mu);
	}
	pthread_mutex_unlock(&srv->reqlog_mu);
	return NULL;
}

void reqlog_init(struct nk_server *srv)
{
	pthread_mutex_init(&srv->reqlog_mu, NULL);
	pthread_cond_init(&srv->reqlog_wake, NULL);
}

enum nk_status reqlog_start(struct nk_server *srv, struct nk_error *err)
{
	srv->reqlog_buf = malloc(REQLOG_BUFFER);
	srv->reqlog_spare = malloc(REQLOG_BUFFER);
	if (!srv->reqlog_buf || !srv->reqlog_spare)
		return nk_fail(err, NK_ENOMEM, "server", "no memory for the request log's buffer");
	if (pthread_create(&srv->reqlog_thread, NULL, reqlog_writer, srv) != 0)
		return nk_fail(err, NK_ENOMEM, "server", "could not start the request log's writer");
	srv->reqlog_started = true;
	return NK_OK;
}

void reqlog_put(struct nk_server *srv, const char *line, size_t len)
{
	bool wake = false;

	pthread_mutex_lock(&srv->reqlog_mu);
	if (!srv->reqlog_started || srv->reqlog_stop || len > REQLOG_BUFFER) {
		flockfile(srv->cfg.log);
		reqlog_write_locked(srv);
		fwrite(line, 1, len, srv->cfg.log);
		fflush(srv->cfg.log);
		funlockfile(srv->cfg.log);
	} else {
		if (srv->reqlog_len + len > REQLOG_BUFFER) {
			flockfile(srv->cfg.log);
			reqlog_write_locked(srv);
			funlockfile(srv->cfg.log);
		}
		memcpy(srv->reqlog_buf + srv->reqlog_len, line, len);
		srv->reqlog_len += len;
		/* one wake-up per batch, given once the lock is free: a writer woken while
		 * the lock is still held would only wait for it again */
		wake = srv->reqlog_idle;
		srv->reqlog_idle = false;
	}
	pthread_mutex_unlock(&srv->reqlog_mu);
	if (wake)
		pthread_cond_signal(&srv->reqlog_wake);
}

/* After the daemon has stopped: every line left is written before this returns. */
void reqlog_stop(struct nk_server *srv)
{
	if (srv->reqlog_started) {
		pthread_mutex_lock(&srv->reqlog_mu);
		srv->reqlog_stop = true;
		pthread_cond_signal(&srv->reqlog_wake);
		pthread_mutex_unlock(&srv->reqlog_mu);
		pthread_join(srv->reqlog_thread, NULL);
		srv->reqlog_started = false;
	}
	pthread_mutex_lock(&srv->reqlog_mu);
	if (srv->reqlog_buf) {
		flockfile(srv->cfg.log);
		reqlog_write_locked(srv);
		funlockfile(srv->cfg.log);
	}
	pthread_mutex_unlock(&srv->reqlog_mu);
}

void reqlog_free(struct nk_server *srv)
{
	free(srv->reqlog_buf);
	free(srv->reqlog_spare);
	pthread_mutex_destroy(&srv->reqlog_mu);
	pthread_cond_destroy(&srv->reqlog_wake);
}
