/*
 * demo_geo.c — the demo city's map (see demo_geo.h). The tiling is exact
 * (no gaps, no overlaps: domain/tiling.c), so the boundaries are written
 * without the GEOS checks to keep `gridgov demo` fast; tests/unit/
 * test_topology.c checks the same tiling with GEOS.
 */
#include "cli/demo_geo.h"

#include <stdio.h>
#include <string.h>

#include "api/map.h"
#include "core/timeutil.h"
#include "domain/place.h"

static const unsigned one_6[] = {6};
static const unsigned streets_7766[] = {7, 7, 7, 7, 6, 6};
static const unsigned one_10[] = {10};

gg_tiling_spec gg_demo_geo_spec(void)
{
    gg_tiling_spec s = {.nlevels = 3,
                        .levels = {{one_6, 1}, {streets_7766, 6}, {one_10, 1}},
                        .seed = 630105,
                        .jitter = GG_TILING_JITTER};
    const gg_geo_bbox box = {101.68, 36.60, 101.84, 36.72}; /* 城北区, Xining */
    gg_tiling_quad_from_bbox(box, s.seed, 0.08, s.corners);
    return s;
}

/* The places in tiling order: the district, then each level's children of
 * each parent in code order, which is the order the demo made them in. */
static int places_in_order(gg_conn *w, gg_pool *p, int64_t district_id, const gg_tiling *t,
                           gg_place *out, gg_error *e)
{
    if (gg_place_get(w, p, district_id, &out[0]))
        return gg_fail(e, GG_EIO, 500, "demo", "", "no district");
    for (size_t i = 0; i < t->n; i++) {
        const gg_tiling_cell *c = &t->cells[i];
        if (!c->nchildren) continue;
        gg_place *rows;
        int n = 0;
        if (gg_place_children(w, p, out[i].id, false, "", 1000, &rows, &n))
            return gg_fail(e, GG_EIO, 500, "demo", "", "cannot read the demo places");
        /* below the grids come compounds: the tiling stops at grids */
        int k = 0;
        for (int j = 0; j < n && (size_t)k < c->nchildren; j++)
            if (rows[j].kind == out[i].kind + 1) out[c->first_child + (size_t)k++] = rows[j];
        if ((size_t)k != c->nchildren)
            return gg_fail(e, GG_EINVAL, 500, "demo", "", "demo places do not match the tiling");
    }
    return 0;
}

/* A box around the label point that lies inside the (convex) cell: its
 * corners are checked, and it shrinks until they are inside. */
static void inner_box(const gg_tiling *t, size_t i, const gg_boundary_rec *b, double box[4])
{
    gg_geo_poly poly;
    gg_geo_shape shape;
    gg_tiling_view(t, i, &poly, &shape);
    double hw = (b->bbox[2] - b->bbox[0]) * 0.3, hh = (b->bbox[3] - b->bbox[1]) * 0.3;
    for (int tries = 0; tries < 20; tries++, hw /= 2, hh /= 2) {
        box[0] = b->centroid_lon - hw, box[1] = b->centroid_lat - hh;
        box[2] = b->centroid_lon + hw, box[3] = b->centroid_lat + hh;
        if (gg_geo_locate(&shape, box[0], box[1]) == GG_GEO_INSIDE &&
            gg_geo_locate(&shape, box[2], box[1]) == GG_GEO_INSIDE &&
            gg_geo_locate(&shape, box[0], box[3]) == GG_GEO_INSIDE &&
            gg_geo_locate(&shape, box[2], box[3]) == GG_GEO_INSIDE)
            return;
    }
    box[0] = box[2] = b->centroid_lon;
    box[1] = box[3] = b->centroid_lat;
}

static int add_poi(gg_conn *w, const char *kind, const gg_place *pl, const char *name, double lon,
                   double lat, const char *phone, const char *hours, int64_t from, int64_t to,
                   gg_error *e)
{
    gg_poi p = {.kind = kind, .place_id = pl->id, .name = name, .lon = lon, .lat = lat,
                .phone = phone, .hours = hours, .duty_from = from, .duty_to = to};
    return gg_poi_insert(w, &p, e);
}

static int pois_and_cases(gg_conn *w, gg_pool *p, const gg_tiling *t, const gg_map_item *it,
                          gg_error *e)
{
    const int64_t now = gg_now_us(), day = 24 * INT64_C(3600000000);
    char name[160], phone[32];
    int rc = 0;
    for (size_t i = 1; i < t->n && !rc; i++) {
        const gg_boundary_rec *b = &it[i].rec;
        const gg_place *pl = &it[i].place;
        double box[4];
        inner_box(t, i, b, box);
        if (pl->kind == GG_PK_STREET) {
            snprintf(name, sizeof name, "%s党工委", pl->name);
            rc = add_poi(w, "party_org", pl, name, box[0], box[3], NULL, NULL, 0, 0, e);
        } else if (pl->kind == GG_PK_COMMUNITY) {
            snprintf(name, sizeof name, "%s党群服务中心", pl->name);
            snprintf(phone, sizeof phone, "0971-55%05zu", i);
            rc = add_poi(w, "service_centre", pl, name, b->centroid_lon, b->centroid_lat, phone,
                         "08:30-18:00", 0, 0, e);
            snprintf(name, sizeof name, "%s党委", pl->name);
            if (!rc) rc = add_poi(w, "party_org", pl, name, box[2], box[1], NULL, NULL, 0, 0, e);
        } else if (pl->kind == GG_PK_GRID) {
            /* a volunteer per grid: nine in ten on duty now, the rest off duty */
            bool on = i % 10 != 3;
            snprintf(name, sizeof name, "%s志愿者", pl->name);
            rc = add_poi(w, "volunteer", pl, name, box[2], box[3], NULL, NULL,
                         on ? now - day : now - 3 * day, on ? now + 365 * day : now - 2 * day, e);
            if (!rc) rc = gg_map_demo_scatter_cases(w, pl->path, box, e);
        }
    }
    (void)p;
    return rc;
}

int gg_demo_geo(gg_conn *w, gg_pool *pool, int64_t district_id, int *nboundaries, gg_error *e)
{
    gg_tiling_spec spec = gg_demo_geo_spec();
    gg_tiling t = {0};
    int rc = gg_tiling_build(&spec, &t, e);
    if (rc) return rc;
    gg_place *places = gg_pcalloc(pool, sizeof *places * t.n);
    gg_map_item *it = gg_pcalloc(pool, sizeof *it * t.n);
    gg_geo_poly *polys = gg_pcalloc(pool, sizeof *polys * t.n);
    gg_geo_shape *shapes = gg_pcalloc(pool, sizeof *shapes * t.n);
    rc = places && it && polys && shapes ? 0 : GG_ENOMEM;
    if (!rc) rc = places_in_order(w, pool, district_id, &t, places, e);
    for (size_t i = 0; !rc && i < t.n; i++) {
        gg_tiling_view(&t, i, &polys[i], &shapes[i]);
        it[i].place = places[i];
        it[i].shape = &shapes[i];
    }
    size_t ngaps = 0;
    if (!rc) rc = gg_map_apply(w, pool, it, t.n, false, 0, NULL, 0, &ngaps, e);
    if (!rc) rc = pois_and_cases(w, pool, &t, it, e);
    if (!rc) *nboundaries = (int)t.n;
    if (it) gg_map_items_free(it, t.n);
    gg_tiling_free(&t);
    return rc;
}
