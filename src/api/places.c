/*
 * places.c — the place tree over HTTP: roots of the caller's scope,
 * children, subtree, get, create, update, move, deactivate/activate,
 * history. Writes validate with domain/place rules, then run in the
 * writer's group commit, where they re-read what they depend on (another
 * write may have committed since the request was checked).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/str.h"
#include "domain/authz.h"
#include "domain/place.h"

static int reply_place(gg_req *r, int status, int64_t id)
{
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_place p;
    int rc = gg_place_get(c, r->pool, id, &p);
    if (rc) return gg_fail(&r->err, rc, rc == GG_ENOTFOUND ? 404 : 500, "not_found", "", "no such place");
    gg_api_place_json(gg_req_json(r, status), &p);
    return 0;
}

/* rows holds up to limit + 1 places (callers ask the store for one more than
 * the page): the extra one only tells that a next page exists. */
static void write_list(gg_req *r, gg_place *rows, int n, int limit, bool by_path)
{
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    int shown = n < limit ? n : limit;
    for (int i = 0; i < shown; i++) gg_api_place_json(w, &rows[i]);
    const char *next = n > limit ? (by_path ? rows[limit - 1].path : rows[limit - 1].code) : NULL;
    gg_api_list_end(w, r->pool, next);
}

static bool want_inactive(gg_req *r)
{
    const char *v = gg_req_query(r, "include_inactive");
    return v && strcmp(v, "true") == 0;
}

static int by_code(const void *a, const void *b)
{
    return strcmp(((const gg_place *)a)->code, ((const gg_place *)b)->code);
}

/* The roots of the caller's scope: the districts for a global caller, else
 * the places assigned to them — ordered by code and paged like any list. */
int gg_h_places_roots(gg_req *r)
{
    int limit;
    char after[GG_CURSOR_MAX + 1];
    int rc = gg_req_page(r, &limit, after, sizeof after);
    if (rc) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_place *rows;
    int n = 0;
    if (r->who->global_scope) {
        rc = gg_place_children(c, r->pool, 0, want_inactive(r), after, limit + 1, &rows, &n);
        if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot list places");
        write_list(r, rows, n, limit, false);
        return 0;
    }
    rows = gg_pcalloc(r->pool, sizeof *rows * (size_t)(r->who->nplaces + 1));
    if (!rows) return GG_ENOMEM;
    for (int i = 0; i < r->who->nplaces; i++) {
        gg_place *p = &rows[n];
        if (gg_place_get(c, r->pool, r->who->place_ids[i], p) == 0 &&
            (p->active || want_inactive(r)) && strcmp(p->code, after) > 0)
            n++;
    }
    qsort(rows, (size_t)n, sizeof *rows, by_code);
    write_list(r, rows, n, limit, false);
    return 0;
}

int gg_h_place_get(gg_req *r)
{
    gg_api_place_json(gg_req_json(r, 200), r->obj);
    return 0;
}

int gg_h_place_children(gg_req *r)
{
    const gg_place *p = r->obj;
    int limit;
    char after[GG_CURSOR_MAX + 1];
    int rc = gg_req_page(r, &limit, after, sizeof after);
    if (rc) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_place *rows;
    int n;
    rc = gg_place_children(c, r->pool, p->id, want_inactive(r), after, limit + 1, &rows, &n);
    if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot list places");
    write_list(r, rows, n, limit, false);
    return 0;
}

int gg_h_place_subtree(gg_req *r)
{
    const gg_place *p = r->obj;
    int limit, kind = GG_PK_NONE;
    char after[GG_CURSOR_MAX + 1];
    int rc = gg_req_page(r, &limit, after, sizeof after);
    if (rc) return rc;
    const char *k = gg_req_query(r, "kind");
    if (k && (kind = gg_place_kind_parse(k)) == GG_PK_NONE)
        return gg_fail(&r->err, GG_EINVAL, 400, "invalid_parameter", "kind", "unknown place kind");
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_place *rows;
    int n;
    rc = gg_place_subtree(c, r->pool, p->path, kind, want_inactive(r), after, limit + 1, &rows, &n);
    if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot list places");
    write_list(r, rows, n, limit, true);
    return 0;
}

/* ---- create ---- */

typedef struct place_write {
    gg_pool *pool;
    gg_place pl;           /* the new or changed place */
    int64_t parent_id;
    int64_t actor;
    int64_t expect_version;
    bool code_given;
    bool active;
} place_write;

/* Give pl a code under parent: the next free sequence in its subtype's range. */
static int allocate_code(gg_conn *w, gg_place *pl, const gg_place *parent, gg_pool *pool,
                         gg_error *e)
{
    int digits, lo, hi, max = 0;
    const char *st = pl->subtype ? pl->subtype : gg_place_default_subtype(pl->kind);
    if (gg_place_seq_range(pl->kind, st, &digits, &lo, &hi))
        return gg_fail(e, GG_EINVAL, 422, "missing_field", "code", "a district needs its code");
    if (gg_place_max_seq(w, parent->id, parent->code, digits, lo, hi, &max))
        return gg_fail(e, GG_EIO, 500, "internal", "", "cannot allocate a code");
    int seq = max >= lo ? max + 1 : lo;
    char *code = gg_palloc(pool, GG_PLACE_CODE_MAX);
    if (!code) return GG_ENOMEM;
    if (seq > hi || gg_place_code_compose(pl->kind, st, parent->code, seq, code, GG_PLACE_CODE_MAX))
        return gg_fail(e, GG_ECONFLICT, 409, "codes_exhausted", "code",
                       "no free code left under %s for a %s", parent->code, st ? st : "place");
    pl->code = code;
    return 0;
}

static int create_fn(gg_conn *w, void *arg, gg_error *e)
{
    place_write *pw = arg;
    gg_place parent = {0};
    if (pw->parent_id) {
        int rc = gg_place_get(w, pw->pool, pw->parent_id, &parent);
        if (rc) return gg_fail(e, GG_EINVAL, 422, "invalid_reference", "parent_id", "no such place");
        if (!parent.active)
            return gg_fail(e, GG_ECONFLICT, 409, "parent_inactive", "parent_id",
                           "the parent place is deactivated");
        pw->pl.path = parent.path;
        pw->pl.depth = parent.depth + 1;
        if (!pw->code_given) {
            rc = allocate_code(w, &pw->pl, &parent, pw->pool, e);
            if (rc) return rc;
        }
    }
    if (gg_place_code_taken(w, pw->pl.code))
        return gg_fail(e, GG_ECONFLICT, 409, "code_taken", "code", "code %s is already in use",
                       pw->pl.code);
    return gg_place_insert(w, &pw->pl, pw->actor, e);
}

static int create_then(gg_req *r)
{
    place_write *pw = r->w.arg;
    char loc[64];
    snprintf(loc, sizeof loc, "/api/v1/places/%lld", (long long)pw->pl.id);
    gg_req_header_add(r, "Location", gg_pstrdup(r->pool, loc));
    return reply_place(r, 201, pw->pl.id);
}

static const gg_jr_field create_fields[] = {
    {"parent_id", GG_JR_ID, false, true, 0, 0},
    {"kind", GG_JR_STRING, true, false, 1, 32},
    {"subtype", GG_JR_STRING, false, true, 1, 32},
    {"dedicated_kind", GG_JR_STRING, false, true, 1, 32},
    {"name", GG_JR_STRING, true, false, 1, 64},
    {"code", GG_JR_STRING, false, true, 6, 23},
};

int gg_h_place_create(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, create_fields, GG_ARRAY_LEN(create_fields), &j);
    if (rc) return rc;
    const gg_place *parent = r->obj; /* NULL for a district */
    place_write *pw = gg_pcalloc(r->pool, sizeof *pw);
    if (!pw) return GG_ENOMEM;
    pw->pool = r->pool;
    pw->actor = r->who->user_id;
    gg_place_spec spec = {
        .kind = gg_place_kind_parse(gg_jr_str(j, "kind", "")),
        .subtype = gg_jr_str(j, "subtype", NULL),
        .dedicated_kind = gg_jr_str(j, "dedicated_kind", NULL),
        .name = gg_jr_str(j, "name", ""),
        .code = gg_jr_str(j, "code", NULL),
    };
    if (spec.kind == GG_PK_NONE)
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_kind", "kind", "unknown place kind");
    if (spec.kind == GG_PK_DISTRICT && !spec.code)
        return gg_fail(&r->err, GG_EINVAL, 422, "missing_field", "code",
                       "a district needs its 6-digit GB/T 2260 code");
    rc = gg_place_validate(&spec, parent ? parent->kind : GG_PK_NONE, parent ? parent->code : NULL,
                           &r->err);
    if (rc) return rc;
    pw->parent_id = parent ? parent->id : 0;
    pw->code_given = spec.code != NULL;
    pw->pl = (gg_place){
        .parent_id = pw->parent_id,
        .kind = spec.kind,
        .subtype = spec.subtype ? spec.subtype : gg_place_default_subtype(spec.kind),
        .dedicated_kind = spec.dedicated_kind,
        .code = spec.code,
        .name = spec.name,
        .depth = 0,
    };
    return gg_req_defer(r, create_fn, pw, create_then);
}

/* ---- update ---- */

static int update_fn(gg_conn *w, void *arg, gg_error *e)
{
    place_write *pw = arg;
    gg_place cur;
    if (gg_place_get(w, pw->pool, pw->pl.id, &cur)) return gg_fail(e, GG_ENOTFOUND, 404, "not_found", "", "no such place");
    if (pw->expect_version && pw->expect_version != cur.version)
        return gg_fail(e, GG_ECONFLICT, 409, "stale_version", "version",
                       "the place was changed by someone else; reload it and try again");
    pw->pl.region = cur.region;
    return gg_place_update(w, &pw->pl, cur.version, pw->actor, e);
}

static int update_then(gg_req *r)
{
    place_write *pw = r->w.arg;
    return reply_place(r, 200, pw->pl.id);
}

static const gg_jr_field update_fields[] = {
    {"name", GG_JR_STRING, false, false, 1, 64},
    {"subtype", GG_JR_STRING, false, true, 1, 32},
    {"dedicated_kind", GG_JR_STRING, false, true, 1, 32},
    {"version", GG_JR_INT, false, false, 1, INT32_MAX},
};

int gg_h_place_update(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, update_fields, GG_ARRAY_LEN(update_fields), &j);
    if (rc) return rc;
    const gg_place *cur = r->obj;
    place_write *pw = gg_pcalloc(r->pool, sizeof *pw);
    if (!pw) return GG_ENOMEM;
    pw->pool = r->pool;
    pw->actor = r->who->user_id;
    pw->expect_version = gg_jr_int(j, "version", 0);
    pw->pl = *cur;
    pw->pl.name = gg_jr_str(j, "name", cur->name);
    if (gg_jr_has(j, "subtype")) pw->pl.subtype = gg_jr_str(j, "subtype", gg_place_default_subtype(cur->kind));
    if (gg_jr_has(j, "dedicated_kind")) pw->pl.dedicated_kind = gg_jr_str(j, "dedicated_kind", NULL);
    /* the subtype decides the code's range: changing it must keep the code valid */
    gg_place parent = {0};
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    if (cur->parent_id && gg_place_get(c, r->pool, cur->parent_id, &parent))
        return gg_fail(&r->err, GG_EIO, 500, "internal", "", "cannot read the parent");
    gg_place_spec spec = {cur->kind, pw->pl.subtype, pw->pl.dedicated_kind, pw->pl.name, cur->code};
    rc = gg_place_validate(&spec, cur->parent_id ? parent.kind : GG_PK_NONE,
                           cur->parent_id ? parent.code : NULL, &r->err);
    if (rc) return rc;
    return gg_req_defer(r, update_fn, pw, update_then);
}

/* ---- move ---- */

static int move_fn(gg_conn *w, void *arg, gg_error *e)
{
    place_write *pw = arg;
    gg_place node, np;
    if (gg_place_get(w, pw->pool, pw->pl.id, &node)) return gg_fail(e, GG_ENOTFOUND, 404, "not_found", "", "no such place");
    if (gg_place_get(w, pw->pool, pw->parent_id, &np))
        return gg_fail(e, GG_EINVAL, 422, "invalid_reference", "parent_id", "no such place");
    gg_place_ref a = {node.id, node.kind, node.path, node.code, node.active, node.parent_id};
    gg_place_ref b = {np.id, np.kind, np.path, np.code, np.active, np.parent_id};
    int rc = gg_place_move_check(&a, &b, e);
    if (rc) return rc;
    gg_place moved = node;
    if (pw->code_given) {
        rc = gg_place_code_check(node.kind, node.subtype, np.code, pw->pl.code, e);
        if (rc) return rc;
        moved.code = pw->pl.code;
    } else {
        rc = allocate_code(w, &moved, &np, pw->pool, e);
        if (rc) return rc;
    }
    if (gg_place_code_taken(w, moved.code))
        return gg_fail(e, GG_ECONFLICT, 409, "code_taken", "code", "code %s is already in use",
                       moved.code);
    return gg_place_move(w, &node, &np, moved.code, pw->actor, e);
}

static const gg_jr_field move_fields[] = {
    {"parent_id", GG_JR_ID, true, false, 0, 0},
    {"code", GG_JR_STRING, false, true, 9, 23},
};

int gg_h_place_move(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, move_fields, GG_ARRAY_LEN(move_fields), &j);
    if (rc) return rc;
    const gg_place *cur = r->obj;
    place_write *pw = gg_pcalloc(r->pool, sizeof *pw);
    if (!pw) return GG_ENOMEM;
    pw->pool = r->pool;
    pw->actor = r->who->user_id;
    pw->pl = *cur;
    pw->parent_id = gg_jr_id(j, "parent_id");
    pw->code_given = gg_jr_str(j, "code", NULL) != NULL;
    if (pw->code_given) pw->pl.code = gg_jr_str(j, "code", NULL);
    return gg_req_defer(r, move_fn, pw, update_then);
}

/* ---- deactivate / activate ---- */

static int state_fn(gg_conn *w, void *arg, gg_error *e)
{
    place_write *pw = arg;
    gg_place cur;
    if (gg_place_get(w, pw->pool, pw->pl.id, &cur)) return gg_fail(e, GG_ENOTFOUND, 404, "not_found", "", "no such place");
    if (cur.active == pw->active)
        return gg_fail(e, GG_ECONFLICT, 409, "no_change", "", "the place is already %s",
                       pw->active ? "active" : "deactivated");
    if (!pw->active) {
        int64_t n = gg_place_active_children(w, cur.id);
        if (n != 0)
            return gg_fail(e, GG_ECONFLICT, 409, "has_active_children", "",
                           "deactivate its %lld active children first", (long long)n);
    } else if (cur.parent_id) {
        gg_place parent;
        if (gg_place_get(w, pw->pool, cur.parent_id, &parent) == 0 && !parent.active)
            return gg_fail(e, GG_ECONFLICT, 409, "parent_inactive", "",
                           "activate the parent place first");
    }
    return gg_place_set_active(w, cur.id, pw->active, pw->actor, e);
}

static int set_state(gg_req *r, bool active)
{
    const gg_place *cur = r->obj;
    place_write *pw = gg_pcalloc(r->pool, sizeof *pw);
    if (!pw) return GG_ENOMEM;
    pw->pool = r->pool;
    pw->actor = r->who->user_id;
    pw->pl = *cur;
    pw->active = active;
    return gg_req_defer(r, state_fn, pw, update_then);
}

int gg_h_place_deactivate(gg_req *r) { return set_state(r, false); }
int gg_h_place_activate(gg_req *r) { return set_state(r, true); }

/* ---- history ---- */

int gg_h_place_history(gg_req *r)
{
    const gg_place *p = r->obj;
    int limit;
    int64_t after_id;
    int rc = gg_api_page_num(r, &limit, 0, INT64_MAX, &after_id);
    if (rc) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_place_event *ev;
    int n;
    rc = gg_place_history(c, r->pool, p->id, after_id, limit + 1, &ev, &n);
    if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot read history");
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 0; i < n && i < limit; i++) {
        gg_jw_obj(w);
        gg_jw_kid(w, "id", ev[i].id);
        gg_jw_ktime(w, "at", ev[i].at);
        gg_jw_kid(w, "actor_id", ev[i].actor_id);
        gg_jw_kstr(w, "action", ev[i].action);
        gg_jw_kid(w, "old_parent_id", ev[i].old_parent);
        gg_jw_kid(w, "new_parent_id", ev[i].new_parent);
        gg_jw_kstr(w, "old_code", ev[i].old_code);
        gg_jw_kstr(w, "new_code", ev[i].new_code);
        gg_jw_kstr(w, "new_name", ev[i].new_name);
        gg_jw_obj_end(w);
    }
    gg_api_list_end_at(w, r->pool, n, limit, n > limit ? ev[limit - 1].id : 0);
    return 0;
}
