/*
 * export.h — residents as spreadsheet rows (issue 5): the same columns and
 * Chinese headers the importer recognises (import.h), so an export imports
 * back to the same data. Values are text everywhere: ID numbers and phones
 * must never become numbers (Excel would keep 15 digits of them).
 *
 * CSV: UTF-8 with a BOM (so Excel picks the encoding), CRLF, every field
 * quoted; ID numbers and phones carry a leading TAB, which makes Excel keep
 * them as text and which the importer trims. A value starting with = + - @
 * gets the same TAB, so Excel does not run it as a formula.
 *
 * XLSX: libxlsxwriter in constant-memory mode (rows go to a temporary file
 * as they are written), every cell a string, ID and phone columns formatted
 * as text ("@").
 */
#ifndef GG_IO_EXPORT_H
#define GG_IO_EXPORT_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/gg.h"
#include "io/import.h"

struct gg_resident;

/* One resident as text per import column (GG_IC_*), into cells; strings
 * point into r or into buf (cap bytes). grid_code: the code of r's place.
 * ID number and phone as r holds them (masked or not, the caller's choice). */
typedef struct gg_export_row {
    const char *v[GG_IC_COUNT];
    char buf[1024];
} gg_export_row;
void gg_export_row_fill(gg_export_row *row, const struct gg_resident *r, const char *grid_code);

/* CSV: the BOM and header line, then one line per row, appended to b
 * (GG_ETOOBIG when b's limit is reached). */
int gg_export_csv_header(gg_buf *b);
int gg_export_csv_row(gg_buf *b, const gg_export_row *row);

/* XLSX written to path. */
typedef struct gg_xexport gg_xexport;
int gg_xexport_open(const char *path, const char *tmpdir, gg_xexport **out, gg_error *e);
int gg_xexport_row(gg_xexport *x, const gg_export_row *row, gg_error *e);
/* Finish the file (GG_EIO on failure) and free x. */
int gg_xexport_close(gg_xexport *x, gg_error *e);

#endif
