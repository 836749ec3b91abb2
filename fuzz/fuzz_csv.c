/*
 * fuzz_csv.c — libFuzzer harness for the streaming CSV reader (io/csv.c).
 *
 * The input is the file. It is read twice: once in a single feed, once cut
 * into chunks whose sizes (0 bytes, 1-3 bytes, or up to 64 KiB) come from a
 * generator seeded with a hash of the input; the hash also picks tight or
 * default limits. Both runs must give the same rows (record, line, fields,
 * ragged flag), the same status, error code and message, and the same
 * encoding. Every row must keep the limits, have NUL-terminated fields and
 * be valid UTF-8 without NUL. Any crash, sanitizer report, leak or abort()
 * is a finding.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/gg.h"
#include "core/str.h"
#include "io/csv.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

typedef struct run {
    gg_buf out;
    gg_csv_limits lim;
    int rc;
    gg_error e;
    gg_csv_encoding enc;
} run;

static int on_row(void *ud, const gg_csv_row *r, gg_error *e)
{
    run *x = ud;
    size_t total = 0;
    if (r->nfields < 1 || r->nfields > x->lim.max_fields || r->record == 0 || r->line < r->record)
        abort();
    gg_buf_printf(&x->out, "%llu@%llu:%zu%c", (unsigned long long)r->record,
                  (unsigned long long)r->line, r->nfields, r->ragged ? 'r' : '-');
    for (size_t i = 0; i < r->nfields; i++) {
        if (r->len[i] > x->lim.max_field || r->field[i][r->len[i]] != '\0' ||
            !gg_utf8_valid(r->field[i], r->len[i], false))
            abort();
        total += r->len[i];
        gg_buf_printf(&x->out, "|%zu:", r->len[i]);
        gg_buf_append(&x->out, r->field[i], r->len[i]);
    }
    if (total > x->lim.max_row)
        abort();
    gg_buf_putc(&x->out, '\n');
    return 0;
}

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* seed 0: one feed; otherwise chunks drawn from the generator */
static void read_all(run *x, const unsigned char *data, size_t size, uint64_t seed)
{
    gg_csv *p = NULL;
    gg_buf_init(&x->out, 64u << 20);
    if (gg_csv_new(&p, &x->lim, on_row, x) != 0)
        abort();
    size_t at = 0;
    x->rc = 0;
    while (!x->rc && at < size) {
        size_t k = size - at;
        if (seed) {
            uint64_t r = next(&seed);
            switch (r & 3) {
            case 0: k = 0; break;
            case 1: k = 1 + (r >> 8) % 3; break;
            default: k = 1 + (r >> 8) % (1u << ((r >> 4) % 17)); break;
            }
            if (k > size - at)
                k = size - at;
        }
        x->rc = gg_csv_feed(p, data + at, k, &x->e);
        at += k;
    }
    if (!x->rc)
        x->rc = gg_csv_finish(p, &x->e);
    if (!x->rc && gg_csv_bytes_in(p) != size)
        abort();
    if (gg_csv_memory(p) > 512u * 1024)
        abort();
    x->enc = gg_csv_encoding_of(p);
    gg_csv_free(p);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211u;
    gg_csv_limits lim = {0};
    if (h & 1) {
        lim.max_field = 1 + (h >> 1) % 40;
        lim.max_fields = 1 + (h >> 8) % 8;
        lim.max_row = 1 + (h >> 16) % 100;
    } else {
        lim.max_field = GG_CSV_DEFAULT_MAX_FIELD;
        lim.max_fields = GG_CSV_DEFAULT_MAX_FIELDS;
        lim.max_row = GG_CSV_DEFAULT_MAX_ROW;
    }
    run one = {.lim = lim}, many = {.lim = lim};
    read_all(&one, data, size, 0);
    read_all(&many, data, size, h | 1);

    if (one.rc != many.rc || one.enc != many.enc || one.out.len != many.out.len ||
        (one.out.len && memcmp(one.out.data, many.out.data, one.out.len) != 0)) {
        fprintf(stderr, "chunked read differs: rc %d/%d enc %d/%d rows %zu/%zu bytes\n", one.rc,
                many.rc, one.enc, many.enc, one.out.len, many.out.len);
        abort();
    }
    if (one.rc) {
        if (!one.e.code || strcmp(one.e.code, many.e.code) != 0 ||
            strcmp(one.e.message, many.e.message) != 0 || !memchr(one.e.message, 0, sizeof one.e.message) ||
            (one.rc != GG_EINVAL && one.rc != GG_ETOOBIG)) {
            fprintf(stderr, "errors differ: %s / %s\n", one.e.message, many.e.message);
            abort();
        }
    } else if (one.enc == GG_CSV_ENC_UNKNOWN) {
        abort(); /* a finished read always knows its encoding */
    }
    gg_buf_free(&one.out);
    gg_buf_free(&many.out);
    return 0;
}
