/*
 * events.c — GET /api/v1/events: live case events as server-sent events.
 *
 * The store calls on_events on the writer thread after each COMMIT with the
 * case steps it made durable. Each open stream is a subscriber with its own
 * copy of the caller's scope; an event goes to the streams that may see the
 * case (the rule of the case list: staff within their places, a department
 * also what its unit holds or dispatched, a resident or member only their own
 * reports or what they hold) as
 *
 *     id: <flow id>
 *     data: {"id","kind","state","place_id","action","at","version","flow_id"}
 *
 * A stream is a libmicrohttpd response read through a callback. When the
 * stream has nothing to send the callback suspends the connection and
 * returns 0 — the connection leaves the event loop, nothing spins — and a
 * publisher (an event, the 15-second heartbeat comment, shutdown) appends and
 * resumes it. The heartbeat also finds clients that went away (a suspended
 * connection cannot notice). A client reconnecting with Last-Event-ID gets
 * the steps after that flow id first (at most 1000; more than that and the
 * stream starts with a "reload" event). A slow client whose backlog exceeds
 * 256 KiB is cut off; its EventSource reconnects and resumes. ?after=ID does
 * what Last-Event-ID does on a first connect; ?once=true answers what is
 * pending (the replay) and ends the stream, for clients that poll.
 *
 * At most GG_MAX_EVENT_STREAMS (default 100) streams are open; beyond that
 * 429. On shutdown every stream ends, so draining does not wait for them.
 */
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/authz.h"
#include "http/events.h"
#include "http/server.h"

#define HEARTBEAT_S 15
#define STREAM_BACKLOG (256u << 10)
#define RESUME_MAX 1000

typedef struct stream {
    struct stream *next, *prev;
    struct MHD_Connection *conn;
    gg_buf out;            /* bytes not yet handed to libmicrohttpd */
    bool suspended, closing, listed;
    /* the subscriber's scope, copied: the request's pool may go first */
    int role;
    int64_t user_id, unit_id;
    bool global_scope;
    int nplaces;
    char **paths;
} stream;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    stream *head;
    int count, max;
    bool started, stopping;
    pthread_t hb;
} bus = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static atomic_uint_fast64_t generation;

uint64_t gg_events_generation(void) { return (uint64_t)atomic_load(&generation); }

/* ---- who sees what ---- */

static bool path_within(const char *path, const char *root)
{
    size_t n = strlen(root);
    return strncmp(path, root, n) == 0;
}

static bool may_see(const stream *s, const gg_case_event *ev)
{
    bool in_scope = s->global_scope;
    for (int i = 0; !in_scope && i < s->nplaces; i++) in_scope = path_within(ev->place_path, s->paths[i]);
    switch (s->role) {
    case GG_ROLE_ADMIN:
    case GG_ROLE_COMMAND:
    case GG_ROLE_COMMUNITY:
    case GG_ROLE_GRIDWORKER: return in_scope;
    case GG_ROLE_DEPARTMENT:
        return in_scope || (s->unit_id && (ev->owner_unit_id == s->unit_id ||
                                           ev->dispatcher_unit_id == s->unit_id));
    case GG_ROLE_MEMBER:
    case GG_ROLE_RESIDENT:
        return ev->reporter_id == s->user_id || (ev->owner_user_id && ev->owner_user_id == s->user_id);
    default: return false;
    }
}

/* ---- writing to a stream (bus.mu held) ---- */

static void wake(stream *s)
{
    if (s->suspended) {
        s->suspended = false;
        MHD_resume_connection(s->conn);
    }
}

static void put(stream *s, const char *data, size_t n)
{
    if (s->closing) return;
    if (s->out.len + n > STREAM_BACKLOG || gg_buf_append(&s->out, data, n)) {
        s->closing = true; /* too far behind: it reconnects and resumes */
        gg_buf_reset(&s->out);
    }
    wake(s);
}

static void event_text(gg_buf *b, const gg_case_event *ev)
{
    char at[40];
    gg_time_format(ev->at, gg_display_offset_min(), at, sizeof at);
    gg_buf_printf(b,
                  "id: %lld\ndata: {\"id\":\"%lld\",\"kind\":\"%s\",\"state\":\"%s\",\"place_id\":\"%lld\","
                  "\"action\":\"%s\",\"at\":\"%s\",\"version\":%lld,\"flow_id\":\"%lld\"}\n\n",
                  (long long)ev->flow_id, (long long)ev->case_id, ev->kind, ev->state,
                  (long long)ev->place_id, ev->action, at, (long long)ev->version,
                  (long long)ev->flow_id);
}

/* The store's hook: on the writer thread, right after a COMMIT. Names of
 * kinds, states and actions come from the workflow tables (no quoting
 * needed). */
static void on_events(const gg_case_event *ev, int n, void *ctx)
{
    atomic_fetch_add(&generation, 1);
    gg_buf b;
    gg_buf_init(&b, 4096);
    pthread_mutex_lock(&bus.mu);
    for (int i = 0; i < n && bus.head; i++) {
        gg_buf_reset(&b);
        event_text(&b, &ev[i]);
        if (!b.data) continue;
        for (stream *s = bus.head; s; s = s->next)
            if (may_see(s, &ev[i])) put(s, b.data, b.len);
    }
    pthread_mutex_unlock(&bus.mu);
    gg_buf_free(&b);
}

static void *heartbeat_main(void *arg)
{
    pthread_mutex_lock(&bus.mu);
    while (!bus.stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += HEARTBEAT_S;
        pthread_cond_timedwait(&bus.cv, &bus.mu, &ts);
        if (bus.stopping) break;
        for (stream *s = bus.head; s; s = s->next) put(s, ": heartbeat\n\n", 13);
    }
    pthread_mutex_unlock(&bus.mu);
    return NULL;
}

void gg_events_start(gg_store *store)
{
    pthread_mutex_lock(&bus.mu);
    if (!bus.started) {
        const char *m = getenv("GG_MAX_EVENT_STREAMS");
        int64_t v = 100;
        if (m && gg_parse_i64(m, strlen(m), 0, 100000, &v))
            gg_warn("GG_MAX_EVENT_STREAMS=%s is not a whole number from 0 to 100000: using %lld", m,
                    (long long)v);
        bus.max = (int)v;
        bus.stopping = false;
        if (pthread_create(&bus.hb, NULL, heartbeat_main, NULL) == 0) bus.started = true;
    }
    pthread_mutex_unlock(&bus.mu);
    gg_store_on_case_events(store, on_events, NULL);
}

void gg_events_stop(void)
{
    pthread_mutex_lock(&bus.mu);
    bool joined = bus.started;
    bus.stopping = true;
    for (stream *s = bus.head; s; s = s->next) {
        s->closing = true;
        wake(s);
    }
    pthread_cond_broadcast(&bus.cv);
    pthread_mutex_unlock(&bus.mu);
    if (joined) pthread_join(bus.hb, NULL);
    pthread_mutex_lock(&bus.mu);
    bus.started = false;
    pthread_mutex_unlock(&bus.mu);
}

/* ---- the response ---- */

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    stream *s = cls;
    ssize_t n = 0;
    pthread_mutex_lock(&bus.mu);
    if (s->out.len) {
        size_t k = s->out.len < max ? s->out.len : max;
        memcpy(buf, s->out.data, k);
        memmove(s->out.data, s->out.data + k, s->out.len - k);
        s->out.len -= k;
        n = (ssize_t)k;
    } else if (s->closing || bus.stopping) {
        n = MHD_CONTENT_READER_END_OF_STREAM;
    } else {
        /* nothing to say: out of the event loop until a publisher resumes it */
        s->suspended = true;
        MHD_suspend_connection(s->conn);
    }
    pthread_mutex_unlock(&bus.mu);
    return n;
}

static void stream_free(void *cls)
{
    stream *s = cls;
    pthread_mutex_lock(&bus.mu);
    if (s->listed) {
        if (s->prev) s->prev->next = s->next;
        else bus.head = s->next;
        if (s->next) s->next->prev = s->prev;
        bus.count--;
    }
    pthread_mutex_unlock(&bus.mu);
    for (int i = 0; i < s->nplaces; i++) gg_free(s->paths[i]);
    gg_free(s->paths);
    gg_buf_free(&s->out);
    gg_free(s);
}

static stream *stream_new(gg_req *r)
{
    const gg_principal *p = r->who;
    stream *s = gg_calloc(1, sizeof *s);
    if (!s) return NULL;
    gg_buf_init(&s->out, STREAM_BACKLOG + 4096);
    s->conn = r->conn;
    s->role = p->role;
    s->user_id = p->user_id;
    s->unit_id = p->unit_id;
    s->global_scope = p->global_scope;
    s->paths = p->nplaces ? gg_calloc((size_t)p->nplaces, sizeof *s->paths) : NULL;
    if (p->nplaces && !s->paths) goto fail;
    for (int i = 0; i < p->nplaces; i++) {
        size_t n = strlen(p->place_paths[i]);
        if (!(s->paths[i] = gg_calloc(1, n + 1))) goto fail;
        memcpy(s->paths[i], p->place_paths[i], n);
        s->nplaces = i + 1;
    }
    return s;
fail:
    stream_free(s);
    return NULL;
}

/* Steps after Last-Event-ID that this subscriber may see, into s->out. */
static void replay(gg_req *r, stream *s, int64_t after)
{
    gg_conn *c = gg_store_reader(r->store);
    gg_case_event *ev = gg_palloc(r->pool, sizeof *ev * RESUME_MAX);
    int n = 0;
    if (!c || !ev || gg_case_events_since(c, after, RESUME_MAX, ev, &n)) return;
    gg_buf b;
    gg_buf_init(&b, 4096);
    for (int i = 0; i < n; i++) {
        if (!may_see(s, &ev[i])) continue;
        gg_buf_reset(&b);
        event_text(&b, &ev[i]);
        if (b.data) gg_buf_append(&s->out, b.data, b.len);
    }
    gg_buf_free(&b);
    if (n == RESUME_MAX) gg_buf_puts(&s->out, "event: reload\ndata: {}\n\n");
}

int gg_h_events(gg_req *r)
{
    /* resume: Last-Event-ID (EventSource reconnecting; a header we did not
     * write is ignored) or ?after= (first connect); ?once=true: what is
     * pending, then the end (clients that poll). Query values are checked
     * before a stream slot is taken. */
    int64_t after = -1;
    bool once;
    int rc = gg_api_query_bool(r, "once", &once);
    if (!rc) rc = gg_api_query_int(r, "after", 0, INT64_MAX, -1, &after);
    if (rc) return rc;
    const char *last = gg_req_header(r, "Last-Event-ID");
    if (last && gg_parse_i64(last, strlen(last), 0, INT64_MAX, &after)) after = -1;
    pthread_mutex_lock(&bus.mu);
    bool full = !bus.started || bus.stopping || bus.count >= bus.max;
    if (!full) bus.count++; /* reserved; listed below */
    pthread_mutex_unlock(&bus.mu);
    if (full) {
        gg_req_header_add(r, "Retry-After", "10");
        return gg_fail(&r->err, GG_ELIMIT, 429, "too_many_streams", "",
                       "too many open event streams; try again shortly");
    }
    stream *s = stream_new(r);
    if (!s) {
        pthread_mutex_lock(&bus.mu);
        bus.count--;
        pthread_mutex_unlock(&bus.mu);
        return GG_ENOMEM;
    }
    gg_buf_puts(&s->out, "retry: 3000\n: connected\n\n");
    if (after >= 0) replay(r, s, after);
    s->closing = once;
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, s, stream_free);
    if (!resp) {
        pthread_mutex_lock(&bus.mu);
        bus.count--;
        pthread_mutex_unlock(&bus.mu);
        stream_free(s);
        return GG_ENOMEM;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream; charset=utf-8");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Accel-Buffering", "no");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    pthread_mutex_lock(&bus.mu);
    s->next = bus.head;
    if (bus.head) bus.head->prev = s;
    bus.head = s;
    s->listed = true;
    pthread_mutex_unlock(&bus.mu);
    r->status = 200;
    r->resp = resp;
    return 0;
}
