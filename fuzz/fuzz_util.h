/*
 * fuzz_util.h — small pieces the libFuzzer harnesses share (header only, so
 * the Makefile's one-object-per-harness link stays as it is).
 *
 * CHECK(x) aborts with the file, line and expression when a promise fails:
 * libFuzzer keeps the input as a crash artifact.
 * fz_fields splits data[0..size) at '\n' into at most nf fields, each its
 * own heap allocation exactly as long as it is plus the NUL, so any
 * overread is an ASan report; fields past the input's end stay NULL. The
 * caller frees them all with fz_fields_free.
 */
#ifndef GG_FUZZ_UTIL_H
#define GG_FUZZ_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                                     \
    do {                                                                             \
        if (!(x)) {                                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #x);   \
            abort();                                                                 \
        }                                                                            \
    } while (0)

static inline void fz_fields(const unsigned char *data, size_t size, char **f, int nf)
{
    const char *p = (const char *)data, *end = p + size;
    for (int i = 0; i < nf; i++) f[i] = NULL;
    for (int i = 0; i < nf && p <= end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        f[i] = malloc(n + 1);
        if (!f[i]) abort();
        memcpy(f[i], p, n);
        f[i][n] = 0;
        p += n + 1;
        if (!nl) break;
    }
}

static inline void fz_fields_free(char **f, int nf)
{
    for (int i = 0; i < nf; i++) free(f[i]);
}

#endif
