/*
 * cases.c — the case engine over HTTP: open a case, read it (with the
 * actions the caller may take now and its traffic lights), list and search,
 * take an action, read its flow log.
 *
 * An action runs wholly inside the writer's transaction: the case is read
 * again there, the facts about the actor recomputed and the engine applied
 * to what is committed, so two people acting at once cannot both win on a
 * stale view — the second gets 409 (illegal_action, or stale_version when it
 * named the version it saw).
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/calendar.h"
#include "api/map.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/authz.h"
#include "domain/case.h"
#include "domain/place.h"

/* ---- facts about the caller ---- */

static bool place_covered(gg_conn *c, gg_pool *p, const gg_principal *who, int64_t place_id)
{
    gg_place pl;
    return place_id && gg_place_get(c, p, place_id, &pl) == 0 && gg_scope_covers(who, pl.path);
}

int gg_api_case_actor(gg_conn *c, gg_pool *p, const gg_principal *who, const gg_case *k,
                      gg_case_actor *a)
{
    memset(a, 0, sizeof *a);
    a->user_id = who->user_id;
    a->role = who->role;
    a->unit_id = who->unit_id;
    a->in_scope = gg_scope_covers(who, k->place_path);
    a->owner_scope = place_covered(c, p, who, k->owner_place_id);
    a->dispatcher_scope = place_covered(c, p, who, k->dispatcher_place_id);
    if (k->kind == GG_WF_KIND_WHISTLE)
        return gg_case_unit_status(c, k->id, who->unit_id, &a->summoned, &a->unrated_units);
    return 0;
}

static int limits_of(gg_conn *c, gg_pool *p, int64_t category_id, gg_case_limits *lim,
                     gg_category *cat)
{
    if (gg_category_get(c, p, category_id, cat)) return GG_ENOTFOUND;
    *lim = (gg_case_limits){cat->limit_amount, gg_cal_unit_parse(cat->limit_unit),
                            cat->stage_amount, gg_cal_unit_parse(cat->stage_unit)};
    return 0;
}

/* ---- JSON ---- */

/* A resident or member who neither reported nor holds a case sees it only so
 * they can "+1" it: not who reported it, nor the free text that may name
 * people (description, address). */
static bool redacted_for(const gg_case *k, const gg_principal *who)
{
    return who && (who->role == GG_ROLE_RESIDENT || who->role == GG_ROLE_MEMBER) &&
           who->user_id != k->reporter_id && who->user_id != k->owner_user_id;
}

void gg_api_case_json(gg_jw *w, gg_conn *c, gg_pool *p, const gg_case *k, const gg_principal *who)
{
    bool redact = redacted_for(k, who);
    int64_t now = gg_now_us();
    const gg_cal *cal = gg_calendar_acquire();
    /* a closed case has no running clock: no stage, no lights */
    bool open = gg_wf_is_open(k->kind, k->state);
    int light = open ? gg_case_light(k, cal, now, true) : 0;
    int slight = open ? gg_case_light(k, cal, now, false) : 0;
    gg_calendar_release();
    gg_jw_obj(w);
    gg_jw_kid(w, "id", k->id);
    gg_jw_kstr(w, "kind", gg_wf_kind_name(k->kind));
    gg_jw_kstr(w, "kind_label", gg_wf_kind_label_zh(k->kind));
    gg_jw_kstr(w, "subtype", k->subtype);
    gg_jw_kstr(w, "state", gg_wf_state_name(k->state));
    gg_jw_kstr(w, "state_label", gg_wf_state_label_zh(k->kind, k->state));
    gg_jw_kid(w, "category_id", k->category_id);
    gg_jw_kid(w, "place_id", k->place_id);
    gg_jw_kstr(w, "title", k->title);
    gg_jw_kstr(w, "description", redact ? "" : k->description);
    gg_jw_kstr(w, "address", redact ? "" : k->address);
    gg_jw_key(w, "location");
    if (k->has_location) {
        gg_jw_obj(w);
        gg_jw_key(w, "lat");
        gg_jw_double(w, k->lat);
        gg_jw_key(w, "lon");
        gg_jw_double(w, k->lon);
        gg_jw_obj_end(w);
    } else {
        gg_jw_null(w);
    }
    gg_jw_kstr(w, "urgency", k->urgency);
    gg_jw_kstr(w, "source", k->source);
    gg_jw_kid(w, "reporter_id", redact ? 0 : k->reporter_id);
    gg_jw_key(w, "owner");
    gg_jw_obj(w);
    gg_jw_kid(w, "place_id", k->owner_place_id);
    gg_jw_kid(w, "unit_id", k->owner_unit_id);
    gg_jw_kid(w, "user_id", k->owner_user_id);
    gg_jw_obj_end(w);
    gg_jw_key(w, "dispatcher");
    gg_jw_obj(w);
    gg_jw_kid(w, "place_id", k->dispatcher_place_id);
    gg_jw_kid(w, "unit_id", k->dispatcher_unit_id);
    gg_jw_obj_end(w);
    gg_jw_kstr(w, "stage", open && k->stage ? gg_wf_stage_name(k->stage) : NULL);
    gg_jw_ktime(w, "due_at", k->due_at);
    gg_jw_ktime(w, "stage_due_at", open ? k->stage_due_at : 0);
    gg_jw_kstr(w, "light", light ? gg_light_name(light) : NULL);
    gg_jw_kstr(w, "stage_light", slight ? gg_light_name(slight) : NULL);
    gg_jw_kbool(w, "overdue", k->overdue);
    gg_jw_kbool(w, "clock_paused", k->overall.paused_since != 0 && !k->closed_at);
    gg_jw_kbool(w, "extension_pending", k->extension_pending);
    gg_jw_kint(w, "extension_amount", k->extension_amount);
    gg_jw_kint(w, "urge_count", k->urge_count);
    gg_jw_kbool(w, "supervised", k->supervised);
    gg_jw_kint(w, "support_count", k->support_count);
    gg_jw_kint(w, "return_count", k->return_count);
    gg_jw_kint(w, "rework_count", k->rework_count);
    gg_jw_kint_or_null(w, "rating", k->rating);
    gg_jw_ktime(w, "responded_at", k->responded_at);
    gg_jw_ktime(w, "dispatched_at", k->dispatched_at);
    gg_jw_ktime(w, "closed_at", k->closed_at);
    gg_jw_ktime(w, "created_at", k->created_at);
    gg_jw_ktime(w, "updated_at", k->updated_at);
    gg_jw_kint(w, "version", k->version);
    if (k->kind == GG_WF_KIND_WHISTLE && c) { /* the departments summoned, their report-in and rating */
        gg_case_unit_rec units[64];
        int n = gg_case_units(c, k->id, units, 64);
        gg_jw_key(w, "units");
        gg_jw_arr(w);
        for (int i = 0; i < n; i++) {
            gg_jw_obj(w);
            gg_jw_kid(w, "unit_id", units[i].unit_id);
            gg_jw_ktime(w, "summoned_at", units[i].summoned_at);
            gg_jw_ktime(w, "reported_at", units[i].reported_at);
            gg_jw_kint_or_null(w, "rating", units[i].rating);
            gg_jw_obj_end(w);
        }
        gg_jw_arr_end(w);
    }
    if (who && c) {
        gg_case_actor a;
        int acts[GG_WF_A__COUNT], n = 0;
        if (gg_api_case_actor(c, p, who, k, &a) == 0)
            n = gg_case_allowed(k, &a, now, acts, GG_WF_A__COUNT);
        gg_jw_key(w, "allowed_actions");
        gg_jw_arr(w);
        bool dispatch = false;
        for (int i = 0; i < n && i < GG_WF_A__COUNT; i++) {
            gg_jw_obj(w);
            gg_jw_kstr(w, "action", gg_wf_action_name(acts[i]));
            gg_jw_kstr(w, "label", gg_wf_action_label_zh(k->kind, acts[i]));
            gg_jw_obj_end(w);
            dispatch = dispatch || acts[i] == GG_WF_A_DISPATCH;
        }
        gg_jw_arr_end(w);
        int64_t sug = dispatch ? gg_dispatch_suggest(c, k->category_id, k->place_path) : 0;
        gg_jw_kid(w, "suggested_unit_id", sug);
        /* its name too: the unit may lie outside what the caller can list (web UI, #4) */
        gg_unit su;
        gg_jw_kstr(w, "suggested_unit_name", sug && gg_unit_get(c, p, sug, &su) == 0 ? su.name : NULL);
    }
    gg_jw_obj_end(w);
}

int gg_api_reply_case(gg_req *r, int status, int64_t id)
{
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_case k;
    if (gg_case_get(c, r->pool, id, &k)) return gg_fail(&r->err, GG_ENOTFOUND, 404, "not_found", "", "no such case");
    gg_api_case_json(gg_req_json(r, status), c, r->pool, &k, r->who);
    return 0;
}

/* ---- flow entries ---- */

void gg_api_flow_rec(const gg_case *k, const gg_case_step *st, const gg_case_input *in,
                     int64_t actor, const gg_cal *cal, gg_case_flow_rec *f)
{
    memset(f, 0, sizeof *f);
    f->case_id = k->id;
    f->at = st->at;
    f->actor_id = actor;
    f->action = st->action ? gg_wf_action_name(st->action) : "open";
    f->from_state = st->from ? gg_wf_state_name(st->from) : NULL;
    f->to_state = gg_wf_state_name(st->to);
    if (in) {
        f->note = in->note;
        f->target_unit_id = in->target_unit_id;
        f->target_user_id = in->target_user_id;
        f->target_place_id = in->target_place_id;
        f->rating = in->rating;
    }
    f->flags = st->row ? st->row->flags : 0;
    f->due_at = k->due_at;
    f->rollup_day = gg_cal_day_of(cal, st->rollup_at);
    f->delta = &st->delta;
}

/* ---- open ---- */

typedef struct open_job {
    gg_pool *pool;
    gg_case k;
    bool answer_now;
    int64_t actor;
    int nsummon;
    int64_t summon[16];
    const char *client_key; /* offline exactly-once (#4) */
    bool existed;
} open_job;

static int open_fn(gg_conn *w, void *arg, gg_error *e)
{
    open_job *j = arg;
    gg_category cat;
    gg_case_limits lim;
    /* the same report sent again (offline queue): the case it opened */
    if (j->client_key && gg_case_by_client_key(w, j->k.reporter_id, j->client_key, &j->k.id) == 0)
        return (j->existed = true), 0;
    if (limits_of(w, j->pool, j->k.category_id, &lim, &cat) || !cat.active ||
        strcmp(cat.kind, gg_wf_kind_name(j->k.kind)) != 0)
        return gg_fail(e, GG_EINVAL, 422, "invalid_reference", "category_id",
                       "no active category of this kind");
    for (int i = 0; i < j->nsummon; i++) {
        gg_unit u;
        if (gg_unit_get(w, j->pool, j->summon[i], &u) || !u.active)
            return gg_fail(e, GG_EINVAL, 422, "invalid_reference", "summon_unit_ids", "no such unit");
    }
    int64_t now = gg_now_us();
    gg_case_step st;
    const gg_cal *cal = gg_calendar_acquire();
    int rc = gg_case_open(&j->k, cal, &lim, j->answer_now, now, &st, e);
    gg_case_flow_rec f;
    if (!rc) {
        gg_api_flow_rec(&j->k, &st, NULL, j->actor, cal, &f);
        rc = gg_case_insert(w, &j->k, &f, e);
    }
    gg_calendar_release();
    for (int i = 0; !rc && i < j->nsummon; i++) rc = gg_case_unit_add(w, j->k.id, j->summon[i], now, e);
    if (!rc && j->client_key) rc = gg_case_client_key_set(w, j->k.id, j->client_key, e);
    return rc;
}

static int open_then(gg_req *r)
{
    open_job *j = r->w.arg;
    gg_req_header_add(r, "Location", gg_pprintf(r->pool, "/api/v1/cases/%lld", (long long)j->k.id));
    return gg_api_reply_case(r, j->existed ? 200 : 201, j->k.id);
}

static const gg_jr_field open_fields[] = {
    {"kind", GG_JR_STRING, true, false, 1, 16},
    {"subtype", GG_JR_STRING, false, true, 1, 32},
    {"category_id", GG_JR_ID, true, false, 0, 0},
    {"place_id", GG_JR_ID, false, true, 0, 0}, /* or the grid holding lat/lon (#6) */
    {"title", GG_JR_STRING, true, false, 1, 100},
    {"description", GG_JR_STRING, false, true, 0, 4000},
    {"address", GG_JR_STRING, false, true, 0, 200},
    {"lat", GG_JR_ANY, false, true, 0, 0},
    {"lon", GG_JR_ANY, false, true, 0, 0},
    {"coord", GG_JR_STRING, false, true, 1, 8},
    {"urgency", GG_JR_STRING, false, true, 1, 16},
    {"source", GG_JR_STRING, false, true, 1, 16},
    {"answer_now", GG_JR_BOOL, false, false, 0, 0},
    {"summon_unit_ids", GG_JR_ARRAY, false, true, 0, 16},
    {"client_key", GG_JR_STRING, false, true, 1, 64},
};

static int read_location(gg_req *r, json_t *j, gg_case *k)
{
    json_t *lat = json_object_get(j, "lat"), *lon = json_object_get(j, "lon");
    bool has = lat && !json_is_null(lat), has2 = lon && !json_is_null(lon);
    if (!has && !has2) return 0;
    if (!json_is_number(lat) || !json_is_number(lon))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_type", has ? "lon" : "lat",
                       "lat and lon are numbers, given together");
    k->lat = json_number_value(lat);
    k->lon = json_number_value(lon);
    if (k->lat < -90 || k->lat > 90 || k->lon < -180 || k->lon > 180)
        return gg_fail(&r->err, GG_EINVAL, 422, "out_of_range", "lat", "lat/lon out of range");
    bool gcj = false; /* stored as WGS 84 (#6) */
    int rc = gg_map_coord_parse(r, gg_jr_str(j, "coord", NULL), "coord", &gcj);
    if (rc) return rc;
    if (gcj) {
        gg_geo_pt p = gg_geo_gcj02_to_wgs84((gg_geo_pt){k->lon, k->lat});
        k->lon = p.lon;
        k->lat = p.lat;
    }
    k->has_location = true;
    return 0;
}

static bool one_of(const char *v, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v, set[i]) == 0) return true;
    return false;
}

/* Answering at intake takes the "answer" step at once: only an actor the
 * workflow table lets take it may (the place is in scope: see the route). */
static int may_answer_now(gg_req *r, const gg_case *k)
{
    gg_wf_ctx x = {.role = r->who->role, .in_scope = true, .is_reporter = true,
                   .subtype = k->subtype};
    const gg_wf_transition *row;
    gg_error ignored;
    if (gg_wf_lookup(k->kind, gg_wf_initial_state(k->kind), GG_WF_A_ANSWER, &x, 0, &row,
                     &ignored) == GG_EFORBIDDEN)
        return gg_fail(&r->err, GG_EFORBIDDEN, 403, "forbidden", "answer_now",
                       "your role may not answer a request at intake");
    return 0;
}

int gg_h_case_open(gg_req *r)
{
    static const char *const urgencies[] = {"normal", "urgent", "critical"};
    static const char *const sources[] = {"web", "app", "hotline", "patrol", "open311", "wechat"};
    json_t *j;
    int rc = gg_req_body(r, open_fields, GG_ARRAY_LEN(open_fields), &j);
    if (rc) return rc;
    const gg_place *pl = r->obj;
    open_job *oj = gg_pcalloc(r->pool, sizeof *oj);
    if (!oj) return GG_ENOMEM;
    gg_case *k = &oj->k;
    k->kind = gg_wf_kind_parse(gg_jr_str(j, "kind", ""));
    if (!k->kind) return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "kind",
                                 "kind is event, hotline, whistle, service or dispute");
    if (!gg_case_may_open(k->kind, r->who->role))
        return gg_fail(&r->err, GG_EFORBIDDEN, 403, "forbidden", "kind",
                       "your role may not open a case of this kind");
    k->subtype = gg_jr_str(j, "subtype", NULL);
    if (!gg_wf_subtype_valid(k->kind, k->subtype))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "subtype", "unknown subtype for this kind");
    k->urgency = gg_jr_str(j, "urgency", "normal");
    k->source = gg_jr_str(j, "source", "web");
    if (!one_of(k->urgency, urgencies, GG_ARRAY_LEN(urgencies)))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "urgency", "urgency is normal, urgent or critical");
    if (!one_of(k->source, sources, GG_ARRAY_LEN(sources)))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "source", "unknown source");
    if (!pl->active)
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_reference", "place_id", "the place is deactivated");
    if ((rc = read_location(r, j, k))) return rc;
    k->category_id = gg_jr_id(j, "category_id");
    k->place_id = pl->id;
    k->place_path = pl->path;
    k->region = pl->region;
    k->owner_place_id = pl->id;
    k->title = gg_jr_str(j, "title", "");
    k->description = gg_jr_str(j, "description", "");
    k->address = gg_jr_str(j, "address", "");
    k->reporter_id = r->who->user_id;
    oj->answer_now = gg_jr_bool(j, "answer_now", false);
    if (oj->answer_now && (rc = may_answer_now(r, k))) return rc;
    oj->pool = r->pool;
    oj->actor = r->who->user_id;
    if ((rc = gg_api_client_key(r, j, &oj->client_key))) return rc;
    json_t *ids = json_object_get(j, "summon_unit_ids"), *v;
    size_t i;
    if (ids && json_is_array(ids)) {
        if (k->kind != GG_WF_KIND_WHISTLE && json_array_size(ids))
            return gg_fail(&r->err, GG_EINVAL, 422, "unknown_field", "summon_unit_ids",
                           "only a whistle summons units");
        json_array_foreach(ids, i, v) {
            json_t *one = json_pack("{sO}", "id", v);
            gg_jr_field f = {"id", GG_JR_ID, true, false, 0, 0};
            gg_error e2;
            rc = one ? gg_jr_fields(one, &f, 1, &e2) : GG_ENOMEM;
            oj->summon[oj->nsummon++] = rc ? 0 : gg_jr_id(one, "id");
            json_decref(one);
            if (rc) return gg_fail(&r->err, GG_EINVAL, 422, "invalid_id", "summon_unit_ids", "unit ids expected");
        }
    }
    if (k->kind == GG_WF_KIND_WHISTLE && oj->nsummon == 0)
        return gg_fail(&r->err, GG_EINVAL, 422, "missing_field", "summon_unit_ids",
                       "a whistle summons at least one department");
    if (k->kind == GG_WF_KIND_WHISTLE) k->dispatcher_place_id = pl->id;
    return gg_req_defer(r, open_fn, oj, open_then);
}

/* ---- read ---- */

int gg_h_case_get(gg_req *r)
{
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_api_case_json(gg_req_json(r, 200), c, r->pool, r->obj, r->who);
    return 0;
}

int gg_h_case_flow(gg_req *r)
{
    const gg_case *k = r->obj;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_case_flow_rec *rows = NULL;
    int n = 0;
    if (gg_case_flow_list(c, r->pool, k->id, &rows, &n)) return GG_EIO;
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 0; i < n; i++) {
        const gg_case_flow_rec *f = &rows[i];
        gg_jw_obj(w);
        gg_jw_kid(w, "id", f->id);
        gg_jw_ktime(w, "at", f->at);
        gg_jw_kid(w, "actor_id", f->actor_id);
        gg_jw_kstr(w, "action", f->action);
        int a = gg_wf_action_parse(f->action);
        gg_jw_kstr(w, "action_label", a ? gg_wf_action_label_zh(k->kind, a) : "上报");
        gg_jw_kstr(w, "from_state", f->from_state);
        gg_jw_kstr(w, "to_state", f->to_state);
        gg_jw_kstr(w, "note", f->note);
        gg_jw_kid(w, "target_unit_id", f->target_unit_id);
        gg_jw_kid(w, "target_user_id", f->target_user_id);
        gg_jw_kid(w, "target_place_id", f->target_place_id);
        gg_jw_kint_or_null(w, "rating", f->rating);
        gg_jw_obj_end(w);
    }
    gg_api_list_end(w, r->pool, NULL);
    return 0;
}
