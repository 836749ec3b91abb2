/*
 * demo_geo.h — the demo city's map (grid map, #6): boundaries for the
 * district, its 6 streets, 40 communities and 400 grids from
 * domain/tiling.c, and points of interest.
 */
#ifndef GG_CLI_DEMO_GEO_H
#define GG_CLI_DEMO_GEO_H

#include "core/gg.h"
#include "domain/tiling.h"
#include "store/store.h"

/* The tiling of 城北区: levels 6 streets / 7,7,7,7,6,6 communities / 10 grids. */
gg_tiling_spec gg_demo_geo_spec(void);

/* Inside the demo's write: every place from the district down to the
 * grids gets its boundary; service centres (one per community), party
 * organisations (per street and per community) and volunteers on duty
 * (one per grid) are added; the demo cases are moved inside their grid. */
int gg_demo_geo(gg_conn *w, gg_pool *pool, int64_t district_id, int *nboundaries, gg_error *e);

#endif
