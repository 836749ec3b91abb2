/*
 * map.h — the grid map over HTTP (issue #6): boundaries (api/geo.c), the
 * point → grid index (api/map_index.c) and the map's layers (api/map.c).
 */
#ifndef GG_API_MAP_H
#define GG_API_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include "http/req.h"

/* Routes */
int gg_h_boundary_put(gg_req *r);
int gg_h_boundary_get(gg_req *r);
int gg_h_boundaries_import(gg_req *r);
int gg_h_boundaries_export(gg_req *r);
int gg_h_map_boundaries(gg_req *r);
int gg_h_map_locate(gg_req *r);
int gg_h_map_layer_cases(gg_req *r);
int gg_h_map_layer_pois(gg_req *r);
int gg_h_map_nearest_centre(gg_req *r);
int gg_h_map_heat(gg_req *r);
int gg_h_map_layer_key_groups(gg_req *r);

/* POST /api/v1/cases: body "place_id" inside scope as before, or with no
 * place_id the grid holding body "lat"/"lon" (GCJ-02 when "coord" is
 * "gcj02"), which must lie inside scope; loads the place into r->obj. */
int gg_scope_case_open(gg_req *r);

/*
 * Point → grid: the active grid whose boundary holds (lon, lat), WGS 84.
 * R*Tree candidates by id, then GEOS prepared geometries (cached in memory,
 * keyed by place id and boundary version, so a changed boundary is reloaded
 * on its next use; one lock around the cache and the prepared tests, since
 * GEOS builds a prepared geometry's index lazily). A point inside a grid is
 * that grid's; a point on edges or vertices only (shared by neighbours)
 * goes to the lowest place id among the grids it touches; a hole is
 * outside. 0 and *place_id, GG_ENOTFOUND when no grid holds it, else < 0.
 */
int gg_map_locate(gg_conn *c, double lon, double lat, int64_t *place_id);
/* The same by brute force over the candidates with gg_geo_locate (no GEOS,
 * no cache): the benchmark's reference. */
int gg_map_locate_plain(gg_conn *c, gg_pool *p, double lon, double lat, int64_t *place_id);
/* Drop every cached geometry (tests, benchmark, shutdown). */
void gg_map_index_clear(void);
size_t gg_map_index_size(void);

/* Coordinates from a request: "gcj02" converts to WGS 84; "wgs84" or
 * absent leaves them. Refuses other words (422 on field). */
int gg_map_coord_parse(gg_req *r, const char *v, const char *field, bool *gcj02);

#endif

/* ---- applying boundaries (api/geo.c; also the demo city) ---- */
#include "domain/geo.h"
#include "domain/topology.h"

typedef struct gg_map_item {
    gg_place place;             /* the place the boundary is for */
    const gg_geo_shape *shape;  /* WGS 84 */
    /* filled by gg_map_apply */
    GEOSGeometry *g;
    gg_boundary_rec rec;
    int rc;
    gg_error err;
} gg_map_item;

/* The gaps one parent leaves uncovered by the children that have boundaries. */
#define GG_MAP_GAPS_SHOWN 5
typedef struct gg_map_gaps {
    int64_t place_id;
    const char *code, *name;
    size_t count;
    double total_m2, area_m2;
    gg_topo_gap top[GG_MAP_GAPS_SHOWN];
} gg_map_gaps;

/*
 * Check new boundaries together, then write them all or none (on the
 * writer connection w). With validate: each is a valid polygon, inside its
 * parent (the parent's new boundary when it is in the batch), not
 * overlapping any sibling (new or stored) by more than GG_TOPO_SLIVER_M2,
 * and still holding its stored children; gaps of every parent touched are
 * reported into gaps (at most gcap parents). A refusal leaves each item's
 * rc/err and the first in e: GG_EINVAL (422). Frees nothing the caller
 * gave; call gg_map_items_free after.
 */
int gg_map_apply(gg_conn *w, gg_pool *p, gg_map_item *it, size_t n, bool validate,
                 int64_t actor, gg_map_gaps *gaps, size_t gcap, size_t *ngaps, gg_error *e);
void gg_map_items_free(gg_map_item *it, size_t n);
void gg_map_gaps_json(gg_jw *w, const gg_map_gaps *g, size_t n);
