/*
 * fuzz_geojson.c — libFuzzer harness for GeoJSON boundaries (domain/geo.c).
 *
 * Each input is parsed as an uploaded boundary would be. Bit 0 of the
 * input's size turns on GG_GEO_DROP_REPEATS, bit 1 swaps in small limits,
 * so the limit and dropping paths are reached without a prefix byte (the
 * seeds stay plain GeoJSON). A refusal must carry a 4xx/503 word and, for a
 * rule or a limit, the JSON path. What is accepted must keep every promise
 * of geo.h (closed rings of >= 4 distinct consecutive positions on the 1e-7°
 * grid, in range, with area, inside the bbox, within the limits); it is
 * written back with GG_GEO_DECIMALS, parsed again and must come back
 * identical, vertex for vertex, with the same properties and ids. On the
 * way: normalisation keeps areas and fixes every orientation, each ring's
 * first vertex is ON_EDGE, and GCJ-02 round trips hold to 1e-7° away from
 * the China rectangle's edge. Any crash, sanitizer report or abort() is a
 * finding.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "domain/geo.h"
#include "fuzz_util.h"

static const gg_geo_limits small = {
    .ring_vertices = 64, .rings = 4, .polygons = 4, .features = 8, .vertices = 256,
};

static bool on_grid(double x)
{
    return round(x * 1e7) / 1e7 == x;
}

static bool in_box(const gg_geo_bbox *b, gg_geo_pt p)
{
    return p.lon >= b->min_lon && p.lon <= b->max_lon && p.lat >= b->min_lat && p.lat <= b->max_lat;
}

/* Away from the edge of the China rectangle the inverse must be exact. */
static void check_gcj(gg_geo_pt w)
{
    if (w.lon < 73 || w.lon > 136.8 || w.lat < 1.9 || w.lat > 54.8) {
        gg_geo_pt g = gg_geo_wgs84_to_gcj02(w);
        if (gg_geo_out_of_china(w.lon, w.lat))
            CHECK(g.lon == w.lon && g.lat == w.lat);
        return;
    }
    gg_geo_pt g = gg_geo_wgs84_to_gcj02(w), back = gg_geo_gcj02_to_wgs84(g);
    CHECK(fabs(back.lon - w.lon) < 1e-7 && fabs(back.lat - w.lat) < 1e-7);
    /* and read as a GCJ-02 point: the inverse's forward image is the point */
    gg_geo_pt inv = gg_geo_gcj02_to_wgs84(w), fwd = gg_geo_wgs84_to_gcj02(inv);
    CHECK(fabs(fwd.lon - w.lon) < 1e-8 && fabs(fwd.lat - w.lat) < 1e-8);
}

static void check_doc(const gg_geo_doc *d, const gg_geo_limits *lim)
{
    size_t total = 0, cw_ext = 0, ccw_holes = 0, gcj = 0;
    CHECK(d->kind == GG_GEO_COLLECTION || d->n == 1);
    CHECK(d->n <= lim->features);
    for (size_t f = 0; f < d->n; f++) {
        const gg_geo_shape *s = &d->features[f].shape;
        CHECK(s->n >= 1 && s->n <= lim->polygons && (s->multi || s->n == 1));
        for (size_t k = 0; k < s->n; k++) {
            const gg_geo_poly *p = &s->polys[k];
            CHECK(p->n >= 1 && p->n <= lim->rings);
            for (size_t r = 0; r < p->n; r++) {
                const gg_geo_ring *g = &p->rings[r];
                CHECK(g->n >= 4 && g->n <= lim->ring_vertices);
                CHECK(g->pts[0].lon == g->pts[g->n - 1].lon && g->pts[0].lat == g->pts[g->n - 1].lat);
                CHECK(g->area_deg2 != 0 && g->area_deg2 == gg_geo_ring_area(g->pts, g->n));
                cw_ext += r == 0 && g->area_deg2 < 0;
                ccw_holes += r > 0 && g->area_deg2 > 0;
                for (size_t i = 0; i < g->n; i++) {
                    gg_geo_pt q = g->pts[i];
                    CHECK(q.lon >= -180 && q.lon <= 180 && q.lat >= -90 && q.lat <= 90);
                    CHECK(on_grid(q.lon) && on_grid(q.lat));
                    CHECK(in_box(&p->bbox, q) && in_box(&s->bbox, q) && in_box(&d->bbox, q));
                    if (i)
                        CHECK(q.lon != g->pts[i - 1].lon || q.lat != g->pts[i - 1].lat);
                }
                CHECK(gg_geo_locate(s, g->pts[0].lon, g->pts[0].lat) == GG_GEO_ON_EDGE);
                if (gcj++ < 32)
                    check_gcj(g->pts[1]);
                total += g->n;
            }
            CHECK(isfinite(p->area_m2));
        }
    }
    CHECK(total == d->vertices && total <= lim->vertices);
    CHECK(cw_ext == d->cw_exteriors && ccw_holes == d->ccw_holes);
}

/* json_equal, except that numbers compare by value: gg_jw_double writes
 * 1.0 as "1", which jansson reads back as an integer. */
static bool same_json(json_t *a, json_t *b)
{
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    if (json_typeof(a) != json_typeof(b))
        return false;
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b))
            return false;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!same_json(json_array_get(a, i), json_array_get(b, i)))
                return false;
        return true;
    }
    if (json_is_object(a)) {
        const char *k;
        json_t *v;
        if (json_object_size(a) != json_object_size(b))
            return false;
        json_object_foreach(a, k, v) {
            json_t *w = json_object_get(b, k);
            if (!w || !same_json(v, w))
                return false;
        }
        return true;
    }
    return json_equal(a, b);
}

static void check_same(const gg_geo_doc *a, const gg_geo_doc *b)
{
    CHECK(a->kind == b->kind && a->n == b->n && a->vertices == b->vertices);
    for (size_t f = 0; f < a->n; f++) {
        const gg_geo_feature *x = &a->features[f], *y = &b->features[f];
        CHECK((x->properties == NULL) == (y->properties == NULL));
        CHECK(!x->properties || same_json(x->properties, y->properties));
        CHECK((x->id == NULL) == (y->id == NULL));
        CHECK(!x->id || same_json(x->id, y->id));
        CHECK(x->shape.multi == y->shape.multi && x->shape.n == y->shape.n);
        for (size_t k = 0; k < x->shape.n; k++) {
            CHECK(x->shape.polys[k].n == y->shape.polys[k].n);
            for (size_t r = 0; r < x->shape.polys[k].n; r++) {
                const gg_geo_ring *p = &x->shape.polys[k].rings[r], *q = &y->shape.polys[k].rings[r];
                CHECK(p->n == q->n && memcmp(p->pts, q->pts, p->n * sizeof *p->pts) == 0);
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    unsigned flags = (size & 1) ? GG_GEO_DROP_REPEATS : 0;
    const gg_geo_limits *lim = (size & 2) ? &small : &gg_geo_limits_default;
    gg_geo_doc d, d2;
    gg_error e = {0};
    int rc = gg_geo_parse((const char *)data, size, lim, flags, &d, &e);
    if (rc != GG_OK) {
        CHECK(e.code && memchr(e.message, 0, sizeof e.message) && d.n == 0 && !d.features);
        CHECK(e.status == 400 || e.status == 413 || e.status == 422 || e.status == 503);
        if (e.status == 413 || e.status == 422)
            CHECK(e.field[0] != '\0' && strncmp(e.message, e.field, strlen(e.field)) == 0);
        return 0;
    }
    check_doc(&d, lim);

    gg_buf b;
    gg_buf_init(&b, 16u << 20);
    gg_jw w;
    gg_jw_init(&w, &b);
    gg_geo_write_doc(&w, &d, GG_GEO_DECIMALS);
    CHECK(gg_jw_status(&w) == 0);
    rc = gg_geo_parse(b.data, b.len, lim, 0, &d2, &e);
    if (rc != GG_OK) {
        fprintf(stderr, "written back, refused: %s\n%.*s\n", e.message,
                (int)(b.len < 2000 ? b.len : 2000), b.data);
        abort();
    }
    check_same(&d, &d2);
    gg_geo_doc_free(&d2);
    gg_buf_free(&b);

    size_t wrong = d.cw_exteriors + d.ccw_holes;
    CHECK(gg_geo_normalise(&d) >= wrong);
    CHECK(d.cw_exteriors == 0 && d.ccw_holes == 0);
    for (size_t f = 0; f < d.n; f++) {
        const gg_geo_shape *s = &d.features[f].shape;
        for (size_t k = 0; k < s->n; k++)
            for (size_t r = 0; r < s->polys[k].n; r++) {
                const gg_geo_ring *g = &s->polys[k].rings[r];
                double a = gg_geo_ring_area(g->pts, g->n);
                CHECK(g->pts[0].lon == g->pts[g->n - 1].lon && g->pts[0].lat == g->pts[g->n - 1].lat);
                CHECK((r == 0) == (g->area_deg2 > 0) && (a > 0) == (g->area_deg2 > 0));
            }
    }
    gg_geo_doc_free(&d);
    return 0;
}
