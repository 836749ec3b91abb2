/*
 * geo.c — the grid map in SQLite: boundaries with their R*Tree, points of
 * interest, and the grouped counts behind the map's aggregate layers.
 *
 * The R*Tree row of a boundary is written in the same transaction as the
 * boundary, so the two never disagree. Every read is bounded by its caller's
 * limit or streams rows to a callback. Reads by box start from the R*Tree
 * (CROSS JOIN fixes that order: left to itself the planner scans every place
 * of the kind and probes the R*Tree by id, a thousand times slower).
 */
#include <string.h>

#include "core/timeutil.h"
#include "domain/place.h"
#include "store/sqlite/db_int.h"

#define B_COLS                                                                              \
    "b.place_id, b.min_lon, b.min_lat, b.max_lon, b.max_lat, b.area_m2, b.centroid_lon, "   \
    "b.centroid_lat, b.vertices, b.version, b.updated_at, coalesce(b.updated_by, 0), "      \
    "p.kind, coalesce(p.parent_id, 0), p.code, p.name, p.path, "                             \
    "CASE WHEN ?9 THEN b.geojson END, CASE WHEN ?9 THEN b.wkb END"

static const char SQL_GET[] =
    "SELECT " B_COLS " FROM place_boundary b JOIN place p ON p.id = b.place_id WHERE b.place_id = ?1";
static const char SQL_CHILDREN[] =
    "SELECT " B_COLS " FROM place_boundary b JOIN place p ON p.id = b.place_id "
    "WHERE p.parent_id = ?1 AND p.active = 1 ORDER BY b.place_id LIMIT ?2";
static const char SQL_BBOX[] =
    "SELECT " B_COLS " FROM place_boundary_rtree r CROSS JOIN place_boundary b CROSS JOIN place p "
    "WHERE b.place_id = r.id AND p.id = r.id AND r.max_lon >= ?1 AND r.min_lon <= ?3 AND r.max_lat >= ?2 "
    "AND r.min_lat <= ?4 AND (?5 = '' OR p.kind = ?5) AND p.active = 1 AND r.id > ?6 "
    "ORDER BY r.id LIMIT ?7";
static const char SQL_SUBTREE[] =
    "SELECT " B_COLS " FROM place p JOIN place_boundary b ON b.place_id = p.id "
    "WHERE p.path >= ?1 AND p.path < ?2 AND (?5 = '' OR p.kind = ?5) AND p.id > ?6 "
    "ORDER BY p.id LIMIT ?7";
static const char SQL_CANDIDATES[] =
    "SELECT r.id, r.version FROM place_boundary_rtree r CROSS JOIN place p "
    "WHERE p.id = r.id AND r.min_lon <= ?1 AND r.max_lon >= ?1 "
    "AND r.min_lat <= ?2 AND r.max_lat >= ?2 AND p.kind = ?3 AND p.active = 1 ORDER BY r.id LIMIT ?4";
static const char SQL_COUNT[] =
    "SELECT count(*) FROM place_boundary b JOIN place p ON p.id = b.place_id WHERE (?1 = '' OR p.kind = ?1)";
static const char SQL_PUT[] =
    "INSERT INTO place_boundary (place_id, geojson, wkb, min_lon, min_lat, max_lon, max_lat, area_m2, "
    "centroid_lon, centroid_lat, vertices, version, updated_at, updated_by) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1, ?12, nullif(?13, 0)) "
    "ON CONFLICT (place_id) DO UPDATE SET geojson = excluded.geojson, wkb = excluded.wkb, "
    "min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, "
    "max_lat = excluded.max_lat, area_m2 = excluded.area_m2, centroid_lon = excluded.centroid_lon, "
    "centroid_lat = excluded.centroid_lat, vertices = excluded.vertices, version = version + 1, "
    "updated_at = excluded.updated_at, updated_by = excluded.updated_by RETURNING version";
static const char SQL_RTREE[] =
    "INSERT OR REPLACE INTO place_boundary_rtree (id, min_lon, max_lon, min_lat, max_lat, version) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

static int brow(gg_pool *p, sqlite3_stmt *st, gg_boundary_rec *o)
{
    memset(o, 0, sizeof *o);
    o->place_id = sqlite3_column_int64(st, 0);
    for (int i = 0; i < 4; i++) o->bbox[i] = sqlite3_column_double(st, 1 + i);
    o->area_m2 = sqlite3_column_double(st, 5);
    o->centroid_lon = sqlite3_column_double(st, 6);
    o->centroid_lat = sqlite3_column_double(st, 7);
    o->vertices = sqlite3_column_int64(st, 8);
    o->version = sqlite3_column_int64(st, 9);
    o->updated_at = sqlite3_column_int64(st, 10);
    o->updated_by = sqlite3_column_int64(st, 11);
    const char *kind = (const char *)sqlite3_column_text(st, 12);
    o->kind = kind ? gg_place_kind_parse(kind) : GG_PK_NONE;
    o->parent_id = sqlite3_column_int64(st, 13);
    o->code = gg_col_text(p, st, 14);
    o->name = gg_col_text(p, st, 15);
    o->path = gg_col_text(p, st, 16);
    if (!o->code || !o->name || !o->path) return GG_ENOMEM;
    if (sqlite3_column_type(st, 17) != SQLITE_NULL) {
        o->geojson = gg_col_text(p, st, 17);
        int n = sqlite3_column_bytes(st, 18);
        void *b = gg_palloc(p, (size_t)n + 1);
        if (!o->geojson || !b) return GG_ENOMEM;
        if (n) memcpy(b, sqlite3_column_blob(st, 18), (size_t)n);
        o->wkb = b;
        o->wkb_len = (size_t)n;
    }
    return 0;
}

/* Up to limit rows into a pool array that grows with the rows found (a
 * caller asking for "at most 20,000 children" of a place that has none
 * costs nothing: an import asks once per feature). */
static int collect(gg_pool *p, sqlite3_stmt *st, int limit, gg_boundary_rec **rows, int *n)
{
    gg_boundary_rec *out = NULL;
    int k = 0, cap = 0, src = SQLITE_DONE, rc = 0;
    while (k < limit && (src = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            int ncap = cap ? (cap * 2 < limit ? cap * 2 : limit) : (limit < 16 ? limit : 16);
            gg_boundary_rec *grown = gg_palloc(p, sizeof *grown * (size_t)ncap);
            if (!grown) {
                rc = GG_ENOMEM;
                break;
            }
            if (k) memcpy(grown, out, sizeof *out * (size_t)k);
            out = grown;
            cap = ncap;
        }
        if ((rc = brow(p, st, &out[k]))) break;
        k++;
    }
    if (!rc && src != SQLITE_ROW && src != SQLITE_DONE) rc = GG_EIO;
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return rc;
}

int gg_boundary_get(gg_conn *c, gg_pool *p, int64_t place_id, bool with_geom, gg_boundary_rec *out)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_GET);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, place_id);
    sqlite3_bind_int(st, 9, with_geom);
    int src = sqlite3_step(st);
    int rc = src == SQLITE_ROW ? brow(p, st, out) : src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
    sqlite3_reset(st);
    return rc;
}

int gg_boundary_children(gg_conn *c, gg_pool *p, int64_t parent_id, int limit,
                         gg_boundary_rec **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_CHILDREN);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, parent_id);
    sqlite3_bind_int(st, 2, limit);
    sqlite3_bind_int(st, 9, 1);
    return collect(p, st, limit, rows, n);
}

static const char *kind_or_empty(int kind)
{
    const char *k = kind ? gg_place_kind_name(kind) : NULL;
    return k ? k : "";
}

int gg_boundary_in_bbox(gg_conn *c, gg_pool *p, const double bbox[4], int kind, bool with_geom,
                        int64_t after, int limit, gg_boundary_rec **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_BBOX);
    if (!st) return GG_EIO;
    for (int i = 0; i < 4; i++) sqlite3_bind_double(st, 1 + i, bbox[i]);
    gg_bind_text(st, 5, kind_or_empty(kind));
    sqlite3_bind_int64(st, 6, after);
    sqlite3_bind_int(st, 7, limit);
    sqlite3_bind_int(st, 9, with_geom);
    return collect(p, st, limit, rows, n);
}

int gg_boundary_subtree(gg_conn *c, gg_pool *p, const char *root_path, int kind, int64_t after,
                        int limit, gg_boundary_rec **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_SUBTREE);
    if (!st) return GG_EIO;
    gg_bind_path_range(st, 1, root_path);
    gg_bind_text(st, 5, kind_or_empty(kind));
    sqlite3_bind_int64(st, 6, after);
    sqlite3_bind_int(st, 7, limit);
    sqlite3_bind_int(st, 9, 1);
    return collect(p, st, limit, rows, n);
}

int gg_boundary_candidates(gg_conn *c, double lon, double lat, int kind, int64_t *ids,
                           int64_t *versions, int cap)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_CANDIDATES);
    if (!st) return GG_EIO;
    sqlite3_bind_double(st, 1, lon);
    sqlite3_bind_double(st, 2, lat);
    gg_bind_text(st, 3, kind_or_empty(kind));
    sqlite3_bind_int(st, 4, cap);
    int k = 0, src;
    while (k < cap && (src = sqlite3_step(st)) == SQLITE_ROW) {
        ids[k] = sqlite3_column_int64(st, 0);
        versions[k] = sqlite3_column_int64(st, 1);
        k++;
    }
    sqlite3_reset(st);
    return k;
}

int64_t gg_boundary_count(gg_conn *c, int kind)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_COUNT);
    if (!st) return -1;
    gg_bind_text(st, 1, kind_or_empty(kind));
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return v;
}

int gg_boundary_put(gg_conn *w, gg_boundary_rec *b, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_PUT);
    if (!st) return gg_fail(e, GG_EIO, 500, "internal", "", "cannot store the boundary");
    sqlite3_bind_int64(st, 1, b->place_id);
    gg_bind_text(st, 2, b->geojson);
    sqlite3_bind_blob(st, 3, b->wkb, (int)b->wkb_len, SQLITE_STATIC);
    for (int i = 0; i < 4; i++) sqlite3_bind_double(st, 4 + i, b->bbox[i]);
    sqlite3_bind_double(st, 8, b->area_m2);
    sqlite3_bind_double(st, 9, b->centroid_lon);
    sqlite3_bind_double(st, 10, b->centroid_lat);
    sqlite3_bind_int64(st, 11, b->vertices);
    sqlite3_bind_int64(st, 12, b->updated_at ? b->updated_at : gg_now_us());
    sqlite3_bind_int64(st, 13, b->updated_by);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) b->version = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (src != SQLITE_ROW) return gg_sqlite_fail(w, src, e, "store the boundary");
    st = gg_stmt(w, SQL_RTREE);
    if (!st) return gg_fail(e, GG_EIO, 500, "internal", "", "cannot index the boundary");
    sqlite3_bind_int64(st, 1, b->place_id);
    sqlite3_bind_double(st, 2, b->bbox[0]);
    sqlite3_bind_double(st, 3, b->bbox[2]);
    sqlite3_bind_double(st, 4, b->bbox[1]);
    sqlite3_bind_double(st, 5, b->bbox[3]);
    sqlite3_bind_int64(st, 6, b->version);
    src = sqlite3_step(st);
    sqlite3_reset(st);
    return src == SQLITE_DONE ? 0 : gg_sqlite_fail(w, src, e, "index the boundary");
}

/* ---- points of interest ---- */

static const char SQL_POI_INSERT[] =
    "INSERT INTO map_poi (kind, place_id, place_path, name, lon, lat, phone, hours, account_id, "
    "duty_from, duty_to, created_at) VALUES (?1, ?2, (SELECT path FROM place WHERE id = ?2), ?3, ?4, "
    "?5, ?6, ?7, nullif(?8, 0), nullif(?9, 0), nullif(?10, 0), ?11)";
#define POI_WHERE                                                                           \
    "(?1 = '' OR kind = ?1) AND lon BETWEEN ?2 AND ?4 AND lat BETWEEN ?3 AND ?5 "           \
    "AND (kind <> 'volunteer' OR (duty_from <= ?6 AND duty_to > ?6))"
static const char SQL_POI_SCAN[] =
    "SELECT id, kind, place_id, place_path, name, coalesce(phone, ''), coalesce(hours, ''), lon, lat, "
    "coalesce(account_id, 0), coalesce(duty_from, 0), coalesce(duty_to, 0), created_at "
    "FROM map_poi WHERE " POI_WHERE " ORDER BY id";
static const char SQL_POI_COUNTS[] =
    "SELECT place_path, CASE kind WHEN 'service_centre' THEN 0 WHEN 'party_org' THEN 1 ELSE 2 END, "
    "count(*), sum(lon), sum(lat) FROM map_poi WHERE " POI_WHERE " GROUP BY place_path, kind";

int gg_poi_insert(gg_conn *w, gg_poi *poi, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_POI_INSERT);
    if (!st) return gg_fail(e, GG_EIO, 500, "internal", "", "cannot store the point");
    gg_bind_text(st, 1, poi->kind);
    sqlite3_bind_int64(st, 2, poi->place_id);
    gg_bind_text(st, 3, poi->name);
    sqlite3_bind_double(st, 4, poi->lon);
    sqlite3_bind_double(st, 5, poi->lat);
    gg_bind_text(st, 6, poi->phone);
    gg_bind_text(st, 7, poi->hours);
    sqlite3_bind_int64(st, 8, poi->account_id);
    sqlite3_bind_int64(st, 9, poi->duty_from);
    sqlite3_bind_int64(st, 10, poi->duty_to);
    sqlite3_bind_int64(st, 11, poi->created_at ? poi->created_at : gg_now_us());
    int rc = gg_stmt_run(w, st, e, "store the point");
    if (rc) return rc;
    poi->id = sqlite3_last_insert_rowid(w->db);
    return 0;
}

static void bind_poi(sqlite3_stmt *st, const char *kind, const double bbox[4], int64_t at)
{
    gg_bind_text(st, 1, kind ? kind : "");
    for (int i = 0; i < 4; i++) sqlite3_bind_double(st, 2 + i, bbox[i]);
    sqlite3_bind_int64(st, 6, at);
}

int gg_poi_scan(gg_conn *c, gg_pool *p, const char *kind, const double bbox[4], int64_t at,
                gg_poi_fn fn, void *arg)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_POI_SCAN);
    if (!st) return GG_EIO;
    bind_poi(st, kind, bbox, at);
    int src, rc = 0;
    while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
        gg_poi o = {.id = sqlite3_column_int64(st, 0),
                    .kind = (const char *)sqlite3_column_text(st, 1),
                    .place_id = sqlite3_column_int64(st, 2),
                    .place_path = (const char *)sqlite3_column_text(st, 3),
                    .name = (const char *)sqlite3_column_text(st, 4),
                    .phone = (const char *)sqlite3_column_text(st, 5),
                    .hours = (const char *)sqlite3_column_text(st, 6),
                    .lon = sqlite3_column_double(st, 7),
                    .lat = sqlite3_column_double(st, 8),
                    .account_id = sqlite3_column_int64(st, 9),
                    .duty_from = sqlite3_column_int64(st, 10),
                    .duty_to = sqlite3_column_int64(st, 11),
                    .created_at = sqlite3_column_int64(st, 12)};
        rc = fn(arg, &o); /* the row's text lives until the next step: fn copies what it keeps */
    }
    sqlite3_reset(st);
    (void)p;
    return rc > 0 ? 0 : rc;
}

/* Step a count statement whose rows are (place_path, bucket, count, sum_lon,
 * sum_lat) into fn; fn stops it by a non-zero return, a negative one is
 * passed on as the error. */
static int count_rows(sqlite3_stmt *st, gg_map_count_fn fn, void *arg)
{
    int rc = 0;
    while (!rc && sqlite3_step(st) == SQLITE_ROW)
        rc = fn(arg, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1),
                sqlite3_column_int64(st, 2), sqlite3_column_double(st, 3),
                sqlite3_column_double(st, 4));
    sqlite3_reset(st);
    return rc > 0 ? 0 : rc;
}

int gg_map_poi_counts(gg_conn *c, const char *kind, const double bbox[4], int64_t at,
                      gg_map_count_fn fn, void *arg)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_POI_COUNTS);
    if (!st) return GG_EIO;
    bind_poi(st, kind, bbox, at);
    return count_rows(st, fn, arg);
}

/* ---- cases on the map ---- */

#define BUCKET "CASE WHEN overdue = 1 OR (due_at IS NOT NULL AND due_at <= ?5) THEN 2 " \
               "WHEN due_at IS NOT NULL AND due_at < ?6 THEN 1 ELSE 0 END"
#define CASE_WHERE "closed_at IS NULL AND lon IS NOT NULL AND lon BETWEEN ?1 AND ?3 " \
                   "AND lat BETWEEN ?2 AND ?4"
static const char SQL_CASE_COUNTS[] =
    "SELECT place_path, b, count(*), sum(lon), sum(lat) FROM (SELECT place_path, lon, lat, " BUCKET
    " AS b FROM gcase WHERE " CASE_WHERE ") WHERE ?7 < 0 OR b = ?7 GROUP BY place_path, b";
static const char SQL_CASE_POINTS[] =
    "SELECT id, kind, title, place_path, lon, lat, b FROM (SELECT id, kind, title, place_path, lon, "
    "lat, " BUCKET " AS b FROM gcase WHERE " CASE_WHERE ") WHERE ?7 < 0 OR b = ?7 ORDER BY id";
static const char SQL_HEAT[] =
    "SELECT place_path, 0, count(*), sum(coalesce(lon, 0)), sum(coalesce(lat, 0)) FROM gcase "
    "WHERE place_path >= ?1 AND place_path < ?2 AND created_at >= ?3 AND created_at < ?4 "
    "GROUP BY place_path";

/* Residents with a key-group tag under the grids whose boundary box meets
 * bbox, by place path and tag (bucket = tag - 1); the R*Tree first. */
static const char SQL_KEYGROUP_COUNTS[] =
    "SELECT t.place_path, t.tag - 1, count(*), 0.0, 0.0 FROM place_boundary_rtree r "
    "CROSS JOIN place g CROSS JOIN resident_tag t "
    "WHERE r.max_lon >= ?1 AND r.min_lon <= ?3 AND r.max_lat >= ?2 AND r.min_lat <= ?4 "
    "AND g.id = r.id AND g.kind = 'grid' AND g.active = 1 "
    "AND t.place_path >= g.path AND t.place_path < " GG_SQL_PATH_UPPER("g.path") " "
    "AND (?5 = 0 OR t.tag = ?5) GROUP BY t.place_path, t.tag";

static void bind_cases(sqlite3_stmt *st, const double bbox[4], int64_t now, int64_t soon, int state)
{
    for (int i = 0; i < 4; i++) sqlite3_bind_double(st, 1 + i, bbox[i]);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_int64(st, 6, soon);
    sqlite3_bind_int(st, 7, state);
}

int gg_map_case_counts(gg_conn *c, const double bbox[4], int64_t now, int64_t soon, int state,
                       gg_map_count_fn fn, void *arg)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_CASE_COUNTS);
    if (!st) return GG_EIO;
    bind_cases(st, bbox, now, soon, state);
    return count_rows(st, fn, arg);
}

int gg_map_case_points(gg_conn *c, gg_pool *p, const double bbox[4], int64_t now, int64_t soon,
                       int state, gg_map_case_fn fn, void *arg)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_CASE_POINTS);
    if (!st) return GG_EIO;
    bind_cases(st, bbox, now, soon, state);
    int rc = 0;
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        gg_map_case_pt pt = {.id = sqlite3_column_int64(st, 0),
                             .kind = (const char *)sqlite3_column_text(st, 1),
                             .title = (const char *)sqlite3_column_text(st, 2),
                             .place_path = (const char *)sqlite3_column_text(st, 3),
                             .lon = sqlite3_column_double(st, 4),
                             .lat = sqlite3_column_double(st, 5),
                             .bucket = sqlite3_column_int(st, 6)};
        rc = fn(arg, &pt);
    }
    sqlite3_reset(st);
    (void)p;
    return rc > 0 ? 0 : rc;
}

int gg_map_keygroup_counts(gg_conn *c, const double bbox[4], int tag, gg_map_count_fn fn, void *arg)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_KEYGROUP_COUNTS);
    if (!st) return GG_EIO;
    for (int i = 0; i < 4; i++) sqlite3_bind_double(st, 1 + i, bbox[i]);
    sqlite3_bind_int(st, 5, tag);
    return count_rows(st, fn, arg);
}

int gg_map_heat_counts(gg_conn *c, const char *root_path, int64_t from, int64_t to,
                       gg_map_count_fn fn, void *arg)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_HEAT);
    if (!st) return GG_EIO;
    gg_bind_path_range(st, 1, root_path);
    sqlite3_bind_int64(st, 3, from);
    sqlite3_bind_int64(st, 4, to);
    return count_rows(st, fn, arg);
}

static const char SQL_SCATTER[] =
    "UPDATE gcase SET lon = ?3 + (?5 - ?3) * ((id * 7919) % 1009) / 1008.0, "
    "lat = ?4 + (?6 - ?4) * ((id * 104729) % 997) / 996.0 WHERE place_path >= ?1 AND place_path < ?2";

int gg_map_demo_scatter_cases(gg_conn *w, const char *root_path, const double box[4], gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_SCATTER);
    if (!st) return gg_fail(e, GG_EIO, 500, "internal", "", "cannot place the demo cases");
    gg_bind_path_range(st, 1, root_path);
    for (int i = 0; i < 4; i++) sqlite3_bind_double(st, 3 + i, box[i]);
    return gg_stmt_run(w, st, e, "place the demo cases");
}
