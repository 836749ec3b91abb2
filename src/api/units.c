/*
 * units.c — organisations that own work: departments, street offices,
 * resident units, property companies… Each hangs on a place, which gives
 * its scope.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/str.h"
#include "domain/account.h"

typedef struct unit_job {
    gg_unit u;
} unit_job;

static int reply_unit(gg_req *r, int status, int64_t id)
{
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_unit u;
    if (gg_unit_get(c, r->pool, id, &u)) return gg_fail(&r->err, GG_ENOTFOUND, 404, "not_found", "", "no such unit");
    gg_api_unit_json(gg_req_json(r, status), &u);
    return 0;
}

int gg_h_units_list(gg_req *r)
{
    int limit;
    int64_t after_id;
    int rc = gg_api_page_num(r, &limit, 0, INT64_MAX, &after_id);
    if (rc) return rc;
    bool targets;
    if ((rc = gg_api_query_bool(r, "targets", &targets))) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_unit *rows;
    int n;
    rc = gg_unit_list(c, r->pool, r->who, targets, after_id, limit + 1, &rows, &n);
    if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot list units");
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 0; i < n && i < limit; i++) gg_api_unit_json(w, &rows[i]);
    gg_api_list_end_at(w, r->pool, n, limit, n > limit ? rows[limit - 1].id : 0);
    return 0;
}

int gg_h_unit_get(gg_req *r)
{
    gg_api_unit_json(gg_req_json(r, 200), r->obj);
    return 0;
}

static int create_fn(gg_conn *w, void *arg, gg_error *e) { return gg_unit_insert(w, &((unit_job *)arg)->u, e); }
static int update_fn(gg_conn *w, void *arg, gg_error *e) { return gg_unit_update(w, &((unit_job *)arg)->u, e); }

static int create_then(gg_req *r)
{
    unit_job *j = r->w.arg;
    gg_req_header_add(r, "Location", gg_pprintf(r->pool, "/api/v1/units/%lld", (long long)j->u.id));
    return reply_unit(r, 201, j->u.id);
}

static int update_then(gg_req *r) { return reply_unit(r, 200, ((unit_job *)r->w.arg)->u.id); }

static const gg_jr_field create_fields[] = {
    {"name", GG_JR_STRING, true, false, 1, 64},
    {"kind", GG_JR_STRING, true, false, 1, 32},
    {"place_id", GG_JR_ID, true, false, 0, 0},
};

int gg_h_unit_create(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, create_fields, GG_ARRAY_LEN(create_fields), &j);
    if (rc) return rc;
    unit_job *uj = gg_pcalloc(r->pool, sizeof *uj);
    if (!uj) return GG_ENOMEM;
    uj->u.name = gg_jr_str(j, "name", "");
    uj->u.kind = gg_jr_str(j, "kind", "");
    uj->u.place_id = ((const gg_place *)r->obj)->id;
    if ((rc = gg_unit_kind_check(uj->u.kind, &r->err))) return rc;
    return gg_req_defer(r, create_fn, uj, create_then);
}

static const gg_jr_field update_fields[] = {
    {"name", GG_JR_STRING, false, false, 1, 64},
    {"kind", GG_JR_STRING, false, false, 1, 32},
    {"active", GG_JR_BOOL, false, false, 0, 0},
};

int gg_h_unit_update(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, update_fields, GG_ARRAY_LEN(update_fields), &j);
    if (rc) return rc;
    const gg_unit *cur = r->obj;
    unit_job *uj = gg_pcalloc(r->pool, sizeof *uj);
    if (!uj) return GG_ENOMEM;
    uj->u = *cur;
    uj->u.name = gg_jr_str(j, "name", cur->name);
    uj->u.kind = gg_jr_str(j, "kind", cur->kind);
    uj->u.active = gg_jr_bool(j, "active", cur->active);
    if ((rc = gg_unit_kind_check(uj->u.kind, &r->err))) return rc;
    return gg_req_defer(r, update_fn, uj, update_then);
}
