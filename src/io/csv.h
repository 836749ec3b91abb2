/*
 * csv.h — a streaming CSV reader (RFC 4180) for imports: bytes arrive in
 * chunks of any size, rows leave through a callback, and the reader never
 * holds more than one row plus fixed staging buffers (about 100 KiB).
 *
 * Syntax: fields separated by ',', records ended by CRLF, LF or CR (the
 * last line end is optional). A field that starts with '"' is quoted: it
 * may hold ',', line ends and "" (one '"'); after its closing quote only
 * ',' or a line end may follow. A '"' inside an unquoted field is kept as
 * is. Lines with no bytes at all are skipped (they are not records).
 *
 * Encoding: a UTF-8 BOM is dropped and means UTF-8. Otherwise ASCII passes
 * through undecided; at the first non-ASCII byte the next 16 KiB (or the
 * rest of the input, if shorter) decide: valid UTF-8 → UTF-8, else valid
 * GB18030 (GBK is a subset; the code page 936 byte 0x80 is read as €) →
 * converted to UTF-8 with iconv, else an error
 * naming the byte offset. A later byte invalid in the chosen encoding, a
 * sequence cut by the end of input, and NUL bytes are errors too. Rows
 * given to the callback are always valid UTF-8.
 *
 * Errors (limits, bad quoting, encoding) stop the reader: gg_csv_feed /
 * gg_csv_finish return a negative gg_status, fill the gg_error with a code
 * word (csv_*) and a message naming the physical line, and every later call
 * returns the same status. The results (rows, then the error if any) do not
 * depend on how the input was cut into chunks.
 */
#ifndef GG_CSV_H
#define GG_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/gg.h"

typedef struct gg_csv gg_csv;

typedef enum gg_csv_encoding {
    GG_CSV_ENC_UNKNOWN = 0, /* nothing but ASCII seen yet */
    GG_CSV_ENC_UTF8,        /* also: all ASCII, once finished */
    GG_CSV_ENC_GB18030,     /* GBK / GB2312 / GB18030 input */
} gg_csv_encoding;

/* Hard limits; a zero member takes the default. Bytes are counted after
 * conversion to UTF-8, without quotes and escapes. */
typedef struct gg_csv_limits {
    size_t max_field;  /* bytes in one field */
    size_t max_fields; /* fields in one record */
    size_t max_row;    /* bytes in one record, all fields together */
} gg_csv_limits;

#define GG_CSV_DEFAULT_MAX_FIELD (32u * 1024)
#define GG_CSV_DEFAULT_MAX_FIELDS 512u
#define GG_CSV_DEFAULT_MAX_ROW (256u * 1024)

/* One record. The pointers live until the callback returns; each field is
 * also NUL-terminated (and holds no NUL, which the reader rejects). */
typedef struct gg_csv_row {
    uint64_t record;   /* 1-based count of records (the header is record 1) */
    uint64_t line;     /* physical line (1-based) where the record starts */
    size_t nfields;    /* >= 1 */
    bool ragged;       /* nfields differs from record 1's: reported, not fixed */
    const char *const *field;
    const size_t *len;
} gg_csv_row;

/* Return 0 to go on; anything else stops the reader and is returned by the
 * feed/finish call that produced the row (fill e yourself if you like). */
typedef int (*gg_csv_row_fn)(void *ud, const gg_csv_row *row, gg_error *e);

/* lim may be NULL. GG_ENOMEM, or 0 with *out owned by the caller. */
int gg_csv_new(gg_csv **out, const gg_csv_limits *lim, gg_csv_row_fn fn, void *ud);
void gg_csv_free(gg_csv *p);

/* Hand the next n bytes (any n, including 0). Rows completed by them are
 * delivered before it returns. e may be NULL. */
int gg_csv_feed(gg_csv *p, const void *data, size_t n, gg_error *e);
/* End of input: delivers a last record that has no line end, and fails on
 * an open quote or a cut multi-byte sequence. Further feeds are GG_EINVAL. */
int gg_csv_finish(gg_csv *p, gg_error *e);

gg_csv_encoding gg_csv_encoding_of(const gg_csv *p);
const char *gg_csv_encoding_name(gg_csv_encoding enc); /* "utf-8", "gb18030", "unknown" */
uint64_t gg_csv_records(const gg_csv *p);  /* records delivered so far */
uint64_t gg_csv_bytes_in(const gg_csv *p); /* raw bytes fed so far */
size_t gg_csv_memory(const gg_csv *p);     /* heap bytes held now (bounded by the limits) */

#endif
