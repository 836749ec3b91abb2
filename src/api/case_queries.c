/*
 * case_queries.c — listing and searching cases, the case metrics (answered
 * from the rollups, never by scanning cases), categories with their time
 * limits, the dispatch catalogue and the working calendar's special days.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/calendar.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/authz.h"
#include "domain/case.h"
#include "domain/place.h"

static int filter_from_query(gg_req *r, gg_case_filter *f)
{
    int rc;
    const char *kind = gg_req_query(r, "kind"), *state = gg_req_query(r, "state");
    if (kind && !(f->kind = gg_wf_kind_parse(kind))) return gg_api_bad_param(r, "kind", "unknown kind");
    if (state && (!f->kind || !(f->state = gg_wf_state_parse(f->kind, state))))
        return gg_api_bad_param(r, "state", "unknown state (give kind too)");
    if ((rc = gg_api_query_id(r, "category_id", &f->category_id))) return rc;
    if ((rc = gg_api_query_bool(r, "open", &f->open_only))) return rc;
    if ((rc = gg_api_query_bool(r, "overdue", &f->overdue_only))) return rc;
    if ((rc = gg_api_query_bool(r, "due_soon", &f->due_soon))) return rc;
    f->due_before = gg_now_us() + 24 * INT64_C(3600000000); /* due within a day */
    if ((rc = gg_api_query_time(r, "from", &f->from_us))) return rc;
    if ((rc = gg_api_query_time(r, "to", &f->to_us))) return rc;
    f->q = gg_req_query(r, "q");
    if (f->q && (strlen(f->q) > 200 || !gg_utf8_valid(f->q, strlen(f->q), false)))
        return gg_api_bad_param(r, "q", "a search term has at most 200 bytes of text");
    if (f->q && !*f->q) f->q = NULL;
    const char *mine = gg_req_query(r, "mine");
    if (mine && strcmp(mine, "reported") == 0) f->reporter_id = r->who->user_id;
    else if (mine && strcmp(mine, "owned") == 0) {
        if (r->who->unit_id) f->owner_unit_id = r->who->unit_id;
        else f->owner_user_id = r->who->user_id;
    } else if (mine) return gg_api_bad_param(r, "mine", "use reported or owned");
    return 0;
}

int gg_h_cases_list(gg_req *r)
{
    int limit;
    int64_t after;
    int rc = gg_api_page_num(r, &limit, 1, INT64_MAX, &after);
    if (rc) return rc;
    gg_case_filter f = {.limit = limit + 1, .after_id = after, .root_path = "/"};
    if ((rc = filter_from_query(r, &f))) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    int64_t pid;
    if ((rc = gg_api_query_id(r, "place_id", &pid))) return rc;
    if (pid) {
        gg_place *pl = gg_pcalloc(r->pool, sizeof *pl);
        if (!pl || gg_place_get(c, r->pool, pid, pl)) return gg_api_bad_param(r, "place_id", "no such place");
        if (!gg_scope_covers(r->who, pl->path))
            return gg_fail(&r->err, GG_EFORBIDDEN, 403, "out_of_scope", "place_id",
                           "this place lies outside the places assigned to you");
        f.root_path = pl->path;
    } else if (!r->who->global_scope && !f.owner_unit_id && !f.owner_user_id) {
        /* mine=owned lists what the caller holds, wherever it lies: all of it
         * is visible to them (gg_scope_case_param) */
        f.scope_paths = r->who->place_paths;
        f.nscope = r->who->nplaces;
    }
    bool nearby;
    if ((rc = gg_api_query_bool(r, "nearby", &nearby))) return rc;
    if (r->who->role == GG_ROLE_RESIDENT || r->who->role == GG_ROLE_MEMBER) {
        /* as gg_scope_case_param: their own reports (or, with mine=owned, what
         * they hold), or open cases around them to "+1" */
        if (nearby) f.open_only = true;
        else if (!f.owner_user_id) f.reporter_id = r->who->user_id;
    }
    gg_case *rows;
    int n;
    if (gg_case_list(c, r->pool, &f, &rows, &n)) return gg_fail(&r->err, GG_EIO, 500, "internal", "", "cannot list cases");
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 0; i < n && i < limit; i++) gg_api_case_json(w, NULL, r->pool, &rows[i], r->who);
    gg_api_list_end_at(w, r->pool, n, limit, n > limit ? rows[limit - 1].id : 0);
    return 0;
}

/* ---- metrics ---- */

static void rate(gg_jw *w, const char *key, int64_t num, int64_t den)
{
    gg_jw_key(w, key);
    if (den > 0) gg_jw_double(w, round((double)num / (double)den * 10000.0) / 10000.0);
    else gg_jw_null(w);
}

static int parse_weights(gg_req *r, double wt[3])
{
    wt[0] = 30, wt[1] = 35, wt[2] = 35;
    const char *v = gg_req_query(r, "weights");
    if (!v) return 0;
    const char *s = v;
    for (int i = 0; i < 3; i++) {
        const char *end = strchr(s, ',');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        int64_t x;
        if ((i < 2 && !end) || (i == 2 && end) || gg_parse_i64(s, n, 0, 100, &x))
            return gg_api_bad_param(r, "weights", "three whole numbers, e.g. 30,35,35");
        wt[i] = (double)x;
        s = end ? end + 1 : s + n;
    }
    if (wt[0] + wt[1] + wt[2] != 100) return gg_api_bad_param(r, "weights", "the weights add up to 100");
    return 0;
}

int gg_h_case_metrics(gg_req *r)
{
    const gg_place *pl = r->obj;
    const char *from = gg_req_query(r, "from"), *to = gg_req_query(r, "to");
    int32_t d0, d1;
    if (!from || gg_cal_day_parse(from, strlen(from), &d0)) return gg_api_bad_param(r, "from", "from is YYYY-MM-DD");
    if (!to || gg_cal_day_parse(to, strlen(to), &d1)) return gg_api_bad_param(r, "to", "to is YYYY-MM-DD");
    if (d1 < d0 || d1 - d0 > 3660) return gg_api_bad_param(r, "to", "to is on or after from, within ten years");
    const char *kind = gg_req_query(r, "kind");
    if (kind && !gg_wf_kind_parse(kind)) return gg_api_bad_param(r, "kind", "unknown kind");
    int64_t cat;
    double wt[3];
    int rc = gg_api_query_id(r, "category_id", &cat);
    if (!rc) rc = parse_weights(r, wt);
    if (rc) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_rollup_sum s = {0};
    if (gg_rollup_sum_get(c, pl->path, d0, d1, kind, cat, &s)) return GG_EIO;
    gg_jw *w = gg_req_json(r, 200);
    gg_jw_obj(w);
    gg_jw_kid(w, "place_id", pl->id);
    gg_jw_kstr(w, "from", from);
    gg_jw_kstr(w, "to", to);
    gg_jw_kstr(w, "kind", kind);
    gg_jw_kid(w, "category_id", cat);
    gg_jw_key(w, "counts");
    gg_jw_obj(w);
    const struct { const char *k; int64_t v; } counts[] = {
        {"reported", s.reported}, {"responded", s.responded}, {"dispatched", s.dispatched},
        {"signed_24h", s.signed_24h}, {"due", s.due}, {"closed", s.closed},
        {"closed_on_time", s.closed_on_time}, {"closed_7d", s.closed_7d}, {"returned", s.returned},
        {"reworked", s.reworked}, {"rated", s.rated}, {"satisfied", s.satisfied}};
    for (size_t i = 0; i < GG_ARRAY_LEN(counts); i++) gg_jw_kint(w, counts[i].k, counts[i].v);
    gg_jw_obj_end(w);
    gg_jw_key(w, "rates");
    gg_jw_obj(w);
    rate(w, "response_rate", s.responded, s.reported);        /* 响应率 */
    rate(w, "resolution_rate", s.closed, s.reported);         /* 解决率 */
    rate(w, "satisfaction_rate", s.satisfied, s.rated);       /* 满意率 */
    rate(w, "close_rate", s.closed, s.due);                   /* 结案率 */
    rate(w, "on_time_close_rate", s.closed_on_time, s.due);   /* 按期结案率 */
    rate(w, "rework_rate", s.reworked, s.closed);             /* 返工率 */
    rate(w, "sign_24h_rate", s.signed_24h, s.dispatched);     /* 24小时签收率 */
    rate(w, "close_7d_rate", s.closed_7d, s.reported);        /* 7日办结率 */
    rate(w, "return_rate", s.returned, s.dispatched);         /* 退单率 (wrong dispatch) */
    gg_jw_key(w, "three_rates");                              /* 三率 composite */
    if (s.reported && s.rated)
        gg_jw_double(w, round((wt[0] * s.responded / s.reported + wt[1] * s.closed / s.reported +
                               wt[2] * s.satisfied / s.rated) * 100.0) / 10000.0);
    else gg_jw_null(w);
    gg_jw_obj_end(w);
    gg_jw_key(w, "weights");
    gg_jw_arr(w);
    for (int i = 0; i < 3; i++) gg_jw_int(w, (int64_t)wt[i]);
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
    return 0;
}

/* ---- categories, dispatch catalogue ---- */

static void category_json(gg_jw *w, const gg_category *c)
{
    gg_jw_obj(w);
    gg_jw_kid(w, "id", c->id);
    gg_jw_kstr(w, "kind", c->kind);
    gg_jw_kstr(w, "code", c->code);
    gg_jw_kstr(w, "name", c->name);
    gg_jw_kint(w, "limit_amount", c->limit_amount);
    gg_jw_kstr(w, "limit_unit", c->limit_unit);
    gg_jw_kint(w, "stage_amount", c->stage_amount);
    gg_jw_kstr(w, "stage_unit", c->stage_unit);
    gg_jw_kbool(w, "active", c->active);
    gg_jw_obj_end(w);
}

int gg_h_categories_list(gg_req *r)
{
    const char *kind = gg_req_query(r, "kind");
    if (kind && !gg_wf_kind_parse(kind)) return gg_api_bad_param(r, "kind", "unknown kind");
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_category *rows;
    int n;
    if (gg_category_list(c, r->pool, kind, &rows, &n)) return GG_EIO;
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 0; i < n; i++) category_json(w, &rows[i]);
    gg_api_list_end(w, r->pool, NULL);
    return 0;
}

typedef struct cat_job {
    gg_category cat;
    int64_t place_id, unit_id;
} cat_job;

static int cat_fn(gg_conn *w, void *arg, gg_error *e) { return gg_category_insert(w, &((cat_job *)arg)->cat, e); }

static int cat_then(gg_req *r)
{
    category_json(gg_req_json(r, 201), &((cat_job *)r->w.arg)->cat);
    return 0;
}

static const gg_jr_field cat_fields[] = {
    {"kind", GG_JR_STRING, true, false, 1, 16},
    {"code", GG_JR_STRING, true, false, 1, 32},
    {"name", GG_JR_STRING, true, false, 1, 64},
    {"limit_amount", GG_JR_INT, true, false, 1, 3650},
    {"limit_unit", GG_JR_STRING, true, false, 1, 16},
    {"stage_amount", GG_JR_INT, true, false, 1, 3650},
    {"stage_unit", GG_JR_STRING, true, false, 1, 16},
};

int gg_h_category_create(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, cat_fields, GG_ARRAY_LEN(cat_fields), &j);
    if (rc) return rc;
    cat_job *cj = gg_pcalloc(r->pool, sizeof *cj);
    if (!cj) return GG_ENOMEM;
    gg_category *c = &cj->cat;
    *c = (gg_category){.kind = gg_jr_str(j, "kind", ""), .code = gg_jr_str(j, "code", ""),
                       .name = gg_jr_str(j, "name", ""),
                       .limit_amount = gg_jr_int(j, "limit_amount", 0),
                       .limit_unit = gg_jr_str(j, "limit_unit", ""),
                       .stage_amount = gg_jr_int(j, "stage_amount", 0),
                       .stage_unit = gg_jr_str(j, "stage_unit", ""), .active = true};
    if (!gg_wf_kind_parse(c->kind)) return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "kind", "unknown kind");
    if (!gg_cal_unit_parse(c->limit_unit))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "limit_unit",
                       "work_hours, work_days, natural_hours or natural_days");
    if (!gg_cal_unit_parse(c->stage_unit))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "stage_unit",
                       "work_hours, work_days, natural_hours or natural_days");
    return gg_req_defer(r, cat_fn, cj, cat_then);
}

static int rule_fn(gg_conn *w, void *arg, gg_error *e)
{
    cat_job *j = arg;
    gg_unit u;
    gg_pool *p = gg_pool_new(4096);
    int bad = !p || gg_unit_get(w, p, j->unit_id, &u);
    gg_pool_free(p);
    if (bad) return gg_fail(e, GG_EINVAL, 422, "invalid_reference", "unit_id", "no such unit");
    return gg_dispatch_rule_set(w, j->cat.id, j->place_id, j->unit_id, e);
}

static int no_content_then(gg_req *r) { return gg_req_status(r, 204); }

static const gg_jr_field rule_fields[] = {
    {"category_id", GG_JR_ID, true, false, 0, 0},
    {"place_id", GG_JR_ID, true, false, 0, 0},
    {"unit_id", GG_JR_ID, true, false, 0, 0},
};

int gg_h_dispatch_rule_set(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, rule_fields, GG_ARRAY_LEN(rule_fields), &j);
    if (rc) return rc;
    cat_job *cj = gg_pcalloc(r->pool, sizeof *cj);
    gg_conn *c = gg_api_reader(r);
    if (!cj || !c) return GG_EBUSY;
    cj->cat.id = gg_jr_id(j, "category_id");
    if (gg_category_get(c, r->pool, cj->cat.id, &cj->cat))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_reference", "category_id", "no such category");
    cj->place_id = ((const gg_place *)r->obj)->id;
    cj->unit_id = gg_jr_id(j, "unit_id");
    gg_unit u;
    if (gg_unit_get(c, r->pool, cj->unit_id, &u))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_reference", "unit_id", "no such unit");
    if (!gg_scope_covers(r->who, u.place_path))
        return gg_fail(&r->err, GG_EFORBIDDEN, 403, "out_of_scope", "unit_id",
                       "the unit lies outside your scope");
    return gg_req_defer(r, rule_fn, cj, no_content_then);
}

/* ---- calendar ---- */

int gg_h_calendar_get(gg_req *r)
{
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_calendar_day *days;
    int n;
    if (gg_calendar_days(c, r->pool, &days, &n)) return GG_EIO;
    const gg_cal *cal = gg_calendar_acquire();
    gg_jw *w = gg_req_json(r, 200);
    gg_jw_obj(w);
    gg_jw_kint(w, "working_seconds_per_day", gg_cal_day_work_us(cal) / 1000000);
    gg_calendar_release();
    gg_jw_key(w, "edits");
    gg_jw_arr(w);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(w);
        gg_jw_kstr(w, "day", days[i].day);
        gg_jw_kstr(w, "kind", days[i].kind);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
    return 0;
}

typedef struct day_job {
    char day[11];
    const char *kind;
} day_job;

static int day_fn(gg_conn *w, void *arg, gg_error *e)
{
    day_job *j = arg;
    return gg_calendar_day_set(w, j->day, j->kind, e);
}

static int day_then(gg_req *r)
{
    gg_conn *c = gg_api_reader(r);
    if (!c || gg_calendar_load(c, &r->err)) return GG_EIO;
    return gg_h_calendar_get(r);
}

static const gg_jr_field day_fields[] = {{"kind", GG_JR_STRING, true, false, 1, 8}};

int gg_h_calendar_set(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, day_fields, 1, &j);
    if (rc) return rc;
    const char *d = gg_req_param(r, "day"), *kind = gg_jr_str(j, "kind", "");
    int32_t day;
    day_job *dj = gg_pcalloc(r->pool, sizeof *dj);
    if (!dj) return GG_ENOMEM;
    if (!d || gg_cal_day_parse(d, strlen(d), &day))
        return gg_fail(&r->err, GG_ENOTFOUND, 404, "not_found", "day", "the day is YYYY-MM-DD");
    gg_cal_day_format(day, dj->day, sizeof dj->day);
    if (strcmp(kind, "normal") == 0) dj->kind = NULL;
    else if (strcmp(kind, "off") == 0 || strcmp(kind, "work") == 0) dj->kind = kind;
    else return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "kind", "off, work or normal");
    return gg_req_defer(r, day_fn, dj, day_then);
}
