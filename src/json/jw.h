/*
 * jw.h — a small streaming JSON writer: rows go straight into a gg_buf.
 * Commas and nesting are tracked for the caller; strings are escaped
 * (control characters as \u00XX, '/' left alone, non-ASCII UTF-8 passed
 * through). The first error (buffer limit, nesting over GG_JW_MAX_DEPTH)
 * sticks: later calls do nothing and gg_jw_status returns it.
 */
#ifndef GG_JW_H
#define GG_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define GG_JW_MAX_DEPTH 32

typedef struct gg_jw {
    gg_buf *b;
    int depth;
    int err;
    uint64_t first;     /* bit d set: nothing written yet at depth d */
    bool after_key;
    uint64_t in_obj;    /* bit d set: depth d is an object (keys expected) */
} gg_jw;

void gg_jw_init(gg_jw *w, gg_buf *b);
int gg_jw_status(const gg_jw *w);

void gg_jw_obj(gg_jw *w);       /* { */
void gg_jw_obj_end(gg_jw *w);   /* } */
void gg_jw_arr(gg_jw *w);       /* [ */
void gg_jw_arr_end(gg_jw *w);   /* ] */
void gg_jw_key(gg_jw *w, const char *key);

void gg_jw_str(gg_jw *w, const char *s);          /* NULL writes null */
void gg_jw_strn(gg_jw *w, const char *s, size_t n);
void gg_jw_int(gg_jw *w, int64_t v);
void gg_jw_double(gg_jw *w, double v);            /* non-finite writes null */
void gg_jw_bool(gg_jw *w, bool v);
void gg_jw_null(gg_jw *w);
void gg_jw_raw(gg_jw *w, const char *json, size_t n); /* trusted, already valid JSON */

/* key + value shorthands */
void gg_jw_kstr(gg_jw *w, const char *key, const char *s);
void gg_jw_kint(gg_jw *w, const char *key, int64_t v);
void gg_jw_kbool(gg_jw *w, const char *key, bool v);
void gg_jw_knull(gg_jw *w, const char *key);
void gg_jw_kid(gg_jw *w, const char *key, int64_t id); /* ids travel as strings; id <= 0 writes null */
void gg_jw_kint_or_null(gg_jw *w, const char *key, int64_t v); /* 0 (unset) writes null */
void gg_jw_ktime(gg_jw *w, const char *key, int64_t t_us); /* ISO 8601 in display zone; 0 writes null */

#endif
