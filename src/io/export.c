/*
 * export.c — residents as CSV or XLSX rows (see export.h).
 */
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "core/mem.h"
#include "domain/registry.h"
#include "io/export.h"

static const char *s_or_empty(const char *s) { return s ? s : ""; }

static const char *label(int table, int v)
{
    const char *l = v ? gg_reg_label(table, v) : NULL;
    return l ? l : "";
}

/* Tags as labels joined by 、 into buf; returns buf. */
static const char *tags_text(uint32_t tags, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = 0;
    for (int t = 1; t < GG_TAG__COUNT; t++) {
        if (!(tags & GG_TAG_BIT(t))) continue;
        const char *l = gg_reg_label(GG_RT_TAG, t);
        if (!l) continue;
        int k = snprintf(buf + n, cap - n, "%s%s", n ? "、" : "", l);
        if (k < 0 || (size_t)k >= cap - n) break;
        n += (size_t)k;
    }
    return buf;
}

void gg_export_row_fill(gg_export_row *row, const gg_resident *r, const char *grid_code)
{
    const char **v = row->v;
    v[GG_IC_NAME] = s_or_empty(r->name);
    v[GG_IC_SEX] = label(GG_RT_SEX, r->sex);
    v[GG_IC_BIRTH_DATE] = r->birth_date;
    v[GG_IC_ETHNICITY] = s_or_empty(r->ethnicity);
    v[GG_IC_ID_TYPE] = label(GG_RT_ID_TYPE, r->id_type);
    v[GG_IC_ID_NUMBER] = s_or_empty(r->id_number);
    v[GG_IC_PHONE] = s_or_empty(r->phone);
    v[GG_IC_EDUCATION] = label(GG_RT_EDUCATION, r->education);
    v[GG_IC_POLITICAL] = label(GG_RT_POLITICAL, r->political);
    v[GG_IC_EMPLOYER] = s_or_empty(r->employer);
    v[GG_IC_REG_ADDRESS] = s_or_empty(r->registered_address);
    v[GG_IC_ADDRESS] = s_or_empty(r->current_address);
    v[GG_IC_KIND] = label(GG_RT_RESIDENCE, r->residence);
    v[GG_IC_GRID] = s_or_empty(grid_code);
    v[GG_IC_RELATION] = label(GG_RT_RELATION, r->relation);
    v[GG_IC_HOUSEHOLD] = s_or_empty(r->household_no ? r->household_no : r->household_label);
    v[GG_IC_TAGS] = tags_text(r->tags, row->buf, sizeof row->buf);
    v[GG_IC_ROOM] = s_or_empty(r->room);
    v[GG_IC_NOTE] = s_or_empty(r->note);
}

/* ---- CSV -------------------------------------------------------------------- */

int gg_export_csv_header(gg_buf *b)
{
    int rc = gg_buf_puts(b, "\xEF\xBB\xBF");
    for (int c = 0; c < GG_IC_COUNT && !rc; c++) {
        rc = gg_buf_puts(b, gg_imp_col_label(c));
        if (!rc) rc = gg_buf_puts(b, c + 1 < GG_IC_COUNT ? "," : "\r\n");
    }
    return rc;
}

static bool needs_tab(int col, const char *s)
{
    return col == GG_IC_ID_NUMBER || col == GG_IC_PHONE || s[0] == '=' || s[0] == '+' ||
           s[0] == '-' || s[0] == '@';
}

int gg_export_csv_row(gg_buf *b, const gg_export_row *row)
{
    int rc = 0;
    for (int c = 0; c < GG_IC_COUNT && !rc; c++) {
        const char *s = row->v[c];
        rc = gg_buf_putc(b, '"');
        if (!rc && s[0] && needs_tab(c, s)) rc = gg_buf_putc(b, '\t');
        for (const char *p = s; *p && !rc; p++) {
            if (*p == '"') rc = gg_buf_putc(b, '"');
            if (!rc) rc = gg_buf_putc(b, *p);
        }
        if (!rc) rc = gg_buf_puts(b, c + 1 < GG_IC_COUNT ? "\"," : "\"\r\n");
    }
    return rc;
}

/* ---- XLSX ------------------------------------------------------------------- */

struct gg_xexport {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *text, *head;
    lxw_row_t row;
};

int gg_xexport_open(const char *path, const char *tmpdir, gg_xexport **out, gg_error *e)
{
    *out = NULL;
    gg_xexport *x = gg_calloc(1, sizeof *x);
    if (!x) return GG_ENOMEM;
    lxw_workbook_options o = {.constant_memory = LXW_TRUE, .tmpdir = (char *)tmpdir,
                              .use_zip64 = LXW_TRUE};
    x->wb = workbook_new_opt(path, &o);
    if (x->wb) x->ws = workbook_add_worksheet(x->wb, "居民");
    if (!x->wb || !x->ws) {
        if (x->wb) workbook_close(x->wb);
        gg_free(x);
        return gg_fail(e, GG_EIO, 500, "export_io", "", "cannot create the workbook");
    }
    x->text = workbook_add_format(x->wb);
    format_set_num_format(x->text, "@");
    x->head = workbook_add_format(x->wb);
    format_set_bold(x->head);
    for (int c = 0; c < GG_IC_COUNT; c++) {
        bool wide = c == GG_IC_ID_NUMBER || c == GG_IC_REG_ADDRESS || c == GG_IC_ADDRESS ||
                    c == GG_IC_EMPLOYER;
        worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c, wide ? 22 : 12, x->text);
        worksheet_write_string(x->ws, 0, (lxw_col_t)c, gg_imp_col_label(c), x->head);
    }
    x->row = 1;
    *out = x;
    return 0;
}

int gg_xexport_row(gg_xexport *x, const gg_export_row *row, gg_error *e)
{
    if (x->row >= LXW_ROW_MAX)
        return gg_fail(e, GG_ETOOBIG, 413, "export_too_large", "",
                       "a worksheet holds at most %u rows: narrow the filters or use CSV",
                       (unsigned)LXW_ROW_MAX - 1);
    for (int c = 0; c < GG_IC_COUNT; c++) {
        if (!row->v[c][0]) continue;
        if (worksheet_write_string(x->ws, x->row, (lxw_col_t)c, row->v[c], x->text) != LXW_NO_ERROR)
            return gg_fail(e, GG_EIO, 500, "export_io", "", "cannot write the workbook");
    }
    x->row++;
    return 0;
}

int gg_xexport_close(gg_xexport *x, gg_error *e)
{
    if (!x) return 0;
    lxw_error le = workbook_close(x->wb);
    gg_free(x);
    if (le != LXW_NO_ERROR)
        return gg_fail(e, GG_EIO, 500, "export_io", "", "cannot write the workbook: %s",
                       lxw_strerror(le));
    return 0;
}
