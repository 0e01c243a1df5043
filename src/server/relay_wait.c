/* Relay reads that wait for a message (doc/blind.md, "The relay"; GET …/blind/messages
 * ?wait=MS). A client waiting for the other side's next message used to read, find
 * nothing and sleep before reading again, so every message arrived late by up to the
 * sleep. Now a read that finds nothing is held: its answer goes as soon as a message is
 * posted to its box (relay_wake, from the POST), or, with nothing, when its wait ends. A
 * held read does not hold a worker thread, whose number is small (--threads): its
 * connection is suspended, as durable.c suspends answers waiting for their flush, and
 * a thread of this file resumes those whose wait ended.
 *
 * Bounds: a read waits at most RELAY_WAIT_MAX_MS; one read is held per case and
 * recipient (a second one answers the first at once), so at most two per open blind
 * case whose parties both joined (a read is held before its case has a slot, and only
 * a party of the case signs one), and suspended connections count against the
 * connection limits as any other. Lock order: hold_mu, then the relay's own and libmicrohttpd's. A
 * connection is suspended and resumed only under hold_mu, so that a resume never comes
 * before its suspension. */
#include "server/answer.h"

#include <string.h>
#include <time.h>

static int64_t mono_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* Unlinks *link's hold and resumes its connection. Under hold_mu. */
static void release(struct relay_hold **link)
{
	struct relay_hold *h = *link;

	*link = h->next;
	h->next = NULL;
	MHD_resume_connection(h->conn);
}

static void *hold_main(void *arg)
{
	struct nk_server *srv = arg;

	pthread_mutex_lock(&srv->hold_mu);
	while (!srv->hold_stop) {
		int64_t now = mono_us(), next = now + 1000000;
		struct relay_hold **link = &srv->holds;
		struct timespec at;

		while (*link) {
			if ((*link)->until_us <= now) {
				release(link);
			} else {
				next = (*link)->until_us < next ? (*link)->until_us : next;
				link = &(*link)->next;
			}
		}
		at.tv_sec = (time_t)(next / 1000000);
		at.tv_nsec = (long)(next % 1000000) * 1000;
		(void)pthread_cond_timedwait(&srv->hold_wake, &srv->hold_mu, &at);
	}
	pthread_mutex_unlock(&srv->hold_mu);
	return NULL;
}

enum nk_status relay_wait_start(struct nk_server *srv, struct nk_error *err)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&srv->hold_mu, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&srv->hold_wake, &attr);
	pthread_condattr_destroy(&attr);
	srv->hold_ready = true;
	if (pthread_create(&srv->hold_thread, NULL, hold_main, srv) != 0)
		return nk_fail(err, NK_ENOMEM, "relay", "could not start the relay's timer thread");
	srv->hold_started = true;
	return NK_OK;
}

void relay_wait_stop(struct nk_server *srv)
{
	if (!srv->hold_ready)
		return;
	pthread_mutex_lock(&srv->hold_mu);
	srv->hold_stop = true;
	while (srv->holds)
		release(&srv->holds);
	pthread_cond_signal(&srv->hold_wake);
	pthread_mutex_unlock(&srv->hold_mu);
	if (srv->hold_started)
		pthread_join(srv->hold_thread, NULL);
	srv->hold_started = false;
}

void relay_wait_free(struct nk_server *srv)
{
	relay_wait_stop(srv);
	if (!srv->hold_ready)
		return;
	pthread_cond_destroy(&srv->hold_wake);
	pthread_mutex_destroy(&srv->hold_mu);
	srv->hold_ready = false;
}

bool relay_hold(struct nk_server *srv, struct relay_hold *h, struct MHD_Connection *conn,
		const char *id, const struct relay_ask *ask)
{
	bool held = false;

	if (!srv->hold_ready)
		return false;
	pthread_mutex_lock(&srv->hold_mu);
	/* a message posted since the read looked: answer now (the client reads again) */
	if (!srv->hold_stop && relay_unchanged(srv, id, ask)) {
		for (struct relay_hold **link = &srv->holds; *link;) {
			if (strcmp((*link)->case_id, id) == 0 && (*link)->ask.role == ask->role)
				release(link);	/* one held read per box: the older answers */
			else
				link = &(*link)->next;
		}
		memset(h, 0, sizeof(*h));
		h->conn = conn;
		snprintf(h->case_id, sizeof(h->case_id), "%s", id);
		h->ask = *ask;
		h->until_us = mono_us() + ask->wait_ms * 1000;
		h->held = true;
		h->next = srv->holds;
		srv->holds = h;
		MHD_suspend_connection(conn);
		pthread_cond_signal(&srv->hold_wake);
		held = true;
	}
	pthread_mutex_unlock(&srv->hold_mu);
	return held;
}

void relay_wake(struct nk_server *srv, const char *id, int role)
{
	if (!srv->hold_ready)
		return;
	pthread_mutex_lock(&srv->hold_mu);
	for (struct relay_hold **link = &srv->holds; *link;) {
		if (strcmp((*link)->case_id, id) == 0 && (*link)->ask.role == role)
			release(link);
		else
			link = &(*link)->next;
	}
	pthread_mutex_unlock(&srv->hold_mu);
}

struct MHD_Response *relay_response(const char *request_id, struct relay_answer *a,
				    unsigned *status)
{
	struct MHD_Response *resp;
	char n[24];

	/* ciphertext of the parties' channel: freed as is, as the relay frees it */
	resp = MHD_create_response_from_buffer_with_free_callback(a->len, a->data, free);
	if (!resp) {
		free(a->data);
		a->data = NULL;
		return NULL;
	}
	*status = a->data ? 200 : 204;
	a->data = NULL;
	if (*status == 200)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, NK_RELAY_CONTENT_TYPE);
	MHD_add_response_header(resp, "X-Request-Id", request_id);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	web_headers(resp);
	snprintf(n, sizeof(n), "%d", a->round);
	MHD_add_response_header(resp, "Nakodo-Round", n);
	snprintf(n, sizeof(n), "%u", a->epoch);
	MHD_add_response_header(resp, "Nakodo-Epoch", n);
	if (*status == 200) {
		snprintf(n, sizeof(n), "%u", a->seq);
		MHD_add_response_header(resp, "Nakodo-Seq", n);
	}
	return resp;
}

enum MHD_Result relay_answer_held(struct nk_server *srv, struct MHD_Connection *conn,
				  struct http_request *req, const char *method)
{
	unsigned status = 500;
	uint64_t posted = 0;
	struct relay_answer a;
	struct MHD_Response *resp;

	req->hold.held = false;
	if (!relay_read(srv, req->hold.case_id, &req->hold.ask, &posted, &a))
		return answer_queue(conn, srv, req, method, status,
				    answer_problem(req, &status, "", "out of memory", NULL));
	resp = relay_response(req->id, &a, &status);
	return answer_queue(conn, srv, req, method, status, resp);
}
