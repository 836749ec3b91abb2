/*
 * map.c — the command centre's map: boundaries in a box, point → grid,
 * and the layers (open cases by deadline state, points of interest, the
 * nearest service centre, a heat map of concerns).
 *
 * Whatever the data size, a response carries at most MAX_FEATURES
 * features: points when they fit at a close zoom, else counts aggregated
 * per grid, community or street at the place's label point, going up a
 * level until they fit. Every count comes from one "count source" (a
 * function that streams (place path, bucket, count) groups, see
 * gg_map_count_fn): cases, points of interest and the heat map are three
 * sources over one aggregator, so another count (key groups per grid from
 * the registry) is one more small source function.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/map.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/authz.h"
#include "domain/place.h"
#include "domain/registry.h"

static void pool_free_cb(void *p) { gg_pool_free(p); }

#define MAX_FEATURES 2000
#define MAX_BBOX_DEG 5.0       /* widest box a layer answers for */
#define POINT_ZOOM 16          /* cases as points from this zoom on (when they fit) */
#define POI_POINT_ZOOM 14
#define WALK_M_PER_MIN 80.0
#define DETOUR 1.3             /* street distance / straight line: a common urban estimate */
#define WALK_LIMIT_MIN 15.0

/* ---- query parameters ------------------------------------------------------ */

static int q_double(gg_req *r, const char *name, double lo, double hi, bool required, double *out)
{
    const char *v = gg_req_query(r, name);
    if (!v) return required ? gg_api_bad_param(r, name, "a number is required") : 0;
    char *end;
    double d = strtod(v, &end);
    if (!*v || *end || !isfinite(d) || d < lo || d > hi) return gg_api_bad_param(r, name, "a number in range is required");
    *out = d;
    return 0;
}

static int q_bbox(gg_req *r, double b[4])
{
    const char *v = gg_req_query(r, "bbox");
    if (!v || strlen(v) > 128) return gg_api_bad_param(r, "bbox", "bbox=west,south,east,north (WGS 84 degrees) is required");
    const char *p = v;
    for (int i = 0; i < 4; i++) {
        char *end;
        b[i] = strtod(p, &end);
        if (end == p || !isfinite(b[i]) || (i < 3 ? *end != ',' : *end != 0))
            return gg_api_bad_param(r, "bbox", "bbox=west,south,east,north (WGS 84 degrees)");
        p = end + 1;
    }
    if (b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 || b[0] > b[2] || b[1] > b[3])
        return gg_api_bad_param(r, "bbox", "bbox out of range or west > east / south > north");
    if (b[2] - b[0] > MAX_BBOX_DEG || b[3] - b[1] > MAX_BBOX_DEG)
        return gg_api_bad_param(r, "bbox", "bbox wider than 5 degrees");
    return 0;
}

/* lat/lon (and coord) from the query, as WGS 84. */
static int q_point(gg_req *r, double *lon, double *lat)
{
    int rc;
    bool gcj = false;
    if ((rc = q_double(r, "lat", -90, 90, true, lat)) || (rc = q_double(r, "lon", -180, 180, true, lon)) ||
        (rc = gg_map_coord_parse(r, gg_req_query(r, "coord"), "coord", &gcj)))
        return rc;
    if (gcj) {
        gg_geo_pt p = gg_geo_gcj02_to_wgs84((gg_geo_pt){*lon, *lat});
        *lon = p.lon;
        *lat = p.lat;
    }
    return 0;
}

static void pt_json(gg_jw *w, double lon, double lat)
{
    gg_jw_key(w, "geometry");
    gg_jw_obj(w);
    gg_jw_kstr(w, "type", "Point");
    gg_jw_key(w, "coordinates");
    gg_jw_arr(w);
    gg_jw_double(w, round(lon * 1e7) / 1e7);
    gg_jw_double(w, round(lat * 1e7) / 1e7);
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
}

/* A pool of its own for work bigger than a request's pool allows; freed
 * with the request. */
static gg_pool *scratch(gg_req *r)
{
    gg_pool *p = gg_pool_new(128u << 20);
    if (p && gg_pool_cleanup(r->pool, pool_free_cb, p)) return NULL;
    return p;
}

static void fc_begin(gg_jw *w)
{
    gg_jw_obj(w);
    gg_jw_kstr(w, "type", "FeatureCollection");
    gg_jw_key(w, "features");
    gg_jw_arr(w);
}

/* ---- boundaries in a box ------------------------------------------------------ */

int gg_h_map_boundaries(gg_req *r)
{
    double b[4];
    int kind, rc;
    if ((rc = q_bbox(r, b)) || (rc = gg_api_query_level(r, GG_PK_GRID, &kind))) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_jw *w = gg_req_json(r, 200);
    fc_begin(w);
    int shown = 0, page = 500;
    bool more = true;
    int64_t after = 0;
    /* scoped callers: pages of the box until the cap, each row checked */
    for (int pages = 0; more && shown < MAX_FEATURES && pages < 400; pages++) {
        gg_boundary_rec *rows;
        int n = 0;
        gg_pool *pp = gg_pool_new(64u << 20);
        if (!pp) return GG_ENOMEM;
        if (gg_boundary_in_bbox(c, pp, b, kind, true, after, page, &rows, &n)) {
            gg_pool_free(pp);
            return GG_EIO;
        }
        more = n == page;
        for (int i = 0; i < n && shown < MAX_FEATURES; i++) {
            after = rows[i].place_id;
            if (!gg_scope_covers(r->who, rows[i].path)) continue;
            gg_jw_obj(w);
            gg_jw_kstr(w, "type", "Feature");
            gg_jw_kid(w, "id", rows[i].place_id);
            gg_jw_key(w, "geometry");
            gg_jw_raw(w, rows[i].geojson, strlen(rows[i].geojson));
            gg_jw_key(w, "properties");
            gg_jw_obj(w);
            gg_jw_kid(w, "id", rows[i].place_id);
            gg_jw_kstr(w, "code", rows[i].code);
            gg_jw_kstr(w, "name", rows[i].name);
            gg_jw_kstr(w, "kind", gg_place_kind_name(rows[i].kind));
            gg_jw_kid(w, "parent_id", rows[i].parent_id);
            gg_jw_obj_end(w);
            gg_jw_obj_end(w);
            shown++;
        }
        if (shown >= MAX_FEATURES && n) more = true;
        gg_pool_free(pp);
    }
    gg_jw_arr_end(w);
    gg_jw_kbool(w, "truncated", shown >= MAX_FEATURES && more);
    gg_jw_kint(w, "limit", MAX_FEATURES);
    gg_jw_obj_end(w);
    return 0;
}

/* ---- locate ------------------------------------------------------------------------ */

/* A place's code, name and kind: from its boundary row when it has one
 * (gg_place_get also counts the place's children, which a community of a
 * hundred grids makes the dearer read), else from the place. */
static int place_brief(gg_conn *c, gg_pool *p, int64_t id, gg_boundary_rec *out)
{
    if (!gg_boundary_get(c, p, id, false, out)) return 0;
    gg_place pl;
    int rc = gg_place_get(c, p, id, &pl);
    if (rc) return rc;
    *out = (gg_boundary_rec){.place_id = pl.id, .kind = pl.kind, .parent_id = pl.parent_id,
                             .code = pl.code, .name = pl.name, .path = pl.path};
    return 0;
}

static void path_json(gg_jw *w, gg_conn *c, gg_pool *p, const char *path)
{
    gg_jw_key(w, "path");
    gg_jw_arr(w);
    for (const char *s = path; *s == '/' && s[1];) {
        const char *e = strchr(s + 1, '/');
        if (!e) break;
        int64_t id;
        gg_boundary_rec pl;
        if (!gg_parse_i64(s + 1, (size_t)(e - s - 1), 1, INT64_MAX / 2, &id) &&
            !place_brief(c, p, id, &pl)) {
            gg_jw_obj(w);
            gg_jw_kid(w, "id", pl.place_id);
            gg_jw_kstr(w, "code", pl.code);
            gg_jw_kstr(w, "name", pl.name);
            gg_jw_kstr(w, "kind", gg_place_kind_name(pl.kind));
            gg_jw_obj_end(w);
        }
        s = e;
    }
    gg_jw_arr_end(w);
}

int gg_h_map_locate(gg_req *r)
{
    double lon, lat;
    int rc = q_point(r, &lon, &lat);
    if (rc) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    int64_t id;
    rc = gg_map_locate(c, lon, lat, &id);
    if (rc == GG_ENOTFOUND)
        return gg_fail(&r->err, rc, 404, "outside_area", "lat", "no grid holds this point");
    if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot locate the point");
    gg_boundary_rec pl;
    if (place_brief(c, r->pool, id, &pl)) return GG_EIO;
    if (!gg_scope_covers(r->who, pl.path))
        return gg_fail(&r->err, GG_EFORBIDDEN, 403, "out_of_scope", "",
                       "this point lies outside the places assigned to you");
    gg_jw *w = gg_req_json(r, 200);
    gg_jw_obj(w);
    gg_jw_kid(w, "place_id", pl.place_id);
    gg_jw_kstr(w, "code", pl.code);
    gg_jw_kstr(w, "name", pl.name);
    gg_jw_key(w, "lon");
    gg_jw_double(w, lon);
    gg_jw_key(w, "lat");
    gg_jw_double(w, lat);
    path_json(w, c, r->pool, pl.path);
    gg_jw_obj_end(w);
    return 0;
}

/* ---- aggregation ------------------------------------------------------------------ */

#define MAX_BUCKETS 17 /* the registry's key groups are the most buckets */

typedef struct cell {
    int64_t id;     /* the place at the level (0: empty slot) */
    int64_t n[MAX_BUCKETS], total;
    double sx, sy;  /* sums of the points' lon and lat */
} cell;

typedef struct agg {
    const gg_principal *who;
    unsigned scoped;    /* buckets (bit per bucket) whose groups outside the caller's scope drop */
    int depth;          /* 1 street, 2 community, 3 grid */
    cell *cells;
    size_t cap, n;
    gg_pool *pool;
    bool overflow;
} agg;

/* The id at depth d of a path "/1/5/23/", or of its deepest place above d. */
static int64_t ancestor_at(const char *path, int depth)
{
    int64_t id = 0;
    int d = 0;
    for (const char *s = path; s && *s == '/' && s[1] && d <= depth; d++) {
        const char *e = strchr(s + 1, '/');
        if (!e || gg_parse_i64(s + 1, (size_t)(e - s - 1), 1, INT64_MAX / 2, &id)) break;
        s = e;
    }
    return id;
}

static cell *cell_get(agg *a, int64_t id)
{
    if (a->n * 2 >= a->cap) {
        if (a->n >= 4 * MAX_FEATURES) { /* too many for a response at this level */
            a->overflow = true;
            return NULL;
        }
        size_t ncap = a->cap ? a->cap * 2 : 256;
        cell *nc = gg_pcalloc(a->pool, sizeof *nc * ncap);
        if (!nc) return NULL;
        for (size_t i = 0; i < a->cap; i++) {
            if (!a->cells[i].id) continue;
            size_t s = (size_t)((uint64_t)a->cells[i].id * 0x9E3779B97F4A7C15ull >> 17) & (ncap - 1);
            while (nc[s].id) s = (s + 1) & (ncap - 1);
            nc[s] = a->cells[i];
        }
        a->cells = nc;
        a->cap = ncap;
    }
    size_t s = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ull >> 17) & (a->cap - 1);
    while (a->cells[s].id && a->cells[s].id != id) s = (s + 1) & (a->cap - 1);
    if (!a->cells[s].id) {
        a->cells[s].id = id;
        a->n++;
    }
    return &a->cells[s];
}

static int agg_add(void *arg, const char *path, int bucket, int64_t count, double sx, double sy)
{
    agg *a = arg;
    if (!path || bucket < 0 || bucket >= MAX_BUCKETS) return 0;
    if ((a->scoped >> bucket & 1u) && !gg_scope_covers(a->who, path)) return 0;
    int64_t id = ancestor_at(path, a->depth);
    if (!id) return 0;
    cell *c = cell_get(a, id);
    if (!c) return a->overflow ? 1 : GG_ENOMEM;
    c->n[bucket] += count;
    c->total += count;
    c->sx += sx;
    c->sy += sy;
    return 0;
}

/* A count source: streams (place path, bucket, count) groups into fn. */
typedef struct layer_q {
    double bbox[4];
    int64_t now, soon, at, from, to;
    int state;
    const char *kind;
    const char *root_path;
} layer_q;
typedef int (*count_source)(gg_conn *c, const layer_q *q, gg_map_count_fn fn, void *arg);

static int src_cases(gg_conn *c, const layer_q *q, gg_map_count_fn fn, void *arg)
{
    return gg_map_case_counts(c, q->bbox, q->now, q->soon, q->state, fn, arg);
}
static int src_pois(gg_conn *c, const layer_q *q, gg_map_count_fn fn, void *arg)
{
    return gg_map_poi_counts(c, q->kind, q->bbox, q->at, fn, arg);
}
static int src_keygroups(gg_conn *c, const layer_q *q, gg_map_count_fn fn, void *arg)
{
    return gg_map_keygroup_counts(c, q->bbox, q->state, fn, arg);
}
static int src_heat(gg_conn *c, const layer_q *q, gg_map_count_fn fn, void *arg)
{
    return gg_map_heat_counts(c, q->root_path, q->from, q->to, fn, arg);
}

/* Aggregate at depth, going up a level while the cells do not fit. */
static int aggregate(gg_req *r, gg_conn *c, count_source src, const layer_q *q, unsigned scoped,
                     int depth, agg *a)
{
    gg_pool *p = scratch(r);
    if (!p) return GG_ENOMEM;
    for (;; depth--) {
        *a = (agg){.who = r->who, .scoped = scoped, .depth = depth, .pool = p};
        int rc = src(c, q, agg_add, a);
        if (rc < 0) return gg_fail(&r->err, rc, 500, "internal", "", "cannot count");
        if ((!a->overflow && a->n <= MAX_FEATURES) || depth <= 1) break;
    }
    return 0;
}

/* Where an aggregate is drawn: the place's label point, else the mean of
 * its points; with the place's code, name and kind. */
static void cell_feature(gg_jw *w, gg_conn *c, gg_pool *p, const cell *k, const char *const *names,
                         int nb)
{
    gg_boundary_rec b;
    double lon = k->total ? k->sx / (double)k->total : 0, lat = k->total ? k->sy / (double)k->total : 0;
    const char *code = NULL, *name = NULL;
    int kind = 0;
    if (!place_brief(c, p, k->id, &b)) {
        if (b.version) lon = b.centroid_lon, lat = b.centroid_lat; /* it has a boundary */
        code = b.code, name = b.name, kind = b.kind;
    }
    gg_jw_obj(w);
    gg_jw_kstr(w, "type", "Feature");
    pt_json(w, lon, lat);
    gg_jw_key(w, "properties");
    gg_jw_obj(w);
    gg_jw_kbool(w, "cluster", true);
    gg_jw_kint(w, "count", k->total);
    if (nb > 1) {
        gg_jw_key(w, "counts");
        gg_jw_obj(w);
        for (int i = 0; i < nb; i++) gg_jw_kint(w, names[i], k->n[i]);
        gg_jw_obj_end(w);
    }
    gg_jw_kid(w, "place_id", k->id);
    gg_jw_kstr(w, "code", code);
    gg_jw_kstr(w, "name", name);
    gg_jw_kstr(w, "kind", kind ? gg_place_kind_name(kind) : NULL);
    gg_jw_obj_end(w);
    gg_jw_obj_end(w);
}

static void agg_json(gg_jw *w, gg_conn *c, gg_pool *p, const agg *a, const char *const *names, int nb)
{
    size_t shown = 0;
    for (size_t i = 0; i < a->cap && shown < MAX_FEATURES; i++)
        if (a->cells[i].id) {
            cell_feature(w, c, p, &a->cells[i], names, nb);
            shown++;
        }
}

static int depth_for_zoom(int zoom) { return zoom <= 12 ? 1 : zoom <= 14 ? 2 : 3; }

static const char *level_name(int depth)
{
    return depth == 1 ? "street" : depth == 2 ? "community" : "grid";
}

static void fc_end(gg_jw *w, const char *mode, const agg *a, int64_t total)
{
    gg_jw_arr_end(w);
    gg_jw_kstr(w, "mode", mode);
    gg_jw_kstr(w, "level", a ? level_name(a->depth) : NULL);
    gg_jw_kint(w, "total", total);
    gg_jw_kbool(w, "truncated", a && (a->overflow || a->n > MAX_FEATURES));
    gg_jw_kint(w, "limit", MAX_FEATURES);
    gg_jw_obj_end(w);
}

static int64_t agg_total(const agg *a)
{
    int64_t t = 0;
    for (size_t i = 0; i < a->cap; i++) t += a->cells[i].total;
    return t;
}

/* ---- the case layer ---------------------------------------------------------------- */

static const char *const case_buckets[] = {"todo", "due_soon", "overdue"};

typedef struct pts {
    gg_req *r;
    gg_map_case_pt *rows;
    int n;
} pts;

static int pt_keep(void *arg, const gg_map_case_pt *pt)
{
    pts *s = arg;
    if (!gg_scope_covers(s->r->who, pt->place_path)) return 0;
    if (s->n >= MAX_FEATURES) return 1; /* one more than fits: aggregate instead */
    gg_map_case_pt *k = &s->rows[s->n++];
    *k = *pt;
    k->kind = gg_pstrdup(s->r->pool, pt->kind);
    k->title = gg_pstrdup(s->r->pool, pt->title ? pt->title : "");
    k->place_path = NULL;
    return k->kind && k->title ? 0 : GG_ENOMEM;
}

static void case_points_json(gg_jw *w, const pts *s)
{
    for (int i = 0; i < s->n; i++) {
        const gg_map_case_pt *k = &s->rows[i];
        gg_jw_obj(w);
        gg_jw_kstr(w, "type", "Feature");
        gg_jw_kid(w, "id", k->id);
        pt_json(w, k->lon, k->lat);
        gg_jw_key(w, "properties");
        gg_jw_obj(w);
        gg_jw_kid(w, "id", k->id);
        gg_jw_kstr(w, "state", case_buckets[k->bucket]);
        gg_jw_kstr(w, "title", k->title);
        gg_jw_kstr(w, "kind", k->kind);
        gg_jw_obj_end(w);
        gg_jw_obj_end(w);
    }
}

static int q_zoom(gg_req *r, int *zoom)
{
    double z = 0;
    int rc = q_double(r, "zoom", 0, 22, true, &z);
    *zoom = (int)z;
    return rc;
}

int gg_h_map_layer_cases(gg_req *r)
{
    layer_q q = {.state = -1, .now = gg_now_us()};
    q.soon = q.now + 24 * INT64_C(3600000000); /* as the case list's due_soon */
    int zoom, rc;
    if ((rc = q_bbox(r, q.bbox)) || (rc = q_zoom(r, &zoom))) return rc;
    const char *st = gg_req_query(r, "state");
    if (st) {
        for (int i = 0; i < 3; i++)
            if (strcmp(st, case_buckets[i]) == 0) q.state = i;
        if (q.state < 0) return gg_api_bad_param(r, "state", "state is todo, due_soon or overdue");
    }
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    if (zoom >= POINT_ZOOM) {
        pts s = {r, gg_palloc(r->pool, sizeof(gg_map_case_pt) * MAX_FEATURES), 0};
        if (!s.rows) return GG_ENOMEM;
        rc = gg_map_case_points(c, r->pool, q.bbox, q.now, q.soon, q.state, pt_keep, &s);
        if (rc < 0) return gg_fail(&r->err, rc, 500, "internal", "", "cannot read cases");
        if (rc == 0 && s.n < MAX_FEATURES) {
            gg_jw *w = gg_req_json(r, 200);
            fc_begin(w);
            case_points_json(w, &s);
            fc_end(w, "points", NULL, s.n);
            return 0;
        }
    }
    agg a;
    unsigned scoped = r->who->global_scope ? 0 : ~0u;
    if ((rc = aggregate(r, c, src_cases, &q, scoped, depth_for_zoom(zoom), &a))) return rc;
    gg_jw *w = gg_req_json(r, 200);
    fc_begin(w);
    agg_json(w, c, a.pool, &a, case_buckets, 3);
    fc_end(w, "clusters", &a, agg_total(&a));
    return 0;
}

/* ---- key groups (registry) ------------------------------------------------------- */

/* Residents are people: every count is inside the caller's scope, always
 * aggregated (a resident has no point of its own), per street, community
 * or grid by zoom; counts per key group by its code word. */
int gg_h_map_layer_key_groups(gg_req *r)
{
    layer_q q = {.state = 0};
    int zoom, rc;
    if ((rc = q_bbox(r, q.bbox)) || (rc = q_zoom(r, &zoom))) return rc;
    const char *tag = gg_req_query(r, "tag");
    if (tag) {
        q.state = gg_reg_parse(GG_RT_TAG, tag, strlen(tag));
        if (q.state <= 0 || q.state >= GG_TAG__COUNT)
            return gg_api_bad_param(r, "tag", "tag is a key group's code word or label (GET /api/v1/key-groups)");
    }
    const char *names[GG_TAG__COUNT - 1];
    for (int t = 1; t < GG_TAG__COUNT; t++) names[t - 1] = gg_reg_code(GG_RT_TAG, t);
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    agg a;
    unsigned scoped = r->who->global_scope ? 0 : ~0u;
    if ((rc = aggregate(r, c, src_keygroups, &q, scoped, depth_for_zoom(zoom), &a))) return rc;
    gg_jw *w = gg_req_json(r, 200);
    fc_begin(w);
    agg_json(w, c, a.pool, &a, names, GG_TAG__COUNT - 1);
    fc_end(w, "clusters", &a, agg_total(&a));
    return 0;
}

/* ---- points of interest ------------------------------------------------------------ */

static const char *const poi_kinds[] = {"service_centre", "party_org", "volunteer"};

typedef struct poi_out {
    gg_req *r;
    gg_jw *w;
    int n;
} poi_out;

/* Service centres and party organisations are public places; volunteers
 * are people, shown only inside the caller's scope. */
static bool poi_visible(const gg_principal *who, const char *kind, const char *path)
{
    return strcmp(kind, "volunteer") != 0 || gg_scope_covers(who, path);
}

static int poi_write(void *arg, const gg_poi *p)
{
    poi_out *o = arg;
    if (!poi_visible(o->r->who, p->kind, p->place_path)) return 0;
    if (o->n >= MAX_FEATURES) return 1;
    if (!o->w) return ++o->n, 0; /* counting pass */
    gg_jw *w = o->w;
    gg_jw_obj(w);
    gg_jw_kstr(w, "type", "Feature");
    gg_jw_kid(w, "id", p->id);
    pt_json(w, p->lon, p->lat);
    gg_jw_key(w, "properties");
    gg_jw_obj(w);
    gg_jw_kid(w, "id", p->id);
    gg_jw_kstr(w, "kind", p->kind);
    gg_jw_kstr(w, "name", p->name);
    gg_jw_kstr(w, "phone", p->phone);
    gg_jw_kstr(w, "hours", p->hours);
    gg_jw_kid(w, "place_id", p->place_id);
    gg_jw_ktime(w, "duty_from", p->duty_from);
    gg_jw_ktime(w, "duty_to", p->duty_to);
    gg_jw_obj_end(w);
    gg_jw_obj_end(w);
    o->n++;
    return 0;
}

int gg_h_map_layer_pois(gg_req *r)
{
    layer_q q = {.at = gg_now_us()};
    int zoom, rc;
    if ((rc = q_bbox(r, q.bbox)) || (rc = q_zoom(r, &zoom))) return rc;
    q.kind = gg_req_query(r, "kind");
    if (q.kind && strcmp(q.kind, poi_kinds[0]) && strcmp(q.kind, poi_kinds[1]) && strcmp(q.kind, poi_kinds[2]))
        return gg_api_bad_param(r, "kind", "kind is service_centre, party_org or volunteer");
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    if (zoom >= POI_POINT_ZOOM) {
        poi_out cnt = {r, NULL, 0};
        rc = gg_poi_scan(c, r->pool, q.kind, q.bbox, q.at, poi_write, &cnt);
        if (rc < 0) return gg_fail(&r->err, rc, 500, "internal", "", "cannot read points");
        if (cnt.n < MAX_FEATURES) {
            gg_jw *w = gg_req_json(r, 200);
            fc_begin(w);
            poi_out o = {r, w, 0};
            gg_poi_scan(c, r->pool, q.kind, q.bbox, q.at, poi_write, &o);
            fc_end(w, "points", NULL, o.n);
            return 0;
        }
    }
    agg a;
    /* volunteers (bucket 2) are counted inside scope only; the public kinds everywhere */
    unsigned scoped = r->who->global_scope ? 0 : 1u << 2;
    if ((rc = aggregate(r, c, src_pois, &q, scoped, depth_for_zoom(zoom), &a))) return rc;
    gg_jw *w = gg_req_json(r, 200);
    fc_begin(w);
    agg_json(w, c, a.pool, &a, poi_kinds, 3);
    fc_end(w, "clusters", &a, agg_total(&a));
    return 0;
}

/* ---- nearest service centre ---------------------------------------------------------- */

static double haversine_m(double lon1, double lat1, double lon2, double lat2)
{
    const double rad = 3.14159265358979323846 / 180, R = 6371008.8;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double h = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * R * asin(sqrt(h < 1 ? h : 1));
}

typedef struct nearest {
    gg_pool *pool;
    double lon, lat, best_m;
    gg_poi best;
    bool found;
} nearest;

static int near_take(void *arg, const gg_poi *p)
{
    nearest *n = arg;
    double d = haversine_m(n->lon, n->lat, p->lon, p->lat);
    if (n->found && d >= n->best_m) return 0;
    n->best = *p;
    n->best.name = gg_pstrdup(n->pool, p->name);
    n->best.phone = gg_pstrdup(n->pool, p->phone);
    n->best.hours = gg_pstrdup(n->pool, p->hours);
    n->best.kind = NULL;
    n->best.place_path = NULL;
    n->best_m = d;
    n->found = true;
    return 0;
}

/* Boxes of half-width 0.01°, 0.04°, ... around the point: the nearest
 * centre found is the nearest anywhere once its distance is within the
 * circle the box inscribes. */
int gg_h_map_nearest_centre(gg_req *r)
{
    nearest n = {.pool = r->pool};
    int rc = q_point(r, &n.lon, &n.lat);
    if (rc) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    for (double h = 0.01; h <= 2.56; h *= 4) {
        double b[4] = {n.lon - h, n.lat - h, n.lon + h, n.lat + h};
        if ((rc = gg_poi_scan(c, r->pool, "service_centre", b, 0, near_take, &n)) < 0) return GG_EIO;
        double inscribed = h * 110574.0 * fmin(1.0, cos(n.lat * 3.14159265358979323846 / 180));
        if (n.found && n.best_m <= inscribed) break;
    }
    if (!n.found)
        return gg_fail(&r->err, GG_ENOTFOUND, 404, "not_found", "", "no service centre nearby");
    double walk = n.best_m * DETOUR / WALK_M_PER_MIN;
    gg_jw *w = gg_req_json(r, 200);
    gg_jw_obj(w);
    gg_jw_key(w, "centre");
    gg_jw_obj(w);
    gg_jw_kid(w, "id", n.best.id);
    gg_jw_kstr(w, "name", n.best.name);
    gg_jw_kstr(w, "phone", n.best.phone);
    gg_jw_kstr(w, "hours", n.best.hours);
    gg_jw_kid(w, "place_id", n.best.place_id);
    gg_jw_key(w, "lon");
    gg_jw_double(w, n.best.lon);
    gg_jw_key(w, "lat");
    gg_jw_double(w, n.best.lat);
    gg_jw_obj_end(w);
    gg_jw_key(w, "distance_m");
    gg_jw_double(w, round(n.best_m * 10) / 10);
    gg_jw_key(w, "walk_minutes");
    gg_jw_double(w, round(walk * 10) / 10);
    gg_jw_kbool(w, "within_15_min", walk <= WALK_LIMIT_MIN);
    gg_jw_key(w, "speed_m_per_min");
    gg_jw_double(w, WALK_M_PER_MIN);
    gg_jw_key(w, "detour_factor");
    gg_jw_double(w, DETOUR);
    gg_jw_obj_end(w);
    return 0;
}

/* ---- heat map of concerns ------------------------------------------------------------- */

int gg_h_map_heat(gg_req *r)
{
    const gg_place *root = r->obj;
    layer_q q = {.root_path = root->path};
    int kind, rc;
    if ((rc = gg_api_query_level(r, GG_PK_GRID, &kind))) return rc;
    const char *from = gg_req_query(r, "from"), *to = gg_req_query(r, "to");
    if (from && gg_time_parse(from, strlen(from), gg_display_offset_min(), &q.from))
        return gg_api_bad_param(r, "from", "use YYYY-MM-DD or an ISO 8601 time with offset");
    if (to && gg_time_parse(to, strlen(to), gg_display_offset_min(), &q.to))
        return gg_api_bad_param(r, "to", "use YYYY-MM-DD or an ISO 8601 time with offset");
    if (!to) q.to = INT64_MAX;
    else if (strlen(to) == 10) q.to += 24 * INT64_C(3600000000); /* a date includes its day */
    if (q.to <= q.from) return gg_api_bad_param(r, "to", "to is after from");
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    int depth = kind == GG_PK_STREET ? 1 : kind == GG_PK_COMMUNITY ? 2 : 3;
    agg a;
    if ((rc = aggregate(r, c, src_heat, &q, r->who->global_scope ? 0 : ~0u, depth, &a))) return rc;
    int64_t max = 0;
    for (size_t i = 0; i < a.cap; i++) max = a.cells[i].total > max ? a.cells[i].total : max;
    gg_jw *w = gg_req_json(r, 200);
    fc_begin(w);
    agg_json(w, c, a.pool, &a, NULL, 1);
    gg_jw_arr_end(w);
    gg_jw_kstr(w, "level", level_name(a.depth));
    gg_jw_kint(w, "total", agg_total(&a));
    gg_jw_kint(w, "max", max);
    gg_jw_kbool(w, "truncated", a.overflow || a.n > MAX_FEATURES);
    gg_jw_obj_end(w);
    return 0;
}
