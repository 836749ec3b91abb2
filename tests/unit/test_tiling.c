/*
 * test_tiling.c — unit tests for src/domain/tiling.c: the demo city's
 * 1 / 6 / 40 / 400 places, every ring valid on the 1e-7° grid, children's
 * areas summing to their parent's, seeded random points landing in exactly
 * one place per level, neighbours sharing borders vertex for vertex (no
 * T-junctions, no overlaps), determinism, other shapes, and refusals.
 * Checks use gg_geo_* (geo.c) as the independent judge.
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

#include "core/buf.h"
#include "core/mem.h"
#include "domain/geo.h"
#include "domain/tiling.h"
#include "json/jw.h"

/* ---- helpers ------------------------------------------------------------ */

static const unsigned one_6[] = {6};
static const unsigned streets_7766[] = {7, 7, 7, 7, 6, 6};
static const unsigned one_10[] = {10};
static const gg_geo_bbox demo_box = {101.68, 36.60, 101.84, 36.72}; /* 城北区, Xining */

static gg_tiling_spec demo_spec(uint64_t seed)
{
    gg_tiling_spec s = {.nlevels = 3,
                        .levels = {{one_6, 1}, {streets_7766, 6}, {one_10, 1}},
                        .seed = seed,
                        .jitter = GG_TILING_JITTER};
    gg_tiling_quad_from_bbox(demo_box, seed, 0.08, s.corners);
    return s;
}

static void build_ok(const gg_tiling_spec *s, gg_tiling *t)
{
    gg_error e = {0};
    int rc = gg_tiling_build(s, t, &e);
    if (rc) print_error("refused (%d): %s\n", rc, e.message);
    assert_int_equal(rc, GG_OK);
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double rng_in(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(rng_next(s) >> 11) * 0x1p-53);
}

static int locate(const gg_tiling *t, size_t i, double lon, double lat)
{
    gg_geo_poly p;
    gg_geo_shape s;
    gg_tiling_view(t, i, &p, &s);
    return gg_geo_locate(&s, lon, lat);
}

static bool pt_eq(gg_geo_pt a, gg_geo_pt b)
{
    return a.lon == b.lon && a.lat == b.lat;
}

/* Index of p among ring's vertices (closing point excluded), or -1. */
static long vertex_of(const gg_geo_ring *r, gg_geo_pt p)
{
    for (size_t i = 0; i + 1 < r->n; i++)
        if (pt_eq(r->pts[i], p)) return (long)i;
    return -1;
}

static double orient(gg_geo_pt a, gg_geo_pt b, gg_geo_pt c)
{
    return (b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon);
}

/* Do segments ab and cd cross or touch (collinear overlap included)? */
static bool seg_meet(gg_geo_pt a, gg_geo_pt b, gg_geo_pt c, gg_geo_pt d)
{
    double o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
    if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0)))
        return true;
#define ON(p, q, r)                                                                                \
    (orient(p, q, r) == 0 && fmin(p.lon, q.lon) <= r.lon && r.lon <= fmax(p.lon, q.lon) &&         \
     fmin(p.lat, q.lat) <= r.lat && r.lat <= fmax(p.lat, q.lat))
    return ON(a, b, c) || ON(a, b, d) || ON(c, d, a) || ON(c, d, b);
#undef ON
}

/* ---- generic checks over a whole tiling --------------------------------- */

/* Closed, >= 4 points, on the 1e-7° grid, no repeats, ccw, simple. */
static void check_rings(const gg_tiling *t)
{
    for (size_t i = 0; i < t->n; i++) {
        const gg_geo_ring *r = &t->cells[i].ring;
        assert_true(r->n >= 4);
        assert_true(pt_eq(r->pts[0], r->pts[r->n - 1]));
        for (size_t j = 0; j < r->n; j++) {
            assert_true(round(r->pts[j].lon * 1e7) / 1e7 == r->pts[j].lon);
            assert_true(round(r->pts[j].lat * 1e7) / 1e7 == r->pts[j].lat);
            if (j + 1 < r->n)
                assert_int_equal(vertex_of(r, r->pts[j]), (long)j); /* no vertex twice */
        }
        double a = gg_geo_ring_area(r->pts, r->n);
        assert_true(a > 0);
        assert_true(a == r->area_deg2);
        size_t m = r->n - 1; /* segments */
        for (size_t s = 0; s < m; s++)
            for (size_t u = s + 2; u < m; u++) {
                if (s == 0 && u == m - 1) continue; /* adjacent through the closing point */
                if (seg_meet(r->pts[s], r->pts[s + 1], r->pts[u], r->pts[u + 1]))
                    fail_msg("cell %zu: segments %zu and %zu meet", i, s, u);
            }
    }
}

static void check_areas(const gg_tiling *t)
{
    for (size_t p = 0; p < t->n; p++) {
        const gg_tiling_cell *c = &t->cells[p];
        if (!c->nchildren) continue;
        double sum = 0;
        for (size_t k = c->first_child; k < c->first_child + c->nchildren; k++) {
            assert_int_equal(t->cells[k].parent, p);
            sum += gg_geo_ring_area(t->cells[k].ring.pts, t->cells[k].ring.n);
        }
        double pa = gg_geo_ring_area(c->ring.pts, c->ring.n);
        if (fabs(sum - pa) > 1e-9 * pa)
            fail_msg("cell %zu: children %.17g, parent %.17g", p, sum, pa);
    }
}

/* Random points in the root's box: inside the root → inside exactly one
 * place per level, that place's parent being the one found a level up;
 * outside the root → inside none. Points on any edge are skipped. */
static void check_partition(const gg_tiling *t, uint64_t seed, int npoints)
{
    const gg_geo_bbox *bb = &t->cells[0].bbox;
    int inside = 0;
    for (int k = 0; k < npoints; k++) {
        double lon = rng_in(&seed, bb->min_lon, bb->max_lon);
        double lat = rng_in(&seed, bb->min_lat, bb->max_lat);
        int root = locate(t, 0, lon, lat);
        if (root == GG_GEO_ON_EDGE) continue;
        inside += root == GG_GEO_INSIDE;
        size_t up = 0;
        for (unsigned L = 1; L < t->nlevels; L++) {
            size_t hits = 0, hit = 0;
            bool edge = false;
            for (size_t i = t->level_first[L]; i < t->level_first[L + 1]; i++) {
                int w = locate(t, i, lon, lat);
                edge |= w == GG_GEO_ON_EDGE;
                if (w == GG_GEO_INSIDE) hits++, hit = i;
            }
            if (edge) break;
            if (root == GG_GEO_OUTSIDE) {
                assert_int_equal(hits, 0);
                continue;
            }
            if (hits != 1)
                fail_msg("point (%.9f, %.9f) is in %zu places of level %u", lon, lat, hits, L);
            assert_int_equal(t->cells[hit].parent, up);
            up = hit;
        }
    }
    assert_true(inside > npoints / 4); /* the test tested something */
}

/* Points inside each place are inside its parent. */
static void check_child_in_parent(const gg_tiling *t, uint64_t seed, int per_cell)
{
    for (size_t i = 1; i < t->n; i++) {
        const gg_geo_bbox *bb = &t->cells[i].bbox;
        for (int k = 0; k < per_cell; k++) {
            double lon = rng_in(&seed, bb->min_lon, bb->max_lon);
            double lat = rng_in(&seed, bb->min_lat, bb->max_lat);
            if (locate(t, i, lon, lat) != GG_GEO_INSIDE) continue;
            int w = locate(t, t->cells[i].parent, lon, lat);
            if (w != GG_GEO_ON_EDGE) assert_int_equal(w, GG_GEO_INSIDE);
        }
    }
}

static bool boxes_meet(const gg_geo_bbox *a, const gg_geo_bbox *b)
{
    return a->min_lon <= b->max_lon && b->min_lon <= a->max_lon && a->min_lat <= b->max_lat &&
           b->min_lat <= a->max_lat;
}

/* Vertices of b's ring that are on a's border must be vertices of a; none
 * may be inside a. Returns how many of b's vertices a shares. */
static size_t check_no_tjunction(const gg_tiling *t, size_t ia, size_t ib, bool b_inside_a)
{
    const gg_geo_ring *rb = &t->cells[ib].ring;
    size_t shared = 0;
    for (size_t j = 0; j + 1 < rb->n; j++) {
        int w = locate(t, ia, rb->pts[j].lon, rb->pts[j].lat);
        if (w == GG_GEO_ON_EDGE) {
            if (vertex_of(&t->cells[ia].ring, rb->pts[j]) < 0)
                fail_msg("vertex %zu of cell %zu lies on cell %zu's edge, not on a vertex", j, ib,
                         ia);
            shared++;
        } else if (!b_inside_a && w == GG_GEO_INSIDE) {
            fail_msg("vertex %zu of cell %zu is inside cell %zu", j, ib, ia);
        }
    }
    return shared;
}

/* The vertices a and b share form one run in a's ring and the same run,
 * reversed, in b's ring. */
static void check_shared_run(const gg_tiling *t, size_t ia, size_t ib)
{
    const gg_geo_ring *ra = &t->cells[ia].ring, *rb = &t->cells[ib].ring;
    size_t na = ra->n - 1, nb = rb->n - 1, starts = 0, start = 0, count = 0;
    for (size_t i = 0; i < na; i++) {
        bool in = vertex_of(rb, ra->pts[i]) >= 0;
        bool prev = vertex_of(rb, ra->pts[(i + na - 1) % na]) >= 0;
        count += in;
        if (in && !prev) starts++, start = i;
    }
    assert_true(count < na);
    assert_int_equal(starts, 1);
    long jb = vertex_of(rb, ra->pts[start]);
    for (size_t k = 0; k < count; k++) {
        gg_geo_pt pa = ra->pts[(start + k) % na];
        gg_geo_pt pb = rb->pts[((size_t)jb + nb * count - k) % nb];
        assert_true(pt_eq(pa, pb));
    }
}

static void check_neighbours(const gg_tiling *t)
{
    for (unsigned L = 1; L < t->nlevels; L++) {
        size_t lo = t->level_first[L], hi = t->level_first[L + 1];
        for (size_t a = lo; a < hi; a++) {
            size_t edges = 0;
            for (size_t b = lo; b < hi; b++) {
                if (a == b || !boxes_meet(&t->cells[a].bbox, &t->cells[b].bbox)) continue;
                size_t shared = check_no_tjunction(t, a, b, false);
                assert_int_equal(shared, check_no_tjunction(t, b, a, false));
                if (shared >= 1) check_shared_run(t, a, b);
                edges += shared >= 2;
            }
            if (hi - lo > 1) assert_true(edges >= 1); /* everyone shares a border with someone */
            /* no T-junction against the parent's border either */
            check_no_tjunction(t, t->cells[a].parent, a, true);
        }
    }
}

static void check_all(const gg_tiling *t, uint64_t seed, int npoints)
{
    check_rings(t);
    check_areas(t);
    check_partition(t, seed, npoints);
    check_child_in_parent(t, seed + 1, 5);
    check_neighbours(t);
}

/* Every place as a FeatureCollection, through geo.c's writer. */
static char *write_all(const gg_tiling *t, size_t *len)
{
    gg_buf b;
    gg_jw w;
    gg_buf_init(&b, 64u << 20);
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "type", "FeatureCollection");
    gg_jw_key(&w, "features");
    gg_jw_arr(&w);
    for (size_t i = 0; i < t->n; i++) {
        gg_geo_poly p;
        gg_geo_shape s;
        gg_tiling_view(t, i, &p, &s);
        gg_jw_obj(&w);
        gg_jw_kstr(&w, "type", "Feature");
        gg_jw_key(&w, "properties");
        gg_jw_obj(&w);
        gg_jw_kint(&w, "level", t->cells[i].level);
        gg_jw_obj_end(&w);
        gg_jw_key(&w, "geometry");
        gg_geo_write_shape(&w, &s, GG_GEO_DECIMALS);
        gg_jw_obj_end(&w);
    }
    gg_jw_arr_end(&w);
    gg_jw_obj_end(&w);
    assert_int_equal(gg_jw_status(&w), GG_OK);
    return gg_buf_steal(&b, len);
}

/* ---- tests -------------------------------------------------------------- */

static void test_demo_counts(void **state)
{
    (void)state;
    gg_tiling_spec s = demo_spec(630105);
    gg_tiling t;
    build_ok(&s, &t);
    assert_int_equal(t.nlevels, 4);
    assert_int_equal(t.n, 1 + 6 + 40 + 400);
    size_t want[] = {1, 6, 40, 400};
    for (unsigned L = 0; L < 4; L++)
        assert_int_equal(t.level_first[L + 1] - t.level_first[L], want[L]);
    assert_int_equal(t.cells[0].parent, GG_TILING_NONE);
    assert_int_equal(t.cells[0].nchildren, 6);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(t.cells[1 + i].nchildren, streets_7766[i]);
    for (size_t i = 7; i < 47; i++) {
        assert_int_equal(t.cells[i].nchildren, 10);
        assert_int_equal(t.cells[i].level, 2);
    }
    for (size_t i = 47; i < t.n; i++) {
        assert_int_equal(t.cells[i].nchildren, 0);
        assert_int_equal(t.cells[i].level, 3);
    }
    /* the root is the quadrilateral: its corners are its vertices */
    for (int c = 0; c < 4; c++)
        assert_true(vertex_of(&t.cells[0].ring, s.corners[c]) >= 0);
    /* and the area of the district is about right (~ 14 km × 13 km) */
    gg_geo_poly p;
    gg_geo_shape sh;
    gg_tiling_view(&t, 0, &p, &sh);
    assert_true(sh.area_m2 > 100e6 && sh.area_m2 < 200e6);
    gg_tiling_free(&t);
    assert_null(t.cells);
    assert_int_equal(t.n, 0);
}

static void test_demo_rings_valid(void **state)
{
    (void)state;
    gg_tiling_spec s = demo_spec(630105);
    gg_tiling t;
    build_ok(&s, &t);
    check_rings(&t);
    gg_tiling_free(&t);
}

static void test_demo_areas(void **state)
{
    (void)state;
    gg_tiling_spec s = demo_spec(630105);
    gg_tiling t;
    build_ok(&s, &t);
    check_areas(&t);
    /* and the root has the area of the quadrilateral it was given */
    gg_geo_pt q[5] = {s.corners[0], s.corners[1], s.corners[2], s.corners[3], s.corners[0]};
    double want = gg_geo_ring_area(q, 5), got = t.cells[0].ring.area_deg2;
    assert_true(fabs(got - want) < 1e-6 * want);
    gg_tiling_free(&t);
}

static void test_demo_partition(void **state)
{
    (void)state;
    gg_tiling_spec s = demo_spec(630105);
    gg_tiling t;
    build_ok(&s, &t);
    check_partition(&t, 7, 4000);
    check_child_in_parent(&t, 8, 10);
    gg_tiling_free(&t);
}

static void test_demo_shared_edges(void **state)
{
    (void)state;
    gg_tiling_spec s = demo_spec(630105);
    gg_tiling t;
    build_ok(&s, &t);
    check_neighbours(&t);
    gg_tiling_free(&t);
}

/* The writer's output re-parses strictly (no repeated vertices, all ccw)
 * and bit for bit. */
static void test_demo_geojson(void **state)
{
    (void)state;
    gg_tiling_spec s = demo_spec(630105);
    gg_tiling t;
    build_ok(&s, &t);
    size_t len;
    char *json = write_all(&t, &len);
    gg_geo_doc doc;
    gg_error e = {0};
    int rc = gg_geo_parse(json, len, NULL, 0, &doc, &e);
    if (rc) print_error("%s\n", e.message);
    assert_int_equal(rc, GG_OK);
    assert_int_equal(doc.n, t.n);
    assert_int_equal(doc.cw_exteriors, 0);
    for (size_t i = 0; i < t.n; i++) {
        const gg_geo_ring *a = &t.cells[i].ring, *b = &doc.features[i].shape.polys[0].rings[0];
        assert_int_equal(a->n, b->n);
        assert_memory_equal(a->pts, b->pts, a->n * sizeof *a->pts);
    }
    gg_geo_doc_free(&doc);
    gg_free(json);
    gg_tiling_free(&t);
}

static void test_deterministic(void **state)
{
    (void)state;
    gg_tiling_spec s = demo_spec(42);
    gg_tiling a, b, c;
    build_ok(&s, &a);
    build_ok(&s, &b);
    assert_int_equal(a.n, b.n);
    assert_int_equal(a.npts, b.npts);
    assert_memory_equal(a.pts, b.pts, a.npts * sizeof *a.pts);
    size_t la, lb;
    char *ja = write_all(&a, &la), *jb = write_all(&b, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(ja, jb, la);
    gg_free(ja);
    gg_free(jb);

    /* the same corners with another seed cut differently */
    gg_tiling_spec s2 = s;
    s2.seed = 43;
    build_ok(&s2, &c);
    assert_int_equal(c.n, a.n);
    assert_false(c.npts == a.npts && memcmp(c.pts, a.pts, a.npts * sizeof *a.pts) == 0);
    gg_tiling_free(&a);
    gg_tiling_free(&b);
    gg_tiling_free(&c);
}

/* Other counts, depths, jitters and seeds keep every property. */
static void test_variety(void **state)
{
    (void)state;
    static const unsigned k1[] = {1}, k2[] = {2}, k3[] = {3}, k13[] = {13}, k5[] = {5};
    static const unsigned k_mixed[] = {1, 2, 3, 4, 5};
    struct {
        size_t nlevels;
        gg_tiling_level lv[4];
        double jitter;
    } cases[] = {
        {1, {{k1, 1}}, 0.3},
        {1, {{k2, 1}}, 0.5},
        {1, {{k13, 1}}, 0.0},
        {2, {{k5, 1}, {k_mixed, 5}}, 0.5},
        {3, {{k3, 1}, {k13, 1}, {k2, 1}}, 0.3},
        {4, {{k2, 1}, {k3, 1}, {k2, 1}, {k5, 1}}, 0.4},
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(cases); i++) {
        for (uint64_t seed = 1; seed <= 3; seed++) {
            gg_tiling_spec s = {
                .nlevels = cases[i].nlevels, .seed = seed * 1000 + i, .jitter = cases[i].jitter};
            memcpy(s.levels, cases[i].lv, sizeof cases[i].lv);
            gg_tiling_quad_from_bbox((gg_geo_bbox){-0.05, 51.45, 0.05, 51.52}, seed, 0.15,
                                     s.corners);
            gg_tiling t;
            build_ok(&s, &t);
            check_all(&t, seed, 600);
            if (cases[i].lv[0].counts == k1) { /* one child: the parent itself */
                assert_int_equal(t.cells[1].ring.n, t.cells[0].ring.n);
                assert_memory_equal(t.cells[1].ring.pts, t.cells[0].ring.pts,
                                    t.cells[0].ring.n * sizeof(gg_geo_pt));
            }
            gg_tiling_free(&t);
        }
    }
}

static void test_quad_from_bbox(void **state)
{
    (void)state;
    gg_geo_pt q[4], r[4];
    gg_tiling_quad_from_bbox(demo_box, 9, 0, q);
    assert_true(q[0].lon == 101.68 && q[0].lat == 36.60);
    assert_true(q[1].lon == 101.84 && q[1].lat == 36.60);
    assert_true(q[2].lon == 101.84 && q[2].lat == 36.72);
    assert_true(q[3].lon == 101.68 && q[3].lat == 36.72);
    gg_tiling_quad_from_bbox(demo_box, 9, 0.15, q);
    gg_tiling_quad_from_bbox(demo_box, 9, 0.15, r);
    assert_memory_equal(q, r, sizeof q);
    for (int i = 0; i < 4; i++) {
        assert_true(q[i].lon >= demo_box.min_lon && q[i].lon <= demo_box.max_lon);
        assert_true(q[i].lat >= demo_box.min_lat && q[i].lat <= demo_box.max_lat);
    }
    assert_false(q[0].lon == 101.68 && q[0].lat == 36.60); /* irregular */
    gg_geo_pt ring[5] = {q[0], q[1], q[2], q[3], q[0]};
    assert_true(gg_geo_ring_area(ring, 5) > 0);
}

static void refused(const gg_tiling_spec *s, int want_rc, const char *want, int line)
{
    gg_tiling t;
    gg_error e = {0};
    int rc = gg_tiling_build(s, &t, &e);
    if (rc != want_rc || !strstr(e.message, want))
        print_error("line %d: rc %d \"%s\", wanted %d \"%s\"\n", line, rc, e.message, want_rc,
                    want);
    assert_int_equal(rc, want_rc);
    assert_non_null(strstr(e.message, want));
    assert_null(t.cells);
    assert_null(t.pts);
    assert_int_equal(t.n, 0);
}
#define REFUSED(s, rc, want) refused((s), (rc), (want), __LINE__)

static void test_refusals(void **state)
{
    (void)state;
    gg_tiling_spec s = demo_spec(1), bad;

    bad = s; /* clockwise */
    for (int i = 0; i < 4; i++)
        bad.corners[i] = s.corners[3 - i];
    REFUSED(&bad, GG_EINVAL, "counter-clockwise");
    bad = s; /* a bow-tie */
    bad.corners[1] = s.corners[2];
    bad.corners[2] = s.corners[1];
    REFUSED(&bad, GG_EINVAL, "convex");
    bad = s; /* concave */
    bad.corners[2] = (gg_geo_pt){101.70, 36.62};
    REFUSED(&bad, GG_EINVAL, "convex");
    bad = s;
    bad.corners[0].lon = NAN;
    REFUSED(&bad, GG_EINVAL, "corner 0");
    bad = s;
    bad.corners[3].lat = 91;
    REFUSED(&bad, GG_EINVAL, "corner 3");

    bad = s;
    bad.nlevels = 0;
    REFUSED(&bad, GG_EINVAL, "nlevels");
    bad.nlevels = GG_TILING_MAX_LEVELS + 1;
    REFUSED(&bad, GG_EINVAL, "nlevels");
    bad = s;
    bad.jitter = 0.6;
    REFUSED(&bad, GG_EINVAL, "jitter");
    bad = s;
    bad.levels[1].n = 5; /* six streets */
    REFUSED(&bad, GG_EINVAL, "one per parent (6), not 5");
    bad = s;
    bad.levels[2].counts = NULL;
    REFUSED(&bad, GG_EINVAL, "level 3");
    static const unsigned zero[] = {7, 7, 0, 7, 6, 6};
    bad = s;
    bad.levels[1].counts = zero;
    REFUSED(&bad, GG_EINVAL, "parent 2: 0 children");
    static const unsigned huge[] = {GG_TILING_MAX_CHILDREN + 1};
    bad = s;
    bad.levels[2].counts = huge;
    REFUSED(&bad, GG_EINVAL, "children");
    static const unsigned many[] = {GG_TILING_MAX_CHILDREN};
    bad = s;
    bad.levels[2].counts = many; /* 400,000 grids, then 10,000 each below */
    bad.levels[3] = (gg_tiling_level){many, 1};
    bad.nlevels = 4;
    REFUSED(&bad, GG_ETOOBIG, "places in all");

    /* a place too narrow for the lattice: a 0.001° tall strip 10° long */
    static const unsigned k10000[] = {10000};
    bad = s;
    bad.corners[0] = (gg_geo_pt){100, 36.6};
    bad.corners[1] = (gg_geo_pt){110, 36.6};
    bad.corners[2] = (gg_geo_pt){110, 36.601};
    bad.corners[3] = (gg_geo_pt){100, 36.601};
    bad.nlevels = 2;
    bad.levels[0] = (gg_tiling_level){k10000, 1};
    bad.levels[1] = (gg_tiling_level){one_10, 1};
    REFUSED(&bad, GG_EINVAL, "too small to cut");

    /* a district of a few centimetres cannot hold 400 grids */
    bad = s;
    gg_tiling_quad_from_bbox((gg_geo_bbox){101.75, 36.65, 101.75001, 36.65001}, 1, 0.05,
                             bad.corners);
    REFUSED(&bad, GG_EINVAL, "too small for this many places");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_counts),       cmocka_unit_test(test_demo_rings_valid),
        cmocka_unit_test(test_demo_areas),        cmocka_unit_test(test_demo_partition),
        cmocka_unit_test(test_demo_shared_edges), cmocka_unit_test(test_demo_geojson),
        cmocka_unit_test(test_deterministic),     cmocka_unit_test(test_variety),
        cmocka_unit_test(test_quad_from_bbox),    cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
