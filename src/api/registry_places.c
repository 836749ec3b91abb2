/*
 * registry_places.c — households, houses (rooms) and organisations: paged
 * lists of the caller's scope, create, read and change. Each hangs on a
 * place and so inherits its scope; an organisation's contact phone is
 * masked like a resident's.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/registry.h"
#include "core/sealed.h"
#include "core/str.h"
#include "domain/authz.h"

static int list_filter(gg_req *r, gg_reg_filter *f, int *limit, int table, const char *kind_param)
{
    int rc = gg_api_page_num(r, limit, 1, INT64_MAX, &f->after_id);
    if (rc) return rc;
    f->limit = *limit + 1;
    if ((rc = gg_api_reg_root(r, &f->root_path, &f->scope_paths, &f->nscope))) return rc;
    const char *k = kind_param ? gg_req_query(r, kind_param) : NULL;
    if (k && k[0] && !(f->kind = gg_reg_parse(table, k, strlen(k))))
        return gg_api_bad_param(r, kind_param, "not one of the known values");
    const char *q = gg_req_query(r, "q");
    if (q && (strlen(q) > 64 || !gg_utf8_valid(q, strlen(q), false)))
        return gg_api_bad_param(r, "q", "q is at most 64 bytes of text");
    f->q = q;
    return 0;
}

/* Load the object :id with get(), check its place_path (at path_off inside
 * the object) is in scope; missing and out of scope answer alike. */
#define SCOPE_PARAM(fn, type, getter, what)                                          \
    int fn(gg_req *r)                                                                \
    {                                                                                \
        int64_t id;                                                                  \
        if (gg_req_param_id(r, "id", &id)) return gg_api_reg_out_of_scope(r, true, what); \
        gg_conn *c = gg_api_reader(r);                                               \
        if (!c) return GG_EBUSY;                                                     \
        type *o = gg_pcalloc(r->pool, sizeof *o);                                    \
        if (!o) return GG_ENOMEM;                                                    \
        int rc = getter;                                                             \
        if (rc == GG_ENOTFOUND) return gg_api_reg_out_of_scope(r, true, what);       \
        if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot read the %s", what); \
        if (!o->place_path || !gg_scope_covers(r->who, o->place_path))               \
            return gg_api_reg_out_of_scope(r, false, what);                          \
        r->obj = o;                                                                  \
        return 0;                                                                    \
    }

SCOPE_PARAM(gg_scope_household_param, gg_household, gg_household_get(c, r->pool, id, o), "household")
SCOPE_PARAM(gg_scope_house_param, gg_house, gg_house_get(c, r->pool, id, o), "house")
SCOPE_PARAM(gg_scope_org_param, gg_org, gg_org_get(c, r->pool, NULL, id, false, o), "organisation")

/* ---- JSON ---------------------------------------------------------------------- */

static void household_json(gg_jw *w, const gg_household *h)
{
    gg_jw_obj(w);
    gg_jw_kid(w, "id", h->id);
    gg_jw_kid(w, "place_id", h->place_id);
    gg_jw_kid(w, "house_id", h->house_id);
    gg_jw_kstr(w, "number", h->number);
    gg_jw_kid(w, "head_id", h->head_id);
    gg_jw_kstr(w, "address", h->address);
    gg_jw_kint(w, "members", h->members);
    gg_jw_kint(w, "version", h->version);
    gg_jw_ktime(w, "created_at", h->created_at);
    gg_jw_ktime(w, "updated_at", h->updated_at);
    gg_jw_obj_end(w);
}

static void house_json(gg_jw *w, const gg_house *h)
{
    gg_jw_obj(w);
    gg_jw_kid(w, "id", h->id);
    gg_jw_kid(w, "place_id", h->place_id);
    gg_jw_kstr(w, "room", h->room);
    gg_jw_kstr(w, "use", gg_reg_code(GG_RT_HOUSE_USE, h->use));
    gg_jw_key(w, "area");
    if (h->area > 0) gg_jw_double(w, h->area);
    else gg_jw_null(w);
    gg_jw_kstr(w, "owner_name", h->owner_name);
    gg_jw_kint(w, "residents", h->residents);
    gg_jw_ktime(w, "verified_at", h->verified_at);
    gg_jw_kint(w, "version", h->version);
    gg_jw_ktime(w, "created_at", h->created_at);
    gg_jw_ktime(w, "updated_at", h->updated_at);
    gg_jw_obj_end(w);
}

static void org_json(gg_jw *w, const gg_org *o)
{
    gg_jw_obj(w);
    gg_jw_kid(w, "id", o->id);
    gg_jw_kid(w, "place_id", o->place_id);
    gg_jw_kstr(w, "kind", gg_reg_code(GG_RT_ORG_KIND, o->kind));
    gg_jw_kstr(w, "name", o->name);
    gg_jw_kstr(w, "credit_code", o->credit_norm[0] ? o->credit_norm : NULL);
    gg_jw_kstr(w, "legal_person", o->legal_person);
    gg_jw_kstr(w, "address", o->address);
    gg_jw_kstr(w, "contact_phone", o->phone_mask[0] ? o->phone_mask : NULL);
    gg_jw_kint(w, "employees", o->employees);
    gg_jw_kint(w, "version", o->version);
    gg_jw_ktime(w, "created_at", o->created_at);
    gg_jw_ktime(w, "updated_at", o->updated_at);
    gg_jw_obj_end(w);
}

/* ---- lists -------------------------------------------------------------------------- */

int gg_h_households_list(gg_req *r)
{
    gg_reg_filter f = {0};
    int limit, n, rc = list_filter(r, &f, &limit, 0, NULL);
    if (rc) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_household *rows;
    if (gg_household_list(c, r->pool, &f, &rows, &n)) return gg_fail(&r->err, GG_EIO, 500, "internal", "", "cannot list");
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 0; i < n && i < limit; i++) household_json(w, &rows[i]);
    gg_api_list_end_at(w, r->pool, n, limit, n > limit ? rows[limit - 1].id : 0);
    return 0;
}

int gg_h_houses_list(gg_req *r)
{
    gg_reg_filter f = {0};
    int limit, n, rc = list_filter(r, &f, &limit, GG_RT_HOUSE_USE, "use");
    if (rc) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_house *rows;
    if (gg_house_list(c, r->pool, &f, &rows, &n)) return gg_fail(&r->err, GG_EIO, 500, "internal", "", "cannot list");
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 0; i < n && i < limit; i++) house_json(w, &rows[i]);
    gg_api_list_end_at(w, r->pool, n, limit, n > limit ? rows[limit - 1].id : 0);
    return 0;
}

int gg_h_orgs_list(gg_req *r)
{
    gg_reg_filter f = {0};
    int limit, n, rc = list_filter(r, &f, &limit, GG_RT_ORG_KIND, "kind");
    if (rc) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_org *rows;
    if (gg_org_list(c, r->pool, &f, &rows, &n)) return gg_fail(&r->err, GG_EIO, 500, "internal", "", "cannot list");
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 0; i < n && i < limit; i++) org_json(w, &rows[i]);
    gg_api_list_end_at(w, r->pool, n, limit, n > limit ? rows[limit - 1].id : 0);
    return 0;
}

int gg_h_household_get(gg_req *r) { household_json(gg_req_json(r, 200), r->obj); return 0; }
int gg_h_house_get(gg_req *r) { house_json(gg_req_json(r, 200), r->obj); return 0; }
int gg_h_org_get(gg_req *r) { org_json(gg_req_json(r, 200), r->obj); return 0; }

/* ---- writes --------------------------------------------------------------------------- */

typedef struct place_job {
    gg_household hh;
    gg_house ho;
    gg_org org;
    const gg_keys *k;
    bool create;
} place_job;

static void location(gg_req *r, int status, const char *what, int64_t id)
{
    if (status == 201)
        gg_req_header_add(r, "Location", gg_pprintf(r->pool, "/api/v1/%s/%lld", what, (long long)id));
}

static int reply_household(gg_req *r, int status, int64_t id)
{
    gg_conn *c = gg_api_reader(r);
    gg_household h;
    if (!c) return GG_EBUSY;
    if (gg_household_get(c, r->pool, id, &h)) return GG_EIO;
    location(r, status, "households", id);
    household_json(gg_req_json(r, status), &h);
    return 0;
}

static int reply_house(gg_req *r, int status, int64_t id)
{
    gg_conn *c = gg_api_reader(r);
    gg_house h;
    if (!c) return GG_EBUSY;
    if (gg_house_get(c, r->pool, id, &h)) return GG_EIO;
    location(r, status, "houses", id);
    house_json(gg_req_json(r, status), &h);
    return 0;
}

static int reply_org(gg_req *r, int status, int64_t id)
{
    gg_conn *c = gg_api_reader(r);
    gg_org o;
    if (!c) return GG_EBUSY;
    if (gg_org_get(c, r->pool, NULL, id, false, &o)) return GG_EIO;
    location(r, status, "organisations", id);
    org_json(gg_req_json(r, status), &o);
    return 0;
}

static int hh_fn(gg_conn *w, void *arg, gg_error *e)
{
    place_job *j = arg;
    return j->create ? gg_household_insert(w, &j->hh, e) : gg_household_update(w, &j->hh, e);
}
static int hh_then(gg_req *r)
{
    place_job *j = r->w.arg;
    return reply_household(r, j->create ? 201 : 200, j->hh.id);
}

static const gg_jr_field hh_fields[] = {
    {"place_id", GG_JR_ID, false, false, 0, 0},
    {"number", GG_JR_STRING, false, false, 1, 32},
    {"address", GG_JR_STRING, false, true, 0, GG_RES_TEXT_MAX},
    {"house_id", GG_JR_ID, false, true, 0, 0},
    {"head_id", GG_JR_ID, false, true, 0, 0},
};

static int household_write(gg_req *r, bool create)
{
    json_t *j;
    int rc = gg_req_body(r, hh_fields, GG_ARRAY_LEN(hh_fields), &j);
    if (rc) return rc;
    place_job *pj = gg_pcalloc(r->pool, sizeof *pj);
    if (!pj) return GG_ENOMEM;
    pj->create = create;
    if (create) {
        pj->hh.place_id = ((const gg_place *)r->obj)->id;
        if (gg_jr_has(j, "head_id"))
            return gg_fail(&r->err, GG_EINVAL, 422, "invalid_field", "head_id",
                           "a new household has no members yet: set the head later");
    } else {
        pj->hh = *(const gg_household *)r->obj;
        if (gg_jr_has(j, "place_id"))
            return gg_fail(&r->err, GG_EINVAL, 422, "invalid_field", "place_id", "place_id cannot change");
    }
    pj->hh.number = gg_jr_str(j, "number", pj->hh.number);
    pj->hh.address = gg_jr_has(j, "address") ? gg_jr_str(j, "address", NULL) : pj->hh.address;
    if (gg_jr_has(j, "house_id") || json_is_null(json_object_get(j, "house_id"))) pj->hh.house_id = gg_jr_id(j, "house_id");
    if (gg_jr_has(j, "head_id") || json_is_null(json_object_get(j, "head_id"))) pj->hh.head_id = gg_jr_id(j, "head_id");
    if ((rc = gg_household_validate(&pj->hh, &r->err))) return rc;
    return gg_req_defer(r, hh_fn, pj, hh_then);
}

int gg_h_household_create(gg_req *r) { return household_write(r, true); }
int gg_h_household_update(gg_req *r) { return household_write(r, false); }

static int house_fn(gg_conn *w, void *arg, gg_error *e)
{
    place_job *j = arg;
    return j->create ? gg_house_insert(w, &j->ho, e) : gg_house_update(w, &j->ho, e);
}
static int house_then(gg_req *r)
{
    place_job *j = r->w.arg;
    return reply_house(r, j->create ? 201 : 200, j->ho.id);
}

static const gg_jr_field house_fields[] = {
    {"place_id", GG_JR_ID, false, false, 0, 0},
    {"room", GG_JR_STRING, false, false, 1, GG_RES_ROOM_MAX},
    {"use", GG_JR_STRING, false, false, 1, 16},
    {"area", GG_JR_INT, false, true, 0, 100000},
    {"owner_name", GG_JR_STRING, false, true, 0, GG_RES_NAME_MAX},
};

static int house_write(gg_req *r, bool create)
{
    json_t *j;
    int rc = gg_req_body(r, house_fields, GG_ARRAY_LEN(house_fields), &j);
    if (rc) return rc;
    place_job *pj = gg_pcalloc(r->pool, sizeof *pj);
    if (!pj) return GG_ENOMEM;
    pj->create = create;
    if (create) {
        pj->ho.place_id = ((const gg_place *)r->obj)->id;
        pj->ho.use = GG_HU_OWNER;
    } else {
        pj->ho = *(const gg_house *)r->obj;
        if (gg_jr_has(j, "place_id"))
            return gg_fail(&r->err, GG_EINVAL, 422, "invalid_field", "place_id", "place_id cannot change");
    }
    pj->ho.room = gg_jr_str(j, "room", pj->ho.room);
    const char *use = gg_jr_str(j, "use", NULL);
    if (use && !(pj->ho.use = gg_reg_parse(GG_RT_HOUSE_USE, use, strlen(use))))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "use",
                       "use is owner_occupied, rented, vacant or shop");
    if (gg_jr_has(j, "area")) pj->ho.area = (double)gg_jr_int(j, "area", 0);
    if (gg_jr_has(j, "owner_name")) pj->ho.owner_name = gg_jr_str(j, "owner_name", NULL);
    if ((rc = gg_house_validate(&pj->ho, &r->err))) return rc;
    return gg_req_defer(r, house_fn, pj, house_then);
}

int gg_h_house_create(gg_req *r) { return house_write(r, true); }
int gg_h_house_update(gg_req *r) { return house_write(r, false); }

static int org_fn(gg_conn *w, void *arg, gg_error *e)
{
    place_job *j = arg;
    if (!j->create) return gg_org_update(w, j->k, &j->org, e);
    int64_t id;
    bool changed;
    int rc = gg_org_upsert(w, j->k, &j->org, &id, &changed, e);
    j->org.id = id;
    return rc;
}
static int org_then(gg_req *r)
{
    place_job *j = r->w.arg;
    return reply_org(r, j->create ? 201 : 200, j->org.id);
}

static const gg_jr_field org_fields[] = {
    {"place_id", GG_JR_ID, false, false, 0, 0},
    {"kind", GG_JR_STRING, false, false, 1, 32},
    {"name", GG_JR_STRING, false, false, 1, 64},
    {"credit_code", GG_JR_STRING, false, true, 1, 32},
    {"legal_person", GG_JR_STRING, false, true, 0, GG_RES_NAME_MAX},
    {"address", GG_JR_STRING, false, true, 0, GG_RES_TEXT_MAX},
    {"contact_phone", GG_JR_STRING, false, true, 1, GG_PHONE_INPUT_MAX},
    {"employees", GG_JR_INT, false, false, 0, 10000000},
};

static int org_write(gg_req *r, bool create)
{
    json_t *j;
    int rc = gg_req_body(r, org_fields, GG_ARRAY_LEN(org_fields), &j);
    if (rc) return rc;
    place_job *pj = gg_pcalloc(r->pool, sizeof *pj);
    if (!pj) return GG_ENOMEM;
    pj->create = create;
    if ((rc = gg_api_reg_keys(r, &pj->k))) return rc;
    if (create) {
        pj->org.place_id = ((const gg_place *)r->obj)->id;
    } else {
        const gg_org *cur = r->obj;
        gg_conn *c = gg_api_reader(r);
        if (!c) return GG_EBUSY;
        if (gg_org_get(c, r->pool, pj->k, cur->id, true, &pj->org)) return GG_EIO; /* phone opened */
        if (gg_jr_has(j, "place_id"))
            return gg_fail(&r->err, GG_EINVAL, 422, "invalid_field", "place_id", "place_id cannot change");
    }
    const char *kind = gg_jr_str(j, "kind", NULL);
    if (kind && !(pj->org.kind = gg_reg_parse(GG_RT_ORG_KIND, kind, strlen(kind))))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "kind", "unknown kind of organisation");
    pj->org.name = gg_jr_str(j, "name", pj->org.name);
    if (gg_jr_has(j, "credit_code") || json_is_null(json_object_get(j, "credit_code")))
        pj->org.credit_code = gg_jr_str(j, "credit_code", NULL);
    if (gg_jr_has(j, "legal_person")) pj->org.legal_person = gg_jr_str(j, "legal_person", NULL);
    if (gg_jr_has(j, "address")) pj->org.address = gg_jr_str(j, "address", NULL);
    if (gg_jr_has(j, "contact_phone") || json_is_null(json_object_get(j, "contact_phone")))
        pj->org.contact_phone = gg_jr_str(j, "contact_phone", NULL);
    pj->org.employees = (int)gg_jr_int(j, "employees", pj->org.employees);
    if ((rc = gg_org_validate(&pj->org, &r->err))) return rc;
    return gg_req_defer(r, org_fn, pj, org_then);
}

int gg_h_org_create(gg_req *r) { return org_write(r, true); }
int gg_h_org_update(gg_req *r) { return org_write(r, false); }

/* ---- facilities ---------------------------------------------------------------------- */

static void facility_json(gg_jw *w, const gg_facility *f)
{
    gg_jw_obj(w);
    gg_jw_kid(w, "id", f->id);
    gg_jw_kid(w, "place_id", f->place_id);
    gg_jw_kstr(w, "kind", f->kind);
    gg_jw_kstr(w, "name", f->name);
    gg_jw_kstr(w, "address", f->address);
    gg_jw_ktime(w, "created_at", f->created_at);
    gg_jw_obj_end(w);
}

int gg_h_facilities_list(gg_req *r)
{
    gg_reg_filter f = {0};
    int limit, n, rc = list_filter(r, &f, &limit, 0, NULL);
    if (rc) return rc;
    const char *k = gg_req_query(r, "kind"), *kind = NULL;
    if (k && k[0] && !(kind = gg_facility_kind(k, strlen(k))))
        return gg_fail(&r->err, GG_EINVAL, 400, "invalid_parameter", "kind", "unknown kind");
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_facility *rows;
    if (gg_facility_list(c, r->pool, &f, kind, &rows, &n)) return gg_fail(&r->err, GG_EIO, 500, "internal", "", "cannot list");
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 0; i < n && i < limit; i++) facility_json(w, &rows[i]);
    gg_api_list_end_at(w, r->pool, n, limit, n > limit ? rows[limit - 1].id : 0);
    return 0;
}

static int facility_fn(gg_conn *w, void *arg, gg_error *e) { return gg_facility_insert(w, arg, e); }

static int facility_then(gg_req *r)
{
    gg_facility *f = r->w.arg;
    location(r, 201, "facilities", f->id);
    facility_json(gg_req_json(r, 201), f);
    return 0;
}

static const gg_jr_field facility_fields[] = {
    {"place_id", GG_JR_ID, true, false, 0, 0},
    {"kind", GG_JR_STRING, true, false, 1, 32},
    {"name", GG_JR_STRING, true, false, 1, 64},
    {"address", GG_JR_STRING, false, true, 0, GG_RES_TEXT_MAX},
};

int gg_h_facility_create(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, facility_fields, GG_ARRAY_LEN(facility_fields), &j);
    if (rc) return rc;
    gg_facility *f = gg_pcalloc(r->pool, sizeof *f);
    if (!f) return GG_ENOMEM;
    const char *kind = gg_jr_str(j, "kind", "");
    if (!(f->kind = gg_facility_kind(kind, strlen(kind))))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "kind", "unknown kind of facility");
    f->place_id = ((const gg_place *)r->obj)->id;
    f->name = gg_jr_str(j, "name", "");
    f->address = gg_jr_str(j, "address", NULL);
    if (gg_reg_text_len(f->name) < 0 || (f->address && gg_reg_text_len(f->address) < 0))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "name", "text with control characters");
    return gg_req_defer(r, facility_fn, f, facility_then);
}
