/* Deadlines for receiving a request (receive.c). */
#ifndef NAKODO_SERVER_RECEIVE_H
#define NAKODO_SERVER_RECEIVE_H

#include "server/server_impl.h"

/* A body is given a second more than --timeout for each this many bytes of it that came
 * (up to the length it declares). */
#define RECEIVE_BYTES_PER_S 4096

/* Starts the watcher; before the daemon. */
NK_MUST_USE enum nk_status receive_start(struct nk_server *srv, struct nk_error *err);
/* Stops the watcher (before the daemon stops); receive_free once the daemon has stopped,
 * which has told every connection's close. */
void receive_stop(struct nk_server *srv);
void receive_free(struct nk_server *srv);
/* MHD_OPTION_NOTIFY_CONNECTION's callback: a connection is watched from its start. */
void receive_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		    enum MHD_ConnectionNotificationCode toe);
/* The request's head is in and declares a body of declared bytes: its deadline grows. */
void receive_head(struct nk_server *srv, struct MHD_Connection *conn,
		  unsigned long long declared);
/* bytes more of the request's body came: its deadline grows by their time. */
void receive_body(struct nk_server *srv, struct MHD_Connection *conn, size_t bytes);
/* The request has arrived whole (or is answered before): no longer watched. */
void receive_done(struct nk_server *srv, struct MHD_Connection *conn);
/* The request was answered before its body had come (early.c): the connection, which
 * closes after it, lingers at most ms more, discarding the rest. */
void receive_linger(struct nk_server *srv, struct MHD_Connection *conn, int64_t ms);
/* The request was answered; the connection may carry another: watched again. */
void receive_next(struct nk_server *srv, struct MHD_Connection *conn);

#endif
