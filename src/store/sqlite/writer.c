/*
 * writer.c — the single writer thread and its group commit.
 *
 * Requests queue gg_writes; the writer takes up to max_batch of them, runs
 * each in its own SAVEPOINT inside one BEGIN IMMEDIATE … COMMIT, and calls
 * every write's done() only after the COMMIT returned (synchronous=FULL:
 * the group is on disk). The more requests arrive while a commit is under
 * way, the larger the next group: one fsync answers many requests.
 *
 * Failure contract: a write whose fn fails is rolled back to its savepoint
 * and reports its own error; if BEGIN or COMMIT fails, or SQLite abandons
 * the transaction under a write (disk full, I/O error), the whole group is
 * rolled back and every write in it reports that error (nothing of it
 * persists; a full disk answers 507, a read-only one 503).
 */
#include <string.h>

#include "core/log.h"
#include "store/sqlite/db_int.h"

static int batch_bucket(int n)
{
    int b = 0;
    while (n > 1 && b < 7) {
        n >>= 1;
        b++;
    }
    return b;
}

static void run_group(gg_store *s, gg_write *group, int n)
{
    gg_conn *w = s->wconn;
    gg_error e;
    int rc = gg_exec(w, "BEGIN IMMEDIATE", &e);
    w->nev = 0;
    for (gg_write *it = group; it && !rc; it = it->next) {
        int mark = w->nev; /* a write rolled back to its savepoint takes its events along */
        memset(&it->err, 0, sizeof it->err);
        if (gg_exec(w, "SAVEPOINT w", &it->err)) {
            it->rc = GG_EIO;
            continue;
        }
        it->rc = it->fn(w, it->arg, &it->err);
        if (it->rc && sqlite3_get_autocommit(w->db)) {
            /* SQLite rolled the whole transaction back (disk full, I/O
             * error): the writes before this one are gone too */
            rc = it->rc;
            e = it->err;
            break;
        }
        if (it->rc) {
            gg_exec(w, "ROLLBACK TO w", NULL);
            w->nev = mark;
        }
        gg_exec(w, "RELEASE w", NULL);
    }
    if (!rc) rc = gg_exec(w, "COMMIT", &e);
    if (rc) {
        /* a failed COMMIT may have rolled back already (SQLITE_FULL does) */
        if (!sqlite3_get_autocommit(w->db)) gg_exec(w, "ROLLBACK", NULL);
        for (gg_write *it = group; it; it = it->next) {
            it->rc = rc;
            it->err = e;
        }
    }
    pthread_mutex_lock(&s->mu);
    gg_case_event_fn efn = s->event_fn;
    void *ectx = s->event_ctx;
    if (rc) s->stats.failed_commits++;
    else s->stats.commits++;
    s->stats.writes += (uint64_t)n;
    s->stats.batch_hist[batch_bucket(n)]++;
    pthread_mutex_unlock(&s->mu);
    /* live events only for what is now durable */
    if (!rc && efn && w->nev) efn(w->ev, w->nev, ectx);
    w->nev = 0;
    /* done() may free the write: read next first */
    for (gg_write *it = group, *next; it; it = next) {
        next = it->next;
        it->next = NULL;
        if (it->done) it->done(it);
    }
}

static void *writer_main(void *arg)
{
    gg_store *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->head && !s->closing) pthread_cond_wait(&s->cv, &s->mu);
        if (!s->head && s->closing) break;
        gg_write *group = s->head, *last = group;
        int n = 1;
        while (last->next && n < s->opts.max_batch) {
            last = last->next;
            n++;
        }
        s->head = last->next;
        if (!s->head) s->tail = NULL;
        last->next = NULL;
        s->depth -= n;
        pthread_mutex_unlock(&s->mu);
        run_group(s, group, n);
        pthread_mutex_lock(&s->mu);
        if (!s->head) pthread_cond_broadcast(&s->idle_cv);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

int gg_writer_start(gg_store *s, gg_error *e)
{
    if (pthread_create(&s->writer_thread, NULL, writer_main, s) != 0)
        return gg_fail(e, GG_EIO, 500, "internal", "", "cannot start the writer thread");
    s->writer_started = true;
    return 0;
}

void gg_writer_stop(gg_store *s)
{
    if (!s->writer_started) return;
    pthread_mutex_lock(&s->mu);
    s->closing = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->writer_thread, NULL); /* drains the queue first */
    s->writer_started = false;
}

int gg_store_submit(gg_store *s, gg_write *w)
{
    w->next = NULL;
    w->rc = 0;
    pthread_mutex_lock(&s->mu);
    if (s->closing || s->depth >= s->opts.max_queue) {
        pthread_mutex_unlock(&s->mu);
        return GG_EBUSY;
    }
    if (s->tail) s->tail->next = w;
    else s->head = w;
    s->tail = w;
    s->depth++;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return 0;
}

typedef struct sync_wait {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;
} sync_wait;

static void sync_done(gg_write *w)
{
    sync_wait *sw = w->done_arg;
    pthread_mutex_lock(&sw->mu);
    sw->done = true;
    pthread_cond_signal(&sw->cv);
    pthread_mutex_unlock(&sw->mu);
}

int gg_store_write_sync(gg_store *s, gg_write_fn fn, void *arg, gg_error *e)
{
    sync_wait sw = {.done = false};
    pthread_mutex_init(&sw.mu, NULL);
    pthread_cond_init(&sw.cv, NULL);
    gg_write w = {.fn = fn, .arg = arg, .done = sync_done, .done_arg = &sw};
    int rc = gg_store_submit(s, &w);
    if (rc) {
        gg_fail(e, rc, 503, "unavailable", "", "the store is not taking writes");
    } else {
        pthread_mutex_lock(&sw.mu);
        while (!sw.done) pthread_cond_wait(&sw.cv, &sw.mu);
        pthread_mutex_unlock(&sw.mu);
        rc = w.rc;
        if (rc && e) *e = w.err;
    }
    pthread_mutex_destroy(&sw.mu);
    pthread_cond_destroy(&sw.cv);
    return rc;
}

void gg_store_get_stats(gg_store *s, gg_store_stats *out)
{
    pthread_mutex_lock(&s->mu);
    *out = s->stats;
    out->queue_depth = s->depth;
    pthread_mutex_unlock(&s->mu);
}
