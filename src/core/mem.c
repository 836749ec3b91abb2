/*
 * mem.c — the allocation wrapper and the per-request arena.
 *
 * The pool hands out 16-byte aligned pieces of chunks that double in size
 * (4 KiB up to 64 KiB); a request larger than a quarter of the current chunk
 * size gets a block of its own so it does not waste the tail of a chunk.
 * Nothing is freed individually: gg_pool_free runs the cleanup hooks (last
 * registered first) and then releases every block.
 *
 * The byte maximum counts what was handed out (rounded up to the alignment),
 * cleanup records included, so a limit test is predictable; the memory held
 * is at most that plus the unused tail of the current chunk.
 */
#include "core/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/gg.h"

#define POOL_ALIGN 16
#define CHUNK_MIN 4096
#define CHUNK_MAX 65536

struct block {
    struct block *next;
    size_t size; /* usable bytes after the header, before alignment */
};

struct cleanup {
    struct cleanup *next;
    void (*fn)(void *);
    void *arg;
};

struct gg_pool {
    struct block *blocks; /* newest first; blocks->... is the current chunk */
    char *cur;            /* next free byte in the current chunk */
    char *end;
    size_t next_chunk;
    size_t used;
    size_t max;
    struct cleanup *cleanups; /* newest first: free runs them LIFO */
};

void *gg_malloc(size_t n)
{
    return malloc(n ? n : 1);
}

void *gg_calloc(size_t count, size_t size)
{
    if (count == 0 || size == 0)
        return calloc(1, 1);
    return calloc(count, size);
}

void *gg_realloc(void *p, size_t n)
{
    /* realloc(p, 0) may free p and return NULL, which a caller would take
     * for a failure and free p again. */
    return realloc(p, n ? n : 1);
}

void gg_free(void *p)
{
    free(p);
}

char *gg_strndup(const char *s, size_t n)
{
    const char *nul = memchr(s, '\0', n);
    size_t len = nul ? (size_t)(nul - s) : n;
    if (len == SIZE_MAX)
        return NULL;
    char *d = gg_malloc(len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

static void out_of_memory(void)
{
    static const char msg[] = "gridgov: out of memory during start-up\n";
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)w;
    abort();
}

void *gg_xmalloc(size_t n)
{
    void *p = gg_malloc(n);
    if (!p)
        out_of_memory();
    return p;
}

char *gg_xstrdup(const char *s)
{
    char *d = gg_strndup(s, strlen(s));
    if (!d)
        out_of_memory();
    return d;
}

gg_pool *gg_pool_new(size_t max_bytes)
{
    gg_pool *p = gg_calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->next_chunk = CHUNK_MIN;
    p->max = max_bytes;
    return p;
}

void gg_pool_free(gg_pool *p)
{
    if (!p)
        return;
    /* Hooks may still read pool memory (a statement's SQL text), so they
     * run before any block is released. */
    struct cleanup *c = p->cleanups;
    while (c) {
        struct cleanup *next = c->next;
        c->fn(c->arg);
        c = next;
    }
    struct block *b = p->blocks;
    while (b) {
        struct block *next = b->next;
        gg_free(b);
        b = next;
    }
    gg_free(p);
}

static char *align_up(char *q)
{
    uintptr_t u = (uintptr_t)q;
    return q + ((POOL_ALIGN - (u % POOL_ALIGN)) % POOL_ALIGN);
}

/* A fresh block with room for n aligned bytes, linked behind the current
 * chunk when it is a dedicated large block so the chunk stays current. */
static struct block *block_new(gg_pool *p, size_t n, int as_chunk)
{
    size_t size = n + POOL_ALIGN; /* slack to align the first byte */
    struct block *b = gg_malloc(sizeof *b + size);
    if (!b)
        return NULL;
    b->size = size;
    if (as_chunk || !p->blocks) {
        b->next = p->blocks;
        p->blocks = b;
    } else {
        b->next = p->blocks->next;
        p->blocks->next = b;
    }
    return b;
}

void *gg_palloc(gg_pool *p, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - 2 * POOL_ALIGN - sizeof(struct block))
        return NULL;
    size_t rounded = (n + POOL_ALIGN - 1) / POOL_ALIGN * POOL_ALIGN;
    if (rounded > p->max || p->used > p->max - rounded)
        return NULL;

    char *q = p->cur ? align_up(p->cur) : NULL;
    if (q && q <= p->end && (size_t)(p->end - q) >= n) {
        p->cur = q + n;
        p->used += rounded;
        return q;
    }
    if (n > p->next_chunk / 4) {
        struct block *b = block_new(p, n, 0);
        if (!b)
            return NULL;
        p->used += rounded;
        return align_up((char *)(b + 1));
    }
    struct block *b = block_new(p, p->next_chunk, 1);
    if (!b)
        return NULL;
    if (p->next_chunk < CHUNK_MAX)
        p->next_chunk *= 2;
    q = align_up((char *)(b + 1));
    p->cur = q + n;
    p->end = (char *)(b + 1) + b->size;
    p->used += rounded;
    return q;
}

void *gg_pcalloc(gg_pool *p, size_t n)
{
    void *q = gg_palloc(p, n);
    if (q)
        memset(q, 0, n);
    return q;
}

char *gg_pstrndup(gg_pool *p, const char *s, size_t n)
{
    const char *nul = memchr(s, '\0', n);
    size_t len = nul ? (size_t)(nul - s) : n;
    if (len == SIZE_MAX)
        return NULL;
    char *d = gg_palloc(p, len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *gg_pstrdup(gg_pool *p, const char *s)
{
    return gg_pstrndup(p, s, strlen(s));
}

char *gg_pprintf(gg_pool *p, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    char *d = NULL;
    int len = vsnprintf(NULL, 0, fmt, ap);
    if (len < 0)
        goto done;
    d = gg_palloc(p, (size_t)len + 1);
    if (d)
        vsnprintf(d, (size_t)len + 1, fmt, ap2);
done:
    va_end(ap2);
    va_end(ap);
    return d;
}

int gg_pool_cleanup(gg_pool *p, void (*fn)(void *), void *arg)
{
    struct cleanup *c = gg_palloc(p, sizeof *c);
    if (!c) {
        /* The caller registers before acquiring; running the hook now keeps
         * the promise that whatever it guards is released exactly once. */
        fn(arg);
        return GG_ENOMEM;
    }
    c->fn = fn;
    c->arg = arg;
    c->next = p->cleanups;
    p->cleanups = c;
    return 0;
}

size_t gg_pool_used(const gg_pool *p)
{
    return p->used;
}
