/*
 * point_to_grid.c — how fast a point finds its grid among 100,000: adds a
 * district of STREETS × COMMUNITIES × GRIDS places with exact boundaries
 * (domain/tiling.c) to a gridgov database, then times, on the same random
 * points inside the district's box:
 *
 *   rtree     the R*Tree candidate query alone (the prefilter's cost)
 *   prepared  gg_map_locate: R*Tree + cached GEOS prepared geometries (what
 *             the API runs), after one pass that fills the cache; also with
 *             THREADS threads, each on its own reader connection
 *   plain     gg_map_locate_plain: R*Tree + parsing each candidate's stored
 *             GeoJSON + even-odd point-in-polygon, no cache (the reference)
 *
 * and checks that prepared and plain agree on every point they both see.
 *
 *   point_to_grid DB [LOOKUPS=200000] [THREADS=2] [STREETS=10] [COMMUNITIES=100] [GRIDS=100]
 *
 * A benchmark tool, built and run by bench/point_to_grid.sh; it prints and
 * never fails on a number. Every loop is bounded by LOOKUPS.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/map.h"
#include "core/timeutil.h"
#include "domain/place.h"
#include "domain/tiling.h"
#include "store/store.h"
#include "store/sqlite/db_int.h" /* gg_exec: the batched run below (a bench may peek) */

static const gg_geo_bbox BOX = {102.0, 36.0, 103.0, 37.0}; /* east of the demo city */

typedef struct build {
    unsigned streets, communities, grids;
    gg_pool *pool;
    size_t places;
} build;

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static double rnd(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static int add(gg_conn *w, gg_pool *p, const gg_place *parent, int kind, const char *sub, int seq,
               gg_place *out, gg_error *e)
{
    char *code = gg_palloc(p, GG_PLACE_CODE_MAX);
    if (!code || gg_place_code_compose(kind, sub, parent->code, seq, code, GG_PLACE_CODE_MAX))
        return gg_fail(e, GG_EINVAL, 500, "bench", "", "code");
    *out = (gg_place){.parent_id = parent->id, .kind = kind, .subtype = sub, .code = code,
                      .name = gg_pprintf(p, "%s%d", gg_place_kind_name(kind), seq), .path = parent->path,
                      .depth = parent->depth + 1};
    int rc = gg_place_insert(w, out, 0, e);
    if (!rc) out->path = gg_pprintf(p, "%s%lld/", parent->path, (long long)out->id);
    return rc;
}

static int build_fn(gg_conn *w, void *arg, gg_error *e)
{
    build *b = arg;
    const unsigned s[] = {b->streets}, c[] = {b->communities}, g[] = {b->grids};
    gg_tiling_spec spec = {.nlevels = 3, .levels = {{s, 1}, {c, 1}, {g, 1}}, .seed = 2026,
                           .jitter = GG_TILING_JITTER};
    gg_tiling_quad_from_bbox(BOX, 7, 0.05, spec.corners);
    gg_tiling t;
    int rc = gg_tiling_build(&spec, &t, e);
    if (rc) return rc;
    gg_place *pl = gg_pcalloc(b->pool, sizeof *pl * t.n);
    gg_map_item *it = gg_pcalloc(b->pool, sizeof *it * t.n);
    gg_geo_poly *polys = gg_pcalloc(b->pool, sizeof *polys * t.n);
    gg_geo_shape *shapes = gg_pcalloc(b->pool, sizeof *shapes * t.n);
    if (!pl || !it || !polys || !shapes) {
        gg_tiling_free(&t);
        return gg_fail(e, GG_ENOMEM, 503, "bench", "", "memory");
    }
    pl[0] = (gg_place){.kind = GG_PK_DISTRICT, .code = "630121", .name = "基准区"};
    if (!rc && !(rc = gg_place_insert(w, &pl[0], 0, e)))
        pl[0].path = gg_pprintf(b->pool, "/%lld/", (long long)pl[0].id);
    for (size_t i = 1; !rc && i < t.n; i++) {
        const gg_tiling_cell *cell = &t.cells[i];
        int seq = (int)(i - t.cells[cell->parent].first_child) + 1;
        int kind = cell->level == 1 ? GG_PK_STREET : cell->level == 2 ? GG_PK_COMMUNITY : GG_PK_GRID;
        const char *sub = kind == GG_PK_STREET ? "street" : kind == GG_PK_COMMUNITY ? "community" : "basic";
        rc = add(w, b->pool, &pl[cell->parent], kind, sub, seq, &pl[i], e);
    }
    for (size_t i = 0; !rc && i < t.n; i++) {
        gg_tiling_view(&t, i, &polys[i], &shapes[i]);
        it[i].place = pl[i];
        it[i].shape = &shapes[i];
    }
    size_t ng = 0;
    if (!rc) rc = gg_map_apply(w, b->pool, it, t.n, false, 0, NULL, 0, &ng, e);
    if (it) gg_map_items_free(it, t.n);
    b->places = t.n;
    gg_tiling_free(&t);
    return rc;
}

typedef struct run {
    gg_store *s;
    const gg_geo_pt *pts;
    size_t n;
    int64_t *out;
    size_t found;
} run;

static void *prepared_thread(void *arg)
{
    run *r = arg;
    gg_conn *c = gg_store_reader(r->s);
    for (size_t i = 0; c && i < r->n; i++) {
        int64_t id = 0;
        if (gg_map_locate(c, r->pts[i].lon, r->pts[i].lat, &id) == 0) r->found++;
        if (r->out) r->out[i] = id;
    }
    return NULL;
}

/* CPU time of the process (all threads), µs: on a shared machine the wall
 * clock also counts other programs' turns, so both are printed. */
static int64_t cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Resident memory of the process, kB (Linux), 0 when unknown. */
static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) kb = strtol(line + 6, NULL, 10);
    if (f) fclose(f);
    return kb;
}

static int64_t cpu0;
static void start(int64_t *t0)
{
    *t0 = gg_mono_us();
    cpu0 = cpu_us();
}

static void report(const char *what, size_t n, int64_t t0, size_t found)
{
    double wall = (double)(gg_mono_us() - t0) / 1e6, cpu = (double)(cpu_us() - cpu0) / 1e6;
    printf("%-34s %7zu lookups  wall %7.2f s %9.0f /s   cpu %7.2f s %9.0f /cpu-s  (%zu in a grid)\n",
           what, n, wall, wall > 0 ? (double)n / wall : 0.0, cpu, cpu > 0 ? (double)n / cpu : 0.0, found);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: point_to_grid DB [LOOKUPS] [THREADS] [STREETS] [COMMUNITIES] [GRIDS]\n");
        return 2;
    }
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 200000;
    int threads = argc > 3 ? atoi(argv[3]) : 2;
    build b = {argc > 4 ? (unsigned)atoi(argv[4]) : 10, argc > 5 ? (unsigned)atoi(argv[5]) : 100,
               argc > 6 ? (unsigned)atoi(argv[6]) : 100, gg_pool_new((size_t)4 << 30), 0};
    if (n < 10 || n > 10000000 || threads < 1 || threads > 64) return 2;
    gg_store *s;
    gg_error e = {0};
    gg_store_opts o = {.migrate = true};
    if (gg_store_open(argv[1], &o, &s, &e)) return fprintf(stderr, "%s\n", e.message), 1;
    int64_t t0 = gg_mono_us();
    /* STREETS 0: the district is already there (a database of an earlier run) */
    if (b.streets && gg_store_write_sync(s, build_fn, &b, &e)) return fprintf(stderr, "build: %s\n", e.message), 1;
    gg_conn *c = gg_store_reader(s);
    gg_pool_free(b.pool); /* the build's scratch */
    b.pool = NULL;
    printf("built %zu places (%u streets × %u communities × %u grids) with boundaries in %.1f s; "
           "%lld grid boundaries in the database\n", b.places, b.streets, b.communities, b.grids,
           (double)(gg_mono_us() - t0) / 1e6, (long long)gg_boundary_count(c, GG_PK_GRID));
    gg_geo_pt *pts = malloc(sizeof *pts * n);
    int64_t *a = calloc(n, sizeof *a), *ref = calloc(n, sizeof *ref);
    if (!pts || !a || !ref) return 1;
    for (size_t i = 0; i < n; i++)
        pts[i] = (gg_geo_pt){BOX.min_lon + rnd() * (BOX.max_lon - BOX.min_lon),
                             BOX.min_lat + rnd() * (BOX.max_lat - BOX.min_lat)};
    /* the prefilter alone */
    int64_t ids[64], vers[64];
    size_t cand = 0;
    start(&t0);
    for (size_t i = 0; i < n; i++) {
        int k = gg_boundary_candidates(c, pts[i].lon, pts[i].lat, GG_PK_GRID, ids, vers, 64);
        cand += k > 0 ? (size_t)k : 0;
    }
    report("rtree candidates only", n, t0, 0);
    printf("%-34s %.2f candidates per point\n", "", (double)cand / (double)n);
    /* prepared: the first pass fills the cache, the second is the steady state */
    run r = {s, pts, n, a, 0};
    start(&t0);
    prepared_thread(&r);
    report("prepared, cold cache (1 thread)", n, t0, r.found);
    r.found = 0;
    start(&t0);
    prepared_thread(&r);
    report("prepared, warm cache (1 thread)", n, t0, r.found);
    printf("%-34s %zu geometries cached, process RSS %ld MB\n", "", gg_map_index_size(), rss_kb() / 1024);
    /* the same with a 64 MB page cache on this reader (gridgov's readers
     * keep SQLite's default 2 MB; the R*Tree of 100,000 boxes is ~15 MB, so
     * random points mostly miss it and read pages from the OS) */
    gg_exec(c, "PRAGMA cache_size=-65536", NULL);
    r.found = 0;
    r.out = NULL;
    prepared_thread(&r); /* fill the page cache */
    r.found = 0;
    start(&t0);
    prepared_thread(&r);
    report("prepared, warm, 64 MB page cache", n, t0, r.found);
    gg_exec(c, "PRAGMA cache_size=-2000", NULL);
    r.out = a;
    if (threads > 1) {
        pthread_t th[64];
        run rs[64];
        start(&t0);
        for (int i = 0; i < threads; i++) {
            rs[i] = (run){s, pts + (n / (size_t)threads) * (size_t)i, n / (size_t)threads, NULL, 0};
            pthread_create(&th[i], NULL, prepared_thread, &rs[i]);
        }
        size_t found = 0;
        for (int i = 0; i < threads; i++) pthread_join(th[i], NULL), found += rs[i].found;
        char label[64];
        snprintf(label, sizeof label, "prepared, warm cache (%d threads)", threads);
        report(label, (n / (size_t)threads) * (size_t)threads, t0, found);
    }
    /* the reference: no GEOS, no cache, on a tenth of the points */
    size_t m = n / 10, found = 0, differ = 0;
    gg_pool *p = gg_pool_new(64u << 20);
    start(&t0);
    for (size_t i = 0; i < m; i++) {
        if (gg_map_locate_plain(c, p, pts[i].lon, pts[i].lat, &ref[i]) == 0) found++;
        if ((i & 255) == 255) { /* a fresh pool now and then: the reference allocates per lookup */
            gg_pool_free(p);
            p = gg_pool_new(64u << 20);
        }
    }
    report("plain (parse + point-in-polygon)", m, t0, found);
    for (size_t i = 0; i < m; i++) differ += a[i] != ref[i];
    printf("%-34s %zu of %zu points placed differently by prepared and plain\n", "", differ, m);
    gg_pool_free(p);
    gg_map_index_clear();
    free(pts), free(a), free(ref);
    gg_store_close(s);
    return 0;
}
