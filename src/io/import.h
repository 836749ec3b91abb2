/*
 * import.h — the front half of a spreadsheet import: one file (.csv or
 * .xlsx, told apart by its first bytes, never by its name) read as a stream
 * of rows, a header row mapped to the registry's columns (Chinese and
 * English headers recognised, explicit mapping wins), and each data row
 * turned into normalised text per column, or into row-level rejections.
 *
 * Nothing here knows the database: import_run.c takes the records on to
 * validation and the store.
 *
 * Rows are numbered as the user sees them in Excel: for .xlsx the sheet's
 * own row number, for .csv the record number (Excel shows one record per
 * row; the header is row 1).
 *
 * Memory: one row at a time plus the readers' fixed buffers, and the set of
 * ID numbers seen (12 bytes per distinct ID, for the duplicate check), so
 * memory grows with the row limit (GG_IMP_MAX_ROWS), never with cell data.
 */
#ifndef GG_IO_IMPORT_H
#define GG_IO_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/gg.h"

/* The registry columns an import fills. */
enum gg_imp_col {
    GG_IC_NAME = 0,
    GG_IC_SEX,
    GG_IC_BIRTH_DATE,
    GG_IC_ETHNICITY,
    GG_IC_ID_TYPE,
    GG_IC_ID_NUMBER,
    GG_IC_PHONE,
    GG_IC_EDUCATION,
    GG_IC_POLITICAL,
    GG_IC_EMPLOYER,
    GG_IC_REG_ADDRESS,
    GG_IC_ADDRESS,
    GG_IC_KIND,
    GG_IC_GRID,
    GG_IC_RELATION,
    GG_IC_HOUSEHOLD,
    GG_IC_TAGS,
    GG_IC_ROOM,
    GG_IC_NOTE,
    GG_IC_COUNT
};

#define GG_IMP_MAX_COLS 256          /* columns of the header row looked at */
#define GG_IMP_MAX_ROWS 2000000u     /* data rows in one file */
#define GG_IMP_MAX_VALUE 1024        /* bytes of one mapped value after trimming */
#define GG_IMP_MAX_HEADER 128        /* bytes of one header cell kept */

/* "name", "id_number", ... (the JSON mapping keys); NULL out of range. */
const char *gg_imp_col_name(int col);
/* Its Chinese header as exports write it ("姓名", "身份证号", ...). */
const char *gg_imp_col_label(int col);
/* Column for a key of gg_imp_col_name, or -1. */
int gg_imp_col_by_name(const char *s);
/* The column a header names (姓名, 身份证号, 公民身份号码, "ID number", ...),
 * or -1. Blanks, a leading or trailing '*' and a trailing note in brackets
 * ("身份证号(必填)") are ignored, English case-insensitively. */
int gg_imp_col_guess(const char *header, size_t n);
/* Whether the column must be mapped for an import to start. */
bool gg_imp_col_required(int col);

typedef enum gg_imp_format { GG_IMP_CSV = 1, GG_IMP_XLSX = 2 } gg_imp_format;

/* A cell as the readers give it. */
enum gg_imp_cell_kind {
    GG_CELL_TEXT = 0,
    GG_CELL_NUMBER,   /* xlsx numeric cell: stored decimal text */
    GG_CELL_DATE,     /* xlsx numeric cell with a date style: serial number text */
    GG_CELL_ISODATE,  /* xlsx t="d" */
    GG_CELL_ERROR,    /* #N/A ... */
};
typedef struct gg_imp_cell {
    const char *s;   /* NUL-terminated UTF-8; "" when empty */
    size_t len;
    uint8_t kind;
    bool formula;
} gg_imp_cell;

typedef struct gg_imp_row {
    uint64_t row;        /* as Excel shows it */
    size_t n;            /* cells, dense from column A */
    const gg_imp_cell *cell;
} gg_imp_row;

typedef struct gg_import gg_import;

/* Open path and sniff it: PK\3\4 is .xlsx, an OLE header an old .xls
 * (refused: xlsx_unsupported), anything else CSV. */
int gg_imp_open(const char *path, gg_import **out, gg_error *e);
void gg_imp_close(gg_import *im);
const char *gg_imp_format_name(const gg_import *im);   /* "csv", "xlsx" */
/* "utf-8" / "gb18030" for CSV once scanned that far, "" for xlsx. */
const char *gg_imp_encoding(const gg_import *im);

/* During a scan of a CSV, the share of the file read so far (0..1); -1
 * for .xlsx, whose inflated size is not known ahead. */
double gg_imp_scan_fraction(const gg_import *im);

/* Whether an .xlsx uses the 1904 date system (false for CSV); set
 * gg_imp_map.date1904 from it. */
bool gg_imp_date1904(gg_import *im);

/* Stream every row (header included) from the start of the file into fn;
 * may be called again (the file is read again). fn returns 0 to go on. A
 * reader error fills e (codes csv_* / xlsx_*) and returns negative. */
typedef int (*gg_imp_row_fn)(void *ud, const gg_imp_row *row);
int gg_imp_scan(gg_import *im, gg_imp_row_fn fn, void *ud, gg_error *e);

/* ---- mapping ------------------------------------------------------------ */

typedef struct gg_imp_map {
    int col[GG_IC_COUNT];           /* 0-based file column per registry column, -1 unmapped */
    uint64_t header_row;            /* row number of the header */
    size_t nheaders;
    char header[GG_IMP_MAX_COLS][GG_IMP_MAX_HEADER];
    bool date1904;                  /* xlsx workbook flag */
} gg_imp_map;

/* Fill m from a header row: every header recognised by gg_imp_col_guess is
 * mapped (the first one wins). */
void gg_imp_map_guess(gg_imp_map *m, const gg_imp_row *header);
/* Override: registry column key → header text (exact, after trimming) or a
 * 1-based column number as text ("3") or a letter ("C"); "" unmaps.
 * GG_EINVAL naming the key when either side is unknown. */
int gg_imp_map_set(gg_imp_map *m, const char *key, const char *header, gg_error *e);
/* GG_EINVAL (code "missing_columns", 422) listing every required column
 * left unmapped, in Chinese and English. */
int gg_imp_map_check(const gg_imp_map *m, gg_error *e);

/* ---- records ------------------------------------------------------------ */

/* One data row as normalised text per registry column ("" when absent):
 * trimmed, dates as YYYY-MM-DD. Validation proper (ID numbers, phones,
 * labels) is gg_resident_validate's, in import_run.c. */
typedef struct gg_imp_rec {
    uint64_t row;
    const char *v[GG_IC_COUNT];
    size_t len[GG_IC_COUNT];
} gg_imp_rec;

/* A rejection: row as Excel shows it, the header of the column at fault
 * ("" for the whole row), a stable code and words in Chinese and English. */
typedef struct gg_imp_reject {
    uint64_t row;
    const char *column;
    const char *field;   /* registry column key, or "" */
    const char *code;
    char zh[256];
    char en[256];
} gg_imp_reject;

/* Fill rj with code and both messages from the table of known codes
 * (detail, if not NULL, is appended to the English and Chinese text). */
void gg_imp_reject_set(gg_imp_reject *rj, const gg_imp_map *m, int col, const char *code,
                       const char *detail);

typedef struct gg_imp_dupset gg_imp_dupset;
gg_imp_dupset *gg_imp_dupset_new(void);
void gg_imp_dupset_free(gg_imp_dupset *d);
size_t gg_imp_dupset_memory(const gg_imp_dupset *d);
/* 0 when the key is new (and remembers it with row), else the row that had it first. */
uint64_t gg_imp_dupset_add(gg_imp_dupset *d, const char *key, size_t n, uint64_t row);

/* Turn row into rec using m (rec's pointers point into buf, cap bytes, or
 * into row). today: days since 1970-01-01 for the ID birth-date rule.
 * 0 and rec filled; or 1 with rj filled (the first problem of the row).
 * Whole-row blank rows return 2 (skip them). */
int gg_imp_record(const gg_imp_map *m, const gg_imp_row *row, gg_imp_rec *rec,
                  char *buf, size_t cap, gg_imp_reject *rj);

/* Text date (1990-01-02, 1990/1/2, 1990.1.2, 19900102, 1990年1月2日) into
 * YYYY-MM-DD (out: 11 bytes). GG_EINVAL when it is none of these. */
int gg_imp_text_date(const char *s, size_t n, char out[11]);

#endif
