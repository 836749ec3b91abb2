/*
 * tiling.h — generated boundaries for a place hierarchy that tiles its root
 * exactly: a district quadrilateral cut into streets, each street into
 * communities, each community into grids (any depth up to
 * GG_TILING_MAX_LEVELS), with no gaps and no overlaps at any level. Used to
 * give the demo city its map; pure and deterministic (same spec, same bytes).
 *
 * Method: every cut happens on an integer lattice (GG_TILING_LATTICE units
 * per side) in the parameter square of the root quadrilateral. A parent
 * rectangle is cut into k children as rows of cells with jittered cut
 * positions (a seeded generator per parent), rows or columns chosen so the
 * cells come out roughly square on the ground. Each place's ring is its
 * rectangle's border walked counter-clockwise through EVERY lattice corner
 * of every place that lies on it, so a vertex where a neighbour's border
 * meets ours (a T-junction) is a vertex of both rings. Lattice points are
 * mapped to lon/lat by the bilinear map of the quadrilateral (which keeps
 * lattice lines straight) and rounded to GG_GEO_DECIMALS decimals by one
 * pure function, so the points two neighbours share are bit-identical and
 * every shared border is the same vertex chain in both, reversed: children
 * cover their parent exactly, with no slivers from rounding.
 *
 * Ownership: a gg_tiling owns its cells and points (gg_malloc);
 * gg_tiling_free releases them and leaves it empty. On failure
 * gg_tiling_build leaves *out empty.
 */
#ifndef GG_DOMAIN_TILING_H
#define GG_DOMAIN_TILING_H

#include <stddef.h>
#include <stdint.h>

#include "core/gg.h"
#include "domain/geo.h"

#define GG_TILING_MAX_LEVELS 6       /* levels below the root */
#define GG_TILING_MAX_CHILDREN 10000 /* children of one parent */
#define GG_TILING_MAX_CELLS 1000000  /* places in all, root included */
#define GG_TILING_LATTICE 65536      /* lattice units per side of the root */
#define GG_TILING_MIN_UNITS 4        /* narrowest place, in lattice units */
#define GG_TILING_JITTER 0.3         /* a good default for spec.jitter */
#define GG_TILING_NONE ((size_t)-1)

/* The children of each parent at one level, parents in cell order. n == 1:
 * every parent has counts[0] children; otherwise n is the number of parents. */
typedef struct gg_tiling_level {
    const unsigned *counts;
    size_t n;
} gg_tiling_level;

typedef struct gg_tiling_spec {
    /* The root: a strictly convex quadrilateral, counter-clockwise, WGS 84;
     * rounded to GG_GEO_DECIMALS before use. corners[0]→[1] is the "u"
     * side of the lattice, corners[0]→[3] the "v" side. */
    gg_geo_pt corners[4];
    size_t nlevels; /* 1..GG_TILING_MAX_LEVELS */
    gg_tiling_level levels[GG_TILING_MAX_LEVELS];
    uint64_t seed;
    /* How far a cut may stray from its even position, in cell widths:
     * 0 gives even cuts, at most 0.5 (a place keeps >= half its share). */
    double jitter;
} gg_tiling_spec;

typedef struct gg_tiling_cell {
    unsigned level;     /* 0: the root */
    size_t parent;      /* GG_TILING_NONE for the root */
    size_t first_child; /* children are cells [first_child, first_child + nchildren) */
    size_t nchildren;
    gg_geo_ring ring; /* exterior only: closed, ccw, >= 5 points; into t->pts */
    gg_geo_bbox bbox;
} gg_tiling_cell;

/* Cells breadth first: the root, then level 1 in parent order, and so on;
 * level L is cells [level_first[L], level_first[L + 1]). */
typedef struct gg_tiling {
    gg_tiling_cell *cells;
    size_t n;
    unsigned nlevels; /* spec.nlevels + 1 (the root counts) */
    size_t level_first[GG_TILING_MAX_LEVELS + 2];
    gg_geo_pt *pts;
    size_t npts;
} gg_tiling;

/*
 * Build the tiling. Errors (GG_EINVAL, 422 "invalid_tiling"; GG_ETOOBIG, 413
 * "too_large" for the limits above; GG_ENOMEM, 503): a corner not finite or
 * out of range, a quadrilateral not strictly convex and counter-clockwise,
 * a level count of 0 or a counts array of the wrong length, a place
 * narrower than GG_TILING_MIN_UNITS lattice units, or a root so small that
 * two lattice points round to one position.
 */
int gg_tiling_build(const gg_tiling_spec *spec, gg_tiling *out, gg_error *e);
void gg_tiling_free(gg_tiling *t);

/* A slightly irregular quadrilateral inside bbox for gg_tiling_spec.corners:
 * each corner of the box moved inwards by up to `jitter` (0..0.2, clamped)
 * of the box's width and height, deterministic from seed; ccw from the
 * south-west corner. */
void gg_tiling_quad_from_bbox(gg_geo_bbox b, uint64_t seed, double jitter, gg_geo_pt out[4]);

/* A borrowed view of cell i as a one-ring polygon and shape (for
 * gg_geo_locate and gg_geo_write_shape); valid while t lives. */
void gg_tiling_view(const gg_tiling *t, size_t i, gg_geo_poly *poly, gg_geo_shape *shape);

#endif
