/*
 * fuzz_xlsx.c — libFuzzer harness for the streaming .xlsx reader (io/xlsx.c).
 *
 * The reader takes a file path (minizip opens it), so each input is written
 * to one temp file per process. Two shapes of input:
 *   - starting with "PK": the bytes are the .xlsx file itself (zip damage,
 *     directory lies, bombs, entry methods);
 *   - anything else: up to three NUL-separated XML parts — the sheet, the
 *     shared strings, the styles — stored uncompressed in a well-formed
 *     workbook, so mutations reach the XML handlers without tripping the zip
 *     layer first.
 * What must hold: a failure carries a code, a NUL-terminated message and a
 * 4xx/5xx status; every row and cell handed out keeps the limits, values are
 * valid UTF-8 of the stated length, booleans are "0"/"1", and the style and
 * date helpers accept whatever the reader gave. Any crash, sanitizer report
 * or abort() is a finding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "core/gg.h"
#include "core/str.h"
#include "io/xlsx.h"

static char path[64];
static gg_xlsx_limits lim;

static const char RELS[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char BOOK[] =
    "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<workbookPr date1904=\"1\"/><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"
    "</sheets></workbook>";
static const char BOOK_RELS[] =
    "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"x/sharedStrings\" "
    "Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"x/styles\" "
    "Target=\"../xl/./styles.xml\"/></Relationships>";

static void add(zipFile z, const char *name, const void *data, size_t len)
{
    zip_fileinfo zi;
    memset(&zi, 0, sizeof zi);
    if (zipOpenNewFileInZip(z, name, &zi, NULL, 0, NULL, 0, NULL, 0, 0) != ZIP_OK ||
        (len && zipWriteInFileInZip(z, data, (unsigned)len) != ZIP_OK) ||
        zipCloseFileInZip(z) != ZIP_OK)
        abort();
}

static void write_parts(const unsigned char *data, size_t size)
{
    static const char *names[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
                                  "xl/styles.xml"};
    zipFile z = zipOpen(path, APPEND_STATUS_CREATE);
    if (!z) abort();
    add(z, "_rels/.rels", RELS, strlen(RELS));
    add(z, "xl/workbook.xml", BOOK, strlen(BOOK));
    add(z, "xl/_rels/workbook.xml.rels", BOOK_RELS, strlen(BOOK_RELS));
    for (size_t i = 0; i < 3 && size > 0; i++) {
        const unsigned char *nul = i < 2 ? memchr(data, 0, size) : NULL;
        size_t n = nul ? (size_t)(nul - data) : size;
        add(z, names[i], data, n);
        data += n + (nul ? 1 : 0);
        size -= n + (nul ? 1 : 0);
        if (!nul) break;
    }
    if (zipClose(z, NULL) != ZIP_OK) abort();
}

static void write_raw(const unsigned char *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) abort();
}

static void check_error(int rc, const gg_error *e)
{
    if (rc >= 0 || !e->code || !memchr(e->message, 0, sizeof e->message) ||
        e->status < 400 || e->status > 599) {
        fprintf(stderr, "bad failure: rc %d code %s status %d\n", rc,
                e->code ? e->code : "(null)", e->status);
        abort();
    }
}

static int on_row(void *ctx, const gg_xlsx_row *row)
{
    const gg_xlsx *x = ctx;
    if (row->row == 0 || row->row > GG_XLSX_MAX_ROW_NUMBER || row->ncells == 0 ||
        row->ncells > lim.max_cols)
        abort();
    for (size_t i = 0; i < row->ncells; i++) {
        const gg_xlsx_cell *c = &row->cells[i];
        gg_xlsx_date d;
        if (c->col == 0 || c->col > lim.max_cols || !c->value || strlen(c->value) != c->len ||
            c->len > lim.max_cell_bytes || !gg_utf8_valid(c->value, c->len, false))
            abort();
        if (c->type == GG_XLSX_EMPTY && (!c->formula || c->len != 0)) abort();
        if (c->type == GG_XLSX_BOOL && strcmp(c->value, "0") != 0 && strcmp(c->value, "1") != 0)
            abort();
        if (c->type == GG_XLSX_NUMBER) {
            (void)gg_xlsx_style_is_date(x, c->style);
            if (gg_xlsx_serial_date(c->value, c->len, gg_xlsx_date1904(x), &d) == 0 &&
                (d.year < 1900 || d.year > 9999 || d.month < 1 || d.month > 12 || d.day < 1 ||
                 d.day > 31 || d.seconds < 0 || d.seconds >= 86400))
                abort();
        }
    }
    return 0;
}

static void remove_temp(void)
{
    unlink(path);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/fuzz_xlsx_XXXXXX");
        int fd = mkstemp(path);
        if (fd < 0) abort();
        close(fd);
        atexit(remove_temp);
        gg_xlsx_limits_default(&lim);
        lim.max_total_bytes = 32u << 20; /* keep each input quick */
        lim.ratio_floor = 1u << 20;
        lim.max_xml_memory = 8u << 20;
        lim.max_cols = 1024;
        lim.max_cell_bytes = 4096;
        lim.max_row_bytes = 256u << 10;
        lim.max_shared_count = 10000;
        lim.max_shared_bytes = 1u << 20;
    }
    if (size >= 2 && data[0] == 'P' && data[1] == 'K')
        write_raw(data, size);
    else
        write_parts(data, size);

    gg_xlsx *x = NULL;
    gg_error e = {0};
    int rc = gg_xlsx_open(path, &lim, &x, &e);
    if (rc) {
        check_error(rc, &e);
        if (x) abort();
        return 0;
    }
    size_t n = gg_xlsx_sheet_count(x);
    if (n == 0) abort();
    for (size_t i = 0; i < n && i < 4; i++) {
        const char *name = gg_xlsx_sheet_name(x, i);
        if (!name) abort();
        gg_error se = {0};
        rc = gg_xlsx_read_sheet(x, name, on_row, x, &se);
        if (rc) check_error(rc, &se);
    }
    if (gg_xlsx_sheet_name(x, n)) abort();
    gg_xlsx_close(x);
    return 0;
}
