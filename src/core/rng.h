/*
 * rng.h — splitmix64, the seeded generator of everything generated
 * deterministically (tiling cuts, the demo city's cases): tiny, and the same
 * sequence on every platform for a given seed, so a seed reproduces its
 * output exactly. Not for secrets (crypto.h makes tokens).
 */
#ifndef GG_RNG_H
#define GG_RNG_H

#include <stdint.h>

/* The next 64 bits; *s is the whole state, any value is a valid seed. */
static inline uint64_t gg_rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* A double in [0, 1) from the next 53 bits. */
static inline double gg_rng_unit(uint64_t *s)
{
    return (double)(gg_rng_next(s) >> 11) * 0x1p-53;
}

#endif
