/*
 * scope.c — the scope rules routes declare. Each finds the object's place
 * (from the path, the body, or the object itself) and checks it lies inside
 * the caller's scope; what it loaded is left in r->obj for the handler.
 * Out of scope is 403 out_of_scope; a missing object is 404.
 */
#include <string.h>

#include "api/api.h"
#include "api/map.h"
#include "core/str.h"
#include "domain/authz.h"
#include "domain/workflow.h"
#include "json/jr.h"

static int out_of_scope(gg_req *r)
{
    return gg_fail(&r->err, GG_EFORBIDDEN, 403, "out_of_scope", "",
                   "this object lies outside the places assigned to you");
}

gg_conn *gg_api_reader(gg_req *r)
{
    gg_conn *c = gg_store_reader(r->store);
    if (!c) gg_fail(&r->err, GG_EBUSY, 503, "unavailable", "", "storage unavailable");
    return c;
}

int gg_scope_none(gg_req *r) { return 0; }
int gg_scope_list(gg_req *r) { return 0; }
int gg_scope_self(gg_req *r) { return r->who ? 0 : GG_EUNAUTH; }

/* The place id names must exist and lie in the caller's scope. A missing
 * place is 404 when the id is the URL's own object (in_path), else 422 for
 * the body or query field that names it. */
static int place_in_scope(gg_req *r, int64_t id, const char *field, bool in_path, gg_place **out)
{
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_place *p = gg_pcalloc(r->pool, sizeof *p);
    if (!p) return GG_ENOMEM;
    int rc = gg_place_get(c, r->pool, id, p);
    if (rc == GG_ENOTFOUND)
        return in_path ? gg_fail(&r->err, GG_ENOTFOUND, 404, "not_found", field, "no such place")
                       : gg_fail(&r->err, GG_EINVAL, 422, "invalid_reference", field, "no such place");
    if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot read the place");
    if (!gg_scope_covers(r->who, p->path)) return out_of_scope(r);
    *out = p;
    return 0;
}

int gg_scope_place_param(gg_req *r)
{
    int64_t id;
    gg_place *p;
    if (gg_req_param_id(r, "id", &id)) return GG_ENOTFOUND;
    int rc = place_in_scope(r, id, "id", true, &p);
    if (!rc) r->obj = p;
    return rc;
}

/* The id in body field `field`: 0 when absent or null, -1 when malformed. */
static int64_t body_id(gg_req *r, const char *field, int *rc)
{
    json_t *j;
    *rc = gg_req_json_parsed(r, &j);
    if (*rc) return -1;
    json_t *v = json_object_get(j, field);
    if (!v || json_is_null(v)) return 0;
    gg_jr_field f = {field, GG_JR_ID, false, true, 0, 0};
    json_t *one = json_object();
    if (!one) {
        *rc = GG_ENOMEM;
        return -1;
    }
    json_object_set(one, field, v);
    *rc = gg_jr_fields(one, &f, 1, &r->err);
    int64_t id = *rc ? -1 : gg_jr_id(one, field);
    json_decref(one);
    return id;
}

int gg_scope_place_body(gg_req *r)
{
    int rc;
    int64_t pid = body_id(r, "parent_id", &rc);
    if (rc) return rc;
    if (pid == 0) return r->who->global_scope ? 0 : out_of_scope(r);
    gg_place *p;
    rc = place_in_scope(r, pid, "parent_id", false, &p);
    if (!rc) r->obj = p;
    return rc;
}

int gg_scope_place_move(gg_req *r)
{
    int rc = gg_scope_place_param(r);
    if (rc) return rc;
    int64_t pid = body_id(r, "parent_id", &rc);
    if (rc) return rc;
    if (pid <= 0)
        return gg_fail(&r->err, GG_EINVAL, 422, "missing_field", "parent_id",
                       "parent_id is required");
    gg_place *np;
    return place_in_scope(r, pid, "parent_id", false, &np);
}

int gg_scope_unit_param(gg_req *r)
{
    int64_t id;
    if (gg_req_param_id(r, "id", &id)) return GG_ENOTFOUND;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_unit *u = gg_pcalloc(r->pool, sizeof *u);
    if (!u) return GG_ENOMEM;
    int rc = gg_unit_get(c, r->pool, id, u);
    if (rc == GG_ENOTFOUND) return gg_fail(&r->err, rc, 404, "not_found", "id", "no such unit");
    if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot read the unit");
    if (!gg_scope_covers(r->who, u->place_path)) return out_of_scope(r);
    r->obj = u;
    return 0;
}

/* The body's "place_id" (a unit's place, a case's place, a dispatch rule's
 * place) lies inside the caller's scope; loads the place into r->obj. */
int gg_scope_place_id_body(gg_req *r)
{
    int rc;
    int64_t pid = body_id(r, "place_id", &rc);
    if (rc) return rc;
    if (pid == 0)
        return gg_fail(&r->err, GG_EINVAL, 422, "missing_field", "place_id", "place_id is required");
    gg_place *p;
    rc = place_in_scope(r, pid, "place_id", false, &p);
    if (!rc) r->obj = p;
    return rc;
}

/* An account is inside the caller's scope when all its places are (or, with
 * no places, its unit's place is); accounts with neither: global only. */
int gg_scope_account_param(gg_req *r)
{
    int64_t id;
    if (gg_req_param_id(r, "id", &id)) return GG_ENOTFOUND;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_account *a = gg_pcalloc(r->pool, sizeof *a);
    if (!a) return GG_ENOMEM;
    int rc = gg_account_get(c, r->pool, id, a);
    if (rc == GG_ENOTFOUND) return gg_fail(&r->err, rc, 404, "not_found", "id", "no such account");
    if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot read the account");
    bool ok;
    if (a->global_scope) {
        ok = r->who->global_scope;
    } else if (a->nplaces) {
        ok = gg_scope_covers_all(r->who, a->place_paths, a->nplaces);
    } else if (a->unit_id) {
        gg_unit u;
        ok = gg_unit_get(c, r->pool, a->unit_id, &u) == 0 && gg_scope_covers(r->who, u.place_path);
    } else {
        ok = r->who->global_scope;
    }
    if (!ok) return out_of_scope(r);
    r->obj = a;
    return 0;
}

int gg_scope_account_body(gg_req *r)
{
    json_t *j;
    int rc = gg_req_json_parsed(r, &j);
    if (rc) return rc;
    json_t *ids = json_object_get(j, "place_ids");
    if (!ids || json_is_null(ids)) return 0; /* unchanged / none: checked by the handler */
    if (!json_is_array(ids) || json_array_size(ids) > 32)
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_type", "place_ids",
                       "place_ids must be an array of at most 32 place ids");
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) {
        json_t *one = json_pack("{sO}", "id", v);
        gg_jr_field f = {"id", GG_JR_ID, true, false, 0, 0};
        gg_error e;
        rc = one ? gg_jr_fields(one, &f, 1, &e) : GG_ENOMEM;
        int64_t pid = rc ? 0 : gg_jr_id(one, "id");
        json_decref(one);
        if (rc)
            return gg_fail(&r->err, GG_EINVAL, 422, "invalid_id", "place_ids",
                           "place_ids must hold place ids");
        gg_place *p;
        rc = place_in_scope(r, pid, "place_ids", false, &p);
        if (rc) return rc;
    }
    return 0;
}

int gg_scope_account_update(gg_req *r)
{
    int rc = gg_scope_account_param(r);
    if (rc) return rc;
    const void *acc = r->obj;
    rc = gg_scope_account_body(r);
    r->obj = acc;
    return rc;
}

/* A case is visible to staff whose scope covers its place; to a department
 * handler whose unit holds it, dispatched it or was summoned to it; to a
 * member or resident who reported or holds it; and, so they can "+1" it, to
 * residents and members around an open case. */
int gg_scope_case_param(gg_req *r)
{
    int64_t id;
    if (gg_req_param_id(r, "id", &id)) return GG_ENOTFOUND;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_case *k = gg_pcalloc(r->pool, sizeof *k);
    if (!k) return GG_ENOMEM;
    int rc = gg_case_get(c, r->pool, id, k);
    if (rc == GG_ENOTFOUND) return gg_fail(&r->err, rc, 404, "not_found", "id", "no such case");
    if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot read the case");
    const gg_principal *p = r->who;
    bool in_scope = gg_scope_covers(p, k->place_path), ok = false;
    bool mine = k->reporter_id == p->user_id || (k->owner_user_id && k->owner_user_id == p->user_id);
    switch (p->role) {
    case GG_ROLE_ADMIN:
    case GG_ROLE_COMMAND:
    case GG_ROLE_COMMUNITY:
    case GG_ROLE_GRIDWORKER: ok = in_scope; break;
    case GG_ROLE_DEPARTMENT: {
        bool summoned = false;
        int unrated = 0;
        if (k->kind == GG_WF_KIND_WHISTLE) gg_case_unit_status(c, k->id, p->unit_id, &summoned, &unrated);
        ok = in_scope || summoned || (p->unit_id && (k->owner_unit_id == p->unit_id ||
                                                      k->dispatcher_unit_id == p->unit_id));
        break;
    }
    case GG_ROLE_MEMBER:
    case GG_ROLE_RESIDENT: ok = mine || (in_scope && !k->closed_at); break;
    default: break;
    }
    if (!ok) return out_of_scope(r);
    r->obj = k;
    return 0;
}

int gg_scope_place_query(gg_req *r)
{
    const char *v = gg_req_query(r, "place_id");
    int64_t id;
    if (!v || gg_parse_i64(v, strlen(v), 1, INT64_MAX / 2, &id) || v[0] == '0')
        return gg_fail(&r->err, GG_EINVAL, 400, "invalid_parameter", "place_id",
                       "place_id names the place whose subtree is counted");
    gg_place *p;
    int rc = place_in_scope(r, id, "place_id", false, &p);
    if (!rc) r->obj = p;
    return rc;
}

int gg_scope_global(gg_req *r)
{
    if (r->who && r->who->global_scope) return 0;
    return gg_fail(&r->err, GG_EFORBIDDEN, 403, "out_of_scope", "",
                   "only an administrator of the whole city changes this");
}

/* POST /api/v1/cases (grid map, #6): a case names its place, or only where
 * it is: with no place_id, the grid holding lat/lon is its place (the
 * same scope rule then applies to that grid). */
int gg_scope_case_open(gg_req *r)
{
    json_t *j;
    int rc = gg_req_json_parsed(r, &j);
    if (rc) return rc;
    json_t *pid = json_object_get(j, "place_id");
    json_t *lat = json_object_get(j, "lat"), *lon = json_object_get(j, "lon");
    if ((pid && !json_is_null(pid)) || !json_is_number(lat) || !json_is_number(lon))
        return gg_scope_place_id_body(r);
    json_t *coord = json_object_get(j, "coord");
    bool gcj = false;
    if (coord && (rc = gg_map_coord_parse(r, json_is_string(coord) ? json_string_value(coord) : "?",
                                          "coord", &gcj)))
        return rc;
    gg_geo_pt pt = {json_number_value(lon), json_number_value(lat)};
    if (gcj) pt = gg_geo_gcj02_to_wgs84(pt);
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    int64_t id;
    rc = gg_map_locate(c, pt.lon, pt.lat, &id);
    if (rc == GG_ENOTFOUND)
        return gg_fail(&r->err, GG_EINVAL, 422, "outside_area", "lat", "no grid holds this point");
    if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot locate the point");
    gg_place *p;
    rc = place_in_scope(r, id, "lat", false, &p);
    if (!rc) r->obj = p;
    return rc;
}
