/*
 * fuzz_import.c — libFuzzer harness for the import mapping (io/import.c):
 * the header recognition, explicit mapping, text dates and the per-row
 * record of outside cells. The readers under it have their own harnesses
 * (fuzz_csv, fuzz_xlsx); this one feeds cells directly.
 *
 * The input is split into rows at '\n' and cells at '\t'; the first byte of
 * a cell (mod 6) picks its kind and formula flag. Row 1 is the header. Each
 * later row is made into a record; a record must hold only trimmed values
 * inside the row's cells or a normalised date, and a rejection must name a
 * known column and carry both messages. Every cell also goes through
 * gg_imp_text_date and gg_imp_col_guess, and pairs of cells through
 * gg_imp_map_set. Any crash, sanitizer report or abort() is a finding.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/gg.h"
#include "io/import.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define MAXC 64
#define MAXR 64

typedef struct frow {
    gg_imp_cell cell[MAXC];
    char *text[MAXC];
    size_t n;
} frow;

static size_t split_row(const char *p, size_t n, frow *r)
{
    size_t i = 0;
    r->n = 0;
    while (r->n < MAXC) {
        size_t j = i;
        while (j < n && p[j] != '\t') j++;
        uint8_t kind = 0;
        bool formula = false;
        size_t s = i;
        if (j > i) {
            unsigned char c = (unsigned char)p[i] % 6;
            kind = c < 5 ? c : 0;
            formula = c == 5;
            s++;
        }
        char *t = malloc(j - s + 1);
        if (!t) abort();
        memcpy(t, p + s, j - s);
        t[j - s] = 0;
        r->text[r->n] = t;
        r->cell[r->n] = (gg_imp_cell){t, strlen(t), kind, formula};
        r->n++;
        if (j >= n) break;
        i = j + 1;
    }
    return r->n;
}

static void free_row(frow *r)
{
    for (size_t i = 0; i < r->n; i++) free(r->text[i]);
}

static void check_record(const gg_imp_map *m, const frow *fr, uint64_t rowno)
{
    gg_imp_row row = {rowno, fr->n, fr->cell};
    gg_imp_rec rec;
    gg_imp_reject rj;
    char buf[16];
    int rc = gg_imp_record(m, &row, &rec, buf, sizeof buf, &rj);
    if (rc == 1) {
        if (!rj.code || !rj.column || !rj.field || !rj.zh[0] || !rj.en[0] || rj.row != rowno) abort();
        return;
    }
    if (rc != 0 && rc != 2) abort();
    if (rc == 2) return;
    for (int c = 0; c < GG_IC_COUNT; c++) {
        if (!rec.v[c]) abort();
        if (rec.len[c] > GG_IMP_MAX_VALUE) abort();
        if (c == GG_IC_BIRTH_DATE && rec.len[c] && rec.len[c] != 10) abort();
    }
    if (!rec.len[GG_IC_NAME] || !rec.len[GG_IC_ID_NUMBER]) abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *p = (const char *)data;
    static gg_imp_map m;
    memset(&m, 0, sizeof m);
    size_t i = 0;
    uint64_t rowno = 0;
    while (i <= size && rowno < MAXR) {
        size_t j = i;
        while (j < size && p[j] != '\n') j++;
        frow fr;
        split_row(p + i, j - i, &fr);
        rowno++;
        for (size_t k = 0; k < fr.n; k++) {
            char out[11];
            if (gg_imp_text_date(fr.cell[k].s, fr.cell[k].len, out) == 0 && strlen(out) != 10) abort();
            int c = gg_imp_col_guess(fr.cell[k].s, fr.cell[k].len);
            if (c < -1 || c >= GG_IC_COUNT) abort();
        }
        if (rowno == 1) {
            gg_imp_row h = {1, fr.n, fr.cell};
            gg_imp_map_guess(&m, &h);
            gg_error e;
            if (fr.n >= 2) gg_imp_map_set(&m, fr.text[0], fr.text[1], &e);
            gg_imp_map_check(&m, &e);
        } else {
            check_record(&m, &fr, rowno);
        }
        free_row(&fr);
        if (j >= size) break;
        i = j + 1;
    }
    return 0;
}
