/*
 * calendar.c — see calendar.h.
 */
#include <pthread.h>
#include <string.h>

#include "api/calendar.h"
#include "core/mem.h"

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static gg_cal cal;
static bool loaded;

int gg_calendar_load(gg_conn *c, gg_error *e)
{
    gg_pool *p = gg_pool_new(1u << 20);
    gg_calendar_day *days = NULL;
    int n = 0, rc = p ? gg_calendar_days(c, p, &days, &n) : GG_ENOMEM;
    gg_cal *next = rc ? NULL : gg_malloc(sizeof *next);
    if (!rc && !next) rc = GG_ENOMEM;
    if (!rc) {
        gg_cal_init(next);
        rc = gg_cal_load_defaults(next, e);
    }
    for (int i = 0; !rc && i < n; i++) {
        int32_t day;
        if (gg_cal_day_parse(days[i].day, strlen(days[i].day), &day)) continue;
        rc = gg_cal_set_special(next, day, strcmp(days[i].kind, "work") == 0 ? GG_CAL_WORK
                                                                         : GG_CAL_OFF, e);
    }
    if (!rc) {
        pthread_rwlock_wrlock(&lock);
        cal = *next;
        loaded = true;
        pthread_rwlock_unlock(&lock);
    }
    gg_free(next);
    gg_pool_free(p);
    return rc;
}

const gg_cal *gg_calendar_acquire(void)
{
    pthread_rwlock_rdlock(&lock);
    if (!loaded) {
        /* never loaded (unit use): defaults only. Upgrade the lock to write them. */
        pthread_rwlock_unlock(&lock);
        pthread_rwlock_wrlock(&lock);
        if (!loaded) {
            gg_cal_init(&cal);
            gg_cal_load_defaults(&cal, NULL);
            loaded = true;
        }
        pthread_rwlock_unlock(&lock);
        pthread_rwlock_rdlock(&lock);
    }
    return &cal;
}

void gg_calendar_release(void) { pthread_rwlock_unlock(&lock); }
