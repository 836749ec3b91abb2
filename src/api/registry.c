/*
 * registry.c — residents: list, create, read, change, delete, and reveal
 * (the one way to see a full ID number or phone: permission, purpose,
 * audit row committed before the value is sent). Shared helpers of the
 * registry routes live here too (see api/registry.h).
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/registry.h"
#include "core/sealed.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/authz.h"
#include "domain/place.h"

/* ---- shared helpers ------------------------------------------------------------ */

int gg_api_reg_keys(gg_req *r, const gg_keys **k)
{
    int rc = gg_store_keys(r->store, k, &r->err);
    if (rc) r->err.status = 500;
    return rc;
}

int64_t gg_api_today(void)
{
    int64_t s = gg_now_us() / 1000000 + (int64_t)gg_display_offset_min() * 60;
    return s >= 0 ? s / 86400 : (s - 86399) / 86400;
}

int gg_api_reg_out_of_scope(gg_req *r, bool missing, const char *what)
{
    if (missing && r->who->global_scope)
        return gg_fail(&r->err, GG_ENOTFOUND, 404, "not_found", "id", "no such %s", what);
    return gg_fail(&r->err, GG_EFORBIDDEN, 403, "out_of_scope", "",
                   "this object lies outside the places assigned to you");
}

int gg_api_reg_root(gg_req *r, const char **root, const char *const **scope, int *nscope)
{
    *root = "/";
    *scope = NULL;
    *nscope = 0;
    int64_t pid;
    int rc = gg_api_query_id(r, "place_id", &pid);
    if (rc) return rc;
    if (pid) {
        gg_conn *c = gg_api_reader(r);
        if (!c) return GG_EBUSY;
        gg_place *pl = gg_pcalloc(r->pool, sizeof *pl);
        if (!pl) return GG_ENOMEM;
        if (gg_place_get(c, r->pool, pid, pl)) {
            if (r->who->global_scope) return gg_api_bad_param(r, "place_id", "no such place");
            return gg_fail(&r->err, GG_EFORBIDDEN, 403, "out_of_scope", "place_id",
                           "this place lies outside the places assigned to you");
        }
        if (!gg_scope_covers(r->who, pl->path))
            return gg_fail(&r->err, GG_EFORBIDDEN, 403, "out_of_scope", "place_id",
                           "this place lies outside the places assigned to you");
        *root = pl->path;
    } else if (!r->who->global_scope && r->who->nplaces == 1) {
        *root = r->who->place_paths[0]; /* the common case: one subtree, its index */
    } else if (!r->who->global_scope) {
        *scope = r->who->place_paths;
        *nscope = r->who->nplaces;
        if (*nscope == 0) *root = "/none/"; /* no places: nothing */
    }
    return 0;
}

static int q_enum(gg_req *r, const char *name, int table, int *out)
{
    const char *v = gg_req_query(r, name);
    *out = 0;
    if (!v || !v[0]) return 0;
    *out = gg_reg_parse(table, v, strlen(v));
    return *out ? 0 : gg_api_bad_param(r, name, "not one of the known values");
}

int gg_api_resident_filter(gg_req *r, const gg_place *root, gg_resident_filter *f)
{
    int rc = 0;
    if (root) f->root_path = root->path;
    else rc = gg_api_reg_root(r, &f->root_path, &f->scope_paths, &f->nscope);
    int64_t amin = 0, amax = 0;
    if (!rc) rc = q_enum(r, "residence", GG_RT_RESIDENCE, &f->residence);
    if (!rc) rc = q_enum(r, "tag", GG_RT_TAG, &f->tag);
    if (!rc) rc = q_enum(r, "level", GG_RT_LEVEL, &f->level);
    if (!rc) rc = q_enum(r, "sex", GG_RT_SEX, &f->sex);
    if (!rc) rc = gg_api_query_int(r, "age_min", 0, 150, 0, &amin);
    if (!rc) rc = gg_api_query_int(r, "age_max", 0, 150, 0, &amax);
    if (!rc) rc = gg_api_query_id(r, "household_id", &f->household_id);
    if (!rc) rc = gg_api_query_id(r, "house_id", &f->house_id);
    if (!rc) rc = gg_api_query_bool(r, "party_member", &f->party_member);
    if (rc) return rc;
    f->age_min = (int)amin;
    f->age_max = (int)amax;
    f->today = gg_api_today();
    const char *q = gg_req_query(r, "q");
    if (q && (strlen(q) > 64 || !gg_utf8_valid(q, strlen(q), false)))
        return gg_api_bad_param(r, "q", "q is at most 64 bytes of text");
    f->q = q && q[0] ? q : NULL;
    return 0;
}

static void kcode(gg_jw *w, const char *key, int table, int v)
{
    gg_jw_kstr(w, key, gg_reg_code(table, v));
}

void gg_api_resident_json(gg_jw *w, const gg_resident *res)
{
    gg_jw_obj(w);
    gg_jw_kid(w, "id", res->id);
    kcode(w, "residence", GG_RT_RESIDENCE, res->residence);
    gg_jw_kstr(w, "name", res->name);
    kcode(w, "sex", GG_RT_SEX, res->sex);
    gg_jw_kstr(w, "birth_date", res->birth_date[0] ? res->birth_date : NULL);
    gg_jw_kstr(w, "ethnicity", res->ethnicity);
    kcode(w, "id_type", GG_RT_ID_TYPE, res->id_type);
    gg_jw_kstr(w, "id_number", res->id_mask); /* always the mask: reveal is its own route */
    gg_jw_kstr(w, "phone", res->phone_mask[0] ? res->phone_mask : NULL);
    kcode(w, "education", GG_RT_EDUCATION, res->education);
    kcode(w, "political", GG_RT_POLITICAL, res->political);
    gg_jw_kbool(w, "party_member", gg_political_is_party_member(res->political));
    gg_jw_kstr(w, "employer", res->employer);
    gg_jw_kstr(w, "registered_address", res->registered_address);
    gg_jw_kstr(w, "current_address", res->current_address);
    gg_jw_kid(w, "place_id", res->place_id);
    gg_jw_kid(w, "house_id", res->house_id);
    gg_jw_kstr(w, "room", res->room);
    gg_jw_kid(w, "household_id", res->household_id);
    gg_jw_kstr(w, "household_no", res->household_no);
    kcode(w, "relation", GG_RT_RELATION, res->relation);
    gg_jw_key(w, "tags");
    gg_jw_arr(w);
    for (int t = 1; t < GG_TAG__COUNT; t++)
        if (res->tags & GG_TAG_BIT(t)) gg_jw_str(w, gg_reg_code(GG_RT_TAG, t));
    gg_jw_arr_end(w);
    gg_jw_kstr(w, "note", res->note);
    gg_jw_kbool(w, "masked", true);
    gg_jw_ktime(w, "verified_at", res->verified_at);
    gg_jw_kint(w, "version", res->version);
    gg_jw_ktime(w, "created_at", res->created_at);
    gg_jw_ktime(w, "updated_at", res->updated_at);
    gg_jw_obj_end(w);
}

/* ---- scope ------------------------------------------------------------------------ */

int gg_scope_resident_param(gg_req *r)
{
    int64_t id;
    if (gg_req_param_id(r, "id", &id)) return gg_api_reg_out_of_scope(r, true, "resident");
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_resident *res = gg_pcalloc(r->pool, sizeof *res);
    if (!res) return GG_ENOMEM;
    int rc = gg_resident_get(c, r->pool, NULL, id, false, res);
    if (rc == GG_ENOTFOUND) return gg_api_reg_out_of_scope(r, true, "resident");
    if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot read the resident");
    if (!gg_scope_covers(r->who, res->place_path)) return gg_api_reg_out_of_scope(r, false, "resident");
    r->obj = res;
    return 0;
}

/* ---- list and read -------------------------------------------------------------- */

int gg_h_residents_list(gg_req *r)
{
    int limit;
    int64_t after;
    int rc = gg_api_page_num(r, &limit, 1, INT64_MAX, &after);
    if (rc) return rc;
    gg_resident_filter f = {.limit = limit + 1, .after_id = after};
    if ((rc = gg_api_resident_filter(r, NULL, &f))) return rc;
    const gg_keys *k;
    if ((rc = gg_api_reg_keys(r, &k))) return rc;
    const char *idn = gg_req_query(r, "id_number"), *ph = gg_req_query(r, "phone");
    char norm[GG_RES_ID_MAX];
    if (idn && idn[0]) { /* exact lookup by blind index, never a scan of plaintext */
        int t = GG_IDT_RESIDENT_ID;
        if ((rc = q_enum(r, "id_type", GG_RT_ID_TYPE, &t))) return rc;
        if (!t) t = GG_IDT_RESIDENT_ID;
        if (gg_res_id_normalise(t, idn, strlen(idn), gg_api_today(), norm, NULL, &r->err)) {
            r->err.status = 400;
            return GG_EINVAL;
        }
        f.id_type = t;
        f.id_norm = norm;
    }
    gg_phone phone;
    if (ph && ph[0]) {
        if (gg_phone_parse(ph, strlen(ph), &phone, &r->err)) {
            r->err.status = 400;
            return GG_EINVAL;
        }
        f.phone_norm = phone.number;
    }
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_resident *rows;
    int n;
    if (gg_resident_list(c, r->pool, k, &f, &rows, &n))
        return gg_fail(&r->err, GG_EIO, 500, "internal", "", "cannot list residents");
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 0; i < n && i < limit; i++) gg_api_resident_json(w, &rows[i]);
    gg_api_list_end_at(w, r->pool, n, limit, n > limit ? rows[limit - 1].id : 0);
    return 0;
}

int gg_h_resident_get(gg_req *r)
{
    gg_api_resident_json(gg_req_json(r, 200), r->obj);
    return 0;
}

static int reply_resident(gg_req *r, int status, int64_t id)
{
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_resident res;
    if (gg_resident_get(c, r->pool, NULL, id, false, &res))
        return gg_fail(&r->err, GG_ENOTFOUND, 404, "not_found", "", "no such resident");
    gg_api_resident_json(gg_req_json(r, status), &res);
    return 0;
}

/* ---- writes ------------------------------------------------------------------------ */

typedef struct res_job {
    gg_resident res;
    const gg_keys *k;
    int64_t actor, expect_version, id;
} res_job;

static const gg_jr_field res_fields[] = {
    {"residence", GG_JR_STRING, false, false, 1, 16},
    {"name", GG_JR_STRING, false, false, 1, GG_RES_NAME_MAX},
    {"sex", GG_JR_STRING, false, true, 1, 8},
    {"birth_date", GG_JR_STRING, false, true, 8, 10},
    {"ethnicity", GG_JR_STRING, false, true, 1, 16},
    {"id_type", GG_JR_STRING, false, false, 1, 32},
    {"id_number", GG_JR_STRING, false, false, 1, GG_ID_INPUT_MAX},
    {"phone", GG_JR_STRING, false, true, 1, GG_PHONE_INPUT_MAX},
    {"education", GG_JR_STRING, false, true, 1, 16},
    {"political", GG_JR_STRING, false, true, 1, 16},
    {"employer", GG_JR_STRING, false, true, 0, GG_RES_TEXT_MAX},
    {"registered_address", GG_JR_STRING, false, true, 0, GG_RES_TEXT_MAX},
    {"current_address", GG_JR_STRING, false, true, 0, GG_RES_TEXT_MAX},
    {"place_id", GG_JR_ID, false, false, 0, 0},
    {"house_id", GG_JR_ID, false, true, 0, 0},
    {"room", GG_JR_STRING, false, true, 1, GG_RES_ROOM_MAX},
    {"household_id", GG_JR_ID, false, true, 0, 0},
    {"household_no", GG_JR_STRING, false, true, 1, 32},
    {"relation", GG_JR_STRING, false, true, 1, 16},
    {"tags", GG_JR_ARRAY, false, false, 0, 32},
    {"note", GG_JR_STRING, false, true, 0, 256},
    {"version", GG_JR_INT, false, false, 1, INT32_MAX},
};

/* An enum field: absent keeps *v, null clears it, a string must be known. */
static int body_enum(gg_req *r, json_t *j, const char *key, int table, int *v)
{
    json_t *x = json_object_get(j, key);
    if (!x) return 0;
    if (json_is_null(x)) {
        *v = 0;
        return 0;
    }
    const char *s = json_string_value(x);
    *v = gg_reg_parse(table, s, strlen(s));
    if (!*v)
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", key, "%s is not one of the known values", key);
    return 0;
}

static const char *body_str(json_t *j, const char *key, const char *cur)
{
    json_t *x = json_object_get(j, key);
    if (!x) return cur;
    return json_is_null(x) ? NULL : json_string_value(x);
}

static int64_t body_id(json_t *j, const char *key, int64_t cur)
{
    return gg_jr_has(j, key) || json_is_null(json_object_get(j, key)) ? gg_jr_id(j, key) : cur;
}

static int body_tags(gg_req *r, json_t *j, gg_resident *res)
{
    json_t *a = json_object_get(j, "tags");
    if (!a) return 0;
    uint32_t bits = 0;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        const char *s = json_string_value(v);
        int t = s ? gg_reg_parse(GG_RT_TAG, s, strlen(s)) : 0;
        if (!t) return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "tags", "unknown tag in tags");
        bits |= GG_TAG_BIT(t);
    }
    res->tags = bits;
    res->tags_given = true;
    return 0;
}

/* Apply the body to res (a new record or a copy of the stored one). */
static int apply_body(gg_req *r, json_t *j, gg_resident *res)
{
    int rc = body_enum(r, j, "residence", GG_RT_RESIDENCE, &res->residence);
    if (!rc) rc = body_enum(r, j, "sex", GG_RT_SEX, &res->sex);
    if (!rc) rc = body_enum(r, j, "id_type", GG_RT_ID_TYPE, &res->id_type);
    if (!rc) rc = body_enum(r, j, "education", GG_RT_EDUCATION, &res->education);
    if (!rc) rc = body_enum(r, j, "political", GG_RT_POLITICAL, &res->political);
    if (!rc) rc = body_enum(r, j, "relation", GG_RT_RELATION, &res->relation);
    if (!rc) rc = body_tags(r, j, res);
    if (rc) return rc;
    res->name = body_str(j, "name", res->name);
    res->ethnicity = body_str(j, "ethnicity", res->ethnicity);
    res->id_number = body_str(j, "id_number", res->id_number);
    res->phone = body_str(j, "phone", res->phone);
    res->employer = body_str(j, "employer", res->employer);
    res->registered_address = body_str(j, "registered_address", res->registered_address);
    res->current_address = body_str(j, "current_address", res->current_address);
    res->room = body_str(j, "room", res->room);
    res->household_no = body_str(j, "household_no", res->household_no);
    res->note = body_str(j, "note", res->note);
    res->house_id = body_id(j, "house_id", res->house_id);
    res->household_id = body_id(j, "household_id", res->household_id);
    if (gg_jr_has(j, "room") && !gg_jr_has(j, "house_id")) res->house_id = 0;
    if (gg_jr_has(j, "household_no") && !gg_jr_has(j, "household_id")) res->household_id = 0;
    const char *bd = body_str(j, "birth_date", res->birth_date[0] ? res->birth_date : NULL);
    char tmp[11] = "";
    if (bd) gg_strlcpy(tmp, bd, sizeof tmp);
    memcpy(res->birth_date, tmp, sizeof tmp);
    if (gg_jr_has(j, "id_number") && !gg_jr_has(j, "sex")) res->sex = 0;
    if (gg_jr_has(j, "id_number") && !gg_jr_has(j, "birth_date")) res->birth_date[0] = 0;
    return gg_resident_validate(res, gg_api_today(), &r->err);
}

static int create_fn(gg_conn *w, void *arg, gg_error *e)
{
    res_job *j = arg;
    if (gg_resident_find(w, j->k, j->res.id_type, j->res.id_norm))
        return gg_fail(e, GG_ECONFLICT, 409, "duplicate_id_number", "id_number",
                       "a resident with this document number is registered already");
    bool changed;
    return gg_resident_upsert(w, j->k, &j->res, j->actor, &j->id, &changed, e);
}

static int create_then(gg_req *r)
{
    res_job *j = r->w.arg;
    gg_req_header_add(r, "Location", gg_pprintf(r->pool, "/api/v1/residents/%lld", (long long)j->id));
    return reply_resident(r, 201, j->id);
}

int gg_h_resident_create(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, res_fields, GG_ARRAY_LEN(res_fields), &j);
    if (rc) return rc;
    res_job *rj = gg_pcalloc(r->pool, sizeof *rj);
    if (!rj) return GG_ENOMEM;
    rj->actor = r->who->user_id;
    rj->res.id_type = GG_IDT_RESIDENT_ID;
    rj->res.place_id = ((const gg_place *)r->obj)->id;
    rj->res.tags_given = true;
    if ((rc = apply_body(r, j, &rj->res))) return rc;
    if ((rc = gg_api_reg_keys(r, &rj->k))) return rc;
    return gg_req_defer(r, create_fn, rj, create_then);
}

static int update_fn(gg_conn *w, void *arg, gg_error *e)
{
    res_job *j = arg;
    return gg_resident_update(w, j->k, &j->res, j->expect_version, j->actor, e);
}

static int update_then(gg_req *r)
{
    return reply_resident(r, 200, ((res_job *)r->w.arg)->res.id);
}

int gg_h_resident_update(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, res_fields, GG_ARRAY_LEN(res_fields), &j);
    if (rc) return rc;
    if (gg_jr_has(j, "place_id"))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_field", "place_id",
                       "a resident moves with a new registration, not by PATCH");
    res_job *rj = gg_pcalloc(r->pool, sizeof *rj);
    if (!rj) return GG_ENOMEM;
    if ((rc = gg_api_reg_keys(r, &rj->k))) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    const gg_resident *cur = r->obj;
    /* the stored record, opened: an unchanged number must validate as itself */
    if (gg_resident_get(c, r->pool, rj->k, cur->id, true, &rj->res))
        return gg_fail(&r->err, GG_EIO, 500, "internal", "", "cannot read the resident");
    rj->res.tags_given = false;
    rj->actor = r->who->user_id;
    rj->expect_version = gg_jr_int(j, "version", 0);
    if ((rc = apply_body(r, j, &rj->res))) return rc;
    return gg_req_defer(r, update_fn, rj, update_then);
}

static int delete_fn(gg_conn *w, void *arg, gg_error *e)
{
    res_job *j = arg;
    return gg_resident_delete(w, j->id, j->actor, e);
}

static int delete_then(gg_req *r) { return gg_req_status(r, 204); }

int gg_h_resident_delete(gg_req *r)
{
    res_job *rj = gg_pcalloc(r->pool, sizeof *rj);
    if (!rj) return GG_ENOMEM;
    rj->id = ((const gg_resident *)r->obj)->id;
    rj->actor = r->who->user_id;
    return gg_req_defer(r, delete_fn, rj, delete_then);
}

/* ---- reveal ------------------------------------------------------------------------- */

static const gg_jr_field reveal_fields[] = {
    {"field", GG_JR_STRING, true, false, 1, 16},
    {"purpose", GG_JR_STRING, true, false, 2, 200},
};

typedef struct reveal_job {
    gg_reveal_rec a;
} reveal_job;

static int reveal_fn(gg_conn *w, void *arg, gg_error *e)
{
    return gg_reveal_audit(w, &((reveal_job *)arg)->a, e);
}

static int reveal_then(gg_req *r)
{
    reveal_job *j = r->w.arg;
    const gg_keys *k;
    int rc = gg_api_reg_keys(r, &k);
    if (rc) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_resident res;
    if (gg_resident_get(c, r->pool, k, j->a.record_id, true, &res))
        return gg_fail(&r->err, GG_EIO, 500, "internal", "", "the sealed value does not open");
    bool id = strcmp(j->a.field, "id_number") == 0;
    gg_req_header_add(r, "Cache-Control", "no-store");
    gg_jw *w = gg_req_json(r, 200);
    gg_jw_obj(w);
    gg_jw_kid(w, "id", res.id);
    gg_jw_kstr(w, "field", j->a.field);
    gg_jw_kstr(w, "value", id ? res.id_number : res.phone_norm[0] ? res.phone : NULL);
    gg_jw_kid(w, "audit_id", j->a.id);
    gg_jw_obj_end(w);
    return 0;
}

int gg_h_resident_reveal(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, reveal_fields, GG_ARRAY_LEN(reveal_fields), &j);
    if (rc) return rc;
    const char *field = gg_jr_str(j, "field", "");
    if (strcmp(field, "id_number") && strcmp(field, "phone"))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "field", "field is id_number or phone");
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    if (gg_account_can_reveal(c, r->who->user_id) <= 0)
        return gg_fail(&r->err, GG_EFORBIDDEN, 403, "reveal_not_allowed", "",
                       "you do not hold the permission to see full ID numbers and phones");
    reveal_job *rj = gg_pcalloc(r->pool, sizeof *rj);
    if (!rj) return GG_ENOMEM;
    rj->a = (gg_reveal_rec){.actor_id = r->who->user_id, .record_type = "resident",
                            .record_id = ((const gg_resident *)r->obj)->id, .field = field,
                            .purpose = gg_jr_str(j, "purpose", ""), .ip = r->ip};
    return gg_req_defer(r, reveal_fn, rj, reveal_then);
}
