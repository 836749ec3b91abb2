/*
 * geo.c — boundaries over HTTP: put and get one place's boundary, import a
 * FeatureCollection all or nothing with a report per feature, export a
 * subtree as a FeatureCollection that imports back to the same rows.
 *
 * Every rule is checked inside the writer's transaction (gg_map_apply), on
 * what is committed, so two imports cannot each pass against the other's
 * old state. GEOS does the topology (domain/topology.c).
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/map.h"
#include "core/str.h"
#include "domain/authz.h"
#include "domain/place.h"

static void pool_free_cb(void *p) { gg_pool_free(p); }

#define MAX_SIBLINGS 20000
#define IMPORT_GAP_PARENTS 64

/* ---- records ---------------------------------------------------------------- */

static int rec_make(GEOSContextHandle_t h, gg_pool *p, const gg_geo_shape *s, const GEOSGeometry *g,
                    gg_boundary_rec *b)
{
    gg_buf buf;
    gg_jw jw;
    gg_buf_init(&buf, 64u << 20);
    gg_jw_init(&jw, &buf);
    gg_geo_write_shape(&jw, s, GG_GEO_DECIMALS);
    int rc = gg_jw_status(&jw);
    b->geojson = rc ? NULL : gg_pstrndup(p, (const char *)buf.data, buf.len);
    gg_buf_free(&buf);
    if (!b->geojson) return GG_ENOMEM;
    GEOSWKBWriter *wr = GEOSWKBWriter_create_r(h);
    size_t len = 0;
    unsigned char *wkb = wr ? GEOSWKBWriter_write_r(h, wr, g, &len) : NULL;
    if (wr) GEOSWKBWriter_destroy_r(h, wr);
    void *copy = wkb ? gg_palloc(p, len) : NULL;
    if (copy) memcpy(copy, wkb, len);
    if (wkb) GEOSFree_r(h, wkb);
    if (!copy) return GG_ENOMEM;
    b->wkb = copy;
    b->wkb_len = len;
    b->bbox[0] = s->bbox.min_lon;
    b->bbox[1] = s->bbox.min_lat;
    b->bbox[2] = s->bbox.max_lon;
    b->bbox[3] = s->bbox.max_lat;
    b->area_m2 = gg_topo_area_m2(h, g);
    b->vertices = (int64_t)s->vertices;
    gg_geo_pt c = {0, 0};
    /* a label inside the shape: the centroid unless the shape bends round it */
    if (gg_topo_centroid(h, g, &c) || gg_geo_locate(s, c.lon, c.lat) == GG_GEO_OUTSIDE)
        gg_topo_inner_point(h, g, &c);
    b->centroid_lon = c.lon;
    b->centroid_lat = c.lat;
    return 0;
}

static GEOSGeometry *from_wkb(GEOSContextHandle_t h, const gg_boundary_rec *b)
{
    GEOSWKBReader *rd = GEOSWKBReader_create_r(h);
    GEOSGeometry *g = rd && b->wkb ? GEOSWKBReader_read_r(h, rd, b->wkb, b->wkb_len) : NULL;
    if (rd) GEOSWKBReader_destroy_r(h, rd);
    return g;
}

void gg_map_items_free(gg_map_item *it, size_t n)
{
    GEOSContextHandle_t h = gg_topo_ctx();
    for (size_t i = 0; i < n && h; i++)
        if (it[i].g) {
            GEOSGeom_destroy_r(h, it[i].g);
            it[i].g = NULL;
        }
}

/* ---- checking a batch ---------------------------------------------------------- */

typedef struct batch {
    GEOSContextHandle_t h;
    gg_conn *w;
    gg_pool *p;
    gg_map_item *it;
    size_t n;
    size_t *by_id;     /* item indexes sorted by place id */
    size_t *by_parent; /* item indexes sorted by parent id, then place id */
} batch;

static int cmp_id(const void *a, const void *b, void *arg)
{
    const gg_map_item *it = arg;
    int64_t x = it[*(const size_t *)a].place.id, y = it[*(const size_t *)b].place.id;
    return x < y ? -1 : x > y;
}
static int cmp_parent(const void *a, const void *b, void *arg)
{
    const gg_map_item *it = arg;
    const gg_place *x = &it[*(const size_t *)a].place, *y = &it[*(const size_t *)b].place;
    if (x->parent_id != y->parent_id) return x->parent_id < y->parent_id ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The batch item for place id, or NULL. */
static gg_map_item *find(batch *b, int64_t id)
{
    size_t lo = 0, hi = b->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int64_t v = b->it[b->by_id[mid]].place.id;
        if (v == id) return &b->it[b->by_id[mid]];
        if (v < id) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

static int item_fail(gg_map_item *m, const gg_error *e)
{
    if (!m->rc) {
        m->rc = GG_EINVAL;
        m->err = *e;
    }
    return GG_EINVAL;
}

static gg_topo_place tp_of(const gg_map_item *m)
{
    return (gg_topo_place){.id = m->place.id, .code = m->place.code, .name = m->place.name, .g = m->g};
}

/* Stored children of parent_id not replaced by the batch, with geometries
 * (caller frees them); n_out <= MAX_SIBLINGS. */
static int stored_children(batch *b, int64_t parent_id, gg_topo_place **out, size_t *n_out)
{
    gg_boundary_rec *rows = NULL;
    int n = 0;
    *out = NULL;
    *n_out = 0;
    if (!parent_id) return 0;
    int rc = gg_boundary_children(b->w, b->p, parent_id, MAX_SIBLINGS, &rows, &n);
    if (rc) return rc;
    gg_topo_place *tp = gg_pcalloc(b->p, sizeof *tp * (size_t)(n + 1));
    if (!tp) return GG_ENOMEM;
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        if (find(b, rows[i].place_id)) continue;
        tp[k] = (gg_topo_place){.id = rows[i].place_id, .code = rows[i].code, .name = rows[i].name,
                                .g = from_wkb(b->h, &rows[i])};
        if (tp[k].g) k++;
    }
    *out = tp;
    *n_out = k;
    return 0;
}

static void free_places(GEOSContextHandle_t h, gg_topo_place *tp, size_t n)
{
    for (size_t i = 0; i < n; i++) GEOSGeom_destroy_r(h, (GEOSGeometry *)tp[i].g);
}

/* The parent's boundary: the batch's new one, else the stored one (owned:
 * *own set, caller frees), else none. */
static gg_topo_place parent_of(batch *b, int64_t parent_id, GEOSGeometry **own)
{
    *own = NULL;
    gg_map_item *m = parent_id ? find(b, parent_id) : NULL;
    if (m) return m->rc ? (gg_topo_place){0} : tp_of(m);
    gg_boundary_rec rec;
    if (!parent_id || gg_boundary_get(b->w, b->p, parent_id, true, &rec)) return (gg_topo_place){0};
    *own = from_wkb(b->h, &rec);
    return (gg_topo_place){.id = parent_id, .code = rec.code, .name = rec.name, .g = *own};
}

static void gaps_of(batch *b, const gg_topo_place *parent, const gg_topo_place *kids, size_t nk,
                    gg_map_gaps *out)
{
    const GEOSGeometry **g = gg_pcalloc(b->p, sizeof *g * (nk + 1));
    if (!g) return;
    for (size_t i = 0; i < nk; i++) g[i] = kids[i].g;
    memset(out, 0, sizeof *out);
    out->place_id = parent->id;
    out->code = parent->code;
    out->name = parent->name;
    out->area_m2 = gg_topo_area_m2(b->h, parent->g);
    size_t count = 0;
    gg_topo_gaps(b->h, parent->g, (const GEOSGeometry *const *)g, nk, GG_TOPO_SLIVER_M2, out->top,
                 GG_MAP_GAPS_SHOWN, &count, &out->total_m2);
    out->count = count;
}

/* One parent's group of new boundaries [from, to) of by_parent. */
static int check_group(batch *b, size_t from, size_t to, gg_map_gaps *gaps, size_t gcap, size_t *ngaps)
{
    int64_t pid = b->it[b->by_parent[from]].place.parent_id;
    gg_topo_place *stored;
    size_t ns;
    int rc = stored_children(b, pid, &stored, &ns);
    if (rc) return rc;
    gg_topo_place *all = gg_pcalloc(b->p, sizeof *all * (ns + (to - from) + 1));
    if (!all) return GG_ENOMEM;
    size_t na = 0;
    for (size_t i = 0; i < ns; i++) all[na++] = stored[i];
    for (size_t i = from; i < to; i++)
        if (!b->it[b->by_parent[i]].rc) all[na++] = tp_of(&b->it[b->by_parent[i]]);
    for (size_t i = 0; i < na; i++) gg_topo_envelope(b->h, &all[i]);
    GEOSGeometry *own;
    gg_topo_place parent = parent_of(b, pid, &own);
    int bad = 0;
    for (size_t i = from; i < to; i++) {
        gg_map_item *m = &b->it[b->by_parent[i]];
        if (m->rc) continue;
        gg_topo_place me = tp_of(m);
        gg_topo_envelope(b->h, &me);
        gg_error e = {0};
        if ((parent.g && gg_topo_check_inside(b->h, &me, &parent, GG_TOPO_SLIVER_M2, &e)) ||
            gg_topo_check_overlaps(b->h, &me, all, na, GG_TOPO_SLIVER_M2, &e))
            bad = item_fail(m, &e);
    }
    if (!bad && parent.g && *ngaps < gcap) gaps_of(b, &parent, all, na, &gaps[(*ngaps)++]);
    if (own) GEOSGeom_destroy_r(b->h, own);
    free_places(b->h, stored, ns);
    return 0;
}

/* A new boundary must still hold the stored children it keeps. */
static void check_children(batch *b, gg_map_item *m)
{
    gg_topo_place *kids;
    size_t nk;
    if (m->rc || stored_children(b, m->place.id, &kids, &nk)) return;
    gg_topo_place me = tp_of(m);
    for (size_t i = 0; i < nk && !m->rc; i++) {
        gg_error e = {0};
        if (gg_topo_check_inside(b->h, &kids[i], &me, GG_TOPO_SLIVER_M2, &e)) item_fail(m, &e);
    }
    free_places(b->h, kids, nk);
}

static int check_all(batch *b, gg_map_gaps *gaps, size_t gcap, size_t *ngaps)
{
    for (size_t i = 0; i < b->n; i++) {
        gg_map_item *m = &b->it[i];
        gg_topo_place me = tp_of(m);
        gg_error e = {0};
        if (m->rc) continue;
        if (find(b, m->place.id) != m) {
            gg_fail(&e, GG_EINVAL, 422, "duplicate", "features",
                    "place %lld (code %s, %s) appears more than once", (long long)m->place.id,
                    m->place.code, m->place.name);
            item_fail(m, &e);
        } else if (gg_topo_check_valid(b->h, &me, &e)) {
            item_fail(m, &e);
        }
    }
    for (size_t from = 0; from < b->n;) {
        size_t to = from + 1;
        while (to < b->n && b->it[b->by_parent[to]].place.parent_id == b->it[b->by_parent[from]].place.parent_id)
            to++;
        int rc = check_group(b, from, to, gaps, gcap, ngaps);
        if (rc) return rc;
        from = to;
    }
    for (size_t i = 0; i < b->n; i++) check_children(b, &b->it[i]);
    return 0;
}

static int first_error(const batch *b, gg_error *e)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->it[i].rc) {
            *e = b->it[i].err;
            return b->it[i].rc;
        }
    return 0;
}

int gg_map_apply(gg_conn *w, gg_pool *p, gg_map_item *it, size_t n, bool validate,
                 int64_t actor, gg_map_gaps *gaps, size_t gcap, size_t *ngaps, gg_error *e)
{
    *ngaps = 0;
    batch b = {gg_topo_ctx(), w, p, it, n, gg_palloc(p, sizeof(size_t) * (n + 1)),
               gg_palloc(p, sizeof(size_t) * (n + 1))};
    if (!b.h || !b.by_id || !b.by_parent)
        return gg_fail(e, GG_ENOMEM, 503, "unavailable", "", "geometry engine unavailable");
    for (size_t i = 0; i < n; i++) {
        it[i].rc = 0;
        if (!it[i].g) it[i].g = gg_topo_from_shape(b.h, it[i].shape);
        if (!it[i].g) return gg_fail(e, GG_ENOMEM, 503, "unavailable", "", "cannot build the geometry");
        b.by_id[i] = b.by_parent[i] = i;
    }
    qsort_r(b.by_id, n, sizeof(size_t), cmp_id, it);
    qsort_r(b.by_parent, n, sizeof(size_t), cmp_parent, it);
    int rc = validate ? check_all(&b, gaps, gcap, ngaps) : 0;
    if (rc) return gg_fail(e, rc, 500, "internal", "", "cannot check the boundaries");
    if ((rc = first_error(&b, e))) return rc;
    for (size_t i = 0; i < n && !rc; i++) {
        gg_boundary_rec *r = &it[i].rec;
        memset(r, 0, sizeof *r);
        r->place_id = it[i].place.id;
        r->updated_by = actor;
        rc = rec_make(b.h, p, it[i].shape, it[i].g, r);
        if (rc) rc = gg_fail(e, rc, 503, "unavailable", "", "cannot encode the boundary");
        else rc = gg_boundary_put(w, r, e);
    }
    return rc;
}

void gg_map_gaps_json(gg_jw *w, const gg_map_gaps *g, size_t n)
{
    gg_jw_arr(w);
    for (size_t i = 0; i < n; i++) {
        gg_jw_obj(w);
        gg_jw_kid(w, "place_id", g[i].place_id);
        gg_jw_kstr(w, "code", g[i].code);
        gg_jw_kstr(w, "name", g[i].name);
        gg_jw_key(w, "area_m2");
        gg_jw_double(w, g[i].area_m2);
        gg_jw_kint(w, "count", (int64_t)g[i].count);
        gg_jw_key(w, "total_m2");
        gg_jw_double(w, g[i].total_m2);
        gg_jw_key(w, "largest");
        gg_jw_arr(w);
        for (size_t k = 0; k < g[i].count && k < GG_MAP_GAPS_SHOWN; k++) {
            gg_jw_obj(w);
            gg_jw_key(w, "area_m2");
            gg_jw_double(w, g[i].top[k].area_m2);
            gg_jw_key(w, "at");
            gg_jw_arr(w);
            gg_jw_double(w, g[i].top[k].at.lon);
            gg_jw_double(w, g[i].top[k].at.lat);
            gg_jw_arr_end(w);
            gg_jw_obj_end(w);
        }
        gg_jw_arr_end(w);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
}

/* ---- requests ---------------------------------------------------------------------- */

int gg_map_coord_parse(gg_req *r, const char *v, const char *field, bool *gcj02)
{
    if (!v || strcmp(v, "wgs84") == 0) return 0;
    if (strcmp(v, "gcj02") == 0) {
        *gcj02 = true;
        return 0;
    }
    return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", field, "coord is wgs84 or gcj02");
}

static void doc_cleanup(void *d) { gg_geo_doc_free(d); }

/* A pool freed with the request, for a boundary bigger than a request's
 * pool (a 100,000-vertex shape is ~4 MB of text and WKB). */
static gg_pool *big_pool(gg_req *r)
{
    gg_pool *p = gg_pool_new(64u << 20);
    if (p && gg_pool_cleanup(r->pool, pool_free_cb, p)) return NULL;
    return p;
}

/* The body as a parsed GeoJSON doc (freed with the request), converted from
 * GCJ-02 when ?coord=gcj02 or a top-level or properties "coord" says so. */
static int body_doc(gg_req *r, gg_geo_doc *doc)
{
    json_t *j;
    int rc = gg_req_json_parsed(r, &j);
    if (rc) return rc;
    if (!json_is_object(j))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_geojson", "", "a GeoJSON object is expected");
    if ((rc = gg_geo_from_json(j, NULL, 0, doc, &r->err))) return rc;
    if (gg_pool_cleanup(r->pool, doc_cleanup, doc)) return GG_ENOMEM;
    bool gcj = false;
    if ((rc = gg_map_coord_parse(r, gg_req_query(r, "coord"), "coord", &gcj))) return rc;
    json_t *c = json_object_get(j, "coord");
    json_t *props = json_object_get(j, "properties");
    if (!c && json_is_object(props)) c = json_object_get(props, "coord");
    if (c && (rc = gg_map_coord_parse(r, json_is_string(c) ? json_string_value(c) : "?", "coord", &gcj)))
        return rc;
    return gcj ? gg_geo_doc_from_gcj02(doc, 0, &r->err) : 0;
}

typedef struct put_job {
    gg_pool *pool;
    gg_map_item *items;
    size_t n;
    int64_t actor;
    bool report, refused; /* import: a refusal answers with the report */
    gg_map_gaps gaps[IMPORT_GAP_PARENTS];
    size_t ngaps;
} put_job;

static void job_cleanup(void *arg)
{
    put_job *j = arg;
    gg_map_items_free(j->items, j->n);
    gg_pool_free(j->pool);
}

/* A job with a pool of its own (a batch outgrows a request's pool). */
static put_job *job_new(gg_req *r, size_t n)
{
    put_job *j = gg_pcalloc(r->pool, sizeof *j);
    if (!j || !(j->pool = gg_pool_new(1u << 30))) return NULL;
    j->items = gg_pcalloc(j->pool, sizeof *j->items * (n ? n : 1));
    if (gg_pool_cleanup(r->pool, job_cleanup, j) || !j->items) return NULL;
    j->actor = r->who->user_id;
    return j;
}

static int apply_fn(gg_conn *w, void *arg, gg_error *e)
{
    put_job *j = arg;
    for (size_t i = 0; i < j->n; i++) { /* re-read: the place may have moved since */
        int rc = gg_place_get(w, j->pool, j->items[i].place.id, &j->items[i].place);
        if (rc) return gg_fail(e, rc, 404, "not_found", "", "place %lld is gone", (long long)j->items[i].place.id);
    }
    int rc = gg_map_apply(w, j->pool, j->items, j->n, true, j->actor, j->gaps,
                          IMPORT_GAP_PARENTS, &j->ngaps, e);
    if (rc == GG_EINVAL && j->report) { /* the report says why; nothing was written */
        j->refused = true;
        return 0;
    }
    return rc;
}

static void feature_props(gg_jw *w, const gg_boundary_rec *b, bool full)
{
    gg_jw_key(w, "properties");
    gg_jw_obj(w);
    gg_jw_kid(w, "id", b->place_id);
    gg_jw_kstr(w, "code", b->code);
    gg_jw_kstr(w, "name", b->name);
    gg_jw_kstr(w, "kind", gg_place_kind_name(b->kind));
    gg_jw_kid(w, "parent_id", b->parent_id);
    if (full) {
        gg_jw_key(w, "area_m2");
        gg_jw_double(w, b->area_m2);
        gg_jw_kint(w, "vertices", b->vertices);
        gg_jw_kint(w, "version", b->version);
        gg_jw_ktime(w, "updated_at", b->updated_at);
        gg_jw_key(w, "centroid");
        gg_jw_arr(w);
        gg_jw_double(w, b->centroid_lon);
        gg_jw_double(w, b->centroid_lat);
        gg_jw_arr_end(w);
    }
    gg_jw_obj_end(w);
}

/* A Feature of a stored boundary (with its geometry text as stored). */
static void feature_json(gg_jw *w, const gg_boundary_rec *b, bool full)
{
    gg_jw_obj(w);
    gg_jw_kstr(w, "type", "Feature");
    gg_jw_kid(w, "id", b->place_id);
    gg_jw_key(w, "bbox");
    gg_jw_arr(w);
    for (int i = 0; i < 4; i++) gg_jw_double(w, b->bbox[i]);
    gg_jw_arr_end(w);
    gg_jw_key(w, "geometry");
    gg_jw_raw(w, b->geojson, strlen(b->geojson));
    feature_props(w, b, full);
    gg_jw_obj_end(w);
}

static int put_then(gg_req *r)
{
    put_job *j = r->w.arg;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_boundary_rec b;
    if (gg_boundary_get(c, j->pool, j->items[0].place.id, true, &b))
        return gg_fail(&r->err, GG_EIO, 500, "internal", "", "cannot read the boundary back");
    gg_jw *w = gg_req_json(r, 200);
    gg_jw_obj(w);
    gg_jw_key(w, "feature");
    feature_json(w, &b, true);
    gg_jw_key(w, "gaps");
    gg_map_gaps_json(w, j->gaps, j->ngaps);
    gg_jw_obj_end(w);
    return 0;
}

int gg_h_boundary_put(gg_req *r)
{
    put_job *j = job_new(r, 1);
    gg_geo_doc *doc = gg_pcalloc(r->pool, sizeof *doc);
    if (!j || !doc) return GG_ENOMEM;
    int rc = body_doc(r, doc);
    if (rc) return rc;
    if (doc->kind == GG_GEO_COLLECTION)
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_geojson", "type",
                       "one Polygon, MultiPolygon or Feature; use /api/v1/boundaries/import for a collection");
    j->n = 1;
    j->items[0].place = *(const gg_place *)r->obj;
    j->items[0].shape = &doc->features[0].shape;
    return gg_req_defer(r, apply_fn, j, put_then);
}

int gg_h_boundary_get(gg_req *r)
{
    const gg_place *pl = r->obj;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_boundary_rec b;
    gg_pool *p = big_pool(r);
    if (!p) return GG_ENOMEM;
    int rc = gg_boundary_get(c, p, pl->id, true, &b);
    if (rc == GG_ENOTFOUND)
        return gg_fail(&r->err, rc, 404, "not_found", "id", "this place has no boundary yet");
    if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot read the boundary");
    feature_json(gg_req_json(r, 200), &b, true);
    return 0;
}

/* ---- import and export ------------------------------------------------------------------ */

/* The place a feature names: properties "id" (or "place_id"), an id as a
 * string or number, else properties "code". */
static int feature_place(gg_req *r, gg_conn *c, gg_pool *p, const gg_geo_feature *f, size_t i,
                         gg_place *out)
{
    json_t *pr = f->properties, *v = NULL;
    if (pr && !(v = json_object_get(pr, "id"))) v = json_object_get(pr, "place_id");
    int64_t id = 0;
    if (json_is_integer(v)) id = json_integer_value(v);
    else if (json_is_string(v) && gg_parse_i64(json_string_value(v), strlen(json_string_value(v)), 1,
                                               INT64_MAX / 2, &id))
        id = -1;
    json_t *code = pr ? json_object_get(pr, "code") : NULL;
    int rc = GG_ENOTFOUND;
    if (id > 0) rc = gg_place_get(c, p, id, out);
    else if (!v && json_is_string(code)) rc = gg_place_get_by_code(c, p, json_string_value(code), out);
    if (rc == GG_ENOTFOUND)
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_reference", "features",
                       "features[%zu]: properties name no place (id or code)", i);
    if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot read the place");
    if (!gg_scope_covers(r->who, out->path))
        return gg_fail(&r->err, GG_EFORBIDDEN, 403, "out_of_scope", "features",
                       "features[%zu]: place %lld (code %s) lies outside the places assigned to you",
                       i, (long long)out->id, out->code);
    return 0;
}

static int import_then(gg_req *r)
{
    put_job *j = r->w.arg;
    gg_jw *w = gg_req_json(r, j->refused ? 422 : 200);
    gg_jw_obj(w);
    if (j->refused) {
        size_t k = 0;
        while (k < j->n && !j->items[k].rc) k++;
        gg_jw_key(w, "error");
        gg_jw_obj(w);
        gg_jw_kstr(w, "code", "invalid_boundaries");
        gg_jw_kstr(w, "message", k < j->n ? j->items[k].err.message : "refused");
        gg_jw_kstr(w, "field", "features");
        gg_jw_obj_end(w);
    } else {
        gg_jw_kint(w, "imported", (int64_t)j->n);
    }
    gg_jw_key(w, "features");
    gg_jw_arr(w);
    for (size_t i = 0; i < j->n; i++) {
        const gg_map_item *m = &j->items[i];
        gg_jw_obj(w);
        gg_jw_kint(w, "index", (int64_t)i);
        gg_jw_kid(w, "place_id", m->place.id);
        gg_jw_kstr(w, "code", m->place.code);
        gg_jw_kbool(w, "ok", m->rc == 0);
        if (m->rc) {
            gg_jw_key(w, "error");
            gg_jw_obj(w);
            gg_jw_kstr(w, "code", m->err.code);
            gg_jw_kstr(w, "message", m->err.message);
            gg_jw_obj_end(w);
        } else if (!j->refused) {
            gg_jw_kint(w, "version", m->rec.version);
            gg_jw_key(w, "area_m2");
            gg_jw_double(w, m->rec.area_m2);
        }
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_key(w, "gaps");
    gg_map_gaps_json(w, j->gaps, j->refused ? 0 : j->ngaps);
    gg_jw_obj_end(w);
    return 0;
}

int gg_h_boundaries_import(gg_req *r)
{
    gg_geo_doc *doc = gg_pcalloc(r->pool, sizeof *doc);
    if (!doc) return GG_ENOMEM;
    int rc = body_doc(r, doc);
    if (rc) return rc;
    if (doc->kind != GG_GEO_COLLECTION || doc->n == 0)
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_geojson", "type",
                       "a FeatureCollection with at least one feature is expected");
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    put_job *j = job_new(r, doc->n);
    if (!j) return GG_ENOMEM;
    j->report = true;
    for (size_t i = 0; i < doc->n; i++) {
        if ((rc = feature_place(r, c, j->pool, &doc->features[i], i, &j->items[i].place))) return rc;
        j->items[i].shape = &doc->features[i].shape;
        j->n++;
    }
    return gg_req_defer(r, apply_fn, j, import_then);
}

#define EXPORT_MAX 10000

int gg_h_boundaries_export(gg_req *r)
{
    const gg_place *root = r->obj;
    int kind = 0;
    const char *lv = gg_req_query(r, "level");
    if (lv && !(kind = gg_place_kind_parse(lv)))
        return gg_fail(&r->err, GG_EINVAL, 400, "invalid_parameter", "level",
                       "level is a kind of place: district, street, community, grid, ...");
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_pool *p = big_pool(r);
    if (!p) return GG_ENOMEM;
    gg_boundary_rec *rows;
    int n = 0;
    int rc = gg_boundary_subtree(c, p, root->path, kind, 0, EXPORT_MAX + 1, &rows, &n);
    if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot read the boundaries");
    if (n > EXPORT_MAX)
        return gg_fail(&r->err, GG_ETOOBIG, 413, "too_large", "level",
                       "more than %d boundaries: export one level or a smaller subtree", EXPORT_MAX);
    gg_jw *w = gg_req_json(r, 200);
    gg_jw_obj(w);
    gg_jw_kstr(w, "type", "FeatureCollection");
    gg_jw_key(w, "features");
    gg_jw_arr(w);
    for (int i = 0; i < n; i++) feature_json(w, &rows[i], false);
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
    return 0;
}
