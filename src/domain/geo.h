/*
 * geo.h — boundaries as plain data: GeoJSON polygons in, checked, measured
 * and written back out; GCJ-02/BD-09 ↔ WGS-84; a point-in-polygon helper.
 *
 * Pure: no I/O, no SQL. jansson is used for parsing only. This module checks
 * STRUCTURE (types, limits, finite coordinates in range, rings closed, long
 * enough and without repeated vertices); topology (self-intersection, holes
 * inside shells, overlaps, gaps) is GEOS's job in a later layer.
 *
 * Coordinates are WGS 84 (lon, lat) degrees held on a 1e-7° grid (≈ 1 cm):
 * the parser rounds every coordinate to 7 decimals before any check, so a
 * shape written back with GG_GEO_DECIMALS decimals re-parses bit for bit.
 * A third position element (altitude) is accepted and dropped.
 *
 * Ownership: a gg_geo_doc owns all its memory (gg_malloc) and a reference to
 * each feature's properties and id; gg_geo_doc_free releases everything and
 * leaves the doc empty. On failure a parser leaves *doc empty.
 */
#ifndef GG_DOMAIN_GEO_H
#define GG_DOMAIN_GEO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/gg.h"
#include "json/jw.h"

#define GG_GEO_DECIMALS 7

typedef struct gg_geo_pt {
    double lon;
    double lat;
} gg_geo_pt;

typedef struct gg_geo_bbox {
    double min_lon, min_lat, max_lon, max_lat;
} gg_geo_bbox;

/* A closed ring: pts[0] == pts[n-1], n >= 4. area_deg2 is the planar
 * shoelace area in square degrees, signed: > 0 counter-clockwise. */
typedef struct gg_geo_ring {
    gg_geo_pt *pts;
    size_t n;
    double area_deg2;
} gg_geo_ring;

/* rings[0] is the exterior, rings[1..] are holes. area_deg2 and area_m2 are
 * |exterior| - Σ|holes|; area_m2 is on a local equirectangular projection
 * about the centre of bbox, scaled by the WGS 84 radii of curvature there
 * (good to well under 1 % for a grid, a community or a street). */
typedef struct gg_geo_poly {
    gg_geo_ring *rings;
    size_t n;
    double area_deg2;
    double area_m2;
    gg_geo_bbox bbox;
} gg_geo_poly;

/* A Polygon (multi false, n == 1) or a MultiPolygon. */
typedef struct gg_geo_shape {
    gg_geo_poly *polys;
    size_t n;
    bool multi;
    size_t vertices;
    double area_m2;
    gg_geo_bbox bbox;
} gg_geo_shape;

typedef struct gg_geo_feature {
    gg_geo_shape shape;
    json_t *properties; /* owned reference; NULL when absent or null */
    json_t *id;         /* owned reference to a string or integer; NULL when absent */
} gg_geo_feature;

enum gg_geo_kind { GG_GEO_GEOMETRY = 1, GG_GEO_FEATURE, GG_GEO_COLLECTION };

typedef struct gg_geo_doc {
    enum gg_geo_kind kind;   /* what the input was; GEOMETRY and FEATURE have n == 1 */
    gg_geo_feature *features;
    size_t n;
    size_t vertices;         /* total kept, <= limits.max_vertices */
    size_t dropped;          /* repeated vertices dropped (GG_GEO_DROP_REPEATS) */
    size_t cw_exteriors;     /* exterior rings wound clockwise (RFC 7946 wants ccw) */
    size_t ccw_holes;        /* holes wound counter-clockwise (RFC 7946 wants cw) */
    gg_geo_bbox bbox;
} gg_geo_doc;

/* Every input has a limit; NULL limits mean these defaults. */
typedef struct gg_geo_limits {
    size_t ring_vertices; /* positions per ring, default 20,000 */
    size_t rings;         /* rings per polygon (exterior + holes), default 1,000 */
    size_t polygons;      /* polygons per geometry, default 1,000 */
    size_t features;      /* features per collection, default 10,000 */
    size_t vertices;      /* positions in the whole document, default 100,000 */
} gg_geo_limits;

extern const gg_geo_limits gg_geo_limits_default;

/* Flags for parsing and checking. */
enum {
    /* Repeated consecutive vertices (after rounding to 1e-7°) are refused by
     * default; with this flag they are dropped and counted in doc->dropped.
     * The ring must still have >= 4 positions afterwards. */
    GG_GEO_DROP_REPEATS = 1 << 0,
    /* Rewind rings to RFC 7946 (exterior ccw, holes cw) after checking. */
    GG_GEO_NORMALISE = 1 << 1,
};

/*
 * Parse a GeoJSON body (pointer + length): a Polygon or MultiPolygon
 * geometry, a Feature with one, or a FeatureCollection of such Features.
 * Foreign members and "bbox" are ignored; a "crs" other than CRS84/EPSG:4326
 * is refused. Errors: gg_jr_parse's 400 "invalid_json"; 422
 * "invalid_geojson" for a rule; 413 "too_large" (GG_ETOOBIG) for a limit;
 * 503 for memory. The message starts with the JSON path of the offending
 * value ("features[3].geometry.coordinates[0][12]: ..."); e->field holds
 * the path too (truncated to fit).
 */
int gg_geo_parse(const char *body, size_t n, const gg_geo_limits *lim, unsigned flags,
                 gg_geo_doc *doc, gg_error *e);
/* The same from an already-parsed root (borrowed). */
int gg_geo_from_json(json_t *root, const gg_geo_limits *lim, unsigned flags, gg_geo_doc *doc,
                     gg_error *e);
void gg_geo_doc_free(gg_geo_doc *doc);

/* Rewind every ring of the doc to RFC 7946; returns how many were reversed. */
size_t gg_geo_normalise(gg_geo_doc *doc);

/* Convert every vertex from GCJ-02 to WGS-84, then round and check again
 * (a conversion can make two vertices coincide) and re-measure. On failure
 * the doc is left converted but must not be used; free it. */
int gg_geo_doc_from_gcj02(gg_geo_doc *doc, unsigned flags, gg_error *e);

/*
 * Write back as GeoJSON, in the kind it was read (geometry, Feature,
 * FeatureCollection), coordinates with `decimals` decimals (0..9, trailing
 * zeros trimmed). GG_GEO_DECIMALS round-trips exactly; fewer may merge
 * vertices. Errors stick in the writer (gg_jw_status).
 */
void gg_geo_write_shape(gg_jw *w, const gg_geo_shape *s, int decimals);
void gg_geo_write_doc(gg_jw *w, const gg_geo_doc *doc, int decimals);

/*
 * Where a point lies relative to a shape: even-odd over all rings of each
 * polygon, so holes are outside. Edge rule: a point within 1e-9° (≈ 0.1 mm)
 * of any ring's edge, including a hole's, is GG_GEO_ON_EDGE — neither
 * inside nor outside — and the caller decides (a grid lookup may then pick
 * the lowest id among the candidates). A plain helper for tests and a
 * fallback; the real lookups use GEOS prepared geometries.
 */
enum gg_geo_where { GG_GEO_OUTSIDE = 0, GG_GEO_INSIDE = 1, GG_GEO_ON_EDGE = 2 };
int gg_geo_locate(const gg_geo_shape *s, double lon, double lat);

/*
 * China's GCJ-02 obfuscation ("Mars coordinates", used by AMap, Tencent and
 * most phone maps in China) and Baidu's BD-09 on top of it. Outside the
 * usual China rectangle (lon 72.004–137.8347, lat 0.8293–55.8271) there is
 * no offset. The inverses iterate the forward transform (at most
 * GG_GEO_GCJ_ITER steps) until the forward image is within 1e-9° of the
 * input, which leaves the result well under 1e-7° from the true inverse.
 */
#define GG_GEO_GCJ_ITER 30
bool gg_geo_out_of_china(double lon, double lat);
gg_geo_pt gg_geo_wgs84_to_gcj02(gg_geo_pt p);
gg_geo_pt gg_geo_gcj02_to_wgs84(gg_geo_pt p);
gg_geo_pt gg_geo_gcj02_to_bd09(gg_geo_pt p);
gg_geo_pt gg_geo_bd09_to_gcj02(gg_geo_pt p);
gg_geo_pt gg_geo_wgs84_to_bd09(gg_geo_pt p);
gg_geo_pt gg_geo_bd09_to_wgs84(gg_geo_pt p);

/* Signed planar (shoelace) area of a closed ring of n points, deg², > 0 ccw. */
double gg_geo_ring_area(const gg_geo_pt *pts, size_t n);
/* Square metres per square degree at latitude lat: the local equirectangular
 * scale from the WGS 84 meridional and prime-vertical radii, the one every
 * area_m2 here (geo, tiling, topology) is measured with. */
double gg_geo_m2_per_deg2(double lat);
/* x rounded to the 1e-7° grid; -0 becomes +0 so that equal means equal. */
double gg_geo_q7(double x);

#endif
