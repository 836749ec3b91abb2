/*
 * common.c — JSON shapes shared by the resources, list framing, and the
 * query-parameter parsers every route uses (one 400 invalid_parameter shape).
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/authz.h"
#include "domain/place.h"

void gg_api_place_json(gg_jw *w, const gg_place *p)
{
    gg_jw_obj(w);
    gg_jw_kid(w, "id", p->id);
    gg_jw_kid(w, "parent_id", p->parent_id);
    gg_jw_kstr(w, "kind", gg_place_kind_name(p->kind));
    gg_jw_kstr(w, "subtype", p->subtype);
    gg_jw_kstr(w, "dedicated_kind", p->dedicated_kind);
    gg_jw_kstr(w, "code", p->code);
    gg_jw_kstr(w, "name", p->name);
    gg_jw_kint(w, "depth", p->depth);
    gg_jw_kstr(w, "region", p->region);
    gg_jw_kbool(w, "active", p->active);
    gg_jw_kint(w, "child_count", p->child_count);
    gg_jw_kint(w, "version", p->version);
    gg_jw_ktime(w, "created_at", p->created_at);
    gg_jw_ktime(w, "updated_at", p->updated_at);
    gg_jw_obj_end(w);
}

void gg_api_account_json(gg_jw *w, const gg_account *a)
{
    gg_jw_obj(w);
    gg_jw_kid(w, "id", a->id);
    gg_jw_kstr(w, "username", a->username);
    gg_jw_kstr(w, "display_name", a->display_name);
    gg_jw_kstr(w, "role", gg_role_name(a->role));
    gg_jw_kid(w, "unit_id", a->unit_id);
    gg_jw_kbool(w, "global_scope", a->global_scope);
    gg_jw_kbool(w, "active", a->active);
    gg_jw_key(w, "place_ids");
    gg_jw_arr(w);
    for (int i = 0; i < a->nplaces; i++) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)a->place_ids[i]);
        gg_jw_str(w, id);
    }
    gg_jw_arr_end(w);
    gg_jw_kbool(w, "locked", a->locked_until > gg_now_us());
    gg_jw_ktime(w, "created_at", a->created_at);
    gg_jw_ktime(w, "updated_at", a->updated_at);
    gg_jw_obj_end(w);
}

void gg_api_unit_json(gg_jw *w, const gg_unit *u)
{
    gg_jw_obj(w);
    gg_jw_kid(w, "id", u->id);
    gg_jw_kstr(w, "name", u->name);
    gg_jw_kstr(w, "kind", u->kind);
    gg_jw_kid(w, "place_id", u->place_id);
    gg_jw_kbool(w, "active", u->active);
    gg_jw_ktime(w, "created_at", u->created_at);
    gg_jw_ktime(w, "updated_at", u->updated_at);
    gg_jw_obj_end(w);
}

void gg_api_list_begin(gg_jw *w)
{
    gg_jw_obj(w);
    gg_jw_key(w, "items");
    gg_jw_arr(w);
}

void gg_api_list_end(gg_jw *w, gg_pool *p, const char *next_key)
{
    gg_jw_arr_end(w);
    gg_jw_kstr(w, "next_cursor", gg_cursor_encode(p, next_key));
    gg_jw_obj_end(w);
}

void gg_api_list_end_at(gg_jw *w, gg_pool *p, int n, int limit, int64_t last_shown_id)
{
    char key[24] = "";
    if (n > limit) snprintf(key, sizeof key, "%lld", (long long)last_shown_id);
    gg_api_list_end(w, p, key);
}

int gg_api_page_num(gg_req *r, int *limit, int64_t lo, int64_t hi, int64_t *after)
{
    char cur[GG_CURSOR_MAX + 1];
    int rc = gg_req_page(r, limit, cur, sizeof cur);
    *after = 0;
    if (rc) return rc;
    if (cur[0] && gg_parse_i64(cur, strlen(cur), lo, hi, after))
        return gg_fail(&r->err, GG_EINVAL, 400, "invalid_cursor", "cursor", "bad cursor");
    return 0;
}

int gg_api_bad_param(gg_req *r, const char *name, const char *msg)
{
    return gg_fail(&r->err, GG_EINVAL, 400, "invalid_parameter", name, "%s", msg);
}

int gg_api_query_bool(gg_req *r, const char *name, bool *out)
{
    const char *v = gg_req_query(r, name);
    *out = false;
    if (!v) return 0;
    if (strcmp(v, "true") == 0) *out = true;
    else if (strcmp(v, "false") != 0) return gg_api_bad_param(r, name, "use true or false");
    return 0;
}

int gg_api_query_id(gg_req *r, const char *name, int64_t *out)
{
    const char *v = gg_req_query(r, name);
    *out = 0;
    if (v && (gg_parse_i64(v, strlen(v), 1, INT64_MAX / 2, out) || v[0] == '0'))
        return gg_api_bad_param(r, name, "not an id");
    return 0;
}

int gg_api_query_int(gg_req *r, const char *name, int64_t lo, int64_t hi, int64_t dflt,
                     int64_t *out)
{
    const char *v = gg_req_query(r, name);
    *out = dflt;
    if (v && gg_parse_i64(v, strlen(v), lo, hi, out))
        return gg_fail(&r->err, GG_EINVAL, 400, "invalid_parameter", name,
                       "%s must be a whole number from %lld to %lld", name, (long long)lo,
                       (long long)hi);
    return 0;
}

int gg_api_query_time(gg_req *r, const char *name, int64_t *out)
{
    const char *v = gg_req_query(r, name);
    *out = 0;
    if (v && gg_time_parse(v, strlen(v), gg_display_offset_min(), out))
        return gg_api_bad_param(r, name, "use YYYY-MM-DD or an ISO 8601 time with offset");
    return 0;
}

int gg_api_query_level(gg_req *r, int dflt, int *kind)
{
    const char *v = gg_req_query(r, "level");
    *kind = dflt;
    if (!v) return 0;
    int k = gg_place_kind_parse(v);
    if (k != GG_PK_STREET && k != GG_PK_COMMUNITY && k != GG_PK_GRID)
        return gg_api_bad_param(r, "level", "level is street, community or grid");
    *kind = k;
    return 0;
}
