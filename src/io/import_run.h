/*
 * import_run.h — the back half of a residents import: records from
 * import.h are labelled, placed, validated (gg_resident_validate), checked
 * for duplicates within the file and upserted in batches through the
 * writer (each batch one gg_write, group-committed with other writes).
 *
 all_or_nothing: two passes over the file, both streamed:
 *   1. check every row, report each rejection, count rows (no writes);
 *   2. write the good rows in batches.
 * When pass 1 rejected any row, pass 2 does not run and nothing is written
 * (GG_EINVAL, code "rows_rejected"). keep_good: one pass that checks each
 * row, reports it or adds it to the batch. A row the store refuses when
 * written (rare: the checks are the store's) is reported (keep_good) or
 * stops the import with the batches before it committed (all_or_nothing).
 *
 * Upsert is keyed by the blind index of the document number, and an
 * unchanged row is not rewritten, so importing the same file twice gives
 * unchanged = every good row the second time.
 *
 * Lives in io/ but speaks to the store: it is the import's use of the
 * store interface (store.h), shared by the API job and the CLI.
 */
#ifndef GG_IO_IMPORT_RUN_H
#define GG_IO_IMPORT_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "io/import.h"
#include "store/store.h"

enum gg_imp_mode { GG_IMP_KEEP_GOOD = 1, GG_IMP_ALL_OR_NOTHING = 2 };

/* "keep_good" / "all_or_nothing" → mode, 0 if neither. */
int gg_imp_mode_parse(const char *s);
const char *gg_imp_mode_name(int mode);

typedef struct gg_imp_stats {
    uint64_t rows_read;   /* data rows seen by pass 1 (blank rows not counted) */
    uint64_t good;        /* rows that passed every check */
    uint64_t inserted, updated, unchanged, rejected;
    uint64_t written;     /* rows handled by pass 2 so far */
    int pass;             /* 1 checking, 2 writing (keep_good: checking too), 3 finished */
    double progress;      /* 0..1: all_or_nothing: pass 1 the first half (by bytes for
                           * CSV, 0 for xlsx), pass 2 by rows written; keep_good: by
                           * bytes for CSV, 0 for xlsx until done */
    size_t peak_memory;   /* bytes of the duplicate set at its largest */
} gg_imp_stats;

typedef struct gg_imp_run_opts {
    gg_store *store;
    int64_t place_id;        /* rows without a grid column land here */
    const char *place_path;  /* and rows with one must lie inside it */
    int mode;
    int64_t actor;           /* account id, 0: system */
    int64_t today;           /* days since 1970-01-01 */
    int batch;               /* rows per write (default 500, max 5000) */
    /* Called on the running thread: each rejection, and after each batch. */
    void (*on_reject)(void *ud, const gg_imp_reject *rj);
    void (*on_progress)(void *ud, const gg_imp_stats *st);
    void *ud;
    const volatile int *cancel; /* non-zero stops between rows (may be NULL) */
} gg_imp_run_opts;

/* Run the import of im (header row and columns as m says). st is filled as
 * it goes. 0 when finished (keep_good: even with rejections); negative with
 * e filled otherwise (reader errors, rows_rejected, write failures). */
int gg_imp_run(gg_import *im, const gg_imp_map *m, const gg_imp_run_opts *o, gg_imp_stats *st,
               gg_error *e);

/* Find the header (first row with a value), guess the mapping and collect
 * up to max_preview data rows into preview_fn. 0, or a reader error; an
 * empty file is GG_EINVAL "no_header". */
typedef int (*gg_imp_preview_fn)(void *ud, const gg_imp_row *row);
int gg_imp_header(gg_import *im, gg_imp_map *m, int max_preview, gg_imp_preview_fn fn, void *ud,
                  gg_error *e);

#endif
