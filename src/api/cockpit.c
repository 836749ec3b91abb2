/*
 * cockpit.c — GET /api/v1/cockpit?place_id=: everything the command-centre
 * big screen shows for a place's subtree, in one answer.
 *
 * Nothing here scans all cases. Open cases (counts, lights, levels, open per
 * street/community) come through the partial index of open cases; reported
 * and closed counts, trends of the month, category share, rates and the
 * ranking come from the daily rollups; the day's hourly trend from today's
 * flow entries (index on time); the overdue list from the open cases marked
 * overdue. The month is the current local month up to today. Without
 * place_id the caller's own (first) place is summarised.
 *
 * Summaries are cached per place briefly (see the end of this file).
 *
 * Rates over the month: response responded/reported, resolve closed/reported,
 * satisfaction satisfied/rated, on-time closed_on_time/due; the 三率 score is
 * 30 % response + 35 % resolve + 35 % satisfaction, 0–100 (null when a
 * denominator is 0). The trend of the day counts each closing step; the
 * rollups count a case's first closing only.
 */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "api/api.h"
#include "api/calendar.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/case.h"
#include "domain/place.h"
#include "http/events.h"

#define RANK_MAX 64
#define OVERDUE_MAX 20
#define CATS_MAX 20
#define CATS_CAP 256

enum { LV_GRID, LV_COMMUNITY, LV_STREET, LV_DISTRICT, LV_DEPARTMENT, LV__COUNT };
static const char *const level_names[LV__COUNT] = {"grid", "community", "street", "district",
                                                   "department"};

typedef struct rank_row {
    const gg_place *pl;
    size_t plen;
    int64_t open;
    gg_rollup_sum s;
} rank_row;

typedef struct open_tally {
    const gg_cal *cal;
    int64_t now;
    int64_t total, green, yellow, red, overdue;
    int64_t levels[LV__COUNT];
    rank_row *ranks[2];
    int nranks[2];
    /* the month's rollups, one pass */
    int32_t d0, d1;
    gg_rollup_sum *days;                   /* days[d - d0] */
    struct { int64_t id, count; } cats[CATS_CAP];
    int ncats;
} open_tally;

static void tally_rank(rank_row *rows, int n, const char *path)
{
    for (int i = 0; i < n; i++)
        if (strncmp(path, rows[i].pl->path, rows[i].plen) == 0) {
            rows[i].open++;
            return;
        }
}

static int tally_one(void *ctx, const gg_open_case *k)
{
    open_tally *t = ctx;
    gg_case c = {.overall = k->clock};
    int light = gg_case_light(&c, t->cal, t->now, true);
    t->total++;
    if (light == 0 || strcmp(gg_light_name(light), "green") == 0) t->green++;
    else if (strcmp(gg_light_name(light), "yellow") == 0) t->yellow++;
    else t->red++;
    if (k->overdue) t->overdue++;
    int lv = LV_GRID;
    if (k->owner_unit_id) lv = LV_DEPARTMENT;
    else if (k->owner_kind && strcmp(k->owner_kind, "community") == 0) lv = LV_COMMUNITY;
    else if (k->owner_kind && strcmp(k->owner_kind, "street") == 0) lv = LV_STREET;
    else if (k->owner_kind && strcmp(k->owner_kind, "district") == 0) lv = LV_DISTRICT;
    t->levels[lv]++;
    if (k->place_path)
        for (int i = 0; i < 2; i++) tally_rank(t->ranks[i], t->nranks[i], k->place_path);
    return 0;
}

static void rate(gg_jw *w, const char *key, int64_t num, int64_t den)
{
    gg_jw_key(w, key);
    if (den > 0) gg_jw_double(w, round((double)num / (double)den * 10000.0) / 10000.0);
    else gg_jw_null(w);
}

static void score(gg_jw *w, const char *key, const gg_rollup_sum *s)
{
    gg_jw_key(w, key);
    if (s->reported && s->rated)
        gg_jw_double(w, round((30.0 * s->responded / s->reported + 35.0 * s->closed / s->reported +
                               35.0 * s->satisfied / s->rated) * 100.0) / 100.0);
    else gg_jw_null(w);
}

static double score_of(const gg_rollup_sum *s)
{
    if (!s->reported || !s->rated) return -1;
    return 30.0 * s->responded / s->reported + 35.0 * s->closed / s->reported +
           35.0 * s->satisfied / s->rated;
}

static int rank_cmp(const void *a, const void *b)
{
    const rank_row *x = a, *y = b;
    double sx = score_of(&x->s), sy = score_of(&y->s);
    if (sx != sy) return sx < sy ? 1 : -1;
    return x->pl->id < y->pl->id ? -1 : x->pl->id > y->pl->id;
}

static int load_ranks(gg_conn *c, gg_pool *p, const gg_place *root, int kind, rank_row **out,
                      int *n)
{
    gg_place *pls;
    int np = 0;
    *n = 0;
    if (gg_place_subtree(c, p, root->path, kind, false, NULL, RANK_MAX, &pls, &np)) return GG_EIO;
    rank_row *rows = gg_pcalloc(p, sizeof *rows * (size_t)(np ? np : 1));
    if (!rows) return GG_ENOMEM;
    for (int i = 0; i < np; i++) {
        rows[i].pl = &pls[i];
        rows[i].plen = strlen(pls[i].path);
    }
    *out = rows;
    *n = np;
    return 0;
}

static void add_sum(gg_rollup_sum *a, const gg_rollup_sum *b)
{
    a->reported += b->reported, a->responded += b->responded, a->dispatched += b->dispatched;
    a->signed_24h += b->signed_24h, a->due += b->due, a->closed += b->closed;
    a->closed_on_time += b->closed_on_time, a->closed_7d += b->closed_7d;
    a->returned += b->returned, a->reworked += b->reworked, a->rated += b->rated;
    a->satisfied += b->satisfied;
}

static void add_cat(open_tally *t, int64_t id, int64_t n)
{
    for (int i = 0; i < t->ncats; i++)
        if (t->cats[i].id == id) {
            t->cats[i].count += n;
            return;
        }
    if (t->ncats < CATS_CAP) {
        t->cats[t->ncats].id = id;
        t->cats[t->ncats++].count = n;
    }
}

/* One pass over the month's rollups of the subtree: per day, per category,
 * and grid by grid into the street and the community it lies in. */
static void rollup_row(void *ctx, const gg_rollup_row *row)
{
    open_tally *t = ctx;
    if (row->day >= t->d0 && row->day <= t->d1) add_sum(&t->days[row->day - t->d0], &row->s);
    add_cat(t, row->category_id, row->s.reported);
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < t->nranks[k]; i++)
            if (strncmp(row->path, t->ranks[k][i].pl->path, t->ranks[k][i].plen) == 0) {
                add_sum(&t->ranks[k][i].s, &row->s);
                break;
            }
}

static int cat_cmp(const void *a, const void *b)
{
    const int64_t *x = a, *y = b; /* {id, count} */
    if (x[1] != y[1]) return x[1] < y[1] ? 1 : -1;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

static int categories_json(gg_jw *w, gg_conn *c, gg_pool *p, open_tally *t)
{
    gg_category *all;
    int n = 0;
    if (gg_category_list(c, p, NULL, &all, &n)) return GG_EIO;
    qsort(t->cats, (size_t)t->ncats, sizeof t->cats[0], cat_cmp);
    gg_jw_key(w, "categories");
    gg_jw_arr(w);
    for (int i = 0; i < t->ncats && i < CATS_MAX && t->cats[i].count > 0; i++) {
        const char *name = NULL;
        for (int k = 0; k < n && !name; k++)
            if (all[k].id == t->cats[i].id) name = all[k].name;
        gg_jw_obj(w);
        gg_jw_kid(w, "category_id", t->cats[i].id);
        gg_jw_kstr(w, "name", name);
        gg_jw_kint(w, "count", t->cats[i].count);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    return 0;
}

static void ranks_json(gg_jw *w, const char *key, rank_row *rows, int n)
{
    qsort(rows, (size_t)n, sizeof *rows, rank_cmp);
    gg_jw_key(w, key);
    gg_jw_arr(w);
    for (int i = 0; i < n; i++) {
        const gg_rollup_sum *s = &rows[i].s;
        gg_jw_obj(w);
        gg_jw_kid(w, "id", rows[i].pl->id);
        gg_jw_kstr(w, "name", rows[i].pl->name);
        score(w, "score", s);
        rate(w, "resolve_rate", s->closed, s->reported);
        rate(w, "satisfaction_rate", s->satisfied, s->rated);
        rate(w, "on_time_rate", s->closed_on_time, s->due);
        gg_jw_kint(w, "open", rows[i].open);
        gg_jw_kint(w, "reported", s->reported);
        gg_jw_kint(w, "closed", s->closed);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
}

static void pair(gg_jw *w, const char *key, int64_t reported, int64_t closed)
{
    gg_jw_key(w, key);
    gg_jw_obj(w);
    gg_jw_kint(w, "reported", reported);
    gg_jw_kint(w, "closed", closed);
    gg_jw_obj_end(w);
}

static void open_json(gg_jw *w, const open_tally *t)
{
    gg_jw_key(w, "open");
    gg_jw_obj(w);
    gg_jw_kint(w, "total", t->total);
    gg_jw_kint(w, "green", t->green);
    gg_jw_kint(w, "yellow", t->yellow);
    gg_jw_kint(w, "red", t->red);
    gg_jw_kint(w, "overdue", t->overdue);
    gg_jw_obj_end(w);
    gg_jw_key(w, "levels");
    gg_jw_arr(w);
    for (int i = 0; i < LV__COUNT; i++) {
        gg_jw_obj(w);
        gg_jw_kstr(w, "level", level_names[i]);
        gg_jw_kint(w, "open", t->levels[i]);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
}

static int trends_json(gg_jw *w, gg_conn *c, const gg_place *pl, int64_t day_start,
                       int32_t d0, int32_t d1, const gg_rollup_sum *days)
{
    int64_t opened[24], closed[24];
    if (gg_flow_by_hour(c, pl->path, day_start, opened, closed)) return GG_EIO;
    gg_jw_key(w, "trend_day");
    gg_jw_arr(w);
    for (int h = 0; h < 24; h++) {
        gg_jw_obj(w);
        gg_jw_kint(w, "hour", h);
        gg_jw_kint(w, "reported", opened[h]);
        gg_jw_kint(w, "closed", closed[h]);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_key(w, "trend_month");
    gg_jw_arr(w);
    for (int32_t d = d0; d <= d1; d++) {
        char day[11];
        gg_cal_day_format(d, day, sizeof day);
        gg_jw_obj(w);
        gg_jw_kstr(w, "day", day);
        gg_jw_kint(w, "reported", days[d - d0].reported);
        gg_jw_kint(w, "closed", days[d - d0].closed);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    return 0;
}

static void rates_json(gg_jw *w, const gg_rollup_sum *m)
{
    gg_jw_key(w, "rates");
    gg_jw_obj(w);
    rate(w, "response_rate", m->responded, m->reported);
    rate(w, "resolve_rate", m->closed, m->reported);
    rate(w, "satisfaction_rate", m->satisfied, m->rated);
    rate(w, "on_time_rate", m->closed_on_time, m->due);
    score(w, "three_rates_score", m);
    gg_jw_obj_end(w);
}

static int overdue_json(gg_jw *w, gg_conn *c, gg_pool *p, const gg_place *pl, int64_t now)
{
    gg_overdue_case rows[OVERDUE_MAX];
    int n = 0;
    if (gg_case_overdue_list(c, p, pl->path, OVERDUE_MAX, rows, &n)) return GG_EIO;
    gg_jw_key(w, "overdue");
    gg_jw_arr(w);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(w);
        gg_jw_kid(w, "id", rows[i].id);
        gg_jw_kstr(w, "title", rows[i].title);
        gg_jw_kid(w, "place_id", rows[i].place_id);
        gg_jw_kstr(w, "place_name", rows[i].place_name);
        gg_jw_kstr(w, "kind", rows[i].kind);
        gg_jw_kstr(w, "state", rows[i].state);
        gg_jw_ktime(w, "deadline", rows[i].due_at);
        int64_t late = rows[i].due_at && now > rows[i].due_at ? (now - rows[i].due_at) / 60000000 : 0;
        gg_jw_kint(w, "overdue_minutes", late);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    return 0;
}

/* place_id in the query, checked like the metrics'; without it the
 * caller's own first place (a city-wide caller: the first district), so a
 * big screen opened bare shows its owner's area. */
int gg_scope_cockpit(gg_req *r)
{
    if (gg_req_query(r, "place_id")) return gg_scope_place_query(r);
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_place *pl = gg_pcalloc(r->pool, sizeof *pl);
    if (!pl) return GG_ENOMEM;
    int rc = GG_ENOTFOUND;
    if (!r->who->global_scope && r->who->nplaces > 0) {
        rc = gg_place_get(c, r->pool, r->who->place_ids[0], pl);
    } else if (r->who->global_scope) {
        gg_place *rows;
        int n = 0;
        if (gg_place_children(c, r->pool, 0, false, NULL, 1, &rows, &n) == 0 && n == 1) {
            *pl = rows[0];
            rc = 0;
        }
    }
    if (rc) return gg_fail(&r->err, GG_EINVAL, 400, "invalid_parameter", "place_id",
                           "place_id names the place whose subtree is counted");
    r->obj = pl;
    return 0;
}

static int cockpit_compute(gg_req *r)
{
    const gg_place *pl = r->obj;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    int64_t now = gg_now_us();
    const gg_cal *cal = gg_calendar_acquire();
    int32_t today = gg_cal_day_of(cal, now);
    int64_t day_start = gg_cal_day_start(cal, today);
    int64_t y;
    int m, d;
    gg_civil_from_days(today, &y, &m, &d);
    int32_t d0 = today - (d - 1);
    gg_rollup_sum *days = gg_pcalloc(r->pool, sizeof *days * 32), month = {0};
    if (!days) {
        gg_calendar_release();
        return GG_ENOMEM;
    }
    open_tally t = {.cal = cal, .now = now, .d0 = d0, .d1 = today, .days = days};
    int rc = 0;
    if (!rc) rc = load_ranks(c, r->pool, pl, GG_PK_STREET, &t.ranks[0], &t.nranks[0]);
    if (!rc) rc = load_ranks(c, r->pool, pl, GG_PK_COMMUNITY, &t.ranks[1], &t.nranks[1]);
    if (!rc) rc = gg_rollup_each(c, pl->path, d0, today, rollup_row, &t);
    if (!rc) rc = gg_case_open_each(c, pl->path, tally_one, &t);
    gg_calendar_release();
    if (rc) return gg_fail(&r->err, rc, rc == GG_ENOMEM ? 503 : 500, "internal", "",
                           "cannot compute the cockpit");
    for (int32_t i = 0; i <= today - d0; i++) {
        month.reported += days[i].reported, month.responded += days[i].responded;
        month.closed += days[i].closed, month.closed_on_time += days[i].closed_on_time;
        month.due += days[i].due, month.rated += days[i].rated;
        month.satisfied += days[i].satisfied;
    }
    gg_jw *w = gg_req_json(r, 200);
    gg_jw_obj(w);
    gg_jw_key(w, "place");
    gg_jw_obj(w);
    gg_jw_kid(w, "id", pl->id);
    gg_jw_kstr(w, "name", pl->name);
    gg_jw_kstr(w, "kind", gg_place_kind_name(pl->kind));
    gg_jw_obj_end(w);
    gg_jw_ktime(w, "generated_at", now);
    open_json(w, &t);
    pair(w, "today", days[today - d0].reported, days[today - d0].closed);
    pair(w, "month", month.reported, month.closed);
    if ((rc = trends_json(w, c, pl, day_start, d0, today, days))) return rc;
    if ((rc = categories_json(w, c, r->pool, &t))) return rc;
    rates_json(w, &month);
    gg_jw_key(w, "ranking");
    gg_jw_obj(w);
    ranks_json(w, "streets", t.ranks[0], t.nranks[0]);
    ranks_json(w, "communities", t.ranks[1], t.nranks[1]);
    gg_jw_obj_end(w);
    if ((rc = overdue_json(w, c, r->pool, pl, now))) return rc;
    gg_jw_obj_end(w);
    return 0;
}

/* ---- a short-lived cache per place ----
 * Every big screen refetches the summary after each case event, and the
 * answer does not depend on who asks (scope was checked before). A summary
 * is answered again while no case event has been published since it was
 * computed (at most CACHE_MAX_US: lights move with time), and, when events
 * keep coming, for CACHE_FRESH_US: a burst of steps costs one computation
 * per place per second, not one per screen per step. */
#define CACHE_SLOTS 32
#define CACHE_FRESH_US 1000000
#define CACHE_MAX_US 10000000

static struct cache_slot {
    int64_t place_id, at;
    uint64_t gen;
    char *json;
    size_t len;
} cache[CACHE_SLOTS];
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

static bool cache_get(gg_req *r, int64_t place_id, int64_t now, uint64_t gen)
{
    bool hit = false;
    pthread_mutex_lock(&cache_mu);
    for (int i = 0; i < CACHE_SLOTS && !hit; i++) {
        struct cache_slot *e = &cache[i];
        if (e->place_id != place_id || !e->json) continue;
        int64_t age = now - e->at;
        if (age < (e->gen == gen ? CACHE_MAX_US : CACHE_FRESH_US)) {
            gg_req_status(r, 200);
            hit = gg_buf_append(&r->out, e->json, e->len) == 0;
        }
        break;
    }
    pthread_mutex_unlock(&cache_mu);
    return hit;
}

static void cache_put(int64_t place_id, int64_t at, uint64_t gen, const char *json, size_t len)
{
    char *copy = gg_calloc(1, len + 1);
    if (!copy) return;
    memcpy(copy, json, len);
    pthread_mutex_lock(&cache_mu);
    struct cache_slot *slot = &cache[0];
    for (int i = 0; i < CACHE_SLOTS; i++) {
        if (cache[i].place_id == place_id) {
            slot = &cache[i];
            break;
        }
        if (cache[i].at < slot->at) slot = &cache[i];
    }
    if (slot->place_id != place_id || slot->at <= at) {
        gg_free(slot->json);
        *slot = (struct cache_slot){place_id, at, gen, copy, len};
        copy = NULL;
    }
    pthread_mutex_unlock(&cache_mu);
    gg_free(copy);
}

int gg_h_cockpit(gg_req *r)
{
    const gg_place *pl = r->obj;
    int64_t now = gg_mono_us();
    uint64_t gen = gg_events_generation(); /* read first: an event during the computation counts */
    if (cache_get(r, pl->id, now, gen)) return 0;
    int rc = cockpit_compute(r);
    if (!rc && r->status == 200 && r->out.data) cache_put(pl->id, now, gen, r->out.data, r->out.len);
    return rc;
}
