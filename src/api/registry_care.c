/*
 * registry_care.c — key groups (tags with level and the GB/T 31000 fields),
 * visits (走访), due and overdue visits, the 知晓率 (information awareness
 * rate), per-place key-group counts for the map, the reveal audit and the
 * reveal permission of an account.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/registry.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/authz.h"
#include "domain/place.h"

#define DAY_US (86400LL * 1000000LL)

static int tag_param(gg_req *r, int *tag)
{
    const char *t = gg_req_param(r, "tag");
    *tag = t ? gg_reg_parse(GG_RT_TAG, t, strlen(t)) : 0;
    if (!*tag) return gg_fail(&r->err, GG_ENOTFOUND, 404, "not_found", "tag", "no such key group");
    return 0;
}

/* ---- key groups ---------------------------------------------------------------- */

int gg_h_key_groups(gg_req *r)
{
    gg_jw *w = gg_req_json(r, 200);
    gg_jw_obj(w);
    gg_jw_key(w, "items");
    gg_jw_arr(w);
    for (int t = 1; t < GG_TAG__COUNT; t++) {
        const gg_tag_def *d = gg_tag_def_get(t);
        gg_jw_obj(w);
        gg_jw_kstr(w, "tag", gg_reg_code(GG_RT_TAG, t));
        gg_jw_kstr(w, "label", gg_reg_label(GG_RT_TAG, t));
        gg_jw_kstr(w, "default_level", gg_reg_code(GG_RT_LEVEL, d->level));
        gg_jw_key(w, "visit_days");
        gg_jw_obj(w);
        for (int l = 1; l < GG_LEVEL__COUNT; l++) gg_jw_kint(w, gg_reg_code(GG_RT_LEVEL, l), d->visit_days[l]);
        gg_jw_obj_end(w);
        gg_jw_kbool(w, "special", d->special);
        gg_jw_key(w, "fields");
        gg_jw_arr(w);
        int n;
        const gg_special_field *f = gg_special_fields(t, &n);
        for (int i = 0; i < n; i++) {
            gg_jw_obj(w);
            gg_jw_kstr(w, "name", f[i].name);
            gg_jw_kstr(w, "type", f[i].type == 't' ? "text" : f[i].type == 'd' ? "date"
                                  : f[i].type == 'i' ? "integer" : "boolean");
            gg_jw_obj_end(w);
        }
        gg_jw_arr_end(w);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
    return 0;
}

static void special_json(gg_jw *w, gg_conn *c, gg_pool *p, int64_t rid, int tag)
{
    int n;
    const gg_special_field *f = gg_special_fields(tag, &n);
    const char **vals;
    if (!f || gg_special_get(c, p, rid, tag, &vals)) {
        gg_jw_null(w);
        return;
    }
    gg_jw_obj(w);
    for (int i = 0; i < n; i++) {
        if (!vals[i]) gg_jw_knull(w, f[i].name);
        else if (f[i].type == 'b') gg_jw_kbool(w, f[i].name, strcmp(vals[i], "0") != 0);
        else if (f[i].type == 'i') gg_jw_kint(w, f[i].name, strtoll(vals[i], NULL, 10));
        else gg_jw_kstr(w, f[i].name, vals[i]);
    }
    gg_jw_obj_end(w);
}

int gg_h_resident_tags(gg_req *r)
{
    const gg_resident *res = r->obj;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_res_tag *rows;
    int n;
    if (gg_res_tags(c, r->pool, res->id, &rows, &n)) return GG_EIO;
    gg_jw *w = gg_req_json(r, 200);
    gg_jw_obj(w);
    gg_jw_key(w, "items");
    gg_jw_arr(w);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(w);
        gg_jw_kstr(w, "tag", gg_reg_code(GG_RT_TAG, rows[i].tag));
        gg_jw_kstr(w, "label", gg_reg_label(GG_RT_TAG, rows[i].tag));
        gg_jw_kstr(w, "level", gg_reg_code(GG_RT_LEVEL, rows[i].level));
        gg_jw_ktime(w, "since", rows[i].since);
        gg_jw_key(w, "extra");
        special_json(w, c, r->pool, res->id, rows[i].tag);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
    return 0;
}

typedef struct tag_job {
    int64_t rid, actor;
    int tag, level;
    const char *vals[GG_SPECIAL_MAX_FIELDS];
    bool has_extra;
} tag_job;

static int tag_fn(gg_conn *w, void *arg, gg_error *e)
{
    tag_job *j = arg;
    int rc = gg_res_tag_set(w, j->rid, j->tag, j->level, j->actor, e);
    if (!rc && j->has_extra) rc = gg_special_set(w, j->rid, j->tag, j->vals, e);
    return rc;
}

static int tag_then(gg_req *r) { return gg_h_resident_tags(r); }

/* extra: an object of the group's fields, each checked against its type. */
static int parse_extra(gg_req *r, json_t *x, tag_job *j)
{
    int n;
    const gg_special_field *f = gg_special_fields(j->tag, &n);
    if (!f) return gg_fail(&r->err, GG_EINVAL, 422, "invalid_field", "extra", "only GB/T 31000 groups take extra fields");
    const char *key;
    json_t *v;
    json_object_foreach(x, key, v) {
        int i = 0;
        while (i < n && strcmp(f[i].name, key)) i++;
        if (i == n) return gg_fail(&r->err, GG_EINVAL, 422, "invalid_field", "extra", "unknown field %.40s", key);
        char field[64];
        snprintf(field, sizeof field, "extra.%s", f[i].name);
        if (json_is_null(v)) continue;
        if (f[i].type == 'b') {
            if (!json_is_boolean(v)) return gg_fail(&r->err, GG_EINVAL, 422, "invalid_field", field, "true or false");
            j->vals[i] = json_is_true(v) ? "1" : "0";
        } else if (f[i].type == 'i') {
            json_int_t k = json_is_integer(v) ? json_integer_value(v) : -1;
            if (k < 0 || k > f[i].max) return gg_fail(&r->err, GG_EINVAL, 422, "invalid_field", field, "0 to %d", f[i].max);
            j->vals[i] = gg_pprintf(r->pool, "%lld", (long long)k);
        } else {
            const char *s = json_string_value(v);
            if (!s) return gg_fail(&r->err, GG_EINVAL, 422, "invalid_field", field, "a string");
            if (f[i].type == 'd') {
                char canon[11];
                if (gg_reg_date_parse(s, strlen(s), gg_api_today(), field, NULL, canon, &r->err)) return GG_EINVAL;
                j->vals[i] = gg_pstrdup(r->pool, canon);
            } else {
                int len = gg_reg_text_len(s);
                if (len < 0 || len > f[i].max)
                    return gg_fail(&r->err, GG_EINVAL, 422, "invalid_field", field, "at most %d characters", f[i].max);
                j->vals[i] = s;
            }
        }
    }
    j->has_extra = true;
    return 0;
}

static const gg_jr_field tag_fields[] = {
    {"level", GG_JR_STRING, false, false, 1, 16},
    {"extra", GG_JR_OBJECT, false, true, 0, 0},
};

int gg_h_resident_tag_set(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, tag_fields, GG_ARRAY_LEN(tag_fields), &j);
    if (rc) return rc;
    tag_job *tj = gg_pcalloc(r->pool, sizeof *tj);
    if (!tj) return GG_ENOMEM;
    if ((rc = tag_param(r, &tj->tag))) return rc;
    tj->rid = ((const gg_resident *)r->obj)->id;
    tj->actor = r->who->user_id;
    const char *lv = gg_jr_str(j, "level", NULL);
    tj->level = lv ? gg_reg_parse(GG_RT_LEVEL, lv, strlen(lv)) : gg_tag_def_get(tj->tag)->level;
    if (!tj->level) return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "level", "level is normal, attention or strict");
    json_t *x = json_object_get(j, "extra");
    if (x && json_is_object(x) && (rc = parse_extra(r, x, tj))) return rc;
    return gg_req_defer(r, tag_fn, tj, tag_then);
}

int gg_h_resident_tag_delete(gg_req *r)
{
    tag_job *tj = gg_pcalloc(r->pool, sizeof *tj);
    if (!tj) return GG_ENOMEM;
    int rc = tag_param(r, &tj->tag);
    if (rc) return rc;
    tj->rid = ((const gg_resident *)r->obj)->id;
    tj->actor = r->who->user_id;
    tj->level = 0;
    return gg_req_defer(r, tag_fn, tj, tag_then);
}

/* ---- visits --------------------------------------------------------------------- */

static void visit_json(gg_jw *w, const gg_visit *v)
{
    gg_jw_obj(w);
    gg_jw_kid(w, "id", v->id);
    gg_jw_kid(w, "resident_id", v->resident_id);
    gg_jw_kid(w, "visitor_id", v->visitor_id);
    gg_jw_ktime(w, "at", v->at);
    gg_jw_kstr(w, "method", v->method);
    gg_jw_kstr(w, "note", v->note);
    gg_jw_obj_end(w);
}

int gg_h_resident_visits(gg_req *r)
{
    int limit;
    int64_t after_id;
    int rc = gg_api_page_num(r, &limit, 1, INT64_MAX, &after_id);
    if (rc) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_visit *rows;
    int n;
    if (gg_visit_list(c, r->pool, ((const gg_resident *)r->obj)->id, after_id, limit + 1, &rows, &n))
        return GG_EIO;
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 0; i < n && i < limit; i++) visit_json(w, &rows[i]);
    gg_api_list_end_at(w, r->pool, n, limit, n > limit ? rows[limit - 1].id : 0);
    return 0;
}

static int visit_fn(gg_conn *w, void *arg, gg_error *e) { return gg_visit_insert(w, arg, e); }

static int visit_then(gg_req *r)
{
    gg_visit *v = r->w.arg;
    gg_req_header_add(r, "Location", gg_pprintf(r->pool, "/api/v1/residents/%lld/visits", (long long)v->resident_id));
    visit_json(gg_req_json(r, 201), v);
    return 0;
}

static const gg_jr_field visit_fields[] = {
    {"method", GG_JR_STRING, true, false, 1, 8},
    {"note", GG_JR_STRING, false, true, 0, 500},
    {"at", GG_JR_STRING, false, false, 10, 40},
};

int gg_h_resident_visit_add(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, visit_fields, GG_ARRAY_LEN(visit_fields), &j);
    if (rc) return rc;
    gg_visit *v = gg_pcalloc(r->pool, sizeof *v);
    if (!v) return GG_ENOMEM;
    v->resident_id = ((const gg_resident *)r->obj)->id;
    v->visitor_id = r->who->user_id;
    v->method = gg_jr_str(j, "method", NULL);
    v->note = gg_jr_str(j, "note", NULL);
    const char *at = gg_jr_str(j, "at", NULL);
    int64_t now = gg_now_us();
    if (at && (gg_time_parse(at, strlen(at), gg_display_offset_min(), &v->at) || v->at > now + 300 * 1000000LL ||
               v->at < now - 366 * DAY_US))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_field", "at", "at is a time within the last year, not in the future");
    if ((rc = gg_visit_validate(v, &r->err))) return rc;
    return gg_req_defer(r, visit_fn, v, visit_then);
}

/* ---- due visits, 知晓率, counts --------------------------------------------------- */

int gg_h_due_visits(gg_req *r)
{
    const gg_place *pl = r->obj;
    int limit;
    int64_t off, within;
    int rc = gg_api_page_num(r, &limit, 1, 1000000, &off);
    if (rc) return rc;
    if ((rc = gg_api_query_int(r, "within_days", 0, 366, 7, &within))) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    int64_t now = gg_now_us();
    gg_due_visit *rows;
    int n;
    if (gg_due_visits(c, r->pool, pl->path, now, now + within * DAY_US, (int)off, limit + 1, &rows, &n))
        return GG_EIO;
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 0; i < n && i < limit; i++) {
        gg_jw_obj(w);
        gg_jw_kid(w, "resident_id", rows[i].resident_id);
        gg_jw_kstr(w, "name", rows[i].name);
        gg_jw_kid(w, "place_id", rows[i].place_id);
        gg_jw_kstr(w, "tag", gg_reg_code(GG_RT_TAG, rows[i].tag));
        gg_jw_kstr(w, "level", gg_reg_code(GG_RT_LEVEL, rows[i].level));
        gg_jw_ktime(w, "last_visit_at", rows[i].last_visit);
        gg_jw_ktime(w, "due_at", rows[i].due_at);
        gg_jw_kbool(w, "overdue", rows[i].overdue);
        gg_jw_obj_end(w);
    }
    char key[24] = "";
    if (n > limit) snprintf(key, sizeof key, "%lld", (long long)(off + limit));
    gg_api_list_end(w, r->pool, key);
    return 0;
}

static void rate(gg_jw *w, const char *key, int64_t num, int64_t den)
{
    gg_jw_key(w, key);
    if (den > 0) gg_jw_double(w, round((double)num / (double)den * 10000.0) / 10000.0);
    else gg_jw_null(w);
}

static void awareness_json(gg_jw *w, const gg_place *pl, const gg_awareness *a)
{
    gg_jw_obj(w);
    gg_jw_kid(w, "place_id", pl->id);
    gg_jw_kstr(w, "code", pl->code);
    gg_jw_kstr(w, "name", pl->name);
    gg_jw_kint(w, "houses", a->houses);
    gg_jw_kint(w, "houses_verified", a->houses_verified);
    gg_jw_kint(w, "residents", a->residents);
    gg_jw_kint(w, "residents_verified", a->residents_verified);
    rate(w, "house_rate", a->houses_verified, a->houses);
    rate(w, "resident_rate", a->residents_verified, a->residents);
    rate(w, "rate", a->houses_verified + a->residents_verified, a->houses + a->residents);
    gg_jw_obj_end(w);
}

int gg_h_awareness(gg_req *r)
{
    const gg_place *pl = r->obj;
    int64_t months;
    int kind, rc = gg_api_query_int(r, "months", 1, 120, 6, &months);
    if (!rc) rc = gg_api_query_level(r, 0, &kind);
    if (rc) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    int64_t since = gg_now_us() - months * 30 * DAY_US; /* a month of 30 days */
    gg_awareness total = {0};
    if (gg_awareness_get(c, pl->path, since, &total)) return GG_EIO;
    gg_place *rows = NULL;
    int n = 0;
    if (kind == pl->kind) rows = (gg_place *)pl, n = 1; /* the place is itself of that level */
    else if (kind && gg_place_subtree(c, r->pool, pl->path, kind, false, NULL, 5000, &rows, &n)) return GG_EIO;
    gg_jw *w = gg_req_json(r, 200);
    gg_jw_obj(w);
    gg_jw_kint(w, "months", months);
    gg_jw_ktime(w, "since", since);
    gg_jw_key(w, "total");
    awareness_json(w, pl, &total);
    gg_jw_key(w, "items");
    gg_jw_arr(w);
    for (int i = 0; i < n; i++) {
        gg_awareness a = {0};
        if (gg_awareness_get(c, rows[i].path, since, &a) == 0) awareness_json(w, &rows[i], &a);
    }
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
    return 0;
}

static int by_place_id(const void *a, const void *b)
{
    int64_t x = ((const gg_tag_count *)a)->place_id, y = ((const gg_tag_count *)b)->place_id;
    return (x > y) - (x < y);
}

/* The first of the rows (sorted by place id) for place id, or n: one binary
 * search per place, not a scan of every row for every place and tag. */
static int first_count(const gg_tag_count *c, int n, int64_t id)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (c[mid].place_id < id) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

int gg_h_key_group_counts(gg_req *r)
{
    const gg_place *pl = r->obj;
    int kind, rc = gg_api_query_level(r, GG_PK_GRID, &kind);
    if (rc) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_place *places;
    gg_tag_count *counts;
    int np, nc;
    if (kind == pl->kind) places = (gg_place *)pl, np = 1;
    else if (gg_place_subtree(c, r->pool, pl->path, kind, false, NULL, 5000, &places, &np)) return GG_EIO;
    if (gg_tag_counts(c, r->pool, pl->path, kind, &counts, &nc)) return GG_EIO;
    qsort(counts, (size_t)nc, sizeof *counts, by_place_id); /* the store's order already: cheap */
    gg_jw *w = gg_req_json(r, 200);
    gg_jw_obj(w);
    gg_jw_kid(w, "place_id", pl->id);
    gg_jw_kstr(w, "level", gg_place_kind_name(kind));
    gg_jw_key(w, "items");
    gg_jw_arr(w);
    for (int i = 0; i < np; i++) {
        gg_jw_obj(w);
        gg_jw_kid(w, "place_id", places[i].id);
        gg_jw_kstr(w, "code", places[i].code);
        gg_jw_kstr(w, "name", places[i].name);
        gg_jw_key(w, "counts");
        gg_jw_obj(w);
        int64_t v[GG_TAG__COUNT] = {0}, total = 0;
        for (int k = first_count(counts, nc, places[i].id); k < nc && counts[k].place_id == places[i].id; k++)
            if (counts[k].tag > 0 && counts[k].tag < GG_TAG__COUNT) v[counts[k].tag] = counts[k].count;
        for (int t = 1; t < GG_TAG__COUNT; t++) {
            gg_jw_kint(w, gg_reg_code(GG_RT_TAG, t), v[t]);
            total += v[t];
        }
        gg_jw_obj_end(w);
        gg_jw_kint(w, "total", total);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
    return 0;
}

/* ---- the reveal audit and permission ---------------------------------------------- */

int gg_h_reveal_audit(gg_req *r)
{
    int limit;
    int64_t after;
    int rc = gg_api_page_num(r, &limit, 1, INT64_MAX, &after);
    if (rc) return rc;
    gg_reveal_filter f = {.limit = limit + 1, .before_id = after};
    if ((rc = gg_api_query_id(r, "actor_id", &f.actor_id)) ||
        (rc = gg_api_query_id(r, "record_id", &f.record_id)) ||
        (rc = gg_api_query_time(r, "from", &f.from_us)) || (rc = gg_api_query_time(r, "to", &f.to_us)))
        return rc;
    const char *txt[3] = {gg_req_query(r, "record_type"), gg_req_query(r, "field"), gg_req_query(r, "q")};
    static const char *const names[3] = {"record_type", "field", "q"};
    for (int i = 0; i < 3; i++)
        if (txt[i] && (strlen(txt[i]) > 200 || !gg_utf8_valid(txt[i], strlen(txt[i]), false)))
            return gg_api_bad_param(r, names[i], "at most 200 bytes of text");
    f.record_type = txt[0] && *txt[0] ? txt[0] : NULL;
    f.field = txt[1] && *txt[1] ? txt[1] : NULL;
    f.purpose_q = txt[2] && *txt[2] ? txt[2] : NULL;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_reveal_rec *rows;
    int n;
    if (gg_reveal_list(c, r->pool, &f, &rows, &n)) return GG_EIO;
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 0; i < n && i < limit; i++) {
        gg_jw_obj(w);
        gg_jw_kid(w, "id", rows[i].id);
        gg_jw_ktime(w, "at", rows[i].at);
        gg_jw_kid(w, "actor_id", rows[i].actor_id);
        gg_jw_kstr(w, "actor", rows[i].actor_name);
        gg_jw_kstr(w, "record_type", rows[i].record_type);
        gg_jw_kid(w, "record_id", rows[i].record_id);
        gg_jw_kstr(w, "field", rows[i].field);
        gg_jw_kstr(w, "purpose", rows[i].purpose);
        gg_jw_kstr(w, "ip", rows[i].ip);
        gg_jw_obj_end(w);
    }
    gg_api_list_end_at(w, r->pool, n, limit, n > limit ? rows[limit - 1].id : 0);
    return 0;
}

typedef struct perm_job {
    int64_t account, actor;
    bool on;
    const char *ip;
} perm_job;

static int perm_fn(gg_conn *w, void *arg, gg_error *e)
{
    perm_job *j = arg;
    int rc = gg_account_set_can_reveal(w, j->account, j->on, e);
    if (!rc) gg_audit(w, j->actor, j->on ? "reveal_granted" : "reveal_revoked", "account", j->account, j->ip, NULL);
    return rc;
}

static int perm_then(gg_req *r)
{
    perm_job *j = r->w.arg;
    gg_jw *w = gg_req_json(r, 200);
    gg_jw_obj(w);
    gg_jw_kid(w, "id", j->account);
    gg_jw_kbool(w, "can_reveal", j->on);
    gg_jw_obj_end(w);
    return 0;
}

static const gg_jr_field perm_fields[] = {
    {"can_reveal", GG_JR_BOOL, true, false, 0, 0},
};

int gg_h_account_can_reveal(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, perm_fields, GG_ARRAY_LEN(perm_fields), &j);
    if (rc) return rc;
    perm_job *pj = gg_pcalloc(r->pool, sizeof *pj);
    if (!pj) return GG_ENOMEM;
    if (gg_req_param_id(r, "id", &pj->account)) return GG_ENOTFOUND;
    pj->actor = r->who->user_id;
    pj->on = gg_jr_bool(j, "can_reveal", false);
    pj->ip = r->ip;
    return gg_req_defer(r, perm_fn, pj, perm_then);
}
