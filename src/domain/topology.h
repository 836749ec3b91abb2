/*
 * topology.h — boundary rules checked with GEOS (reentrant C API): a valid
 * polygon, inside its parent, no overlap with its siblings, and the gaps a
 * parent leaves uncovered by its children. Also the prepared-geometry
 * point tests the point → grid lookup uses.
 *
 * Pure computation, no I/O. Each thread has its own GEOS context
 * (gg_topo_ctx: made on first use, finished when the thread exits); GEOS
 * geometries themselves are plain data and may be freed with any context.
 *
 * Areas: GEOS measures in square degrees on the lon/lat plane; every area
 * this module reports is converted to m² with the WGS 84 radii of
 * curvature at the latitude of the piece measured (good to well under 1 %
 * at the size of a street). Pieces below the sliver tolerance
 * (GG_TOPO_SLIVER_M2 unless the caller gives one) are floating-point
 * noise and ignored.
 */
#ifndef GG_DOMAIN_TOPOLOGY_H
#define GG_DOMAIN_TOPOLOGY_H

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#include <stdint.h>

#include "core/gg.h"
#include "domain/geo.h"

#define GG_TOPO_SLIVER_M2 1.0

/* This thread's GEOS context, or NULL when GEOS cannot start. */
GEOSContextHandle_t gg_topo_ctx(void);

/* A GEOS Polygon or MultiPolygon of a parsed shape (NULL on failure). */
GEOSGeometry *gg_topo_from_shape(GEOSContextHandle_t h, const gg_geo_shape *s);
/* The same for a single ring (a tiling cell). */
GEOSGeometry *gg_topo_from_ring(GEOSContextHandle_t h, const gg_geo_pt *pts, size_t n);

/* Area of g in m², measured piece by piece at each piece's own latitude. */
double gg_topo_area_m2(GEOSContextHandle_t h, const GEOSGeometry *g);

/* A place's boundary as the checks see it; names are for the messages.
 * env caches g's envelope once gg_topo_envelope filled it (has_env). */
typedef struct gg_topo_place {
    int64_t id;
    const char *code, *name;
    const GEOSGeometry *g;
    bool has_env;
    gg_geo_bbox env;
} gg_topo_place;

/* Fill p->env from p->g (once): a batch checks every pair of siblings, and
 * the envelope test that skips most pairs should cost no GEOS calls. */
void gg_topo_envelope(GEOSContextHandle_t h, gg_topo_place *p);

/* 422 "invalid_boundary" with GEOS's reason (self-intersection, ring
 * self-intersection, hole outside shell, ...) and where. */
int gg_topo_check_valid(GEOSContextHandle_t h, const gg_topo_place *p, gg_error *e);
/* 422 "outside_parent" when more than tol_m2 of child lies outside parent. */
int gg_topo_check_inside(GEOSContextHandle_t h, const gg_topo_place *child,
                         const gg_topo_place *parent, double tol_m2, gg_error *e);
/* 422 "overlap" naming the first sibling (other than p itself, by id)
 * sharing more than tol_m2 of area with p. Siblings whose envelope does not
 * touch p's are skipped cheaply. */
int gg_topo_check_overlaps(GEOSContextHandle_t h, const gg_topo_place *p,
                           const gg_topo_place *sib, size_t n, double tol_m2, gg_error *e);

/* A gap: a piece of the parent no child covers. */
typedef struct gg_topo_gap {
    double area_m2;
    gg_geo_pt at; /* a point inside the piece */
} gg_topo_gap;
/* The gaps parent leaves uncovered by children[0..n), pieces of at least
 * tol_m2 only, the largest first, at most cap of them in out; *count is
 * how many there are and *total_m2 their area (both may exceed what fits).
 * GG_EIO when GEOS fails (e.g. on invalid input). */
int gg_topo_gaps(GEOSContextHandle_t h, const GEOSGeometry *parent, const GEOSGeometry *const *children,
                 size_t n, double tol_m2, gg_topo_gap *out, size_t cap, size_t *count,
                 double *total_m2);

/* Interior point test and boundary-inclusive test with a prepared geometry. */
enum gg_topo_where { GG_TOPO_OUT = 0, GG_TOPO_IN = 1, GG_TOPO_EDGE = 2 };
int gg_topo_prepared_where(GEOSContextHandle_t h, const GEOSPreparedGeometry *pg, double lon,
                           double lat);

/* Centroid of g (a point inside when g is convex), for map labels. */
int gg_topo_centroid(GEOSContextHandle_t h, const GEOSGeometry *g, gg_geo_pt *out);
/* Interior point (GEOSPointOnSurface): always inside a non-empty polygon. */
int gg_topo_inner_point(GEOSContextHandle_t h, const GEOSGeometry *g, gg_geo_pt *out);

#endif
