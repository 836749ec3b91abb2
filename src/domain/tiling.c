/*
 * tiling.c — generated boundaries that tile their parent exactly (see
 * tiling.h for the method and the contract).
 *
 * Everything that decides topology happens in integers on the lattice:
 * rectangles, cuts, and which points lie on which border. Floating point
 * only maps finished lattice points to lon/lat, through one pure function,
 * so equal lattice points give bit-identical positions in every ring.
 */
#include "domain/tiling.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/rng.h"

#define PI 3.14159265358979323846

/* A rectangle of the lattice: axis 0 is u, axis 1 is v; lo < hi. */
typedef struct rect {
    int32_t lo[2], hi[2];
} rect;

/* A lattice point keyed for sorting: (major, minor) is (v, u) in the
 * row-sorted array and (u, v) in the column-sorted one. */
typedef struct key {
    int32_t major, minor;
} key;

/* All corners of all places, deduplicated, sorted both ways. */
typedef struct lattice {
    key *rows; /* by (v, u): walks horizontal borders */
    key *cols; /* by (u, v): walks vertical borders */
    size_t n;
} lattice;

typedef struct builder {
    const gg_tiling_spec *spec;
    gg_geo_pt q[4]; /* the root, rounded */
    double unit[2]; /* ground length of one lattice unit along u and v (relative) */
    rect *rects;
    lattice lat;
    gg_tiling *t;
    gg_error *e;
} builder;

/* ---- small helpers ------------------------------------------------------ */

/* One generator per parent, so a parent's cuts depend on the seed and its
 * index only. */
static uint64_t rng_for(uint64_t seed, size_t idx)
{
    uint64_t s = seed ^ (((uint64_t)idx + 1) * 0xD1B54A32D192ED03ull);
    gg_rng_next(&s);
    return s;
}

static double ground_len(gg_geo_pt a, gg_geo_pt b)
{
    double mid = (a.lat + b.lat) / 2 * PI / 180;
    return hypot((b.lon - a.lon) * cos(mid), b.lat - a.lat);
}

/* The bilinear map of the root: lattice lines stay straight. At a corner of
 * the lattice the weights are exactly 0 and 1, so the root's own corners
 * come back bit for bit. */
static gg_geo_pt map_pt(const gg_geo_pt q[4], int32_t iu, int32_t iv)
{
    double u = (double)iu / GG_TILING_LATTICE, v = (double)iv / GG_TILING_LATTICE;
    double w0 = (1 - u) * (1 - v), w1 = u * (1 - v), w2 = u * v, w3 = (1 - u) * v;
    return (gg_geo_pt){
        gg_geo_q7(w0 * q[0].lon + w1 * q[1].lon + w2 * q[2].lon + w3 * q[3].lon),
        gg_geo_q7(w0 * q[0].lat + w1 * q[1].lat + w2 * q[2].lat + w3 * q[3].lat),
    };
}

static int key_cmp(const void *pa, const void *pb)
{
    const key *a = pa, *b = pb;
    if (a->major != b->major) return a->major < b->major ? -1 : 1;
    return (a->minor > b->minor) - (a->minor < b->minor);
}

/* First index whose key is >= (major, minor). */
static size_t lower(const key *a, size_t n, int32_t major, int32_t minor)
{
    key k = {major, minor};
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_cmp(&a[mid], &k) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- checking the spec -------------------------------------------------- */

static int check_quad(builder *b)
{
    const gg_geo_pt *c = b->spec->corners;
    for (int i = 0; i < 4; i++) {
        if (!isfinite(c[i].lon) || !isfinite(c[i].lat) || fabs(c[i].lon) > 180 ||
            fabs(c[i].lat) > 90)
            return gg_fail(b->e, GG_EINVAL, 422, "invalid_tiling", "corners",
                           "corner %d is not a WGS 84 position", i);
        b->q[i] = (gg_geo_pt){gg_geo_q7(c[i].lon), gg_geo_q7(c[i].lat)};
    }
    for (int i = 0; i < 4; i++) {
        gg_geo_pt p = b->q[i], m = b->q[(i + 1) % 4], n = b->q[(i + 2) % 4];
        double cross = (m.lon - p.lon) * (n.lat - m.lat) - (m.lat - p.lat) * (n.lon - m.lon);
        if (!(cross > 0))
            return gg_fail(b->e, GG_EINVAL, 422, "invalid_tiling", "corners",
                           "the corners must make a strictly convex counter-clockwise "
                           "quadrilateral (turn at corner %d is not to the left)",
                           (i + 1) % 4);
    }
    b->unit[0] = (ground_len(b->q[0], b->q[1]) + ground_len(b->q[3], b->q[2])) / 2;
    b->unit[1] = (ground_len(b->q[0], b->q[3]) + ground_len(b->q[1], b->q[2])) / 2;
    return GG_OK;
}

/* Children of the idx-th parent (counted within its level) at level L >= 1. */
static unsigned children_of(const gg_tiling_spec *s, size_t L, size_t idx)
{
    const gg_tiling_level *lv = &s->levels[L - 1];
    return lv->n == 1 ? lv->counts[0] : lv->counts[idx];
}

/* Check the levels and fill t->level_first and t->n. */
static int check_levels(builder *b)
{
    const gg_tiling_spec *s = b->spec;
    gg_tiling *t = b->t;
    if (s->nlevels < 1 || s->nlevels > GG_TILING_MAX_LEVELS)
        return gg_fail(b->e, GG_EINVAL, 422, "invalid_tiling", "nlevels", "nlevels must be 1..%d",
                       GG_TILING_MAX_LEVELS);
    if (!(s->jitter >= 0 && s->jitter <= 0.5))
        return gg_fail(b->e, GG_EINVAL, 422, "invalid_tiling", "jitter", "jitter must be 0..0.5");
    t->nlevels = (unsigned)s->nlevels + 1;
    t->level_first[0] = 0;
    t->level_first[1] = 1;
    for (size_t L = 1; L <= s->nlevels; L++) {
        const gg_tiling_level *lv = &s->levels[L - 1];
        size_t parents = t->level_first[L] - t->level_first[L - 1];
        if (!lv->counts || (lv->n != 1 && lv->n != parents))
            return gg_fail(b->e, GG_EINVAL, 422, "invalid_tiling", "levels",
                           "level %zu needs 1 count or one per parent (%zu), not %zu", L, parents,
                           lv->n);
        size_t total = t->level_first[L];
        for (size_t i = 0; i < parents; i++) {
            unsigned k = children_of(s, L, i);
            if (k < 1 || k > GG_TILING_MAX_CHILDREN)
                return gg_fail(b->e, GG_EINVAL, 422, "invalid_tiling", "levels",
                               "level %zu, parent %zu: %u children (1..%d)", L, i, k,
                               GG_TILING_MAX_CHILDREN);
            total += k;
            if (total > GG_TILING_MAX_CELLS)
                return gg_fail(b->e, GG_ETOOBIG, 413, "too_large", "levels",
                               "more than %d places in all", GG_TILING_MAX_CELLS);
        }
        t->level_first[L + 1] = total;
    }
    t->n = t->level_first[s->nlevels + 1];
    return GG_OK;
}

/* ---- cutting ------------------------------------------------------------ */

/* Even cut i of m across [lo, lo + ext), moved by up to ±jitter/2 cells. */
static int32_t cut_at(int32_t lo, int32_t ext, double i, double m, double jitter, uint64_t *rng)
{
    double at = (i + jitter * (gg_rng_unit(rng) - 0.5)) / m;
    return lo + (int32_t)llround((double)ext * at);
}

static int too_narrow(builder *b, size_t parent)
{
    return gg_fail(b->e, GG_EINVAL, 422, "invalid_tiling", "levels",
                   "place %zu is too small to cut into its children on a %d-unit lattice", parent,
                   GG_TILING_LATTICE);
}

/*
 * Cut rects[parent] into k children written to rects[first..first+k): k
 * cells in strips stacked along a random axis, strips sized by their cell
 * count, strip count chosen so cells are about square on the ground.
 */
static int split(builder *b, size_t parent, unsigned k, size_t first)
{
    const rect *r = &b->rects[parent];
    uint64_t rng = rng_for(b->spec->seed, parent);
    int a = (int)(gg_rng_next(&rng) & 1), c = 1 - a; /* strips along a, cells along c */
    int32_t ext[2] = {r->hi[0] - r->lo[0], r->hi[1] - r->lo[1]};
    double ga = ext[a] * b->unit[a], gc = ext[c] * b->unit[c];
    long ns = lround(sqrt((double)k * ga / gc));
    unsigned nstrips = ns < 1 ? 1 : (ns > (long)k ? k : (unsigned)ns);
    unsigned base = k / nstrips, extra = k % nstrips, done = 0;
    double jit = b->spec->jitter;

    int32_t s_lo = r->lo[a];
    for (unsigned i = 0; i < nstrips; i++) {
        unsigned m = base + (i < extra);
        int32_t s_hi =
            i + 1 == nstrips ? r->hi[a] : cut_at(r->lo[a], ext[a], done + m, k, jit, &rng);
        if (s_hi - s_lo < GG_TILING_MIN_UNITS) return too_narrow(b, parent);
        int32_t c_lo = r->lo[c];
        for (unsigned j = 0; j < m; j++) {
            int32_t c_hi = j + 1 == m ? r->hi[c] : cut_at(r->lo[c], ext[c], j + 1, m, jit, &rng);
            if (c_hi - c_lo < GG_TILING_MIN_UNITS) return too_narrow(b, parent);
            rect *o = &b->rects[first + done + j];
            o->lo[a] = s_lo;
            o->hi[a] = s_hi;
            o->lo[c] = c_lo;
            o->hi[c] = c_hi;
            c_lo = c_hi;
        }
        s_lo = s_hi;
        done += m;
    }
    return GG_OK;
}

static int cut_all(builder *b)
{
    gg_tiling *t = b->t;
    b->rects[0] = (rect){{0, 0}, {GG_TILING_LATTICE, GG_TILING_LATTICE}};
    t->cells[0] = (gg_tiling_cell){.level = 0, .parent = GG_TILING_NONE};
    for (unsigned L = 0; L + 1 < t->nlevels; L++) {
        size_t next = t->level_first[L + 1];
        for (size_t p = t->level_first[L]; p < t->level_first[L + 1]; p++) {
            unsigned k = children_of(b->spec, L + 1, p - t->level_first[L]);
            int rc = split(b, p, k, next);
            if (rc) return rc;
            t->cells[p].first_child = next;
            t->cells[p].nchildren = k;
            for (size_t i = next; i < next + k; i++)
                t->cells[i] = (gg_tiling_cell){.level = L + 1, .parent = p};
            next += k;
        }
    }
    for (size_t i = t->level_first[t->nlevels - 1]; i < t->n; i++)
        t->cells[i].first_child = t->n; /* leaves: an empty range past the end */
    return GG_OK;
}

/* ---- rings -------------------------------------------------------------- */

static size_t dedup(key *a, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || key_cmp(&a[m - 1], &a[i]) != 0) a[m++] = a[i];
    return m;
}

static int make_lattice(builder *b)
{
    size_t n = b->t->n * 4;
    lattice *l = &b->lat;
    l->rows = gg_malloc(n * sizeof *l->rows);
    l->cols = gg_malloc(n * sizeof *l->cols);
    if (!l->rows || !l->cols)
        return gg_fail(b->e, GG_ENOMEM, 503, "out_of_memory", "", "out of memory");
    for (size_t i = 0; i < b->t->n; i++) {
        const rect *r = &b->rects[i];
        for (int j = 0; j < 4; j++) {
            int32_t u = (j == 1 || j == 2) ? r->hi[0] : r->lo[0];
            int32_t v = j >= 2 ? r->hi[1] : r->lo[1];
            l->rows[i * 4 + j] = (key){v, u};
            l->cols[i * 4 + j] = (key){u, v};
        }
    }
    qsort(l->rows, n, sizeof *l->rows, key_cmp);
    qsort(l->cols, n, sizeof *l->cols, key_cmp);
    l->n = dedup(l->rows, n);
    (void)dedup(l->cols, n); /* the same set, so the same count */
    return GG_OK;
}

/*
 * Walk r's border counter-clockwise from its south-west lattice corner
 * through every lattice point on it, mapping each into out (NULL: count
 * only); the ring is closed. Returns the number of positions.
 */
static size_t walk(const builder *b, const rect *r, gg_geo_pt *out)
{
    const key *h = b->lat.rows, *v = b->lat.cols;
    size_t n = b->lat.n, k = 0, i;
#define EMIT(U, V)                                                                                 \
    do {                                                                                           \
        if (out) out[k] = map_pt(b->q, (U), (V));                                                  \
        k++;                                                                                       \
    } while (0)
    for (i = lower(h, n, r->lo[1], r->lo[0]);
         i < n && h[i].major == r->lo[1] && h[i].minor < r->hi[0]; i++)
        EMIT(h[i].minor, r->lo[1]); /* south, west to east */
    for (i = lower(v, n, r->hi[0], r->lo[1]);
         i < n && v[i].major == r->hi[0] && v[i].minor < r->hi[1]; i++)
        EMIT(r->hi[0], v[i].minor); /* east, south to north */
    for (i = lower(h, n, r->hi[1], r->hi[0] + 1);
         i > 0 && h[i - 1].major == r->hi[1] && h[i - 1].minor > r->lo[0]; i--)
        EMIT(h[i - 1].minor, r->hi[1]); /* north, east to west */
    for (i = lower(v, n, r->lo[0], r->hi[1] + 1);
         i > 0 && v[i - 1].major == r->lo[0] && v[i - 1].minor > r->lo[1]; i--)
        EMIT(r->lo[0], v[i - 1].minor); /* west, north to south */
    EMIT(r->lo[0], r->lo[1]);
#undef EMIT
    return k;
}

static int make_rings(builder *b)
{
    gg_tiling *t = b->t;
    size_t total = 0;
    for (size_t i = 0; i < t->n; i++)
        total += walk(b, &b->rects[i], NULL);
    t->pts = gg_malloc(total * sizeof *t->pts);
    if (!t->pts) return gg_fail(b->e, GG_ENOMEM, 503, "out_of_memory", "", "out of memory");
    t->npts = total;
    size_t at = 0;
    for (size_t i = 0; i < t->n; i++) {
        gg_tiling_cell *c = &t->cells[i];
        c->ring.pts = t->pts + at;
        c->ring.n = walk(b, &b->rects[i], c->ring.pts);
        at += c->ring.n;
        c->bbox = (gg_geo_bbox){INFINITY, INFINITY, -INFINITY, -INFINITY};
        for (size_t j = 0; j < c->ring.n; j++) {
            gg_geo_pt p = c->ring.pts[j];
            if (j > 0 && p.lon == c->ring.pts[j - 1].lon && p.lat == c->ring.pts[j - 1].lat)
                return gg_fail(b->e, GG_EINVAL, 422, "invalid_tiling", "corners",
                               "the quadrilateral is too small for this many places "
                               "(place %zu has two vertices on one 1e-7 degree position)",
                               i);
            c->bbox.min_lon = fmin(c->bbox.min_lon, p.lon);
            c->bbox.min_lat = fmin(c->bbox.min_lat, p.lat);
            c->bbox.max_lon = fmax(c->bbox.max_lon, p.lon);
            c->bbox.max_lat = fmax(c->bbox.max_lat, p.lat);
        }
        c->ring.area_deg2 = gg_geo_ring_area(c->ring.pts, c->ring.n);
        assert(c->ring.n >= 5);
        if (!(c->ring.area_deg2 > 0))
            return gg_fail(b->e, GG_EINVAL, 422, "invalid_tiling", "corners",
                           "the quadrilateral is too small for this many places "
                           "(place %zu has no area)",
                           i);
    }
    assert(at == total);
    return GG_OK;
}

/* ---- public ------------------------------------------------------------- */

int gg_tiling_build(const gg_tiling_spec *spec, gg_tiling *out, gg_error *e)
{
    memset(out, 0, sizeof *out);
    builder b = {.spec = spec, .t = out, .e = e};
    int rc = check_quad(&b);
    if (!rc) rc = check_levels(&b);
    if (rc) goto fail;
    out->cells = gg_calloc(out->n, sizeof *out->cells);
    b.rects = gg_malloc(out->n * sizeof *b.rects);
    if (!out->cells || !b.rects) {
        rc = gg_fail(e, GG_ENOMEM, 503, "out_of_memory", "", "out of memory");
        goto fail;
    }
    if ((rc = cut_all(&b)) || (rc = make_lattice(&b)) || (rc = make_rings(&b))) goto fail;
    gg_free(b.rects);
    gg_free(b.lat.rows);
    gg_free(b.lat.cols);
    return GG_OK;
fail:
    gg_free(b.rects);
    gg_free(b.lat.rows);
    gg_free(b.lat.cols);
    gg_tiling_free(out);
    return rc;
}

void gg_tiling_free(gg_tiling *t)
{
    gg_free(t->cells);
    gg_free(t->pts);
    memset(t, 0, sizeof *t);
}

void gg_tiling_quad_from_bbox(gg_geo_bbox b, uint64_t seed, double jitter, gg_geo_pt out[4])
{
    double j = jitter < 0 ? 0 : (jitter > 0.2 ? 0.2 : jitter);
    double w = b.max_lon - b.min_lon, h = b.max_lat - b.min_lat;
    uint64_t rng = rng_for(seed, (size_t)-2);
    double d[8];
    for (int i = 0; i < 8; i++)
        d[i] = j * gg_rng_unit(&rng);
    out[0] = (gg_geo_pt){gg_geo_q7(b.min_lon + d[0] * w), gg_geo_q7(b.min_lat + d[1] * h)};
    out[1] = (gg_geo_pt){gg_geo_q7(b.max_lon - d[2] * w), gg_geo_q7(b.min_lat + d[3] * h)};
    out[2] = (gg_geo_pt){gg_geo_q7(b.max_lon - d[4] * w), gg_geo_q7(b.max_lat - d[5] * h)};
    out[3] = (gg_geo_pt){gg_geo_q7(b.min_lon + d[6] * w), gg_geo_q7(b.max_lat - d[7] * h)};
}

void gg_tiling_view(const gg_tiling *t, size_t i, gg_geo_poly *poly, gg_geo_shape *shape)
{
    const gg_tiling_cell *c = &t->cells[i];
    /* The view borrows the ring; gg_geo_poly has no const flavour, and the
     * readers it is for (locate, write) do not write through it. */
    *poly = (gg_geo_poly){
        .rings = (gg_geo_ring *)&c->ring, .n = 1, .area_deg2 = c->ring.area_deg2, .bbox = c->bbox};
    poly->area_m2 = poly->area_deg2 * gg_geo_m2_per_deg2((c->bbox.min_lat + c->bbox.max_lat) / 2);
    *shape = (gg_geo_shape){.polys = poly,
                            .n = 1,
                            .multi = false,
                            .vertices = c->ring.n,
                            .area_m2 = poly->area_m2,
                            .bbox = c->bbox};
}
