/*
 * gg.h — the project-wide status convention and the error detail that travels
 * with it. Every function that can fail returns int: 0 on success, a negative
 * gg_status on failure. Words describing the failure travel in a gg_error the
 * caller owns, never in a global.
 */
#ifndef GG_H
#define GG_H

#include <stddef.h>
#include <stdint.h>

enum gg_status {
    GG_OK = 0,
    GG_ENOMEM = -1,     /* allocation failed: a request answers 503 */
    GG_EINVAL = -2,     /* input violates a rule: 400/422 */
    GG_ENOTFOUND = -3,  /* 404 */
    GG_ECONFLICT = -4,  /* state or uniqueness conflict: 409 */
    GG_EFORBIDDEN = -5, /* 403 */
    GG_EUNAUTH = -6,    /* 401 */
    GG_ETOOBIG = -7,    /* a limit was exceeded: 413 */
    GG_EIO = -8,        /* storage or system failure: 500 */
    GG_EBUSY = -9,      /* overloaded or shutting down: 503 */
    GG_ELIMIT = -10,    /* rate limited: 429 */
};

/* The detail of a failure, filled by whoever detects it. status is the HTTP
 * status the API layer will answer with; code is a stable machine word
 * (static string); field names the offending input field or is empty. */
typedef struct gg_error {
    int status;
    const char *code;
    char message[256];
    char field[64];
} gg_error;

/* Fill e (if not NULL) and return rc. Format is printf-style into message. */
int gg_fail(gg_error *e, int rc, int status, const char *code, const char *field,
            const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Map a gg_status to its default HTTP status and code word. */
int gg_status_http(int rc);
const char *gg_status_code(int rc);

#define GG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
