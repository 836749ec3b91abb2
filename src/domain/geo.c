/*
 * geo.c — GeoJSON boundaries into plain rings and back, coordinate systems,
 * point-in-polygon (see geo.h for the contract).
 *
 * The parser walks the jansson tree once, top down, carrying the JSON path
 * of the value it is looking at so that every refusal names it. Sizes are
 * checked against the limits before anything is allocated: an array's
 * length is known up front, so each ring is one exact allocation and a
 * 100,000-vertex document is refused before it costs memory. One exit path:
 * on any failure the whole doc is freed.
 */
#include "domain/geo.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "json/jr.h"

#define PI 3.14159265358979323846
#define EDGE_EPS 1e-9 /* degrees: "on the edge" tolerance of gg_geo_locate */

/* WGS 84 ellipsoid, for the local metric scale of area_m2. */
#define WGS84_A 6378137.0
#define WGS84_E2 0.00669437999014

const gg_geo_limits gg_geo_limits_default = {
    .ring_vertices = 20000,
    .rings = 1000,
    .polygons = 1000,
    .features = 10000,
    .vertices = 100000,
};

/* ---- parse context and errors ------------------------------------------ */

struct ctx {
    const gg_geo_limits *lim;
    unsigned flags;
    gg_geo_doc *doc;
    gg_error *e;
    char path[160];
    size_t plen;
};

static size_t push_key(struct ctx *c, const char *key)
{
    size_t old = c->plen;
    int n = snprintf(c->path + old, sizeof c->path - old, "%s%s", old ? "." : "", key);
    c->plen = n < 0 ? old : (old + (size_t)n < sizeof c->path ? old + (size_t)n : sizeof c->path - 1);
    return old;
}

static size_t push_idx(struct ctx *c, size_t i)
{
    size_t old = c->plen;
    int n = snprintf(c->path + old, sizeof c->path - old, "[%zu]", i);
    c->plen = n < 0 ? old : (old + (size_t)n < sizeof c->path ? old + (size_t)n : sizeof c->path - 1);
    return old;
}

static void pop(struct ctx *c, size_t old)
{
    c->plen = old;
    c->path[old] = '\0';
}

/* Refuse at the current path: 422 invalid_geojson, or 413 too_large for a
 * limit, or 503 for memory. */
static int bad(struct ctx *c, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(struct ctx *c, int rc, const char *fmt, ...)
{
    char why[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    const char *where = c->plen ? c->path : "(root)";
    if (rc == GG_ETOOBIG)
        return gg_fail(c->e, rc, 413, "too_large", where, "%s: %s", where, why);
    if (rc == GG_ENOMEM)
        return gg_fail(c->e, rc, 503, NULL, where, "%s: %s", where, why);
    return gg_fail(c->e, rc, 422, "invalid_geojson", where, "%s: %s", where, why);
}

/* A jansson string equal to lit, embedded NULs included. */
static bool str_is(const json_t *v, const char *lit)
{
    return json_is_string(v) && json_string_length(v) == strlen(lit) &&
           memcmp(json_string_value(v), lit, strlen(lit)) == 0;
}

double gg_geo_q7(double x)
{
    return round(x * 1e7) / 1e7 + 0.0;
}

static bool pt_eq(gg_geo_pt a, gg_geo_pt b)
{
    return a.lon == b.lon && a.lat == b.lat;
}

/* ---- measuring ---------------------------------------------------------- */

double gg_geo_ring_area(const gg_geo_pt *pts, size_t n)
{
    /* shoelace about pts[0], which keeps the products small */
    double s = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        double x1 = pts[i].lon - pts[0].lon, y1 = pts[i].lat - pts[0].lat;
        double x2 = pts[i + 1].lon - pts[0].lon, y2 = pts[i + 1].lat - pts[0].lat;
        s += x1 * y2 - x2 * y1;
    }
    return s / 2;
}

static void bbox_empty(gg_geo_bbox *b)
{
    b->min_lon = b->min_lat = INFINITY;
    b->max_lon = b->max_lat = -INFINITY;
}

static void bbox_add(gg_geo_bbox *b, const gg_geo_bbox *o)
{
    b->min_lon = fmin(b->min_lon, o->min_lon);
    b->min_lat = fmin(b->min_lat, o->min_lat);
    b->max_lon = fmax(b->max_lon, o->max_lon);
    b->max_lat = fmax(b->max_lat, o->max_lat);
}

double gg_geo_m2_per_deg2(double lat)
{
    double phi = lat * PI / 180, s = sin(phi), w = 1 - WGS84_E2 * s * s;
    double n = WGS84_A / sqrt(w), m = WGS84_A * (1 - WGS84_E2) / (w * sqrt(w));
    return (n * cos(phi) * PI / 180) * (m * PI / 180);
}

static void measure_poly(gg_geo_poly *p)
{
    bbox_empty(&p->bbox);
    p->area_deg2 = 0;
    for (size_t r = 0; r < p->n; r++) {
        gg_geo_ring *g = &p->rings[r];
        for (size_t i = 0; i < g->n; i++) {
            gg_geo_bbox one = {g->pts[i].lon, g->pts[i].lat, g->pts[i].lon, g->pts[i].lat};
            bbox_add(&p->bbox, &one);
        }
        g->area_deg2 = gg_geo_ring_area(g->pts, g->n);
        p->area_deg2 += r == 0 ? fabs(g->area_deg2) : -fabs(g->area_deg2);
    }
    p->area_m2 = p->area_deg2 * gg_geo_m2_per_deg2((p->bbox.min_lat + p->bbox.max_lat) / 2);
}

/* Measure everything and count orientations; doc totals are recomputed. */
static void measure_doc(gg_geo_doc *doc)
{
    bbox_empty(&doc->bbox);
    doc->vertices = doc->cw_exteriors = doc->ccw_holes = 0;
    for (size_t f = 0; f < doc->n; f++) {
        gg_geo_shape *s = &doc->features[f].shape;
        bbox_empty(&s->bbox);
        s->area_m2 = 0;
        s->vertices = 0;
        for (size_t k = 0; k < s->n; k++) {
            gg_geo_poly *p = &s->polys[k];
            measure_poly(p);
            bbox_add(&s->bbox, &p->bbox);
            s->area_m2 += p->area_m2;
            for (size_t r = 0; r < p->n; r++) {
                s->vertices += p->rings[r].n;
                if (r == 0 && p->rings[r].area_deg2 < 0)
                    doc->cw_exteriors++;
                else if (r > 0 && p->rings[r].area_deg2 > 0)
                    doc->ccw_holes++;
            }
        }
        bbox_add(&doc->bbox, &s->bbox);
        doc->vertices += s->vertices;
    }
}

/* ---- parsing ------------------------------------------------------------ */

static int parse_pos(struct ctx *c, json_t *v, gg_geo_pt *out)
{
    if (!json_is_array(v))
        return bad(c, GG_EINVAL, "a position must be an array [longitude, latitude]");
    size_t n = json_array_size(v);
    if (json_is_array(json_array_get(v, 0)))
        return bad(c, GG_EINVAL, "a position must hold numbers, not arrays: nested one "
                                 "level too deep (a MultiPolygon's coordinates in a Polygon?)");
    if (n < 2 || n > 3)
        return bad(c, GG_EINVAL, "a position has 2 or 3 numbers (longitude, latitude, altitude), not %zu", n);
    double x[3] = {0, 0, 0};
    for (size_t k = 0; k < n; k++) {
        json_t *num = json_array_get(v, k);
        if (!json_is_number(num))
            return bad(c, GG_EINVAL, "element %zu of the position must be a number", k);
        x[k] = json_number_value(num);
        if (!isfinite(x[k]))
            return bad(c, GG_EINVAL, "element %zu of the position is not a finite number", k);
    }
    if (x[0] < -180 || x[0] > 180)
        return bad(c, GG_EINVAL, "longitude %.9g is outside [-180, 180] (is this WGS 84 lon, lat?)", x[0]);
    if (x[1] < -90 || x[1] > 90)
        return bad(c, GG_EINVAL, "latitude %.9g is outside [-90, 90] (is this WGS 84 lon, lat?)", x[1]);
    out->lon = gg_geo_q7(x[0]);
    out->lat = gg_geo_q7(x[1]);
    return GG_OK;
}

/*
 * The checks of a ring whose points are read: closed, repeats refused or
 * dropped (GG_GEO_DROP_REPEATS), >= 4 positions left, some area. Shared by
 * the parser and the GCJ-02 conversion (which may make vertices coincide).
 */
static int check_ring(struct ctx *c, gg_geo_ring *r)
{
    if (r->n < 4)
        return bad(c, GG_EINVAL, "a ring needs at least 4 positions (a closed triangle), not %zu", r->n);
    if (!pt_eq(r->pts[0], r->pts[r->n - 1]))
        return bad(c, GG_EINVAL, "the ring is not closed: its last position must equal its first");
    size_t k = 1;
    for (size_t i = 1; i < r->n; i++) {
        if (pt_eq(r->pts[i], r->pts[k - 1])) {
            if (!(c->flags & GG_GEO_DROP_REPEATS)) {
                size_t old = push_idx(c, i);
                int rc = bad(c, GG_EINVAL, "repeats the previous position");
                pop(c, old);
                return rc;
            }
            c->doc->dropped++;
            continue;
        }
        r->pts[k++] = r->pts[i];
    }
    r->n = k;
    if (r->n < 4)
        return bad(c, GG_EINVAL, "the ring has fewer than 4 positions once repeated ones are dropped");
    r->area_deg2 = gg_geo_ring_area(r->pts, r->n);
    if (r->area_deg2 == 0)
        return bad(c, GG_EINVAL, "the ring encloses no area (all its positions lie on one line)");
    return GG_OK;
}

static int parse_ring(struct ctx *c, json_t *v, gg_geo_ring *r)
{
    if (!json_is_array(v))
        return bad(c, GG_EINVAL, "a ring must be an array of positions");
    size_t n = json_array_size(v);
    if (n > c->lim->ring_vertices)
        return bad(c, GG_ETOOBIG, "a ring may have at most %zu positions, this one has %zu",
                   c->lim->ring_vertices, n);
    if (n > c->lim->vertices - c->doc->vertices)
        return bad(c, GG_ETOOBIG, "the document has more than %zu positions in all", c->lim->vertices);
    r->pts = gg_malloc((n ? n : 1) * sizeof *r->pts);
    if (!r->pts)
        return bad(c, GG_ENOMEM, "out of memory");
    r->n = n;
    for (size_t i = 0; i < n; i++) {
        json_t *pos = json_array_get(v, i);
        if (json_is_number(pos)) /* [lon, lat] where a ring should be */
            return bad(c, GG_EINVAL, "a ring must be an array of positions, not of numbers "
                                     "(a Polygon's coordinates in a MultiPolygon?)");
        size_t old = push_idx(c, i);
        int rc = parse_pos(c, pos, &r->pts[i]);
        pop(c, old);
        if (rc)
            return rc;
    }
    int rc = check_ring(c, r);
    if (rc == GG_OK)
        c->doc->vertices += r->n;
    return rc;
}

static int parse_poly(struct ctx *c, json_t *v, gg_geo_poly *p)
{
    if (!json_is_array(v))
        return bad(c, GG_EINVAL, "a polygon must be an array of rings");
    size_t n = json_array_size(v);
    if (n == 0)
        return bad(c, GG_EINVAL, "a polygon needs an exterior ring");
    if (n > c->lim->rings)
        return bad(c, GG_ETOOBIG, "a polygon may have at most %zu rings, this one has %zu",
                   c->lim->rings, n);
    p->rings = gg_calloc(n, sizeof *p->rings);
    if (!p->rings)
        return bad(c, GG_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        size_t old = push_idx(c, i);
        p->n = i + 1; /* counted before parsing, so a failure frees its points */
        int rc = parse_ring(c, json_array_get(v, i), &p->rings[i]);
        pop(c, old);
        if (rc)
            return rc;
    }
    return GG_OK;
}

/* A "crs" member (GeoJSON 2008) is tolerated only if it names WGS 84. */
static int check_crs(struct ctx *c, json_t *obj)
{
    json_t *crs = json_object_get(obj, "crs");
    if (!crs || json_is_null(crs))
        return GG_OK;
    json_t *name = json_object_get(json_object_get(crs, "properties"), "name");
    const char *s = json_is_string(name) ? json_string_value(name) : "";
    if (strstr(s, "CRS84") || strstr(s, "EPSG::4326") || strcmp(s, "EPSG:4326") == 0)
        return GG_OK;
    size_t old = push_key(c, "crs");
    int rc = bad(c, GG_EINVAL, "only WGS 84 longitude/latitude (CRS84) is accepted");
    pop(c, old);
    return rc;
}

static const char *const other_types[] = {
    "Point", "MultiPoint", "LineString", "MultiLineString", "GeometryCollection",
};

static int parse_geometry(struct ctx *c, json_t *g, gg_geo_shape *s)
{
    if (!json_is_object(g))
        return bad(c, GG_EINVAL, "a geometry must be an object");
    json_t *type = json_object_get(g, "type");
    size_t old = push_key(c, "type");
    int rc = GG_OK;
    if (str_is(type, "Polygon") || str_is(type, "MultiPolygon")) {
        s->multi = str_is(type, "MultiPolygon");
    } else {
        rc = bad(c, GG_EINVAL, "must be \"Polygon\" or \"MultiPolygon\"");
        for (size_t i = 0; i < GG_ARRAY_LEN(other_types); i++)
            if (str_is(type, other_types[i]))
                rc = bad(c, GG_EINVAL, "a %s is not a boundary: use Polygon or MultiPolygon",
                         other_types[i]);
    }
    pop(c, old);
    if (rc || (rc = check_crs(c, g)))
        return rc;

    json_t *coords = json_object_get(g, "coordinates");
    old = push_key(c, "coordinates");
    if (!coords) {
        rc = bad(c, GG_EINVAL, "is required");
    } else if (!s->multi) {
        s->polys = gg_calloc(1, sizeof *s->polys);
        rc = s->polys ? parse_poly(c, coords, &s->polys[0]) : bad(c, GG_ENOMEM, "out of memory");
        s->n = s->polys ? 1 : 0;
    } else if (!json_is_array(coords)) {
        rc = bad(c, GG_EINVAL, "a MultiPolygon's coordinates must be an array of polygons");
    } else if (json_array_size(coords) == 0) {
        rc = bad(c, GG_EINVAL, "a MultiPolygon needs at least one polygon");
    } else if (json_array_size(coords) > c->lim->polygons) {
        rc = bad(c, GG_ETOOBIG, "a MultiPolygon may have at most %zu polygons, this one has %zu",
                 c->lim->polygons, json_array_size(coords));
    } else if (!(s->polys = gg_calloc(json_array_size(coords), sizeof *s->polys))) {
        rc = bad(c, GG_ENOMEM, "out of memory");
    } else {
        for (size_t i = 0; i < json_array_size(coords) && rc == GG_OK; i++) {
            size_t o2 = push_idx(c, i);
            s->n = i + 1;
            rc = parse_poly(c, json_array_get(coords, i), &s->polys[i]);
            pop(c, o2);
        }
    }
    pop(c, old);
    return rc;
}

static int parse_feature(struct ctx *c, json_t *f, gg_geo_feature *out)
{
    if (!json_is_object(f))
        return bad(c, GG_EINVAL, "a feature must be an object");
    json_t *type = json_object_get(f, "type");
    if (!str_is(type, "Feature")) {
        size_t old = push_key(c, "type");
        int rc = bad(c, GG_EINVAL, str_is(type, "FeatureCollection")
                                       ? "a FeatureCollection cannot be nested in another"
                                       : "must be \"Feature\"");
        pop(c, old);
        return rc;
    }
    json_t *props = json_object_get(f, "properties");
    if (props && !json_is_null(props)) {
        if (!json_is_object(props)) {
            size_t old = push_key(c, "properties");
            int rc = bad(c, GG_EINVAL, "must be an object or null");
            pop(c, old);
            return rc;
        }
        out->properties = json_incref(props);
    }
    json_t *id = json_object_get(f, "id");
    if (id && !json_is_null(id)) {
        if (!json_is_string(id) && !json_is_number(id)) {
            size_t old = push_key(c, "id");
            int rc = bad(c, GG_EINVAL, "must be a string or a number");
            pop(c, old);
            return rc;
        }
        out->id = json_incref(id);
    }
    json_t *geom = json_object_get(f, "geometry");
    size_t old = push_key(c, "geometry");
    int rc = geom && !json_is_null(geom) ? parse_geometry(c, geom, &out->shape)
                                         : bad(c, GG_EINVAL, "a boundary feature needs a geometry");
    pop(c, old);
    return rc;
}

static int parse_root(struct ctx *c, json_t *root)
{
    gg_geo_doc *doc = c->doc;
    json_t *type = json_is_object(root) ? json_object_get(root, "type") : NULL;
    if (!json_is_object(root))
        return bad(c, GG_EINVAL, "a GeoJSON document must be an object");
    if (str_is(type, "Feature") || str_is(type, "Polygon") || str_is(type, "MultiPolygon")) {
        doc->kind = str_is(type, "Feature") ? GG_GEO_FEATURE : GG_GEO_GEOMETRY;
        doc->features = gg_calloc(1, sizeof *doc->features);
        if (!doc->features)
            return bad(c, GG_ENOMEM, "out of memory");
        doc->n = 1;
        return doc->kind == GG_GEO_FEATURE ? parse_feature(c, root, &doc->features[0])
                                           : parse_geometry(c, root, &doc->features[0].shape);
    }
    if (!str_is(type, "FeatureCollection")) {
        push_key(c, "type");
        for (size_t i = 0; i < GG_ARRAY_LEN(other_types); i++)
            if (str_is(type, other_types[i]))
                return bad(c, GG_EINVAL, "a %s is not a boundary: use Polygon or MultiPolygon",
                           other_types[i]);
        return bad(c, GG_EINVAL,
                   "must be \"Polygon\", \"MultiPolygon\", \"Feature\" or \"FeatureCollection\"");
    }
    doc->kind = GG_GEO_COLLECTION;
    int rc = check_crs(c, root);
    if (rc)
        return rc;
    json_t *fs = json_object_get(root, "features");
    size_t n = json_array_size(fs);
    size_t old = push_key(c, "features");
    if (!json_is_array(fs))
        rc = bad(c, GG_EINVAL, "is required: an array of Features");
    else if (n > c->lim->features)
        rc = bad(c, GG_ETOOBIG, "a collection may have at most %zu features, this one has %zu",
                 c->lim->features, n);
    else if (!(doc->features = gg_calloc(n ? n : 1, sizeof *doc->features)))
        rc = bad(c, GG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == GG_OK && i < n; i++) {
        size_t o2 = push_idx(c, i);
        doc->n = i + 1;
        rc = parse_feature(c, json_array_get(fs, i), &doc->features[i]);
        pop(c, o2);
    }
    pop(c, old);
    return rc;
}

int gg_geo_from_json(json_t *root, const gg_geo_limits *lim, unsigned flags, gg_geo_doc *doc,
                     gg_error *e)
{
    memset(doc, 0, sizeof *doc);
    struct ctx c = {.lim = lim ? lim : &gg_geo_limits_default, .flags = flags, .doc = doc, .e = e};
    int rc = parse_root(&c, root);
    if (rc) {
        gg_geo_doc_free(doc);
        return rc;
    }
    measure_doc(doc);
    if (flags & GG_GEO_NORMALISE)
        gg_geo_normalise(doc);
    return GG_OK;
}

int gg_geo_parse(const char *body, size_t n, const gg_geo_limits *lim, unsigned flags,
                 gg_geo_doc *doc, gg_error *e)
{
    json_t *root = NULL;
    memset(doc, 0, sizeof *doc);
    int rc = gg_jr_parse(body, n, GG_JR_DEFAULT_DEPTH, &root, e);
    if (rc)
        return rc;
    rc = gg_geo_from_json(root, lim, flags, doc, e);
    json_decref(root);
    return rc;
}

static void shape_free(gg_geo_shape *s)
{
    for (size_t k = 0; k < s->n; k++) {
        for (size_t r = 0; r < s->polys[k].n; r++)
            gg_free(s->polys[k].rings[r].pts);
        gg_free(s->polys[k].rings);
    }
    gg_free(s->polys);
}

void gg_geo_doc_free(gg_geo_doc *doc)
{
    for (size_t f = 0; f < doc->n; f++) {
        shape_free(&doc->features[f].shape);
        json_decref(doc->features[f].properties);
        json_decref(doc->features[f].id);
    }
    gg_free(doc->features);
    memset(doc, 0, sizeof *doc);
}

/* ---- orientation and conversion ----------------------------------------- */

static void ring_reverse(gg_geo_ring *r)
{
    for (size_t i = 0, j = r->n - 1; i < j; i++, j--) {
        gg_geo_pt t = r->pts[i];
        r->pts[i] = r->pts[j];
        r->pts[j] = t;
    }
    r->area_deg2 = -r->area_deg2;
}

size_t gg_geo_normalise(gg_geo_doc *doc)
{
    size_t reversed = 0;
    for (size_t f = 0; f < doc->n; f++) {
        gg_geo_shape *s = &doc->features[f].shape;
        for (size_t k = 0; k < s->n; k++)
            for (size_t r = 0; r < s->polys[k].n; r++) {
                gg_geo_ring *g = &s->polys[k].rings[r];
                if ((r == 0) != (g->area_deg2 > 0)) {
                    ring_reverse(g);
                    reversed++;
                }
            }
    }
    doc->cw_exteriors = doc->ccw_holes = 0;
    return reversed;
}

int gg_geo_doc_from_gcj02(gg_geo_doc *doc, unsigned flags, gg_error *e)
{
    struct ctx c = {.lim = &gg_geo_limits_default, .flags = flags, .doc = doc, .e = e};
    for (size_t f = 0; f < doc->n; f++) {
        gg_geo_shape *s = &doc->features[f].shape;
        for (size_t k = 0; k < s->n; k++)
            for (size_t r = 0; r < s->polys[k].n; r++) {
                gg_geo_ring *g = &s->polys[k].rings[r];
                for (size_t i = 0; i < g->n; i++) {
                    gg_geo_pt w = gg_geo_gcj02_to_wgs84(g->pts[i]);
                    g->pts[i].lon = gg_geo_q7(fmax(-180, fmin(180, w.lon)));
                    g->pts[i].lat = gg_geo_q7(fmax(-90, fmin(90, w.lat)));
                }
                c.plen = 0;
                if (doc->kind == GG_GEO_COLLECTION) {
                    push_key(&c, "features");
                    push_idx(&c, f);
                }
                if (doc->kind != GG_GEO_GEOMETRY)
                    push_key(&c, "geometry");
                push_key(&c, "coordinates");
                if (s->multi)
                    push_idx(&c, k);
                push_idx(&c, r);
                int rc = check_ring(&c, g);
                if (rc)
                    return rc;
            }
    }
    measure_doc(doc);
    if (flags & GG_GEO_NORMALISE)
        gg_geo_normalise(doc);
    return GG_OK;
}

/* ---- writing ------------------------------------------------------------ */

static void write_num(gg_jw *w, double v, int decimals)
{
    char tmp[64];
    int n = snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    if (n <= 0 || (size_t)n >= sizeof tmp) {
        gg_jw_null(w); /* unreachable for checked coordinates */
        return;
    }
    if (memchr(tmp, '.', (size_t)n)) {
        while (tmp[n - 1] == '0')
            n--;
        if (tmp[n - 1] == '.')
            n--;
    }
    if (n == 2 && tmp[0] == '-' && tmp[1] == '0')
        gg_jw_raw(w, "0", 1);
    else
        gg_jw_raw(w, tmp, (size_t)n);
}

void gg_geo_write_shape(gg_jw *w, const gg_geo_shape *s, int decimals)
{
    decimals = decimals < 0 ? 0 : decimals > 9 ? 9 : decimals;
    gg_jw_obj(w);
    gg_jw_kstr(w, "type", s->multi ? "MultiPolygon" : "Polygon");
    gg_jw_key(w, "coordinates");
    if (s->multi)
        gg_jw_arr(w);
    for (size_t k = 0; k < s->n; k++) {
        gg_jw_arr(w);
        for (size_t r = 0; r < s->polys[k].n; r++) {
            const gg_geo_ring *g = &s->polys[k].rings[r];
            gg_jw_arr(w);
            for (size_t i = 0; i < g->n; i++) {
                gg_jw_arr(w);
                write_num(w, g->pts[i].lon, decimals);
                write_num(w, g->pts[i].lat, decimals);
                gg_jw_arr_end(w);
            }
            gg_jw_arr_end(w);
        }
        gg_jw_arr_end(w);
    }
    if (s->multi)
        gg_jw_arr_end(w);
    gg_jw_obj_end(w);
}

static void write_feature(gg_jw *w, const gg_geo_feature *f, int decimals)
{
    gg_jw_obj(w);
    gg_jw_kstr(w, "type", "Feature");
    if (f->id) {
        gg_jw_key(w, "id");
        gg_jr_write(w, f->id);
    }
    gg_jw_key(w, "properties");
    if (f->properties)
        gg_jr_write(w, f->properties);
    else
        gg_jw_null(w);
    gg_jw_key(w, "geometry");
    gg_geo_write_shape(w, &f->shape, decimals);
    gg_jw_obj_end(w);
}

void gg_geo_write_doc(gg_jw *w, const gg_geo_doc *doc, int decimals)
{
    if (doc->kind == GG_GEO_GEOMETRY && doc->n == 1) {
        gg_geo_write_shape(w, &doc->features[0].shape, decimals);
    } else if (doc->kind == GG_GEO_FEATURE && doc->n == 1) {
        write_feature(w, &doc->features[0], decimals);
    } else {
        gg_jw_obj(w);
        gg_jw_kstr(w, "type", "FeatureCollection");
        gg_jw_key(w, "features");
        gg_jw_arr(w);
        for (size_t f = 0; f < doc->n; f++)
            write_feature(w, &doc->features[f], decimals);
        gg_jw_arr_end(w);
        gg_jw_obj_end(w);
    }
}

/* ---- point in polygon --------------------------------------------------- */

static bool on_segment(gg_geo_pt a, gg_geo_pt b, double x, double y)
{
    double dx = b.lon - a.lon, dy = b.lat - a.lat, px = x - a.lon, py = y - a.lat;
    double len = hypot(dx, dy);
    if (len == 0)
        return hypot(px, py) <= EDGE_EPS;
    if (fabs(dx * py - dy * px) > EDGE_EPS * len)
        return false;
    double along = (px * dx + py * dy) / len;
    return along >= -EDGE_EPS && along <= len + EDGE_EPS;
}

int gg_geo_locate(const gg_geo_shape *s, double lon, double lat)
{
    if (!isfinite(lon) || !isfinite(lat))
        return GG_GEO_OUTSIDE;
    for (size_t k = 0; k < s->n; k++) {
        const gg_geo_poly *p = &s->polys[k];
        if (lon < p->bbox.min_lon - EDGE_EPS || lon > p->bbox.max_lon + EDGE_EPS ||
            lat < p->bbox.min_lat - EDGE_EPS || lat > p->bbox.max_lat + EDGE_EPS)
            continue;
        bool inside = false;
        for (size_t r = 0; r < p->n; r++) {
            const gg_geo_ring *g = &p->rings[r];
            for (size_t i = 0; i + 1 < g->n; i++) {
                gg_geo_pt a = g->pts[i], b = g->pts[i + 1];
                if (on_segment(a, b, lon, lat))
                    return GG_GEO_ON_EDGE;
                /* half-open in latitude, so a vertex is crossed once */
                if ((a.lat > lat) != (b.lat > lat)) {
                    double x = a.lon + (lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat);
                    if (lon < x)
                        inside = !inside;
                }
            }
        }
        if (inside)
            return GG_GEO_INSIDE;
    }
    return GG_GEO_OUTSIDE;
}

/* ---- GCJ-02 and BD-09 --------------------------------------------------- */

/* The published GCJ-02 constants: Krasovsky 1940 ellipsoid. */
#define GCJ_A 6378245.0
#define GCJ_EE 0.00669342162296594323

bool gg_geo_out_of_china(double lon, double lat)
{
    return !(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271);
}

static double gcj_tlat(double x, double y)
{
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * PI) + 20.0 * sin(2.0 * x * PI)) * 2.0 / 3.0;
    r += (20.0 * sin(y * PI) + 40.0 * sin(y / 3.0 * PI)) * 2.0 / 3.0;
    r += (160.0 * sin(y / 12.0 * PI) + 320.0 * sin(y * PI / 30.0)) * 2.0 / 3.0;
    return r;
}

static double gcj_tlon(double x, double y)
{
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * PI) + 20.0 * sin(2.0 * x * PI)) * 2.0 / 3.0;
    r += (20.0 * sin(x * PI) + 40.0 * sin(x / 3.0 * PI)) * 2.0 / 3.0;
    r += (150.0 * sin(x / 12.0 * PI) + 300.0 * sin(x / 30.0 * PI)) * 2.0 / 3.0;
    return r;
}

gg_geo_pt gg_geo_wgs84_to_gcj02(gg_geo_pt p)
{
    if (!isfinite(p.lon) || !isfinite(p.lat) || gg_geo_out_of_china(p.lon, p.lat))
        return p;
    double dlat = gcj_tlat(p.lon - 105.0, p.lat - 35.0);
    double dlon = gcj_tlon(p.lon - 105.0, p.lat - 35.0);
    double rad = p.lat / 180.0 * PI, magic = sin(rad);
    magic = 1 - GCJ_EE * magic * magic;
    double sm = sqrt(magic);
    dlat = (dlat * 180.0) / ((GCJ_A * (1 - GCJ_EE)) / (magic * sm) * PI);
    dlon = (dlon * 180.0) / (GCJ_A / sm * cos(rad) * PI);
    return (gg_geo_pt){p.lon + dlon, p.lat + dlat};
}

/* Invert fwd near p by fixed-point iteration: the transforms are the
 * identity plus a slowly varying offset, so each step gains digits. */
static gg_geo_pt invert(gg_geo_pt (*fwd)(gg_geo_pt), gg_geo_pt p, gg_geo_pt guess)
{
    gg_geo_pt x = guess;
    for (int i = 0; i < GG_GEO_GCJ_ITER; i++) {
        gg_geo_pt y = fwd(x);
        double ex = y.lon - p.lon, ey = y.lat - p.lat;
        if (fabs(ex) < 1e-9 && fabs(ey) < 1e-9)
            break;
        x.lon -= ex;
        x.lat -= ey;
    }
    return x;
}

gg_geo_pt gg_geo_gcj02_to_wgs84(gg_geo_pt p)
{
    if (!isfinite(p.lon) || !isfinite(p.lat) || gg_geo_out_of_china(p.lon, p.lat))
        return p;
    gg_geo_pt g = gg_geo_wgs84_to_gcj02(p);
    return invert(gg_geo_wgs84_to_gcj02, p, (gg_geo_pt){2 * p.lon - g.lon, 2 * p.lat - g.lat});
}

#define BD_X_PI (PI * 3000.0 / 180.0)

gg_geo_pt gg_geo_gcj02_to_bd09(gg_geo_pt p)
{
    double z = sqrt(p.lon * p.lon + p.lat * p.lat) + 0.00002 * sin(p.lat * BD_X_PI);
    double t = atan2(p.lat, p.lon) + 0.000003 * cos(p.lon * BD_X_PI);
    return (gg_geo_pt){z * cos(t) + 0.0065, z * sin(t) + 0.006};
}

gg_geo_pt gg_geo_bd09_to_gcj02(gg_geo_pt p)
{
    if (!isfinite(p.lon) || !isfinite(p.lat))
        return p;
    /* Baidu's closed-form approximation, refined by iteration */
    double x = p.lon - 0.0065, y = p.lat - 0.006;
    double z = sqrt(x * x + y * y) - 0.00002 * sin(y * BD_X_PI);
    double t = atan2(y, x) - 0.000003 * cos(x * BD_X_PI);
    return invert(gg_geo_gcj02_to_bd09, p, (gg_geo_pt){z * cos(t), z * sin(t)});
}

gg_geo_pt gg_geo_wgs84_to_bd09(gg_geo_pt p)
{
    return gg_geo_gcj02_to_bd09(gg_geo_wgs84_to_gcj02(p));
}

gg_geo_pt gg_geo_bd09_to_wgs84(gg_geo_pt p)
{
    return gg_geo_gcj02_to_wgs84(gg_geo_bd09_to_gcj02(p));
}
