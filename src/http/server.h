/*
 * server.h — the HTTP server: libmicrohttpd in epoll mode with a thread pool,
 * request limits, suspend/resume for requests waiting on the writer, the
 * access log and graceful shutdown.
 */
#ifndef GG_HTTP_SERVER_H
#define GG_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "http/router.h"
#include "store/store.h"

typedef struct gg_server_opts {
    const char *addr;           /* "127.0.0.1" */
    int port;                   /* 8080; 0 picks a free port */
    int threads;                /* 0: one per core */
    size_t max_body;            /* JSON bodies, default 1 MiB */
    size_t max_url;             /* default 4096 */
    size_t max_headers;         /* all header lines together, default 16 KiB */
    int max_conns;              /* above: 429 and close; default 2000 */
    int idle_timeout_s;         /* idle keep-alive / stalled request: closed; default 30 */
    int body_timeout_s;         /* a body slower than this: 408; default 20 */
    double rate_per_ip;         /* requests/s per address (0: off); default 100 */
    double rate_burst;          /* default 200 */
    double login_per_min;       /* sign-in attempts per address per minute (burst the same); default 10 */
    int session_idle_s;         /* default 7200 */
    int session_max_s;          /* default 43200 */
    bool access_log;
    gg_store *store;
    const gg_route *routes;
    size_t nroutes;
} gg_server_opts;

void gg_server_opts_default(gg_server_opts *o);
int gg_server_start(const gg_server_opts *o, gg_server **out, gg_error *e);
int gg_server_port(gg_server *s);
const gg_server_opts *gg_server_options(gg_server *s);
/* Stop accepting, let requests in flight finish (up to grace_s), stop. The
 * store is not closed here: the caller closes it after (flushing the writer). */
void gg_server_stop(gg_server *s, int grace_s);

/* Called by dispatch for a complete request: route, authenticate, authorize,
 * run the handler. Implemented in http/dispatch.c. */
int gg_dispatch(gg_req *r);
/* Resume a request suspended on a deferred write (writer thread). */
void gg_server_resume(gg_req *r);

#endif
