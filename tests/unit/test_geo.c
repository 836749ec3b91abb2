/*
 * test_geo.c — unit tests for src/domain/geo.c: GeoJSON structure checks of
 * every kind with the JSON path in each refusal, limits, Features and
 * FeatureCollections, orientation and normalisation, areas and boxes, the
 * writer's round trip, GCJ-02/BD-09 against published vectors, and
 * point-in-polygon with holes and edges. Pure functions, no fixtures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "domain/geo.h"

/* ---- helpers ------------------------------------------------------------ */

#define SQUARE "[[0,0],[1,0],[1,1],[0,1],[0,0]]"       /* ccw, 1 deg² */
#define SQUARE_CW "[[0,0],[0,1],[1,1],[1,0],[0,0]]"
#define HOLE "[[0.25,0.25],[0.25,0.75],[0.75,0.75],[0.75,0.25],[0.25,0.25]]" /* cw */

static void parse_ok_at(const char *json, unsigned flags, gg_geo_doc *doc, int line)
{
    gg_error e = {0};
    int rc = gg_geo_parse(json, strlen(json), NULL, flags, doc, &e);
    if (rc != GG_OK)
        print_error("line %d: refused (%d): %s\n", line, rc, e.message);
    assert_int_equal(rc, GG_OK);
}

/* Refused with rc/status, e->field == path, message containing want. */
static void bad_at(const char *json, const gg_geo_limits *lim, unsigned flags, int want_rc,
                   int status, const char *path, const char *want, int line)
{
    gg_error e = {0};
    gg_geo_doc doc;
    int rc = gg_geo_parse(json, strlen(json), lim, flags, &doc, &e);
    if (rc != want_rc || e.status != status || (path && strcmp(e.field, path) != 0) ||
        strstr(e.message, want) == NULL)
        print_error("line %d: rc %d status %d field \"%s\" message \"%s\"; wanted %d %d \"%s\" \"%s\"\n",
                    line, rc, e.status, e.field, e.message, want_rc, status, path ? path : "",
                    want);
    assert_int_equal(rc, want_rc);
    assert_int_equal(e.status, status);
    if (path)
        assert_string_equal(e.field, path);
    assert_non_null(strstr(e.message, want));
    assert_int_equal(doc.n, 0); /* left empty */
    assert_null(doc.features);
}

#define PARSE_OK(j, fl, d) parse_ok_at((j), (fl), (d), __LINE__)
#define BAD(j, path, want) bad_at((j), NULL, 0, GG_EINVAL, 422, (path), (want), __LINE__)
#define BAD_JSON(j, want) bad_at((j), NULL, 0, GG_EINVAL, 400, NULL, (want), __LINE__)
#define TOO_BIG(j, lim, path, want) bad_at((j), (lim), 0, GG_ETOOBIG, 413, (path), (want), __LINE__)

static char *poly_json(const char *rings)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "{\"type\":\"Polygon\",\"coordinates\":[%s]}", rings);
    return buf;
}

/* A ring of n positions (n-1 distinct) on a circle of radius r about (x, y). */
static void circle(gg_buf *b, double x, double y, double r, size_t n)
{
    gg_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        double t = 2 * 3.14159265358979 * (double)(i % (n - 1)) / (double)(n - 1);
        gg_buf_printf(b, "%s[%.7f,%.7f]", i ? "," : "", x + r * cos(t), y + r * sin(t));
    }
    gg_buf_putc(b, ']');
}

/* ---- valid shapes ------------------------------------------------------- */

static void test_polygon(void **state)
{
    (void)state;
    gg_geo_doc d;
    PARSE_OK(poly_json(SQUARE), 0, &d);
    assert_int_equal(d.kind, GG_GEO_GEOMETRY);
    assert_int_equal(d.n, 1);
    const gg_geo_shape *s = &d.features[0].shape;
    assert_false(s->multi);
    assert_int_equal(s->n, 1);
    assert_int_equal(s->polys[0].n, 1);
    assert_int_equal(s->polys[0].rings[0].n, 5);
    assert_int_equal(d.vertices, 5);
    assert_true(s->polys[0].rings[0].area_deg2 == 1.0);
    assert_int_equal(d.cw_exteriors, 0);
    assert_true(d.bbox.min_lon == 0 && d.bbox.min_lat == 0 && d.bbox.max_lon == 1 && d.bbox.max_lat == 1);
    assert_null(d.features[0].properties);
    gg_geo_doc_free(&d);

    /* altitude accepted and dropped; integers and reals alike; 1e-8 rounds away */
    PARSE_OK(poly_json("[[0,0,5],[1.0,0,5],[1,1.00000001],[0,1],[0,0]]"), 0, &d);
    assert_true(d.features[0].shape.polys[0].rings[0].pts[2].lat == 1.0);
    gg_geo_doc_free(&d);

    /* a WGS 84 crs is tolerated, the extremes of the ranges too */
    PARSE_OK("{\"type\":\"Polygon\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
             "\"urn:ogc:def:crs:OGC:1.3:CRS84\"}},\"bbox\":[0,0,1,1],\"coordinates\":"
             "[[[-180,-90],[180,-90],[180,90],[-180,90],[-180,-90]]]}", 0, &d);
    assert_true(d.bbox.min_lon == -180 && d.bbox.max_lat == 90);
    gg_geo_doc_free(&d);
}

static void test_multipolygon_with_hole(void **state)
{
    (void)state;
    gg_geo_doc d;
    PARSE_OK("{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "," HOLE "],"
             "[[[2,0],[3,0],[3,1],[2,0]]]]}", 0, &d);
    const gg_geo_shape *s = &d.features[0].shape;
    assert_true(s->multi);
    assert_int_equal(s->n, 2);
    assert_int_equal(s->polys[0].n, 2);
    assert_true(fabs(s->polys[0].area_deg2 - 0.75) < 1e-12);
    assert_true(fabs(s->polys[1].area_deg2 - 0.5) < 1e-12);
    assert_true(s->polys[0].rings[1].area_deg2 < 0); /* hole cw, as RFC 7946 wants */
    assert_int_equal(d.ccw_holes, 0);
    assert_int_equal(d.vertices, 14);
    assert_true(d.bbox.max_lon == 3);
    assert_true(s->area_m2 > 0);
    gg_geo_doc_free(&d);
}

static void test_feature_and_collection(void **state)
{
    (void)state;
    gg_geo_doc d;
    PARSE_OK("{\"type\":\"Feature\",\"id\":\"g-7\",\"properties\":{\"name\":\"网格七\",\"n\":7},"
             "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "]}}", 0, &d);
    assert_int_equal(d.kind, GG_GEO_FEATURE);
    assert_non_null(d.features[0].properties); /* survives the parse tree */
    assert_string_equal(json_string_value(json_object_get(d.features[0].properties, "name")), "网格七");
    assert_string_equal(json_string_value(d.features[0].id), "g-7");
    gg_geo_doc_free(&d);
    assert_null(d.features);

    PARSE_OK("{\"type\":\"FeatureCollection\",\"features\":["
             "{\"type\":\"Feature\",\"properties\":null,\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "]}},"
             "{\"type\":\"Feature\",\"id\":3,\"properties\":{},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE_CW "]]}}"
             "]}", 0, &d);
    assert_int_equal(d.kind, GG_GEO_COLLECTION);
    assert_int_equal(d.n, 2);
    assert_null(d.features[0].properties);
    assert_int_equal(json_integer_value(d.features[1].id), 3);
    assert_int_equal(d.cw_exteriors, 1);
    gg_geo_doc_free(&d);

    PARSE_OK("{\"type\":\"FeatureCollection\",\"features\":[]}", 0, &d);
    assert_int_equal(d.n, 0);
    gg_geo_doc_free(&d);
}

/* ---- refusals ----------------------------------------------------------- */

static void test_invalid_rings(void **state)
{
    (void)state;
    BAD(poly_json("[[0,0],[1,0],[1,1],[0,1],[0,0.5]]"), "coordinates[0]", "not closed");
    BAD(poly_json("[[0,0],[1,0],[0,0]]"), "coordinates[0]", "at least 4 positions");
    BAD(poly_json("[]"), "coordinates[0]", "at least 4 positions (a closed triangle), not 0");
    BAD("{\"type\":\"Polygon\",\"coordinates\":[]}", "coordinates", "exterior ring");
    BAD(poly_json("[[0,0],[1,0],[1,0],[1,1],[0,0]]"), "coordinates[0][2]", "repeats the previous");
    BAD(poly_json("[[0,0],[1,0],[1,1],[1,1.00000001],[0,0]]"), "coordinates[0][3]", "repeats");
    BAD(poly_json("[[0,0],[1,1],[2,2],[0,0]]"), "coordinates[0]", "no area");
    BAD(poly_json(SQUARE ",[[0,0],[1,0]]"), "coordinates[1]", "at least 4");
    /* dropping instead: counted, and the ring must still be long enough */
    gg_geo_doc d;
    PARSE_OK(poly_json("[[0,0],[0,0],[1,0],[1,0],[1,1],[0,1],[0,0],[0,0]]"), GG_GEO_DROP_REPEATS, &d);
    assert_int_equal(d.dropped, 3);
    assert_int_equal(d.features[0].shape.polys[0].rings[0].n, 5);
    assert_int_equal(d.vertices, 5);
    gg_geo_doc_free(&d);
    bad_at(poly_json("[[0,0],[1,0],[1,0],[0,0]]"), NULL, GG_GEO_DROP_REPEATS, GG_EINVAL, 422,
           "coordinates[0]", "fewer than 4", __LINE__);
}

static void test_invalid_positions(void **state)
{
    (void)state;
    BAD(poly_json("[[0,0],[181,0],[1,1],[0,1],[0,0]]"), "coordinates[0][1]", "longitude 181 is outside");
    BAD(poly_json("[[0,0],[1,0],[1,-90.5],[0,1],[0,0]]"), "coordinates[0][2]", "latitude -90.5 is outside");
    BAD(poly_json("[[0,0],[1,0],\"1,1\",[0,1],[0,0]]"), "coordinates[0][2]", "must be an array");
    BAD(poly_json("[[0,0],[\"1\",0],[1,1],[0,1],[0,0]]"), "coordinates[0][1]", "element 0");
    BAD(poly_json("[[0,0],[1,0,null],[1,1],[0,1],[0,0]]"), "coordinates[0][1]", "element 2");
    BAD(poly_json("[[0,0],[1],[1,1],[0,1],[0,0]]"), "coordinates[0][1]", "2 or 3 numbers");
    BAD(poly_json("[[0,0],[1,0,0,0],[1,1],[0,1],[0,0]]"), "coordinates[0][1]", "not 4");
    BAD(poly_json("{}"), "coordinates[0]", "a ring must be an array");
    /* NaN and infinities cannot come through JSON at all */
    BAD_JSON(poly_json("[[0,0],[NaN,0],[1,1],[0,1],[0,0]]"), "");
    BAD_JSON(poly_json("[[0,0],[1e400,0],[1,1],[0,1],[0,0]]"), "");
}

static void test_invalid_types_and_nesting(void **state)
{
    (void)state;
    BAD("{\"type\":\"Point\",\"coordinates\":[1,2]}", "type", "a Point is not a boundary");
    BAD("{\"type\":\"GeometryCollection\",\"geometries\":[]}", "type", "GeometryCollection");
    BAD("{\"type\":\"polygon\",\"coordinates\":[]}", "type", "must be \"Polygon\"");
    BAD("{\"type\":\"Polygon\\u0000\",\"coordinates\":[]}", "type", "must be");
    BAD("{\"coordinates\":[]}", "type", "must be");
    BAD("{\"type\":\"Polygon\"}", "coordinates", "is required");
    BAD("{\"type\":\"MultiPolygon\",\"coordinates\":[]}", "coordinates", "at least one polygon");
    BAD("{\"type\":\"MultiPolygon\",\"coordinates\":{}}", "coordinates", "array of polygons");
    /* a MultiPolygon's coordinates under a Polygon: one level too deep */
    BAD("{\"type\":\"Polygon\",\"coordinates\":[[" SQUARE "]]}", "coordinates[0][0]", "one level too deep");
    /* a Polygon's coordinates under a MultiPolygon: one level too shallow */
    BAD("{\"type\":\"MultiPolygon\",\"coordinates\":[" SQUARE "]}", "coordinates[0][0]", "not of numbers");
    BAD("{\"type\":\"Polygon\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:3857\"}},"
        "\"coordinates\":[" SQUARE "]}", "crs", "CRS84");
    BAD("{\"type\":\"Feature\",\"properties\":{},\"geometry\":null}", "geometry", "needs a geometry");
    BAD("{\"type\":\"Feature\",\"properties\":[],\"geometry\":null}", "properties", "object or null");
    BAD("{\"type\":\"Feature\",\"id\":true,\"geometry\":null}", "id", "string or a number");
    BAD("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Feature\"}}", "geometry.type", "must be");
    BAD("{\"type\":\"FeatureCollection\"}", "features", "is required");
    BAD("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"FeatureCollection\",\"features\":[]}]}",
        "features[0].type", "cannot be nested");
    BAD("{\"type\":\"FeatureCollection\",\"features\":[3]}", "features[0]", "must be an object");
    BAD("{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "]}},"
        "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "],"
        "[[[0,0],[1,0],[1,1],[0,1],[0,2]]]]}}]}",
        "features[1].geometry.coordinates[1][0]", "not closed");
    BAD("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":"
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]],[[0,0],[1,0],[1,1],"
        "[0,1],[0,0],[0,0],[0,0],[0,0],[0,0],[0,0],[0,0],[0,0],[0,0],[0,0],[361,0]]]}}]}",
        "features[0].geometry.coordinates[1][14]", "longitude 361");
    /* nesting deeper than the JSON reader allows */
    char deep[200];
    int n = snprintf(deep, sizeof deep, "{\"type\":\"Polygon\",\"coordinates\":");
    memset(deep + n, '[', 60);
    deep[n + 60] = '\0';
    BAD_JSON(deep, "too deep");
    BAD_JSON("[1]", "must be a JSON object");
}

static void test_limits(void **state)
{
    (void)state;
    gg_geo_limits lim = gg_geo_limits_default;
    lim.ring_vertices = 4;
    TOO_BIG(poly_json(SQUARE), &lim, "coordinates[0]", "at most 4 positions, this one has 5");
    lim = gg_geo_limits_default;
    lim.rings = 1;
    TOO_BIG(poly_json(SQUARE "," HOLE), &lim, "coordinates", "at most 1 rings");
    lim = gg_geo_limits_default;
    lim.polygons = 1;
    TOO_BIG("{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "],[" SQUARE "]]}", &lim,
            "coordinates", "at most 1 polygons");
    lim = gg_geo_limits_default;
    lim.features = 1;
    TOO_BIG("{\"type\":\"FeatureCollection\",\"features\":[1,2]}", &lim, "features", "at most 1 features");
    lim = gg_geo_limits_default;
    lim.vertices = 9;
    TOO_BIG(poly_json(SQUARE "," HOLE), &lim, "coordinates[1]", "more than 9 positions");

    /* the default limits at their edges: 20,000 per ring, 100,000 in all */
    gg_buf b;
    gg_buf_init(&b, 16u << 20);
    gg_buf_puts(&b, "{\"type\":\"Polygon\",\"coordinates\":[");
    circle(&b, 101.78, 36.62, 0.05, 20000);
    gg_buf_puts(&b, "]}");
    gg_geo_doc d;
    gg_error e = {0};
    assert_int_equal(gg_geo_parse(b.data, b.len, NULL, 0, &d, &e), GG_OK);
    assert_int_equal(d.vertices, 20000);
    gg_geo_doc_free(&d);
    gg_buf_reset(&b);
    gg_buf_puts(&b, "{\"type\":\"Polygon\",\"coordinates\":[");
    circle(&b, 101.78, 36.62, 0.05, 20001);
    gg_buf_puts(&b, "]}");
    assert_int_equal(gg_geo_parse(b.data, b.len, NULL, 0, &d, &e), GG_ETOOBIG);
    assert_string_equal(e.field, "coordinates[0]");

    gg_buf_reset(&b);
    gg_buf_puts(&b, "{\"type\":\"MultiPolygon\",\"coordinates\":[");
    for (int k = 0; k < 6; k++) {
        gg_buf_puts(&b, k ? ",[" : "[");
        circle(&b, 100 + k, 36.62, 0.05, 20000);
        gg_buf_puts(&b, "]");
        if (k == 4) { /* exactly 100,000 so far: accepted */
            gg_buf_puts(&b, "]}");
            assert_int_equal(gg_geo_parse(b.data, b.len, NULL, 0, &d, &e), GG_OK);
            assert_int_equal(d.vertices, 100000);
            gg_geo_doc_free(&d);
            b.len -= 2;
        }
    }
    gg_buf_puts(&b, "]}");
    memset(&e, 0, sizeof e);
    assert_int_equal(gg_geo_parse(b.data, b.len, NULL, 0, &d, &e), GG_ETOOBIG);
    assert_string_equal(e.field, "coordinates[5][0]");
    assert_non_null(strstr(e.message, "more than 100000 positions"));
    gg_buf_free(&b);
}

/* ---- orientation, area -------------------------------------------------- */

static void test_orientation_and_normalise(void **state)
{
    (void)state;
    gg_geo_doc d;
    const char *j = "{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE_CW ","
                    "[[0.25,0.25],[0.75,0.25],[0.75,0.75],[0.25,0.75],[0.25,0.25]]],[" SQUARE "]]}";
    PARSE_OK(j, 0, &d);
    assert_int_equal(d.cw_exteriors, 1);
    assert_int_equal(d.ccw_holes, 1);
    double area = d.features[0].shape.area_m2;
    gg_geo_pt first = d.features[0].shape.polys[0].rings[0].pts[1];
    assert_int_equal(gg_geo_normalise(&d), 2);
    const gg_geo_poly *p = &d.features[0].shape.polys[0];
    assert_true(p->rings[0].area_deg2 > 0);
    assert_true(p->rings[1].area_deg2 < 0);
    assert_true(gg_geo_ring_area(p->rings[0].pts, p->rings[0].n) > 0);
    assert_true(p->rings[0].pts[0].lon == 0 && p->rings[0].pts[4].lon == 0); /* still closed */
    assert_true(p->rings[0].pts[3].lon == first.lon && p->rings[0].pts[3].lat == first.lat);
    assert_int_equal(d.cw_exteriors, 0);
    assert_int_equal(gg_geo_normalise(&d), 0); /* idempotent */
    assert_true(d.features[0].shape.area_m2 == area);
    gg_geo_doc_free(&d);

    PARSE_OK(j, GG_GEO_NORMALISE, &d);
    assert_int_equal(d.cw_exteriors, 0);
    assert_true(d.features[0].shape.polys[0].rings[0].area_deg2 > 0);
    gg_geo_doc_free(&d);
}

/* Exact area of a lat/lon quadrangle on the WGS 84 ellipsoid (authalic). */
static double quad_area(double lon0, double lat0, double lon1, double lat1)
{
    const double a = 6378137.0, f = 1 / 298.257223563, e2 = f * (2 - f), e = sqrt(e2);
    const double b2 = a * a * (1 - e2), pi = 3.14159265358979323846;
    double q[2], lat[2] = {lat0 * pi / 180, lat1 * pi / 180};
    for (int i = 0; i < 2; i++) {
        double s = sin(lat[i]);
        q[i] = s / (1 - e2 * s * s) + log((1 + e * s) / (1 - e * s)) / (2 * e);
    }
    return b2 / 2 * (lon1 - lon0) * pi / 180 * (q[1] - q[0]);
}

static void test_area_xining(void **state)
{
    (void)state;
    /* about 1 km² in Chengzhong district, Xining (36.62°N, 101.78°E) */
    gg_geo_doc d;
    PARSE_OK("{\"type\":\"Polygon\",\"coordinates\":[[[101.778,36.62],[101.78918,36.62],"
             "[101.78918,36.629011],[101.778,36.629011],[101.778,36.62]]]}", 0, &d);
    double got = d.features[0].shape.area_m2;
    double exact = quad_area(101.778, 36.62, 101.78918, 36.629011);
    assert_true(fabs(exact - 1e6) < 0.01 * 1e6);
    assert_true(fabs(got - exact) < 0.01 * exact);
    assert_true(fabs(got - exact) < 0.0001 * exact); /* in fact far better */
    assert_true(fabs(d.features[0].shape.polys[0].area_deg2 - 0.01118 * 0.009011) < 1e-12);
    assert_true(d.bbox.min_lon == 101.778 && d.bbox.max_lat == 36.629011);
    gg_geo_doc_free(&d);
}

/* ---- writer ------------------------------------------------------------- */

static char *write_doc(const gg_geo_doc *d, int decimals)
{
    static char out[8192];
    gg_buf b;
    gg_buf_init(&b, sizeof out - 1);
    gg_jw w;
    gg_jw_init(&w, &b);
    gg_geo_write_doc(&w, d, decimals);
    assert_int_equal(gg_jw_status(&w), 0);
    memcpy(out, b.data, b.len + 1);
    gg_buf_free(&b);
    return out;
}

static void test_writer_round_trip(void **state)
{
    (void)state;
    gg_geo_doc d, d2;
    PARSE_OK(poly_json("[[101.5,36.25],[101.75000004,36.25],[101.75,-0.00000001],[101.5,36.25]]"), 0, &d);
    assert_string_equal(write_doc(&d, GG_GEO_DECIMALS),
                        "{\"type\":\"Polygon\",\"coordinates\":[[[101.5,36.25],[101.75,36.25],"
                        "[101.75,0],[101.5,36.25]]]}");
    assert_string_equal(write_doc(&d, 0),
                        "{\"type\":\"Polygon\",\"coordinates\":[[[102,36],[102,36],[102,0],[102,36]]]}");
    gg_geo_doc_free(&d);

    const char *j = "{\"type\":\"FeatureCollection\",\"features\":["
                    "{\"type\":\"Feature\",\"id\":\"a\",\"properties\":{\"name\":\"城中\",\"x\":[1,2.5,null]},"
                    "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[[[101.7712345,36.6123456],"
                    "[101.7812345,36.6123456],[101.7812345,36.6223456],[101.7712345,36.6123456]]]]}},"
                    "{\"type\":\"Feature\",\"properties\":null,\"geometry\":{\"type\":\"Polygon\",\"coordinates\":["
                    SQUARE "," HOLE "]}}]}";
    PARSE_OK(j, 0, &d);
    char *out = write_doc(&d, GG_GEO_DECIMALS);
    PARSE_OK(out, 0, &d2);
    assert_int_equal(d2.kind, GG_GEO_COLLECTION);
    assert_int_equal(d2.n, 2);
    assert_true(json_equal(d.features[0].properties, d2.features[0].properties));
    assert_true(json_equal(d.features[0].id, d2.features[0].id));
    assert_null(d2.features[1].properties);
    for (size_t f = 0; f < 2; f++) {
        const gg_geo_shape *a = &d.features[f].shape, *b = &d2.features[f].shape;
        assert_int_equal(a->multi, b->multi);
        assert_int_equal(a->n, b->n);
        for (size_t k = 0; k < a->n; k++)
            for (size_t r = 0; r < a->polys[k].n; r++) {
                assert_int_equal(a->polys[k].rings[r].n, b->polys[k].rings[r].n);
                assert_memory_equal(a->polys[k].rings[r].pts, b->polys[k].rings[r].pts,
                                    a->polys[k].rings[r].n * sizeof(gg_geo_pt));
            }
    }
    assert_string_equal(write_doc(&d2, GG_GEO_DECIMALS), out); /* fixed point */
    assert_non_null(strstr(out, "[101.7712345,36.6123456]"));
    gg_geo_doc_free(&d);
    gg_geo_doc_free(&d2);

    PARSE_OK("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "]}}", 0, &d);
    assert_string_equal(write_doc(&d, 7), "{\"type\":\"Feature\",\"properties\":null,\"geometry\":"
                                          "{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "]}}");
    gg_geo_doc_free(&d);
}

/* ---- GCJ-02 / BD-09 ----------------------------------------------------- */

static void test_gcj02_vectors(void **state)
{
    (void)state;
    /* published test vectors (eviltransform): wgs lon, lat → gcj lon, lat */
    static const double v[][4] = {
        {121.5272106, 31.1774276, 121.531541859215, 31.17530398364597},   /* Shanghai */
        {113.912316, 22.543847, 113.9171764808363, 22.540796131694766},   /* Shenzhen */
        {116.377817, 39.911954, 116.38404722455657, 39.91334545536069},   /* Beijing */
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        gg_geo_pt g = gg_geo_wgs84_to_gcj02((gg_geo_pt){v[i][0], v[i][1]});
        assert_true(fabs(g.lon - v[i][2]) < 1e-9 && fabs(g.lat - v[i][3]) < 1e-9);
        gg_geo_pt w = gg_geo_gcj02_to_wgs84((gg_geo_pt){v[i][2], v[i][3]});
        assert_true(fabs(w.lon - v[i][0]) < 1e-7 && fabs(w.lat - v[i][1]) < 1e-7);
    }
}

static void test_gcj02_round_trip(void **state)
{
    (void)state;
    static const gg_geo_pt cities[] = {
        {101.7782, 36.6171}, /* Xining */   {116.3913, 39.9073}, /* Beijing */
        {121.4737, 31.2304}, /* Shanghai */ {114.0579, 22.5431}, /* Shenzhen */
        {87.6168, 43.8256},  /* Urumqi */   {126.5350, 45.8038}, /* Harbin */
        {91.1409, 29.6456},  /* Lhasa */    {109.5120, 18.2528}, /* Sanya */
        {104.0665, 30.5723}, /* Chengdu */  {103.8343, 36.0611}, /* Lanzhou */
    };
    for (size_t i = 0; i < sizeof cities / sizeof cities[0]; i++) {
        gg_geo_pt w = cities[i], g = gg_geo_wgs84_to_gcj02(w);
        double off = hypot(g.lon - w.lon, g.lat - w.lat);
        assert_true(off > 1e-3 && off < 1e-2); /* a few hundred metres */
        gg_geo_pt back = gg_geo_gcj02_to_wgs84(g);
        assert_true(fabs(back.lon - w.lon) < 1e-7 && fabs(back.lat - w.lat) < 1e-7);
        gg_geo_pt bd = gg_geo_wgs84_to_bd09(w), wb = gg_geo_bd09_to_wgs84(bd);
        assert_true(fabs(wb.lon - w.lon) < 1e-7 && fabs(wb.lat - w.lat) < 1e-7);
    }
    /* outside China: no offset either way */
    static const gg_geo_pt abroad[] = {
        {139.767125, 35.681236}, {2.35, 48.85}, {-104.9903, 39.7392}, {153.0251, -27.4698},
        {0, 0}, {180, 90},
    };
    for (size_t i = 0; i < sizeof abroad / sizeof abroad[0]; i++) {
        gg_geo_pt g = gg_geo_wgs84_to_gcj02(abroad[i]), w = gg_geo_gcj02_to_wgs84(abroad[i]);
        assert_true(g.lon == abroad[i].lon && g.lat == abroad[i].lat);
        assert_true(w.lon == abroad[i].lon && w.lat == abroad[i].lat);
        assert_true(gg_geo_out_of_china(abroad[i].lon, abroad[i].lat));
    }
    assert_false(gg_geo_out_of_china(101.78, 36.62));
    /* BD-09 on top of GCJ-02: about (+0.0065°, +0.006°) from GCJ-02, inverted to 1e-7°.
     * (eviltransform's Ruby BD-09 vectors disagree with its own formulas by ~10 m, so
     * they are not used here.) */
    gg_geo_pt g = {116.404, 39.915}, bd = gg_geo_gcj02_to_bd09(g), back = gg_geo_bd09_to_gcj02(bd);
    assert_true(fabs(bd.lon - g.lon - 0.0065) < 1e-3 && fabs(bd.lat - g.lat - 0.006) < 1e-3);
    assert_true(fabs(back.lon - g.lon) < 1e-9 && fabs(back.lat - g.lat) < 1e-9);
}

static void test_doc_from_gcj02(void **state)
{
    (void)state;
    gg_geo_pt c[4] = {{101.778, 36.62}, {101.79, 36.62}, {101.79, 36.63}, {101.778, 36.62}};
    char j[512];
    gg_geo_pt g[4];
    for (int i = 0; i < 4; i++)
        g[i] = gg_geo_wgs84_to_gcj02(c[i]);
    snprintf(j, sizeof j, "{\"type\":\"Polygon\",\"coordinates\":[[[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f]]]}",
             g[0].lon, g[0].lat, g[1].lon, g[1].lat, g[2].lon, g[2].lat, g[0].lon, g[0].lat);
    gg_geo_doc d;
    gg_error e = {0};
    PARSE_OK(j, 0, &d);
    assert_int_equal(gg_geo_doc_from_gcj02(&d, 0, &e), GG_OK);
    const gg_geo_ring *r = &d.features[0].shape.polys[0].rings[0];
    for (int i = 0; i < 4; i++)
        assert_true(fabs(r->pts[i].lon - c[i].lon) < 2e-7 && fabs(r->pts[i].lat - c[i].lat) < 2e-7);
    assert_true(d.bbox.min_lon < 101.7781 && d.bbox.min_lon > 101.7779);
    gg_geo_doc_free(&d);
}

/* ---- point in polygon --------------------------------------------------- */

static void test_locate(void **state)
{
    (void)state;
    gg_geo_doc d;
    PARSE_OK("{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "," HOLE "],"
             "[[[2,0],[3,0],[3,1],[2,1],[2,0]]]]}", 0, &d);
    const gg_geo_shape *s = &d.features[0].shape;
    assert_int_equal(gg_geo_locate(s, 0.1, 0.1), GG_GEO_INSIDE);
    assert_int_equal(gg_geo_locate(s, 0.5, 0.5), GG_GEO_OUTSIDE); /* in the hole */
    assert_int_equal(gg_geo_locate(s, 2.5, 0.5), GG_GEO_INSIDE);  /* second polygon */
    assert_int_equal(gg_geo_locate(s, 1.5, 0.5), GG_GEO_OUTSIDE); /* between them */
    assert_int_equal(gg_geo_locate(s, -0.1, 0.5), GG_GEO_OUTSIDE);
    assert_int_equal(gg_geo_locate(s, 0, 0.5), GG_GEO_ON_EDGE);   /* outer edge */
    assert_int_equal(gg_geo_locate(s, 0.25, 0.5), GG_GEO_ON_EDGE); /* hole edge */
    assert_int_equal(gg_geo_locate(s, 1, 1), GG_GEO_ON_EDGE);     /* vertex */
    assert_int_equal(gg_geo_locate(s, 0.5, 1.0 + 5e-10), GG_GEO_ON_EDGE); /* within 1e-9° */
    assert_int_equal(gg_geo_locate(s, 0.5, 1.0 + 1e-8), GG_GEO_OUTSIDE);
    /* a ray through vertices at y = 0.25 and y = 0.75 counts them once */
    assert_int_equal(gg_geo_locate(s, 0.1, 0.25), GG_GEO_INSIDE);
    assert_int_equal(gg_geo_locate(s, 0.1, 0.75), GG_GEO_INSIDE);
    assert_int_equal(gg_geo_locate(s, -1, 0.25), GG_GEO_OUTSIDE);
    assert_int_equal(gg_geo_locate(s, NAN, 0.5), GG_GEO_OUTSIDE);
    gg_geo_doc_free(&d);

    /* a concave ring (a U): the notch is outside */
    PARSE_OK(poly_json("[[0,0],[3,0],[3,3],[2,3],[2,1],[1,1],[1,3],[0,3],[0,0]]"), 0, &d);
    s = &d.features[0].shape;
    assert_int_equal(gg_geo_locate(s, 1.5, 2), GG_GEO_OUTSIDE);
    assert_int_equal(gg_geo_locate(s, 0.5, 2), GG_GEO_INSIDE);
    assert_int_equal(gg_geo_locate(s, 2.5, 3), GG_GEO_ON_EDGE);
    assert_int_equal(gg_geo_locate(s, 0.5, 1), GG_GEO_INSIDE); /* ray along the notch's floor */
    gg_geo_doc_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_polygon),
        cmocka_unit_test(test_multipolygon_with_hole),
        cmocka_unit_test(test_feature_and_collection),
        cmocka_unit_test(test_invalid_rings),
        cmocka_unit_test(test_invalid_positions),
        cmocka_unit_test(test_invalid_types_and_nesting),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_orientation_and_normalise),
        cmocka_unit_test(test_area_xining),
        cmocka_unit_test(test_writer_round_trip),
        cmocka_unit_test(test_gcj02_vectors),
        cmocka_unit_test(test_gcj02_round_trip),
        cmocka_unit_test(test_doc_from_gcj02),
        cmocka_unit_test(test_locate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
