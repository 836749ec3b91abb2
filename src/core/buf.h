/*
 * buf.h — a growable byte buffer with a hard maximum. It doubles as it grows
 * and refuses (GG_ETOOBIG) to pass max; data is always NUL-terminated after
 * len for convenience (the NUL is not counted in len and not in max).
 */
#ifndef GG_BUF_H
#define GG_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct gg_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
} gg_buf;

void gg_buf_init(gg_buf *b, size_t max);
int gg_buf_append(gg_buf *b, const void *data, size_t n);
int gg_buf_putc(gg_buf *b, char c);
int gg_buf_puts(gg_buf *b, const char *s);
int gg_buf_printf(gg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int gg_buf_vprintf(gg_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void gg_buf_reset(gg_buf *b);  /* len = 0, keeps memory */
void gg_buf_free(gg_buf *b);   /* frees memory, buffer reusable after init */
char *gg_buf_steal(gg_buf *b, size_t *len); /* caller frees with gg_free; b is emptied */

#endif
