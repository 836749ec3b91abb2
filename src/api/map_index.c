/*
 * map_index.c — point → grid (see map.h): R*Tree candidates from the
 * store, then GEOS prepared geometries cached by place id and boundary
 * version in one open-addressing table. A changed boundary has a new
 * version, so its stale entry is replaced on first use: no invalidation
 * call has to reach this file from the writer, and a reader never sees a
 * geometry newer or older than the row version it read.
 */
#include <pthread.h>
#include <string.h>

#include "api/map.h"
#include "core/mem.h"
#include "domain/geo.h"
#include "domain/place.h"
#include "domain/topology.h"

#define MAX_CANDIDATES 64
#define MAX_ENTRIES (1u << 18) /* past this the cache starts over (~3 KB each: < 1 GB) */

typedef struct entry {
    int64_t id, version;
    GEOSGeometry *g;
    const GEOSPreparedGeometry *pg;
} entry;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static entry *tab;
static size_t cap, used;

static size_t slot_of(int64_t id, size_t mask)
{
    uint64_t x = (uint64_t)id * 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 20) & mask;
}

static void entry_drop(GEOSContextHandle_t h, entry *e)
{
    if (e->pg) GEOSPreparedGeom_destroy_r(h, e->pg);
    if (e->g) GEOSGeom_destroy_r(h, e->g);
    memset(e, 0, sizeof *e);
}

static void clear_locked(GEOSContextHandle_t h)
{
    for (size_t i = 0; i < cap; i++)
        if (tab[i].id) entry_drop(h, &tab[i]);
    gg_free(tab);
    tab = NULL;
    cap = used = 0;
}

void gg_map_index_clear(void)
{
    GEOSContextHandle_t h = gg_topo_ctx();
    pthread_mutex_lock(&mu);
    if (h) clear_locked(h);
    pthread_mutex_unlock(&mu);
}

size_t gg_map_index_size(void)
{
    pthread_mutex_lock(&mu);
    size_t n = used;
    pthread_mutex_unlock(&mu);
    return n;
}

static int grow_locked(GEOSContextHandle_t h)
{
    if (used >= MAX_ENTRIES) clear_locked(h);
    if (cap && used * 2 < cap) return 0;
    size_t ncap = cap ? cap * 2 : 1024;
    entry *nt = gg_calloc(ncap, sizeof *nt);
    if (!nt) return GG_ENOMEM;
    for (size_t i = 0; i < cap; i++) {
        if (!tab[i].id) continue;
        size_t s = slot_of(tab[i].id, ncap - 1);
        while (nt[s].id) s = (s + 1) & (ncap - 1);
        nt[s] = tab[i];
    }
    gg_free(tab);
    tab = nt;
    cap = ncap;
    return 0;
}

/* The entry for id at version, loading its WKB from the store when absent
 * or stale. NULL when it cannot be had. */
static entry *get_locked(GEOSContextHandle_t h, gg_conn *c, int64_t id, int64_t version)
{
    if (grow_locked(h)) return NULL;
    size_t s = slot_of(id, cap - 1);
    while (tab[s].id && tab[s].id != id) s = (s + 1) & (cap - 1);
    entry *e = &tab[s];
    if (e->id == id && e->version == version) return e;
    gg_pool *p = gg_pool_new(1u << 22);
    gg_boundary_rec b;
    GEOSGeometry *g = NULL;
    if (p && gg_boundary_get(c, p, id, true, &b) == 0 && b.version == version) {
        GEOSWKBReader *rd = GEOSWKBReader_create_r(h);
        if (rd) g = GEOSWKBReader_read_r(h, rd, b.wkb, b.wkb_len);
        if (rd) GEOSWKBReader_destroy_r(h, rd);
    }
    gg_pool_free(p);
    const GEOSPreparedGeometry *pg = g ? GEOSPrepare_r(h, g) : NULL;
    if (!pg) {
        if (g) GEOSGeom_destroy_r(h, g);
        return NULL;
    }
    if (e->id) entry_drop(h, e);
    else used++;
    *e = (entry){id, version, g, pg};
    return e;
}

int gg_map_locate(gg_conn *c, double lon, double lat, int64_t *place_id)
{
    int64_t ids[MAX_CANDIDATES], vers[MAX_CANDIDATES];
    int n = gg_boundary_candidates(c, lon, lat, GG_PK_GRID, ids, vers, MAX_CANDIDATES);
    if (n < 0) return GG_EIO;
    if (n == 0) return GG_ENOTFOUND;
    GEOSContextHandle_t h = gg_topo_ctx();
    if (!h) return GG_ENOMEM;
    int64_t edge = 0, inside = 0;
    pthread_mutex_lock(&mu);
    for (int i = 0; i < n && !inside; i++) {
        entry *e = get_locked(h, c, ids[i], vers[i]);
        if (!e) continue; /* changed under us or unreadable: its next read settles it */
        int w = gg_topo_prepared_where(h, e->pg, lon, lat);
        if (w == GG_TOPO_IN) inside = ids[i];
        else if (w == GG_TOPO_EDGE && !edge) edge = ids[i]; /* candidates come by id */
    }
    pthread_mutex_unlock(&mu);
    *place_id = inside ? inside : edge;
    return *place_id ? 0 : GG_ENOTFOUND;
}

int gg_map_locate_plain(gg_conn *c, gg_pool *p, double lon, double lat, int64_t *place_id)
{
    int64_t ids[MAX_CANDIDATES], vers[MAX_CANDIDATES], edge = 0;
    int n = gg_boundary_candidates(c, lon, lat, GG_PK_GRID, ids, vers, MAX_CANDIDATES);
    if (n < 0) return GG_EIO;
    *place_id = 0;
    for (int i = 0; i < n; i++) {
        gg_boundary_rec b;
        gg_geo_doc doc;
        gg_error e;
        if (gg_boundary_get(c, p, ids[i], true, &b)) continue;
        if (gg_geo_parse(b.geojson, strlen(b.geojson), NULL, 0, &doc, &e)) continue;
        int w = gg_geo_locate(&doc.features[0].shape, lon, lat);
        gg_geo_doc_free(&doc);
        if (w == GG_GEO_INSIDE) {
            *place_id = ids[i];
            return 0;
        }
        if (w == GG_GEO_ON_EDGE && !edge) edge = ids[i];
    }
    *place_id = edge;
    return edge ? 0 : GG_ENOTFOUND;
}
