/*
 * import_cmd.c — `gridgov import residents FILE PLACE_CODE [MODE]`: the
 * same import as POST /api/v1/imports, from the command line (bulk loads,
 * the benchmark). Rejections go to stderr as CSV (row, column, code,
 * message), the counts to stdout.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "cli/cli.h"
#include "core/mem.h"
#include "core/timeutil.h"
#include "io/import_run.h"
#include "store/store.h"

#define PRINT_MAX 1000 /* rejections printed; the rest are counted */

typedef struct cli_run {
    uint64_t printed, more;
} cli_run;

static void csv_cell(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void on_reject(void *ud, const gg_imp_reject *rj)
{
    cli_run *c = ud;
    if (c->printed >= PRINT_MAX) {
        c->more++;
        return;
    }
    if (c->printed++ == 0) fprintf(stderr, "row,column,code,message\n");
    fprintf(stderr, "%llu,", (unsigned long long)rj->row);
    csv_cell(stderr, rj->column);
    fprintf(stderr, ",%s,", rj->code);
    csv_cell(stderr, rj->en);
    fputc('\n', stderr);
}

static int64_t today(void)
{
    int64_t s = gg_now_us() / 1000000 + (int64_t)gg_display_offset_min() * 60;
    return s >= 0 ? s / 86400 : (s - 86399) / 86400;
}

static int import_file(gg_store *s, const gg_cli_opts *o, const gg_place *pl, int mode)
{
    gg_import *im = NULL;
    gg_error e = {0};
    gg_imp_map *m = gg_calloc(1, sizeof *m);
    if (!m) return 1;
    int rc = gg_imp_open(o->args[1], &im, &e);
    if (!rc) rc = gg_imp_header(im, m, 0, NULL, NULL, &e);
    cli_run c = {0};
    gg_imp_stats st = {0};
    int64_t t0 = gg_mono_us();
    if (!rc) {
        gg_imp_run_opts ro = {.store = s, .place_id = pl->id, .place_path = pl->path,
                              .mode = mode, .today = today(), .on_reject = on_reject, .ud = &c};
        rc = gg_imp_run(im, m, &ro, &st, &e);
    }
    double secs = (double)(gg_mono_us() - t0) / 1e6;
    if (c.more) fprintf(stderr, "... and %llu more rejected rows\n", (unsigned long long)c.more);
    if (im)
        printf("format=%s encoding=%s ", gg_imp_format_name(im), gg_imp_encoding(im));
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("rows=%llu inserted=%llu updated=%llu unchanged=%llu rejected=%llu seconds=%.2f "
           "rows_per_s=%.0f dupset_bytes=%zu max_rss_kib=%ld\n",
           (unsigned long long)st.rows_read, (unsigned long long)st.inserted,
           (unsigned long long)st.updated, (unsigned long long)st.unchanged,
           (unsigned long long)st.rejected, secs, secs > 0 ? (double)st.rows_read / secs : 0.0,
           st.peak_memory, ru.ru_maxrss);
    if (rc) fprintf(stderr, "gridgov import: %s (%s)\n", e.message, e.code ? e.code : "error");
    gg_imp_close(im);
    gg_free(m);
    return rc ? 1 : 0;
}

int gg_cmd_import(const gg_cli_opts *o)
{
    if (o->nargs < 3 || strcmp(o->args[0], "residents") != 0) {
        fprintf(stderr, "gridgov import: usage: import residents FILE PLACE_CODE [keep_good|all_or_nothing]\n");
        return 2;
    }
    int mode = o->nargs > 3 ? gg_imp_mode_parse(o->args[3]) : GG_IMP_ALL_OR_NOTHING;
    if (!mode) {
        fprintf(stderr, "gridgov import: the mode is keep_good or all_or_nothing\n");
        return 2;
    }
    gg_store *s = NULL;
    gg_error e = {0};
    gg_store_opts so = {.migrate = false};
    if (gg_store_open(o->db, &so, &s, &e)) {
        fprintf(stderr, "gridgov: %s\n", e.message);
        return 1;
    }
    int rc = 1;
    gg_pool *p = gg_pool_new(1u << 20);
    gg_conn *c = gg_store_reader(s);
    gg_place pl;
    if (!p || !c) {
        fprintf(stderr, "gridgov import: cannot read the database\n");
    } else if (gg_place_get_by_code(c, p, o->args[2], &pl)) {
        fprintf(stderr, "gridgov import: no place has the code %s\n", o->args[2]);
    } else {
        rc = import_file(s, o, &pl, mode);
    }
    gg_pool_free(p);
    gg_store_close(s);
    return rc;
}
