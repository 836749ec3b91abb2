/*
 * server.c — libmicrohttpd wiring.
 *
 * A request's life: the first access-handler call creates its gg_req and
 * runs the cheap checks (shutdown, connection count, rate, URL, header
 * size, declared body size); later calls collect the body under its limit
 * and deadline; the final call dispatches. A handler that must wait for the
 * writer suspends the connection (MHD_suspend_connection) before its write
 * is queued; the writer's done() resumes it and the next access-handler
 * call runs the continuation and queues the response. The completion
 * callback writes the access-log line, counts metrics and frees the pool.
 *
 * Responses are queued only after the first callback (queuing on the first
 * call loses keep-alive), except when a declared body is refused: then the
 * body is never read and the connection closes.
 *
 * libmicrohttpd cannot queue a response in the middle of an upload, so the
 * body deadline is checked as each chunk arrives: a body still arriving after
 * it is read and dropped, then answered 408; a body that stalls is closed by
 * the idle timeout, unanswered.
 *
 * Shutdown waits only for requests that were dispatched (phases RUN, WAIT,
 * ANSWERED: counted in `inflight`); a request still receiving its body is
 * not waited for, and if its body completes during the drain it is answered
 * 503 instead of being dispatched.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "http/events.h"
#include "http/metrics.h"
#include "http/ratelimit.h"
#include "http/server.h"

/* DONE: answered without dispatch; RUN/WAIT/ANSWERED: dispatched, counted in inflight */
enum { PH_HEADERS = 1, PH_BODY, PH_REJECT, PH_RUN, PH_WAIT, PH_ANSWERED, PH_DONE };
#define DISCARD_MAX (8u << 20) /* body bytes we read and drop after refusing */

/* Per connection (the socket context of MHD_OPTION_NOTIFY_CONNECTION): the
 * length of the request-target as sent, noted by on_uri for the request
 * being read. */
typedef struct conn_ctx {
    size_t uri_len;
} conn_ctx;

struct gg_server {
    struct MHD_Daemon *d;
    gg_server_opts o;
    atomic_int inflight; /* dispatched requests not yet completed */
    atomic_bool draining;
};

void gg_server_opts_default(gg_server_opts *o)
{
    memset(o, 0, sizeof *o);
    o->addr = "127.0.0.1";
    o->port = 8080;
    o->max_body = 1u << 20;
    o->max_url = 4096;
    o->max_headers = 16384;
    o->max_conns = 2000;
    o->idle_timeout_s = 30;
    o->body_timeout_s = 20;
    o->rate_per_ip = 100;
    o->rate_burst = 200;
    o->login_per_min = 10;
    o->session_idle_s = 7200;
    o->session_max_s = 43200;
    o->access_log = true;
}

static int method_id(const char *m)
{
    static const struct { const char *s; int id; } t[] = {
        {"GET", GG_GET}, {"HEAD", GG_HEAD}, {"POST", GG_POST}, {"PUT", GG_PUT},
        {"PATCH", GG_PATCH}, {"DELETE", GG_DELETE}, {"OPTIONS", GG_OPTIONS}};
    for (size_t i = 0; i < GG_ARRAY_LEN(t); i++)
        if (strcmp(t[i].s, m) == 0) return t[i].id;
    return GG_OTHER;
}

static void client_ip(struct MHD_Connection *c, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    gg_strlcpy(out, "?", cap);
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)cap);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)cap);
}

static enum MHD_Result sum_header(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
    size_t *sum = cls;
    *sum += strlen(k) + (v ? strlen(v) : 0) + 4;
    return MHD_YES;
}

static gg_req *req_new(gg_server *s, struct MHD_Connection *c, const char *url, const char *method)
{
    gg_pool *pool = gg_pool_new(4u << 20);
    if (!pool) return NULL;
    gg_req *r = gg_pcalloc(pool, sizeof *r);
    if (!r) {
        gg_pool_free(pool);
        return NULL;
    }
    r->srv = s;
    r->conn = c;
    r->pool = pool;
    r->store = s->o.store;
    r->method_s = gg_pstrdup(pool, method);
    r->method = method_id(method);
    r->path = gg_pstrdup(pool, url);
    r->route_index = -1;
    r->t_start = gg_mono_us();
    r->status = 0;
    gg_buf_init(&r->body, s->o.max_body);
    gg_buf_init(&r->out, 64u << 20);
    client_ip(c, r->ip, sizeof r->ip);
    if (!r->method_s || !r->path) {
        gg_pool_free(pool);
        return NULL;
    }
    return r;
}

static void req_free(gg_req *r)
{
    gg_buf_free(&r->body);
    gg_buf_free(&r->out);
    gg_pool_free(r->pool);
}

static conn_ctx *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/*
 * MHD_OPTION_URI_LOG_CALLBACK: libmicrohttpd's first sight of a request, with
 * the request-target as sent. The access handler only ever gets the decoded
 * path without its query, so the URL limit measures it here. Nothing is
 * allocated per request: when libmicrohttpd refuses a request itself it may
 * not call on_completed (0.9.75, a query too big for the connection's memory).
 */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    conn_ctx *cc = conn_of(c);
    if (cc) cc->uri_len = strlen(uri);
    return NULL;
}

/* The cheap checks made once the headers are in. 0 or an error in r->err. */
static int early_checks(gg_server *s, gg_req *r, struct MHD_Connection *c, size_t url_len)
{
    int retry = 1;
    if (atomic_load(&s->draining)) {
        r->close_after = true;
        return gg_fail(&r->err, GG_EBUSY, 503, "shutting_down", "", "the server is shutting down");
    }
    if (gg_metrics_conns() > s->o.max_conns) {
        r->close_after = true;
        gg_req_header_add(r, "Retry-After", "5");
        return gg_fail(&r->err, GG_ELIMIT, 429, "too_many_connections", "",
                       "too many open connections; try again shortly");
    }
    if (!gg_rl_take(r->ip, s->o.rate_per_ip, s->o.rate_burst, &retry)) {
        gg_req_header_add(r, "Retry-After", gg_pprintf(r->pool, "%d", retry));
        return gg_fail(&r->err, GG_ELIMIT, 429, "rate_limited", "",
                       "too many requests from this address; retry in %d s", retry);
    }
    if (url_len > s->o.max_url)
        return gg_fail(&r->err, GG_ETOOBIG, 414, "uri_too_long", "",
                       "the URL is longer than %zu bytes", s->o.max_url);
    size_t hsum = 0;
    MHD_get_connection_values(c, MHD_HEADER_KIND, sum_header, &hsum);
    if (hsum > s->o.max_headers)
        return gg_fail(&r->err, GG_ETOOBIG, 431, "headers_too_large", "",
                       "the request headers exceed %zu bytes", s->o.max_headers);
    /* a route may take larger bodies (uploads); its limit applies from here */
    bool mm;
    const gg_route *rt = gg_router_match(s->o.routes, s->o.nroutes, r, &mm);
    if (rt && rt->max_body) r->body.max = rt->max_body;
    r->nparams = 0;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    int64_t len = 0;
    if (cl && gg_parse_i64(cl, strlen(cl), 0, INT64_MAX, &len) == 0 && (size_t)len > r->body.max) {
        r->close_after = true;
        return gg_fail(&r->err, GG_ETOOBIG, 413, "body_too_large", "",
                       "the request body exceeds %zu bytes", r->body.max);
    }
    return 0;
}

static enum MHD_Result send_response(gg_req *r, int rc)
{
    struct MHD_Connection *c = r->conn;
    if (r->resp) { /* a streaming response the handler made (events.c) */
        struct MHD_Response *sr = r->resp;
        r->resp = NULL;
        enum MHD_Result res = rc < 0 ? MHD_NO : MHD_queue_response(c, (unsigned)r->status, sr);
        MHD_destroy_response(sr);
        if (res == MHD_YES) {
            r->phase = PH_ANSWERED;
            return res;
        }
    }
    if (rc < 0) {
        r->body_fd = NULL; /* the file (if any) closes with the pool */
        gg_req_error(r, rc);
    }
    if (!r->status) r->status = 500;
    struct MHD_Response *resp;
    if (r->body_fd && *r->body_fd >= 0) { /* a file body: MHD closes fd with the response */
        resp = MHD_create_response_from_fd64(r->body_fd_size, *r->body_fd);
        if (!resp) return MHD_NO; /* fd still closes with the pool */
        *r->body_fd = -1;
        r->sent_bytes = (size_t)r->body_fd_size;
    } else {
        size_t len = 0;
        char *data = gg_buf_steal(&r->out, &len);
        r->sent_bytes = len;
        resp = MHD_create_response_from_buffer_with_free_callback(
            len, data ? data : (char *)"", data ? gg_free : NULL);
        if (!resp) {
            gg_free(data);
            return MHD_NO;
        }
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            r->content_type ? r->content_type : "application/json; charset=utf-8");
    if (!r->content_type) MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    for (int i = 0; i < r->nhdrs; i++)
        MHD_add_response_header(resp, r->hdr_names[i], r->hdr_values[i]);
    if (r->close_after) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result res = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    r->phase = r->phase == PH_RUN || r->phase == PH_WAIT ? PH_ANSWERED : PH_DONE;
    return res;
}

static bool has_body(struct MHD_Connection *c)
{
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    return (cl && strcmp(cl, "0") != 0) || te;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
    gg_server *s = cls;
    gg_req *r = *con_cls;
    if (!r) {
        r = req_new(s, c, url, method);
        if (!r) return MHD_NO;
        *con_cls = r;
        r->phase = PH_HEADERS;
        conn_ctx *cc = conn_of(c);
        if (early_checks(s, r, c, cc ? cc->uri_len : strlen(url))) {
            r->phase = PH_REJECT;
            /* a refused body is never read: answer now and close */
            if (has_body(c)) {
                r->close_after = true;
                return send_response(r, -1);
            }
        }
        return MHD_YES;
    }
    if (r->phase == PH_DONE || r->phase == PH_ANSWERED) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->phase == PH_WAIT) {
        /* resumed: the write committed (or failed, and then it answers) */
        int rc = r->w.rc;
        if (rc) r->err = r->w.err;
        else rc = r->then(r);
        return send_response(r, rc);
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->phase == PH_REJECT) {
            r->body.len += n; /* counts what was dropped */
            return r->body.len > DISCARD_MAX ? MHD_NO : MHD_YES;
        }
        r->phase = PH_BODY;
        if (gg_mono_us() - r->t_start > (int64_t)s->o.body_timeout_s * 1000000) {
            gg_fail(&r->err, GG_EINVAL, 408, "request_timeout", "",
                    "the request body arrived too slowly");
        } else if (gg_buf_append(&r->body, upload, n) == 0) {
            return MHD_YES;
        } else {
            gg_fail(&r->err, GG_ETOOBIG, 413, "body_too_large", "",
                    "the request body exceeds %zu bytes", r->body.max);
        }
        r->phase = PH_REJECT;
        r->close_after = true;
        gg_buf_free(&r->body);
        r->body.len = 0;
        return MHD_YES;
    }
    if (r->phase == PH_REJECT) return send_response(r, -1);
    /* counted before draining is read: gg_server_stop sets draining first,
     * then waits for inflight to reach 0, so either it waits for this
     * request or this request sees draining and is not dispatched */
    atomic_fetch_add(&s->inflight, 1);
    r->phase = PH_RUN;
    if (atomic_load(&s->draining)) {
        r->close_after = true;
        gg_fail(&r->err, GG_EBUSY, 503, "shutting_down", "", "the server is shutting down");
        return send_response(r, -1);
    }
    int rc = gg_dispatch(r);
    if (rc == GG_DEFER) {
        r->phase = PH_WAIT;
        return MHD_YES;
    }
    return send_response(r, rc);
}

void gg_server_resume(gg_req *r) { MHD_resume_connection(r->conn); }

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    gg_server *s = cls;
    gg_req *r = *con_cls;
    if (!r) return;
    *con_cls = NULL;
    int64_t us = gg_mono_us() - r->t_start;
    int status = r->status ? r->status : 0;
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && status == 0) status = 499;
    gg_metrics_request((int)r->route_index, status, us);
    if (s->o.access_log) {
        char t[40], line[1200];
        gg_time_format(gg_now_us(), gg_display_offset_min(), t, sizeof t);
        int n = snprintf(line, sizeof line, "%s %s %s %.900s %d %zu %lld %lld", t, r->ip,
                         r->method_s, r->path, status, r->sent_bytes,
                         (long long)us, (long long)(r->who ? r->who->user_id : 0));
        if (n > 0) gg_log_access(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    }
    bool dispatched = r->phase == PH_RUN || r->phase == PH_WAIT || r->phase == PH_ANSWERED;
    req_free(r);
    if (dispatched) atomic_fetch_sub(&s->inflight, 1);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode code)
{
    gg_metrics_conn(code == MHD_CONNECTION_NOTIFY_STARTED ? 1 : -1);
    /* on failure on_uri notes nothing and the URL limit falls back to the
     * decoded path's length */
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_ctx = gg_calloc(1, sizeof(conn_ctx));
    } else {
        gg_free(*socket_ctx);
        *socket_ctx = NULL;
    }
}

int gg_server_start(const gg_server_opts *o, gg_server **out, gg_error *e)
{
    gg_server *s = gg_calloc(1, sizeof *s);
    if (!s) return gg_fail(e, GG_ENOMEM, 503, "out_of_memory", "", "out of memory");
    s->o = *o;
    if (s->o.threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        s->o.threads = n > 0 ? (int)n : 2;
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)o->port);
    if (inet_pton(AF_INET, o->addr, &sa.sin_addr) != 1) {
        gg_free(s);
        return gg_fail(e, GG_EINVAL, 400, "bad_listen", "listen", "cannot parse address %s", o->addr);
    }
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    s->d = MHD_start_daemon(
        flags, (uint16_t)o->port, NULL, NULL, on_request, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->o.threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)(o->max_conns + 256),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->idle_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(o->max_headers + o->max_url + 32768),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
        MHD_OPTION_END);
    if (!s->d) {
        gg_free(s);
        return gg_fail(e, GG_EIO, 500, "listen_failed", "listen", "cannot listen on %s:%d",
                       o->addr, o->port);
    }
    if (o->store) gg_events_start(o->store);
    *out = s;
    return 0;
}

int gg_server_port(gg_server *s)
{
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    return di ? di->port : 0;
}

const gg_server_opts *gg_server_options(gg_server *s) { return &s->o; }

void gg_server_stop(gg_server *s, int grace_s)
{
    if (!s) return;
    atomic_store(&s->draining, true);
    MHD_socket fd = MHD_quiesce_daemon(s->d);
    if (fd != MHD_INVALID_SOCKET) close(fd);
    gg_events_stop(); /* event streams end now: draining must not wait for them */
    int64_t until = gg_mono_us() + (int64_t)grace_s * 1000000;
    while (atomic_load(&s->inflight) > 0 && gg_mono_us() < until) usleep(10000);
    if (atomic_load(&s->inflight) > 0)
        gg_warn("shutdown: %d requests still in flight after %d s", atomic_load(&s->inflight),
                grace_s);
    MHD_stop_daemon(s->d);
    gg_free(s);
}
