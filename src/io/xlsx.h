/*
 * xlsx.h — a streaming reader of one worksheet of an .xlsx file (minizip for
 * the zip, expat for the XML). No sheet is ever held in memory: its XML is
 * inflated and parsed in chunks and each row is handed to a callback, then
 * forgotten. Only the shared-string table, the sheet list and the date
 * styles are kept, each under a hard limit.
 *
 * Values come back as UTF-8 text exactly as stored: a number is its stored
 * decimal text (an 18-digit ID number typed as a number arrives as
 * "6.301021990010112E+17", never re-formatted), a date is a serial number
 * whose cell style gg_xlsx_style_is_date recognises, a formula cell gives its
 * cached result with formula = true (no cached result: type EMPTY).
 *
 * Hostile files fail with a gg_error, never a crash: a truncated or corrupt
 * zip, an entry that inflates far beyond its compressed size (an xlsx bomb),
 * a DOCTYPE or entity declaration in any part (billion laughs), and every
 * limit in gg_xlsx_limits.
 *
 * Error codes (gg_error.code): "xlsx_corrupt" (422: not a zip, truncated,
 * bad CRC, malformed XML or OOXML), "xlsx_not_workbook" (422: a required
 * part is missing), "xlsx_no_sheet" (404: no sheet of that name),
 * "xlsx_unsupported" (422: an OLE file, i.e. an old .xls or a
 * password-protected workbook),
 * "xlsx_dtd" (422: DOCTYPE refused), "xlsx_encrypted" (422), "xlsx_bomb"
 * (413), "xlsx_too_large" (413: a limit below). A callback's own non-zero
 * return stops the read and is returned as is, e untouched.
 */
#ifndef GG_XLSX_H
#define GG_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/gg.h"

/* Excel's own bounds: 1,048,576 rows, 16,384 columns (A..XFD). */
#define GG_XLSX_MAX_ROW_NUMBER 1048576u
#define GG_XLSX_MAX_COL_NUMBER 16384u

typedef struct gg_xlsx_limits {
    uint64_t max_total_bytes;  /* uncompressed bytes read over all parts (512 MiB) */
    uint32_t max_ratio;        /* uncompressed:compressed per entry (100) ... */
    uint64_t ratio_floor;      /* ... checked once an entry passes this many bytes (4 MiB) */
    uint32_t max_rows;         /* row elements in the sheet (1,048,576) */
    uint32_t max_cols;         /* column index (1-based) and cells per row (16,384) */
    size_t max_cell_bytes;     /* one value's UTF-8 bytes (131,072: Excel's 32,767 chars) */
    size_t max_row_bytes;      /* all inline text of one row (8 MiB) */
    uint32_t max_shared_count; /* shared strings (4,000,000) */
    size_t max_shared_bytes;   /* their total UTF-8 bytes (128 MiB) */
    size_t max_xml_memory;     /* expat's own allocations per parser (32 MiB) */
} gg_xlsx_limits;

typedef enum gg_xlsx_type {
    GG_XLSX_EMPTY = 0, /* a formula without a cached value */
    GG_XLSX_STRING,    /* shared, inline or formula string */
    GG_XLSX_NUMBER,    /* decimal text as stored; a date when its style says so */
    GG_XLSX_BOOL,      /* "0" or "1" */
    GG_XLSX_ERROR,     /* "#DIV/0!", "#N/A", ... */
    GG_XLSX_ISODATE,   /* t="d" (strict OOXML): ISO 8601 text */
} gg_xlsx_type;

typedef struct gg_xlsx_cell {
    uint32_t col;      /* 1-based column from the cell reference (A = 1) */
    gg_xlsx_type type;
    const char *value; /* NUL-terminated UTF-8, "" when EMPTY */
    size_t len;
    uint32_t style;    /* the s attribute: index into cellXfs, 0 when absent */
    bool formula;      /* the cell holds a formula; value is its cached result */
} gg_xlsx_cell;

typedef struct gg_xlsx_row {
    uint32_t row; /* 1-based, from the r attribute (or the previous row + 1) */
    const gg_xlsx_cell *cells; /* ascending as stored; cells with no value skipped */
    size_t ncells;
} gg_xlsx_row;

/* Called once per row that has at least one cell. Everything it is given
 * lives until it returns. Non-zero stops the read with that return value.
 * It must not use the same gg_xlsx (the zip handle is mid-entry). */
typedef int (*gg_xlsx_row_fn)(void *ctx, const gg_xlsx_row *row);

typedef struct gg_xlsx gg_xlsx;

void gg_xlsx_limits_default(gg_xlsx_limits *lim);

/* Open path, read the workbook, its relationships, shared strings and styles.
 * lim NULL means the defaults; it is copied. *out is NULL on failure. */
int gg_xlsx_open(const char *path, const gg_xlsx_limits *lim, gg_xlsx **out, gg_error *e);
void gg_xlsx_close(gg_xlsx *x); /* NULL is fine */

size_t gg_xlsx_sheet_count(const gg_xlsx *x);
const char *gg_xlsx_sheet_name(const gg_xlsx *x, size_t i); /* NULL past the end */

/* Stream the sheet called name (NULL: the first) row by row into fn. May be
 * called again for another sheet; the byte budget is shared by all reads. */
int gg_xlsx_read_sheet(gg_xlsx *x, const char *name, gg_xlsx_row_fn fn, void *ctx,
                       gg_error *e);

/* Whether cell style index style (cellXfs) formats a number as a date or
 * time: built-in formats 14-22, 45-47, the East Asian 27-36 and 50-58, or a
 * custom format code with d, m, y, h or s outside quotes and brackets. */
bool gg_xlsx_style_is_date(const gg_xlsx *x, uint32_t style);
bool gg_xlsx_date1904(const gg_xlsx *x); /* workbookPr date1904 */

/* A date serial number (the text of a NUMBER cell) as a calendar date and
 * the seconds into that day, in the 1900 system (with Excel's fictitious
 * 1900-02-29, serial 60, refused) or the 1904 one. GG_EINVAL when the text
 * is not a number or falls outside 1900-01-01 .. 9999-12-31. */
typedef struct gg_xlsx_date {
    int year, month, day;
    int seconds; /* 0 .. 86399, rounded to the nearest second */
} gg_xlsx_date;
int gg_xlsx_serial_date(const char *text, size_t len, bool date1904, gg_xlsx_date *out);

#endif
