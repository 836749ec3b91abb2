/*
 * mem.h — the one allocation wrapper and the per-request pool.
 *
 * Out-of-memory policy: gg_malloc & co. return NULL and the caller fails
 * with GG_ENOMEM (a request answers 503 and the server lives). gg_xmalloc
 * & co. abort the process and are for start-up only.
 *
 * gg_pool is an arena: everything a request allocates comes from it and dies
 * with it in gg_pool_free. Cleanup hooks registered with gg_pool_cleanup run
 * in reverse order of registration at free time (statements, handles).
 * A pool has a hard byte maximum; an allocation beyond it returns NULL.
 */
#ifndef GG_MEM_H
#define GG_MEM_H

#include <stdarg.h>
#include <stddef.h>

void *gg_malloc(size_t n);
void *gg_calloc(size_t count, size_t size);
void *gg_realloc(void *p, size_t n);
void gg_free(void *p);
char *gg_strndup(const char *s, size_t n);

void *gg_xmalloc(size_t n);
char *gg_xstrdup(const char *s);

typedef struct gg_pool gg_pool;

gg_pool *gg_pool_new(size_t max_bytes);
void gg_pool_free(gg_pool *p);
void *gg_palloc(gg_pool *p, size_t n);           /* 16-byte aligned, uninitialised */
void *gg_pcalloc(gg_pool *p, size_t n);
char *gg_pstrndup(gg_pool *p, const char *s, size_t n); /* NUL-terminated copy */
char *gg_pstrdup(gg_pool *p, const char *s);
char *gg_pprintf(gg_pool *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int gg_pool_cleanup(gg_pool *p, void (*fn)(void *), void *arg); /* 0 or GG_ENOMEM (fn is then run at once) */
size_t gg_pool_used(const gg_pool *p);

#endif
