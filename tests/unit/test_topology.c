/*
 * test_topology.c — unit tests for src/domain/topology.c (GEOS): valid and
 * broken boundaries (self-intersection, a hole outside its shell), a child
 * outside its parent, overlapping siblings, gaps (and slivers ignored),
 * areas in m², the prepared point test on interiors, edges, vertices and
 * holes, and the demo city's tiling checked level by level: every place
 * valid, inside its parent, no overlap with a sibling, no gap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/demo_geo.h"
#include "domain/geo.h"
#include "domain/tiling.h"
#include "domain/topology.h"

/* A polygon from GeoJSON text (through the real parser). */
static GEOSGeometry *poly(const char *geojson)
{
    gg_geo_doc d;
    gg_error e = {0};
    int rc = gg_geo_parse(geojson, strlen(geojson), NULL, 0, &d, &e);
    if (rc) print_error("parse: %s\n", e.message);
    assert_int_equal(rc, GG_OK);
    GEOSGeometry *g = gg_topo_from_shape(gg_topo_ctx(), &d.features[0].shape);
    gg_geo_doc_free(&d);
    assert_non_null(g);
    return g;
}

/* A lon/lat square [x0, x0 + s] × [y0, y0 + s], counter-clockwise. */
static GEOSGeometry *square(double x0, double y0, double s)
{
    char buf[512];
    snprintf(buf, sizeof buf,
             "{\"type\":\"Polygon\",\"coordinates\":[[[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f]]]}",
             x0, y0, x0 + s, y0, x0 + s, y0 + s, x0, y0 + s, x0, y0);
    return poly(buf);
}

static void drop(GEOSGeometry *g) { GEOSGeom_destroy_r(gg_topo_ctx(), g); }

static gg_topo_place place(int64_t id, const char *name, GEOSGeometry *g)
{
    return (gg_topo_place){.id = id, .code = "630105", .name = name, .g = g};
}

static void test_valid_and_broken(void **state)
{
    (void)state;
    GEOSContextHandle_t h = gg_topo_ctx();
    gg_error e = {0};
    GEOSGeometry *ok = square(101.7, 36.6, 0.01);
    gg_topo_place p = place(7, "好网格", ok);
    assert_int_equal(gg_topo_check_valid(h, &p, &e), GG_OK);
    /* a bow tie: its edges cross */
    GEOSGeometry *bow = poly("{\"type\":\"Polygon\",\"coordinates\":[[[101.7,36.6],[101.72,36.62],"
                             "[101.72,36.6],[101.7,36.63],[101.7,36.6]]]}");
    p = place(8, "坏网格", bow);
    assert_int_equal(gg_topo_check_valid(h, &p, &e), GG_EINVAL);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.code, "invalid_boundary");
    assert_non_null(strstr(e.message, "place 8"));
    assert_non_null(strstr(e.message, "坏网格"));
    assert_non_null(strstr(e.message, "Self-intersection"));
    /* a hole outside its shell */
    GEOSGeometry *hole = poly("{\"type\":\"Polygon\",\"coordinates\":[[[101.7,36.6],[101.71,36.6],"
                              "[101.71,36.61],[101.7,36.61],[101.7,36.6]],[[101.8,36.8],[101.8,36.801],"
                              "[101.801,36.801],[101.801,36.8],[101.8,36.8]]]}");
    p = place(9, "洞", hole);
    assert_int_equal(gg_topo_check_valid(h, &p, &e), GG_EINVAL);
    assert_non_null(strstr(e.message, "Hole lies outside shell"));
    drop(ok), drop(bow), drop(hole);
}

static void test_area_m2(void **state)
{
    (void)state;
    GEOSContextHandle_t h = gg_topo_ctx();
    /* 0.01° × 0.01° at 36.6°N: 1113.2 m (lon, × cos) by 1109.6 m (lat) ≈ 991,000 m² */
    GEOSGeometry *g = square(101.7, 36.6, 0.01);
    double m2 = gg_topo_area_m2(h, g);
    assert_true(m2 > 985000 && m2 < 997000);
    drop(g);
}

static void test_inside_parent(void **state)
{
    (void)state;
    GEOSContextHandle_t h = gg_topo_ctx();
    gg_error e = {0};
    GEOSGeometry *par = square(101.7, 36.6, 0.01), *in = square(101.701, 36.601, 0.005),
                 *out = square(101.708, 36.601, 0.005); /* 0.003° of its 0.005° stick out east */
    gg_topo_place P = place(1, "社区", par), I = place(2, "里", in), O = place(3, "外", out);
    assert_int_equal(gg_topo_check_inside(h, &I, &P, GG_TOPO_SLIVER_M2, &e), GG_OK);
    assert_int_equal(gg_topo_check_inside(h, &O, &P, GG_TOPO_SLIVER_M2, &e), GG_EINVAL);
    assert_string_equal(e.code, "outside_parent");
    assert_non_null(strstr(e.message, "place 3"));
    assert_non_null(strstr(e.message, "parent 1"));
    /* 0.003° × 0.005° ≈ 333.9 m × 554.8 m ≈ 185,000 m² outside */
    double want = 0.003 * 0.005 * gg_geo_m2_per_deg2(36.6035);
    const char *at = strstr(e.message, ": ");
    assert_non_null(at);
    double said = strtod(at + 2, NULL); /* "…: 185123.4 m² lies outside …" */
    if (fabs(said - want) > want * 0.01) fail_msg("%s (want about %.1f)", e.message, want);
    drop(par), drop(in), drop(out);
}

static void test_overlaps(void **state)
{
    (void)state;
    GEOSContextHandle_t h = gg_topo_ctx();
    gg_error e = {0};
    GEOSGeometry *a = square(101.70, 36.6, 0.01), *b = square(101.71, 36.6, 0.01), /* shares an edge */
                 *c = square(101.705, 36.605, 0.01),                             /* overlaps both */
                 *far = square(102.0, 37.0, 0.01);
    gg_topo_place sib[] = {place(10, "甲", a), place(11, "乙", b), place(12, "丙", c), place(13, "远", far)};
    assert_int_equal(gg_topo_check_overlaps(h, &sib[0], sib + 1, 1, GG_TOPO_SLIVER_M2, &e), GG_OK);
    assert_int_equal(gg_topo_check_overlaps(h, &sib[0], sib, 4, GG_TOPO_SLIVER_M2, &e), GG_EINVAL);
    assert_string_equal(e.code, "overlap");
    assert_non_null(strstr(e.message, "place 10"));
    assert_non_null(strstr(e.message, "place 12"));
    assert_non_null(strstr(e.message, "m²"));
    drop(a), drop(b), drop(c), drop(far);
}

static void test_gaps(void **state)
{
    (void)state;
    GEOSContextHandle_t h = gg_topo_ctx();
    GEOSGeometry *par = square(101.7, 36.6, 0.02), *k1 = square(101.7, 36.6, 0.01),
                 *k2 = square(101.71, 36.6, 0.01), *k3 = square(101.7, 36.61, 0.01);
    const GEOSGeometry *kids[] = {k1, k2, k3};
    gg_topo_gap g[4];
    size_t n = 0;
    double total = 0;
    assert_int_equal(gg_topo_gaps(h, par, kids, 3, GG_TOPO_SLIVER_M2, g, 4, &n, &total), GG_OK);
    assert_int_equal(n, 1); /* the north-east quarter */
    double q = 0.0001 * gg_geo_m2_per_deg2(36.615);
    assert_true(fabs(g[0].area_m2 - q) < q * 0.01 && fabs(total - q) < q * 0.01);
    assert_true(g[0].at.lon > 101.71 && g[0].at.lat > 36.61);
    drop(par), drop(k1), drop(k2), drop(k3);
    /* children 1e-7° (the coordinate grid) short of the parent's east side:
     * a sliver 0.0005° × 1e-7° ≈ 55 m × 1.1 cm ≈ 0.6 m², ignored; 2e-6° short
     * is ≈ 12 m², reported */
    par = square(101.7, 36.6, 0.0005);
    k1 = square(101.7, 36.6, 0.0004999);
    const GEOSGeometry *one[] = {k1};
    assert_int_equal(gg_topo_gaps(h, par, one, 1, GG_TOPO_SLIVER_M2, g, 4, &n, &total), GG_OK);
    assert_int_equal(n, 0);
    assert_true(total == 0);
    k2 = square(101.7, 36.6, 0.000498);
    one[0] = k2;
    assert_int_equal(gg_topo_gaps(h, par, one, 1, GG_TOPO_SLIVER_M2, g, 4, &n, &total), GG_OK);
    assert_int_equal(n, 1);
    assert_true(total > 5 && total < 20);
    drop(par), drop(k1), drop(k2);
}

static void test_prepared_where(void **state)
{
    (void)state;
    GEOSContextHandle_t h = gg_topo_ctx();
    GEOSGeometry *g = poly("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,4],[0,4],[0,0]],"
                           "[[1,1],[1,2],[2,2],[2,1],[1,1]]]}");
    const GEOSPreparedGeometry *pg = GEOSPrepare_r(h, g);
    assert_non_null(pg);
    assert_int_equal(gg_topo_prepared_where(h, pg, 3, 3), GG_TOPO_IN);
    assert_int_equal(gg_topo_prepared_where(h, pg, 4, 2), GG_TOPO_EDGE);   /* outer edge */
    assert_int_equal(gg_topo_prepared_where(h, pg, 0, 0), GG_TOPO_EDGE);   /* vertex */
    assert_int_equal(gg_topo_prepared_where(h, pg, 1.5, 1.5), GG_TOPO_OUT); /* in the hole */
    assert_int_equal(gg_topo_prepared_where(h, pg, 1, 1.5), GG_TOPO_EDGE); /* the hole's edge */
    assert_int_equal(gg_topo_prepared_where(h, pg, 5, 5), GG_TOPO_OUT);
    GEOSPreparedGeom_destroy_r(h, pg);
    drop(g);
}

/* The demo city's map, level by level, as the API's import would judge it. */
static void test_demo_tiling_is_exact(void **state)
{
    (void)state;
    GEOSContextHandle_t h = gg_topo_ctx();
    gg_tiling_spec spec = gg_demo_geo_spec();
    gg_tiling t;
    gg_error e = {0};
    assert_int_equal(gg_tiling_build(&spec, &t, &e), GG_OK);
    assert_int_equal(t.n, 1 + 6 + 40 + 400);
    GEOSGeometry **g = calloc(t.n, sizeof *g);
    gg_topo_place *tp = calloc(t.n, sizeof *tp);
    assert_non_null(g);
    assert_non_null(tp);
    for (size_t i = 0; i < t.n; i++) {
        g[i] = gg_topo_from_ring(h, t.cells[i].ring.pts, t.cells[i].ring.n);
        assert_non_null(g[i]);
        tp[i] = (gg_topo_place){.id = (int64_t)i + 1, .code = "", .name = "cell", .g = g[i]};
        gg_topo_envelope(h, &tp[i]);
        if (gg_topo_check_valid(h, &tp[i], &e)) fail_msg("cell %zu: %s", i, e.message);
    }
    size_t checked = 0;
    for (size_t i = 0; i < t.n; i++) {
        const gg_tiling_cell *c = &t.cells[i];
        if (!c->nchildren) continue;
        gg_topo_place *kids = &tp[c->first_child];
        for (size_t k = 0; k < c->nchildren; k++) {
            if (gg_topo_check_inside(h, &kids[k], &tp[i], GG_TOPO_SLIVER_M2, &e) ||
                gg_topo_check_overlaps(h, &kids[k], kids, c->nchildren, GG_TOPO_SLIVER_M2, &e))
                fail_msg("%s", e.message);
            checked++;
        }
        gg_topo_gap gaps[4];
        size_t n = 0;
        double total = 1;
        assert_int_equal(gg_topo_gaps(h, g[i], (const GEOSGeometry *const *)&g[c->first_child],
                                      c->nchildren, 1e-3, gaps, 4, &n, &total), GG_OK);
        /* exact: not even a sliver of a square millimetre */
        if (n) fail_msg("cell %zu leaves %zu gaps, %.6f m²", i, n, total);
    }
    assert_int_equal(checked, 446);
    for (size_t i = 0; i < t.n; i++) drop(g[i]);
    free(g);
    free(tp);
    gg_tiling_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_and_broken), cmocka_unit_test(test_area_m2),
        cmocka_unit_test(test_inside_parent),    cmocka_unit_test(test_overlaps),
        cmocka_unit_test(test_gaps),             cmocka_unit_test(test_prepared_where),
        cmocka_unit_test(test_demo_tiling_is_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
