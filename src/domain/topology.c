/*
 * topology.c — boundary rules with GEOS (see topology.h).
 *
 * One GEOS context per thread, kept under a pthread key whose destructor
 * finishes it, so request threads, the writer thread and tests each have
 * their own and nothing is shared between threads but plain geometries.
 */
#include "domain/topology.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

/* ---- contexts ------------------------------------------------------------ */

static pthread_key_t ctx_key;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
static int ctx_key_ok;

static void ctx_destroy(void *h) { GEOS_finish_r((GEOSContextHandle_t)h); }

static void ctx_key_make(void) { ctx_key_ok = pthread_key_create(&ctx_key, ctx_destroy) == 0; }

/* GEOS reports errors (e.g. a TopologyException on invalid input) through
 * this handler; the calls then return NULL or 0 and we answer from that. */
static void ctx_quiet(const char *msg, void *arg) { (void)msg, (void)arg; }

GEOSContextHandle_t gg_topo_ctx(void)
{
    pthread_once(&ctx_once, ctx_key_make);
    if (!ctx_key_ok) return NULL;
    GEOSContextHandle_t h = pthread_getspecific(ctx_key);
    if (h) return h;
    h = GEOS_init_r();
    if (!h) return NULL;
    GEOSContext_setErrorMessageHandler_r(h, ctx_quiet, NULL);
    GEOSContext_setNoticeMessageHandler_r(h, ctx_quiet, NULL);
    if (pthread_setspecific(ctx_key, h)) {
        GEOS_finish_r(h);
        return NULL;
    }
    return h;
}

/* ---- building geometries --------------------------------------------------- */

static GEOSGeometry *ring_of(GEOSContextHandle_t h, const gg_geo_pt *pts, size_t n)
{
    GEOSCoordSequence *seq = GEOSCoordSeq_create_r(h, (unsigned)n, 2);
    if (!seq) return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!GEOSCoordSeq_setXY_r(h, seq, (unsigned)i, pts[i].lon, pts[i].lat)) {
            GEOSCoordSeq_destroy_r(h, seq);
            return NULL;
        }
    }
    return GEOSGeom_createLinearRing_r(h, seq); /* owns seq, even on failure */
}

static GEOSGeometry *poly_of(GEOSContextHandle_t h, const gg_geo_poly *p)
{
    GEOSGeometry *shell = ring_of(h, p->rings[0].pts, p->rings[0].n);
    if (!shell) return NULL;
    size_t nh = p->n - 1;
    GEOSGeometry **holes = nh ? gg_calloc(nh, sizeof *holes) : NULL;
    if (nh && !holes) goto fail;
    for (size_t i = 0; i < nh; i++) {
        holes[i] = ring_of(h, p->rings[i + 1].pts, p->rings[i + 1].n);
        if (!holes[i]) {
            for (size_t j = 0; j < i; j++) GEOSGeom_destroy_r(h, holes[j]);
            goto fail;
        }
    }
    GEOSGeometry *g = GEOSGeom_createPolygon_r(h, shell, holes, (unsigned)nh);
    gg_free(holes);
    return g;
fail:
    gg_free(holes);
    GEOSGeom_destroy_r(h, shell);
    return NULL;
}

GEOSGeometry *gg_topo_from_shape(GEOSContextHandle_t h, const gg_geo_shape *s)
{
    if (!h || !s->n) return NULL;
    if (!s->multi) return poly_of(h, &s->polys[0]);
    GEOSGeometry **parts = gg_calloc(s->n, sizeof *parts);
    if (!parts) return NULL;
    for (size_t i = 0; i < s->n; i++) {
        parts[i] = poly_of(h, &s->polys[i]);
        if (!parts[i]) {
            for (size_t j = 0; j < i; j++) GEOSGeom_destroy_r(h, parts[j]);
            gg_free(parts);
            return NULL;
        }
    }
    GEOSGeometry *g = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)s->n);
    gg_free(parts);
    return g;
}

GEOSGeometry *gg_topo_from_ring(GEOSContextHandle_t h, const gg_geo_pt *pts, size_t n)
{
    GEOSGeometry *shell = ring_of(h, pts, n);
    return shell ? GEOSGeom_createPolygon_r(h, shell, NULL, 0) : NULL;
}

/* ---- measuring --------------------------------------------------------------- */

static double piece_m2(GEOSContextHandle_t h, const GEOSGeometry *g)
{
    double a = 0, y0 = 0, y1 = 0;
    if (!GEOSArea_r(h, g, &a) || a <= 0) return 0;
    if (!GEOSGeom_getYMin_r(h, g, &y0) || !GEOSGeom_getYMax_r(h, g, &y1)) return 0;
    return a * gg_geo_m2_per_deg2((y0 + y1) / 2);
}

double gg_topo_area_m2(GEOSContextHandle_t h, const GEOSGeometry *g)
{
    int n = GEOSGetNumGeometries_r(h, g), t = GEOSGeomTypeId_r(h, g);
    if (t != GEOS_MULTIPOLYGON && t != GEOS_GEOMETRYCOLLECTION) return piece_m2(h, g);
    double sum = 0;
    for (int i = 0; i < n; i++) sum += gg_topo_area_m2(h, GEOSGetGeometryN_r(h, g, i));
    return sum;
}

/* ---- rules ------------------------------------------------------------------- */

static const char *nz(const char *s) { return s ? s : ""; }

int gg_topo_check_valid(GEOSContextHandle_t h, const gg_topo_place *p, gg_error *e)
{
    if (!h || !p->g) return gg_fail(e, GG_ENOMEM, 503, "unavailable", "", "geometry engine unavailable");
    char v = GEOSisValid_r(h, p->g);
    if (v == 1) return 0;
    char *why = GEOSisValidReason_r(h, p->g);
    int rc = gg_fail(e, GG_EINVAL, 422, "invalid_boundary", "geometry",
                     "place %lld (code %s, %s): not a valid polygon: %s", (long long)p->id,
                     nz(p->code), nz(p->name), why ? why : "unknown reason");
    if (why) GEOSFree_r(h, why);
    return rc;
}

/* Area in m² of a − b, or of a ∩ b; < 0 when GEOS fails. */
static double op_area(GEOSContextHandle_t h, const GEOSGeometry *a, const GEOSGeometry *b, bool diff)
{
    GEOSGeometry *r = diff ? GEOSDifference_r(h, a, b) : GEOSIntersection_r(h, a, b);
    if (!r) return -1;
    double m2 = gg_topo_area_m2(h, r);
    GEOSGeom_destroy_r(h, r);
    return m2;
}

int gg_topo_check_inside(GEOSContextHandle_t h, const gg_topo_place *child,
                         const gg_topo_place *parent, double tol_m2, gg_error *e)
{
    double out = op_area(h, child->g, parent->g, true);
    if (out < 0)
        return gg_fail(e, GG_EINVAL, 422, "invalid_boundary", "geometry",
                       "place %lld (code %s, %s): cannot be compared with its parent",
                       (long long)child->id, nz(child->code), nz(child->name));
    if (out <= tol_m2) return 0;
    return gg_fail(e, GG_EINVAL, 422, "outside_parent", "geometry",
                   "place %lld (code %s, %s): %.1f m² lies outside its parent %lld (code %s, %s)",
                   (long long)child->id, nz(child->code), nz(child->name), out,
                   (long long)parent->id, nz(parent->code), nz(parent->name));
}

static gg_geo_bbox env_of(GEOSContextHandle_t h, const GEOSGeometry *g)
{
    gg_geo_bbox v = {0, 0, -1, -1};
    GEOSGeom_getXMin_r(h, g, &v.min_lon);
    GEOSGeom_getYMin_r(h, g, &v.min_lat);
    GEOSGeom_getXMax_r(h, g, &v.max_lon);
    GEOSGeom_getYMax_r(h, g, &v.max_lat);
    return v;
}

void gg_topo_envelope(GEOSContextHandle_t h, gg_topo_place *p)
{
    if (p->has_env || !p->g) return;
    p->env = env_of(h, p->g);
    p->has_env = true;
}

int gg_topo_check_overlaps(GEOSContextHandle_t h, const gg_topo_place *p,
                           const gg_topo_place *sib, size_t n, double tol_m2, gg_error *e)
{
    gg_geo_bbox a = p->has_env ? p->env : env_of(h, p->g);
    const GEOSPreparedGeometry *pg = GEOSPrepare_r(h, p->g);
    if (!pg) return gg_fail(e, GG_ENOMEM, 503, "unavailable", "", "geometry engine unavailable");
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (sib[i].id == p->id || !sib[i].g) continue;
        gg_geo_bbox b = sib[i].has_env ? sib[i].env : env_of(h, sib[i].g);
        if (b.min_lon > a.max_lon || b.max_lon < a.min_lon || b.min_lat > a.max_lat ||
            b.max_lat < a.min_lat)
            continue;
        if (GEOSPreparedIntersects_r(h, pg, sib[i].g) != 1) continue;
        double m2 = op_area(h, p->g, sib[i].g, false);
        if (m2 > tol_m2)
            rc = gg_fail(e, GG_EINVAL, 422, "overlap", "geometry",
                         "place %lld (code %s, %s): %.1f m² overlaps place %lld (code %s, %s)",
                         (long long)p->id, nz(p->code), nz(p->name), m2, (long long)sib[i].id,
                         nz(sib[i].code), nz(sib[i].name));
    }
    GEOSPreparedGeom_destroy_r(h, pg);
    return rc;
}

static int gap_cmp(const void *a, const void *b)
{
    double x = ((const gg_topo_gap *)a)->area_m2, y = ((const gg_topo_gap *)b)->area_m2;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void gap_add(GEOSContextHandle_t h, const GEOSGeometry *piece, double tol_m2, gg_topo_gap *out,
                    size_t cap, size_t *count, double *total)
{
    double m2 = piece_m2(h, piece);
    if (m2 < tol_m2) return;
    *total += m2;
    gg_topo_gap g = {.area_m2 = m2};
    gg_topo_inner_point(h, piece, &g.at);
    if (*count < cap) {
        out[(*count)++] = g;
        return;
    }
    (*count)++;
    /* keep the largest cap pieces: replace the smallest kept one */
    size_t k = 0;
    for (size_t i = 1; i < cap; i++)
        if (out[i].area_m2 < out[k].area_m2) k = i;
    if (cap && out[k].area_m2 < m2) out[k] = g;
}

int gg_topo_gaps(GEOSContextHandle_t h, const GEOSGeometry *parent, const GEOSGeometry *const *children,
                 size_t n, double tol_m2, gg_topo_gap *out, size_t cap, size_t *count,
                 double *total_m2)
{
    *count = 0;
    *total_m2 = 0;
    GEOSGeometry **parts = gg_calloc(n ? n : 1, sizeof *parts);
    if (!parts) return GG_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (children[i] && !(parts[k] = GEOSGeom_clone_r(h, children[i]))) break;
        else if (children[i]) k++;
    GEOSGeometry *all = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)k);
    gg_free(parts);
    if (!all) return GG_EIO;
    GEOSGeometry *u = GEOSUnaryUnion_r(h, all);
    GEOSGeom_destroy_r(h, all);
    if (!u) return GG_EIO;
    GEOSGeometry *d = GEOSDifference_r(h, parent, u);
    GEOSGeom_destroy_r(h, u);
    if (!d) return GG_EIO;
    int t = GEOSGeomTypeId_r(h, d);
    if (t == GEOS_POLYGON) {
        gap_add(h, d, tol_m2, out, cap, count, total_m2);
    } else {
        int np = GEOSGetNumGeometries_r(h, d);
        for (int i = 0; i < np; i++) {
            const GEOSGeometry *piece = GEOSGetGeometryN_r(h, d, i);
            if (GEOSGeomTypeId_r(h, piece) == GEOS_POLYGON)
                gap_add(h, piece, tol_m2, out, cap, count, total_m2);
        }
    }
    GEOSGeom_destroy_r(h, d);
    qsort(out, *count < cap ? *count : cap, sizeof *out, gap_cmp);
    return 0;
}

/* ---- points ------------------------------------------------------------------ */

int gg_topo_prepared_where(GEOSContextHandle_t h, const GEOSPreparedGeometry *pg, double lon,
                           double lat)
{
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, lon, lat);
    if (!pt) return GG_TOPO_OUT;
    int w = GG_TOPO_OUT;
    if (GEOSPreparedContainsProperly_r(h, pg, pt) == 1) w = GG_TOPO_IN;
    else if (GEOSPreparedCovers_r(h, pg, pt) == 1) w = GG_TOPO_EDGE;
    GEOSGeom_destroy_r(h, pt);
    return w;
}

static int point_of(GEOSContextHandle_t h, GEOSGeometry *p, gg_geo_pt *out)
{
    if (!p) return GG_EIO;
    int ok = GEOSGeomGetX_r(h, p, &out->lon) && GEOSGeomGetY_r(h, p, &out->lat);
    GEOSGeom_destroy_r(h, p);
    return ok ? 0 : GG_EIO;
}

int gg_topo_centroid(GEOSContextHandle_t h, const GEOSGeometry *g, gg_geo_pt *out)
{
    return point_of(h, GEOSGetCentroid_r(h, g), out);
}

int gg_topo_inner_point(GEOSContextHandle_t h, const GEOSGeometry *g, gg_geo_pt *out)
{
    return point_of(h, GEOSPointOnSurface_r(h, g), out);
}
