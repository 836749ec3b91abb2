/*
 * places.c — the place tree in SQLite. Each place stores its materialized id
 * path ("/1/5/23/"), so "everything under X" is one range scan on the
 * unique path index: path >= '/1/5/' AND path < '/1/50' ('/' + 1 == '0').
 * Moving a subtree rewrites the paths and codes of the whole range in one
 * UPDATE, inside the writer's transaction.
 */
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "core/timeutil.h"
#include "domain/place.h"
#include "store/sqlite/db_int.h"

#define PLACE_COLS                                                                   \
    "p.id, p.parent_id, p.kind, p.subtype, p.dedicated_kind, p.code, p.name, p.path, " \
    "p.depth, p.region, p.active, p.version, p.created_at, p.updated_at, "             \
    "(SELECT count(*) FROM place c WHERE c.parent_id = p.id AND c.active = 1)"

static const char SQL_GET[] = "SELECT " PLACE_COLS " FROM place p WHERE p.id = ?1";
static const char SQL_GET_CODE[] = "SELECT " PLACE_COLS " FROM place p WHERE p.code = ?1";
static const char SQL_CHILDREN[] =
    "SELECT " PLACE_COLS " FROM place p WHERE p.parent_id = ?1 AND p.code > ?2 "
    "AND (?3 OR p.active = 1) ORDER BY p.code LIMIT ?4";
static const char SQL_ROOTS[] =
    "SELECT " PLACE_COLS " FROM place p WHERE p.parent_id IS NULL AND p.code > ?2 "
    "AND (?3 OR p.active = 1) ORDER BY p.code LIMIT ?4";
static const char SQL_SUBTREE[] =
    "SELECT " PLACE_COLS " FROM place p WHERE p.path > ?1 AND p.path < ?2 AND p.path > ?3 "
    "AND (?4 OR p.active = 1) ORDER BY p.path LIMIT ?5";
static const char SQL_SUBTREE_KIND[] =
    "SELECT " PLACE_COLS " FROM place p WHERE p.kind = ?6 AND p.path > ?1 AND p.path < ?2 "
    "AND p.path > ?3 AND (?4 OR p.active = 1) ORDER BY p.path LIMIT ?5";
static const char SQL_SUBTREE_COUNT[] =
    "SELECT count(*) FROM place p WHERE p.path > ?1 AND p.path < ?2 AND (?3 = '' OR p.kind = ?3)";
static const char SQL_MAX_SEQ[] =
    "SELECT max(CAST(substr(code, ?2) AS INTEGER)) FROM place "
    "WHERE parent_id IS ?1 AND length(code) = ?3 AND substr(code, ?2) BETWEEN ?4 AND ?5";
static const char SQL_CODE_TAKEN[] = "SELECT 1 FROM place WHERE code = ?1";
static const char SQL_NEXT_ID[] = "SELECT coalesce(max(id), 0) + 1 FROM place";
static const char SQL_INSERT[] =
    "INSERT INTO place (id, parent_id, kind, subtype, dedicated_kind, code, name, path, depth, "
    "region, active, version, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, 1, ?11, ?11)";
static const char SQL_UPDATE[] =
    "UPDATE place SET name = ?2, subtype = ?3, dedicated_kind = ?4, version = version + 1, "
    "updated_at = ?5 WHERE id = ?1 AND version = ?6";
static const char SQL_HISTORY[] =
    "INSERT INTO place_history (place_id, at, actor_id, action, old_parent, new_parent, "
    "old_code, new_code, old_name, new_name, region) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, coalesce(?11, (SELECT region FROM place WHERE id = ?1)))";
static const char SQL_MOVE_RANGE[] =
    "UPDATE place SET path = ?3 || substr(path, length(?1) + 1), "
    "code = ?4 || substr(code, length(?5) + 1), depth = depth + ?6, region = substr(?4, 1, 6), "
    "version = version + 1, updated_at = ?7 WHERE path >= ?1 AND path < ?2";
static const char SQL_MOVE_NODE[] = "UPDATE place SET parent_id = ?2 WHERE id = ?1";
static const char SQL_SET_ACTIVE[] =
    "UPDATE place SET active = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1";
static const char SQL_ACTIVE_CHILDREN[] =
    "SELECT count(*) FROM place WHERE parent_id = ?1 AND active = 1";

static int row(gg_pool *p, sqlite3_stmt *st, gg_place *o)
{
    memset(o, 0, sizeof *o);
    o->id = sqlite3_column_int64(st, 0);
    o->parent_id = sqlite3_column_int64(st, 1);
    const char *kind = (const char *)sqlite3_column_text(st, 2);
    o->kind = kind ? gg_place_kind_parse(kind) : GG_PK_NONE;
    o->subtype = gg_col_text(p, st, 3);
    o->dedicated_kind = gg_col_text(p, st, 4);
    o->code = gg_col_text(p, st, 5);
    o->name = gg_col_text(p, st, 6);
    o->path = gg_col_text(p, st, 7);
    o->depth = sqlite3_column_int(st, 8);
    o->region = gg_col_text(p, st, 9);
    o->active = sqlite3_column_int(st, 10) != 0;
    o->version = sqlite3_column_int64(st, 11);
    o->created_at = sqlite3_column_int64(st, 12);
    o->updated_at = sqlite3_column_int64(st, 13);
    o->child_count = sqlite3_column_int64(st, 14);
    return (o->code && o->name && o->path && o->region) ? 0 : GG_ENOMEM;
}

static int get_one(gg_conn *c, gg_pool *p, sqlite3_stmt *st, gg_place *out)
{
    int src = sqlite3_step(st);
    int rc = src == SQLITE_ROW ? row(p, st, out) : src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
    sqlite3_reset(st);
    return rc;
}

int gg_place_get(gg_conn *c, gg_pool *p, int64_t id, gg_place *out)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_GET);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, id);
    return get_one(c, p, st, out);
}

int gg_place_get_by_code(gg_conn *c, gg_pool *p, const char *code, gg_place *out)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_GET_CODE);
    if (!st) return GG_EIO;
    gg_bind_text(st, 1, code);
    return get_one(c, p, st, out);
}

static int collect(gg_pool *p, sqlite3_stmt *st, int limit, gg_place **rows, int *n)
{
    gg_place *out = gg_palloc(p, sizeof *out * (size_t)(limit > 0 ? limit : 1));
    int k = 0, src, rc = 0;
    if (!out) return GG_ENOMEM;
    while (k < limit && (src = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rc = row(p, st, &out[k]))) break;
        k++;
    }
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return rc;
}

int gg_place_children(gg_conn *c, gg_pool *p, int64_t parent_id, bool include_inactive,
                      const char *after, int limit, gg_place **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, parent_id ? SQL_CHILDREN : SQL_ROOTS);
    if (!st) return GG_EIO;
    if (parent_id) sqlite3_bind_int64(st, 1, parent_id);
    gg_bind_text(st, 2, after ? after : "");
    sqlite3_bind_int(st, 3, include_inactive);
    sqlite3_bind_int(st, 4, limit);
    return collect(p, st, limit, rows, n);
}

int gg_place_subtree(gg_conn *c, gg_pool *p, const char *root_path, int kind,
                     bool include_inactive, const char *after, int limit, gg_place **rows,
                     int *n)
{
    sqlite3_stmt *st = gg_stmt(c, kind ? SQL_SUBTREE_KIND : SQL_SUBTREE);
    if (!st) return GG_EIO;
    gg_bind_path_range(st, 1, root_path);
    gg_bind_text(st, 3, after ? after : "");
    sqlite3_bind_int(st, 4, include_inactive);
    sqlite3_bind_int(st, 5, limit);
    if (kind) gg_bind_text(st, 6, gg_place_kind_name(kind));
    return collect(p, st, limit, rows, n);
}

int64_t gg_place_subtree_count(gg_conn *c, const char *root_path, int kind)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_SUBTREE_COUNT);
    if (!st) return -1;
    gg_bind_path_range(st, 1, root_path);
    gg_bind_text(st, 3, kind ? gg_place_kind_name(kind) : "");
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return v;
}

int gg_place_max_seq(gg_conn *c, int64_t parent_id, const char *parent_code, int digits, int lo,
                     int hi, int *out)
{
    char los[16], his[16];
    snprintf(los, sizeof los, "%0*d", digits, lo);
    snprintf(his, sizeof his, "%0*d", digits, hi);
    sqlite3_stmt *st = gg_stmt(c, SQL_MAX_SEQ);
    if (!st) return GG_EIO;
    if (parent_id) sqlite3_bind_int64(st, 1, parent_id);
    else sqlite3_bind_null(st, 1);
    size_t plen = parent_code ? strlen(parent_code) : 0;
    sqlite3_bind_int(st, 2, (int)plen + 1);
    sqlite3_bind_int(st, 3, (int)plen + digits);
    gg_bind_text(st, 4, los);
    gg_bind_text(st, 5, his);
    int src = sqlite3_step(st);
    *out = src == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_reset(st);
    return src == SQLITE_ROW ? 0 : GG_EIO;
}

bool gg_place_code_taken(gg_conn *c, const char *code)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_CODE_TAKEN);
    if (!st) return true;
    gg_bind_text(st, 1, code);
    bool taken = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return taken;
}

static int history(gg_conn *w, int64_t place_id, int64_t actor, const char *action,
                   int64_t old_parent, int64_t new_parent, const char *old_code,
                   const char *new_code, const char *old_name, const char *new_name,
                   const char *region, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_HISTORY);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "place history");
    sqlite3_bind_int64(st, 1, place_id);
    sqlite3_bind_int64(st, 2, gg_now_us());
    if (actor) sqlite3_bind_int64(st, 3, actor);
    gg_bind_text(st, 4, action);
    if (old_parent) sqlite3_bind_int64(st, 5, old_parent);
    if (new_parent) sqlite3_bind_int64(st, 6, new_parent);
    gg_bind_text(st, 7, old_code);
    gg_bind_text(st, 8, new_code);
    gg_bind_text(st, 9, old_name);
    gg_bind_text(st, 10, new_name);
    gg_bind_text(st, 11, region);
    return gg_stmt_run(w, st, e, "place history");
}

int gg_place_insert(gg_conn *w, gg_place *pl, int64_t actor, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_NEXT_ID);
    if (!st || sqlite3_step(st) != SQLITE_ROW) return gg_sqlite_fail(w, SQLITE_ERROR, e, "place id");
    pl->id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    char path[512];
    int n = snprintf(path, sizeof path, "%s%lld/", pl->parent_id ? pl->path : "/",
                     (long long)pl->id);
    if (n < 0 || (size_t)n >= sizeof path)
        return gg_fail(e, GG_EINVAL, 422, "too_deep", "parent_id", "the place tree is too deep");
    char region[7]; /* the 6-digit district code */
    gg_strlcpy(region, pl->code, sizeof region);
    int64_t now = gg_now_us();
    st = gg_stmt(w, SQL_INSERT);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "place insert");
    sqlite3_bind_int64(st, 1, pl->id);
    if (pl->parent_id) sqlite3_bind_int64(st, 2, pl->parent_id);
    gg_bind_text(st, 3, gg_place_kind_name(pl->kind));
    gg_bind_text(st, 4, pl->subtype);
    gg_bind_text(st, 5, pl->dedicated_kind);
    gg_bind_text(st, 6, pl->code);
    gg_bind_text(st, 7, pl->name);
    gg_bind_text(st, 8, path);
    sqlite3_bind_int(st, 9, pl->depth);
    gg_bind_text(st, 10, region);
    sqlite3_bind_int64(st, 11, now);
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        if ((src & 0xff) == SQLITE_CONSTRAINT)
            return gg_fail(e, GG_ECONFLICT, 409, "code_taken", "code", "code %s is already in use",
                           pl->code);
        return gg_sqlite_fail(w, src, e, "place insert");
    }
    return history(w, pl->id, actor, "create", 0, pl->parent_id, NULL, pl->code, NULL, pl->name,
                   region, e);
}

int gg_place_update(gg_conn *w, const gg_place *pl, int64_t expect_version, int64_t actor,
                    gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_UPDATE);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "place update");
    sqlite3_bind_int64(st, 1, pl->id);
    gg_bind_text(st, 2, pl->name);
    gg_bind_text(st, 3, pl->subtype);
    gg_bind_text(st, 4, pl->dedicated_kind);
    sqlite3_bind_int64(st, 5, gg_now_us());
    sqlite3_bind_int64(st, 6, expect_version);
    int rc = gg_stmt_run(w, st, e, "place update");
    if (rc) return rc;
    if (sqlite3_changes(w->db) != 1)
        return gg_fail(e, GG_ECONFLICT, 409, "stale_version", "version",
                       "the place was changed by someone else; reload it and try again");
    return history(w, pl->id, actor, "update", 0, 0, NULL, NULL, NULL, pl->name, NULL, e);
}

int gg_place_move(gg_conn *w, const gg_place *node, const gg_place *new_parent,
                  const char *new_code, int64_t actor, gg_error *e)
{
    char new_path[512];
    int n = snprintf(new_path, sizeof new_path, "%s%lld/", new_parent->path, (long long)node->id);
    if (n < 0 || (size_t)n >= sizeof new_path)
        return gg_fail(e, GG_EINVAL, 422, "too_deep", "parent_id", "the place tree is too deep");
    sqlite3_stmt *st = gg_stmt(w, SQL_MOVE_RANGE);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "place move");
    gg_bind_path_range(st, 1, node->path);
    gg_bind_text(st, 3, new_path);
    gg_bind_text(st, 4, new_code);
    gg_bind_text(st, 5, node->code);
    sqlite3_bind_int(st, 6, new_parent->depth + 1 - node->depth);
    sqlite3_bind_int64(st, 7, gg_now_us());
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        if ((src & 0xff) == SQLITE_CONSTRAINT)
            return gg_fail(e, GG_ECONFLICT, 409, "code_taken", "code",
                           "the moved codes collide with existing codes");
        return gg_sqlite_fail(w, src, e, "place move");
    }
    st = gg_stmt(w, SQL_MOVE_NODE);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "place move");
    sqlite3_bind_int64(st, 1, node->id);
    sqlite3_bind_int64(st, 2, new_parent->id);
    src = sqlite3_step(st);
    sqlite3_reset(st);
    if (src != SQLITE_DONE) return gg_sqlite_fail(w, src, e, "place move");
    char region[7]; /* the 6-digit district code */
    gg_strlcpy(region, new_code, sizeof region);
    return history(w, node->id, actor, "move", node->parent_id, new_parent->id, node->code,
                   new_code, NULL, NULL, region, e);
}

int gg_place_set_active(gg_conn *w, int64_t id, bool active, int64_t actor, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_SET_ACTIVE);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "place state");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, active);
    sqlite3_bind_int64(st, 3, gg_now_us());
    int rc = gg_stmt_run(w, st, e, "place state");
    if (rc) return rc;
    if (sqlite3_changes(w->db) != 1)
        return gg_fail(e, GG_ENOTFOUND, 404, "not_found", "", "no such place");
    return history(w, id, actor, active ? "activate" : "deactivate", 0, 0, NULL, NULL, NULL, NULL,
                   NULL, e);
}

int64_t gg_place_active_children(gg_conn *c, int64_t id)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_ACTIVE_CHILDREN);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return v;
}

static const char SQL_HISTORY_LIST[] =
    "SELECT id, at, coalesce(actor_id, 0), coalesce(old_parent, 0), coalesce(new_parent, 0), "
    "action, old_code, new_code, old_name, new_name FROM place_history "
    "WHERE place_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3";

int gg_place_history(gg_conn *c, gg_pool *p, int64_t place_id, int64_t after, int limit,
                     gg_place_event **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_HISTORY_LIST);
    if (!st) return GG_EIO;
    gg_place_event *out = gg_pcalloc(p, sizeof *out * (size_t)(limit > 0 ? limit : 1));
    if (!out) return GG_ENOMEM;
    sqlite3_bind_int64(st, 1, place_id);
    sqlite3_bind_int64(st, 2, after);
    sqlite3_bind_int(st, 3, limit);
    int k = 0;
    while (k < limit && sqlite3_step(st) == SQLITE_ROW) {
        gg_place_event *ev = &out[k++];
        ev->id = sqlite3_column_int64(st, 0);
        ev->at = sqlite3_column_int64(st, 1);
        ev->actor_id = sqlite3_column_int64(st, 2);
        ev->old_parent = sqlite3_column_int64(st, 3);
        ev->new_parent = sqlite3_column_int64(st, 4);
        ev->action = gg_col_text(p, st, 5);
        ev->old_code = gg_col_text(p, st, 6);
        ev->new_code = gg_col_text(p, st, 7);
        ev->old_name = gg_col_text(p, st, 8);
        ev->new_name = gg_col_text(p, st, 9);
    }
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return 0;
}
