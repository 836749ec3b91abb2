/*
 * fuzz_topology.c — libFuzzer harness for the GEOS boundary rules
 * (domain/topology.c) on whatever the GeoJSON parser accepts.
 *
 * Each input is parsed as an import would be (small limits, so that GEOS
 * stays quick); every accepted feature becomes a GEOS geometry and goes
 * through the rules an import applies: validity, and with two or more
 * features, feature 1 inside feature 0, overlaps among features 1.., and
 * the gaps feature 0 leaves uncovered by the rest. Promises checked: a
 * refusal is 422 with one of the documented codes and names the place; a
 * valid polygon has a finite, non-negative area in m²; its first vertex is
 * on its edge for the prepared point test; a child is never outside a
 * parent identical to it; gap counts and areas are finite, non-negative
 * and the listed pieces are sorted, at least the tolerance each. Invalid
 * geometries may make GEOS fail an operation (reported as an error, never
 * a crash). Any crash, sanitizer report or abort() is a finding.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/geo.h"
#include "domain/topology.h"
#include "fuzz_util.h"

static const gg_geo_limits small = {
    .ring_vertices = 128, .rings = 4, .polygons = 4, .features = 6, .vertices = 512,
};

static void check_refusal(const gg_error *e, int rc)
{
    CHECK(rc == GG_EINVAL || rc == GG_ENOMEM);
    if (rc != GG_EINVAL) return;
    CHECK(e->status == 422);
    CHECK(!strcmp(e->code, "invalid_boundary") || !strcmp(e->code, "outside_parent") ||
          !strcmp(e->code, "overlap"));
    CHECK(strstr(e->message, "place ") != NULL);
}

static void rules(GEOSContextHandle_t h, gg_topo_place *p, size_t n, const bool *valid)
{
    gg_error e;
    /* a copy of itself as its own parent holds it entirely */
    if (valid[0]) {
        memset(&e, 0, sizeof e);
        gg_topo_place same = p[0];
        same.id = 99;
        CHECK(gg_topo_check_inside(h, &p[0], &same, GG_TOPO_SLIVER_M2, &e) == 0);
    }
    if (n < 2 || !valid[0] || !valid[1]) return;
    memset(&e, 0, sizeof e);
    int rc = gg_topo_check_inside(h, &p[1], &p[0], GG_TOPO_SLIVER_M2, &e);
    if (rc) check_refusal(&e, rc);
    for (size_t i = 1; i < n; i++) {
        if (!valid[i]) continue;
        memset(&e, 0, sizeof e);
        rc = gg_topo_check_overlaps(h, &p[i], p + 1, n - 1, GG_TOPO_SLIVER_M2, &e);
        if (rc) check_refusal(&e, rc);
    }
    const GEOSGeometry *kids[8];
    size_t k = 0;
    for (size_t i = 1; i < n; i++)
        if (valid[i]) kids[k++] = p[i].g;
    gg_topo_gap gaps[3];
    size_t count = 0;
    double total = 0;
    if (gg_topo_gaps(h, p[0].g, kids, k, GG_TOPO_SLIVER_M2, gaps, 3, &count, &total) == 0) {
        CHECK(isfinite(total) && total >= 0);
        for (size_t i = 0; i < count && i < 3; i++) {
            CHECK(gaps[i].area_m2 >= GG_TOPO_SLIVER_M2 && isfinite(gaps[i].at.lon));
            if (i) CHECK(gaps[i - 1].area_m2 >= gaps[i].area_m2);
        }
        if (count == 0) CHECK(total == 0);
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    gg_geo_doc doc;
    gg_error e;
    if (gg_geo_parse((const char *)data, size, &small, GG_GEO_DROP_REPEATS, &doc, &e)) return 0;
    GEOSContextHandle_t h = gg_topo_ctx();
    CHECK(h != NULL);
    gg_topo_place p[8];
    bool valid[8];
    size_t n = doc.n < 8 ? doc.n : 8;
    for (size_t i = 0; i < n; i++) {
        const gg_geo_shape *s = &doc.features[i].shape;
        p[i] = (gg_topo_place){.id = (int64_t)i + 1, .code = "630105", .name = "fuzz",
                               .g = gg_topo_from_shape(h, s)};
        CHECK(p[i].g != NULL);
        gg_topo_envelope(h, &p[i]);
        memset(&e, 0, sizeof e);
        int rc = gg_topo_check_valid(h, &p[i], &e);
        valid[i] = rc == 0;
        if (rc) {
            check_refusal(&e, rc);
            continue;
        }
        double m2 = gg_topo_area_m2(h, p[i].g);
        CHECK(isfinite(m2) && m2 >= 0);
        const GEOSPreparedGeometry *pg = GEOSPrepare_r(h, p[i].g);
        CHECK(pg != NULL);
        gg_geo_pt v = s->polys[0].rings[0].pts[0];
        CHECK(gg_topo_prepared_where(h, pg, v.lon, v.lat) == GG_TOPO_EDGE);
        GEOSPreparedGeom_destroy_r(h, pg);
    }
    rules(h, p, n, valid);
    for (size_t i = 0; i < n; i++) GEOSGeom_destroy_r(h, (GEOSGeometry *)p[i].g);
    gg_geo_doc_free(&doc);
    return 0;
}
