/*
 * buf.c — growable byte buffer with a hard maximum. Capacity doubles from
 * a small start so appending byte by byte stays amortised O(1); a failed
 * append (GG_ETOOBIG past max, GG_ENOMEM) leaves the buffer as it was.
 */
#include "core/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/gg.h"
#include "core/mem.h"

#define BUF_START 64

void gg_buf_init(gg_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

/* Make room for len + extra bytes plus the terminating NUL. */
static int buf_reserve(gg_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra)
        return GG_ETOOBIG;
    size_t need = b->len + extra;
    if (b->data && need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : BUF_START;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > b->max)
        cap = b->max;
    if (cap == SIZE_MAX)
        return GG_ENOMEM;
    char *d = gg_realloc(b->data, cap + 1);
    if (!d)
        return GG_ENOMEM;
    b->data = d;
    b->cap = cap;
    return 0;
}

int gg_buf_append(gg_buf *b, const void *data, size_t n)
{
    int rc = buf_reserve(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int gg_buf_putc(gg_buf *b, char c)
{
    return gg_buf_append(b, &c, 1);
}

int gg_buf_puts(gg_buf *b, const char *s)
{
    return gg_buf_append(b, s, strlen(s));
}

int gg_buf_vprintf(gg_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int rc = 0;
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return GG_EINVAL;
    rc = buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int gg_buf_printf(gg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = gg_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void gg_buf_reset(gg_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void gg_buf_free(gg_buf *b)
{
    gg_free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

char *gg_buf_steal(gg_buf *b, size_t *len)
{
    char *d = b->data;
    size_t n = b->len;
    if (!d)
        d = gg_strndup("", 0); /* the caller always gets a string to free */
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    if (len)
        *len = d ? n : 0;
    return d;
}
