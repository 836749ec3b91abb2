/*
 * scheduler.c — see scheduler.h. One thread; it sleeps on a condition so
 * shutdown wakes it at once.
 */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/calendar.h"
#include "api/scheduler.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "domain/case.h"

#define BATCH 500

static pthread_t thread;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool running, stopping;
static gg_store *store;
static int interval;

typedef struct pass {
    int64_t now;
    int marked;
} pass;

static int pass_fn(gg_conn *w, void *arg, gg_error *e)
{
    pass *ps = arg;
    gg_pool *p = gg_pool_new(64u << 20);
    if (!p) return GG_ENOMEM;
    gg_case *rows;
    int n = 0, rc = gg_case_overdue_candidates(w, p, ps->now, BATCH, &rows, &n);
    const gg_cal *cal = gg_calendar_acquire();
    for (int i = 0; !rc && i < n; i++) {
        gg_case_step st;
        int64_t version = rows[i].version;
        if (!gg_case_mark_overdue(&rows[i], ps->now, &st)) continue;
        gg_case_input in = {.action = GG_WF_A_URGE, .note = "逾期自动催办 (overdue: urged by the system)"};
        gg_case_flow_rec f;
        gg_api_flow_rec(&rows[i], &st, &in, 0, cal, &f);
        rc = gg_case_update(w, &rows[i], version, &f, e);
        if (!rc) ps->marked++;
    }
    gg_calendar_release();
    gg_pool_free(p);
    return rc;
}

int gg_scheduler_run_once(gg_store *s, int64_t now, gg_error *e)
{
    pass ps = {.now = now};
    int rc = gg_store_write_sync(s, pass_fn, &ps, e);
    return rc ? rc : ps.marked;
}

static void *loop(void *arg)
{
    pthread_mutex_lock(&mu);
    while (!stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += interval;
        pthread_cond_timedwait(&cv, &mu, &ts);
        if (stopping) break;
        pthread_mutex_unlock(&mu);
        gg_error e = {0};
        int n = gg_scheduler_run_once(store, gg_now_us(), &e);
        if (n < 0) gg_warn("scheduler: %s", e.message);
        else if (n > 0) gg_info("scheduler: %d cases became overdue", n);
        pthread_mutex_lock(&mu);
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

int gg_scheduler_start(gg_store *s, int interval_s, gg_error *e)
{
    store = s;
    interval = interval_s > 0 ? interval_s : 30;
    stopping = false;
    if (pthread_create(&thread, NULL, loop, NULL))
        return gg_fail(e, GG_EIO, 500, "internal", "", "cannot start the scheduler");
    running = true;
    return 0;
}

void gg_scheduler_stop(void)
{
    if (!running) return;
    pthread_mutex_lock(&mu);
    stopping = true;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    pthread_join(thread, NULL);
    running = false;
}
