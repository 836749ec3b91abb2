/*
 * test_xlsx.c — unit tests for src/io/xlsx.c, the streaming .xlsx reader.
 *
 * Fixtures are made at test time in a fresh temp dir: good workbooks with
 * libxlsxwriter (as Excel users' files are written by a real writer), bad
 * ones with minizip's zip writer (a truncated copy, a damaged entry, a zip
 * bomb, a DOCTYPE, 20,000 columns, nesting, a giant attribute). A final test
 * streams 1,000,000 rows and checks the reader's memory stays flat.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>
#include <unzip.h>

#include "core/gg.h"
#include "io/xlsx.h"

#define BIG_ROWS 1000000

static char tmpdir[64];

static const char *path_of(const char *name)
{
    static char bufs[8][128];
    static unsigned k;
    char *b = bufs[k++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", tmpdir, name);
    return b;
}

/* ---- collecting rows ---------------------------------------------------- */

struct got_cell {
    uint32_t row, col, style;
    gg_xlsx_type type;
    bool formula;
    char value[160];
};

struct got {
    struct got_cell c[256];
    size_t n;
    size_t rows;
    int stop_after; /* return 7 after this many rows (0: never) */
};

static int collect(void *ctx, const gg_xlsx_row *row)
{
    struct got *g = ctx;
    g->rows++;
    for (size_t i = 0; i < row->ncells && g->n < GG_ARRAY_LEN(g->c); i++) {
        const gg_xlsx_cell *c = &row->cells[i];
        struct got_cell *o = &g->c[g->n++];
        o->row = row->row;
        o->col = c->col;
        o->style = c->style;
        o->type = c->type;
        o->formula = c->formula;
        assert_int_equal(strlen(c->value), c->len);
        snprintf(o->value, sizeof o->value, "%s", c->value);
    }
    return g->stop_after && (int)g->rows >= g->stop_after ? 7 : 0;
}

static const struct got_cell *cell_at(const struct got *g, uint32_t row, uint32_t col)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->c[i].row == row && g->c[i].col == col) return &g->c[i];
    return NULL;
}

/* Open path and read sheet (NULL: first) into g; the status of whichever failed. */
static int read_all(const char *path, const gg_xlsx_limits *lim, const char *sheet,
                    struct got *g, gg_error *e)
{
    gg_xlsx *x = NULL;
    int rc = gg_xlsx_open(path, lim, &x, e);
    if (rc == 0) rc = gg_xlsx_read_sheet(x, sheet, collect, g, e);
    gg_xlsx_close(x);
    return rc;
}

/* ---- fixtures ------------------------------------------------------------ */

struct ent {
    const char *name;
    const char *data;
};

static void zip_add(zipFile z, const char *name, const void *data, size_t len)
{
    zip_fileinfo zi;
    memset(&zi, 0, sizeof zi);
    assert_int_equal(zipOpenNewFileInZip64(z, name, &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
                                           Z_DEFAULT_COMPRESSION, 0), ZIP_OK);
    if (len) assert_int_equal(zipWriteInFileInZip(z, data, (unsigned)len), ZIP_OK);
    assert_int_equal(zipCloseFileInZip(z), ZIP_OK);
}

static const char RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char BOOK[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char BOOK_RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/sharedStrings\" Target=\"/xl/sharedStrings.xml\"/></Relationships>";
#define SHEET_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet " \
    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
#define SHEET_TAIL "</sheetData></worksheet>"

/* A hand-made workbook: one sheet S, optional shared strings, optional
 * workbook replacement. */
static void hand_book(const char *name, const char *sheet, const char *sst, const char *book)
{
    zipFile z = zipOpen64(path_of(name), APPEND_STATUS_CREATE);
    assert_non_null(z);
    zip_add(z, "_rels/.rels", RELS, strlen(RELS));
    zip_add(z, "xl/workbook.xml", book ? book : BOOK, strlen(book ? book : BOOK));
    zip_add(z, "xl/_rels/workbook.xml.rels", BOOK_RELS, strlen(BOOK_RELS));
    if (sst) zip_add(z, "xl/sharedStrings.xml", sst, strlen(sst));
    if (sheet) zip_add(z, "xl/worksheets/sheet1.xml", sheet, strlen(sheet));
    assert_int_equal(zipClose(z, NULL), ZIP_OK);
}

/* A sheet part of head, n copies of fill, tail, in memory. */
static char *repeat_sheet(const char *head, const char *fill, size_t n, const char *tail)
{
    size_t hl = strlen(head), fl = strlen(fill), tl = strlen(tail);
    char *s = malloc(hl + fl * n + tl + 1);
    assert_non_null(s);
    memcpy(s, head, hl);
    for (size_t i = 0; i < n; i++) memcpy(s + hl + i * fl, fill, fl);
    memcpy(s + hl + fl * n, tail, tl + 1);
    return s;
}

static void make_good(void)
{
    lxw_workbook *wb = workbook_new(path_of("good.xlsx"));
    lxw_worksheet *ws = workbook_add_worksheet(wb, "居民");
    lxw_worksheet *ws2 = workbook_add_worksheet(wb, "第二页");
    lxw_format *ymd = workbook_add_format(wb);
    format_set_num_format(ymd, "yyyy\\-mm\\-dd");
    lxw_format *d14 = workbook_add_format(wb);
    format_set_num_format_index(d14, 14);
    lxw_format *money = workbook_add_format(wb);
    format_set_num_format(money, "[Red]0.00;\"Dm\"0.00");
    lxw_datetime dt = {2024, 3, 15, 0, 0, 0};

    worksheet_write_string(ws, 0, 0, "姓名", NULL);
    worksheet_write_string(ws, 0, 1, "身份证号", NULL);
    worksheet_write_string(ws, 1, 0, "张三", NULL);
    worksheet_write_number(ws, 1, 1, 630102199001011234.0, NULL); /* Excel's way */
    worksheet_write_datetime(ws, 1, 2, &dt, ymd);
    worksheet_write_number(ws, 1, 3, 3.25, money);
    worksheet_write_boolean(ws, 1, 4, 1, NULL);
    worksheet_write_formula(ws, 1, 5, "=D2*2", NULL);
    worksheet_write_formula_num(ws, 1, 6, "=1+41", NULL, 42);
    worksheet_write_blank(ws, 1, 7, ymd); /* formatted but empty: no cell */
    worksheet_write_string(ws, 1, 8, "630102199001011234", NULL);
    worksheet_write_number(ws, 1, 26, -7, NULL);
    worksheet_write_boolean(ws, 1, 27, 0, NULL);
    worksheet_write_string(ws, 3, 0, "李四", NULL);
    worksheet_write_number(ws, 3, 2, 45366, d14);
    worksheet_write_number(ws, 3, 3, 45366, NULL);
    worksheet_write_string(ws2, 0, 0, "second", NULL);
    worksheet_write_number(ws2, 0, 1, 2, NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static void make_big(void)
{
    lxw_workbook_options o = {.constant_memory = LXW_TRUE, .tmpdir = tmpdir};
    lxw_workbook *wb = workbook_new_opt(path_of("big.xlsx"), &o);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    for (lxw_row_t r = 0; r < BIG_ROWS; r++) {
        worksheet_write_number(ws, r, 0, r, NULL);
        worksheet_write_string(ws, r, 1, "居民 resident", NULL);
    }
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static void copy_prefix(const char *from, const char *to, long keep)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[4096];
    size_t n;
    long left = keep;
    while (left > 0 && (n = fread(buf, 1, left < 4096 ? (size_t)left : 4096, in)) > 0) {
        fwrite(buf, 1, n, out);
        left -= (long)n;
    }
    fclose(in);
    fclose(out);
}

static long file_size(const char *p)
{
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

/* good.xlsx with bytes inside the first sheet's compressed data flipped. */
static void make_damaged(void)
{
    copy_prefix(path_of("good.xlsx"), path_of("damaged.xlsx"), file_size(path_of("good.xlsx")));
    unzFile u = unzOpen64(path_of("damaged.xlsx"));
    assert_non_null(u);
    assert_int_equal(unzLocateFile(u, "xl/worksheets/sheet1.xml", 1), UNZ_OK);
    assert_int_equal(unzOpenCurrentFile(u), UNZ_OK);
    long pos = (long)unzGetCurrentFileZStreamPos64(u);
    unzCloseCurrentFile(u);
    unzClose(u);
    FILE *f = fopen(path_of("damaged.xlsx"), "r+b");
    fseek(f, pos + 20, SEEK_SET);
    fwrite("\xff\x00\xff\x00\xff\x00\xff\x00", 1, 8, f);
    fclose(f);
}

static void make_bomb(void)
{
    zipFile z = zipOpen64(path_of("bomb.xlsx"), APPEND_STATUS_CREATE);
    zip_fileinfo zi;
    memset(&zi, 0, sizeof zi);
    zip_add(z, "_rels/.rels", RELS, strlen(RELS));
    zip_add(z, "xl/workbook.xml", BOOK, strlen(BOOK));
    zip_add(z, "xl/_rels/workbook.xml.rels", BOOK_RELS, strlen(BOOK_RELS));
    assert_int_equal(zipOpenNewFileInZip64(z, "xl/worksheets/sheet1.xml", &zi, NULL, 0, NULL, 0,
                                           NULL, Z_DEFLATED, 9, 0), ZIP_OK);
    zipWriteInFileInZip(z, SHEET_HEAD, (unsigned)strlen(SHEET_HEAD));
    static char spaces[1 << 16];
    memset(spaces, ' ', sizeof spaces);
    for (int i = 0; i < 256; i++) zipWriteInFileInZip(z, spaces, sizeof spaces); /* 16 MiB */
    zipWriteInFileInZip(z, SHEET_TAIL, (unsigned)strlen(SHEET_TAIL));
    zipCloseFileInZip(z);
    assert_int_equal(zipClose(z, NULL), ZIP_OK);
}

/* "A".."XFD".. for 1-based columns */
static void col_name(uint32_t c, char *out)
{
    char tmp[8];
    int n = 0;
    for (; c; c = (c - 1) / 26) tmp[n++] = (char)('A' + (c - 1) % 26);
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

static void make_wide(void)
{
    size_t cap = 20000 * 40 + 256, len = 0;
    char *s = malloc(cap), ref[8];
    len += (size_t)snprintf(s, cap, "%s<row r=\"1\">", SHEET_HEAD);
    for (uint32_t c = 1; c <= 20000; c++) {
        col_name(c, ref);
        len += (size_t)snprintf(s + len, cap - len, "<c r=\"%s1\"><v>%u</v></c>", ref, c);
    }
    snprintf(s + len, cap - len, "</row>%s", SHEET_TAIL);
    hand_book("wide.xlsx", s, NULL, NULL);
    free(s);
}

static void make_hand_books(void)
{
    hand_book("dtd.xlsx",
              "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
              "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
              "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol2;"
              "</t></is></c></row></sheetData></worksheet>", NULL, NULL);
    hand_book("dtd_book.xlsx", SHEET_HEAD SHEET_TAIL, NULL,
              "<?xml version=\"1.0\"?><!DOCTYPE workbook SYSTEM \"file:///etc/passwd\">"
              "<workbook/>");
    hand_book("badxml.xlsx", SHEET_HEAD "<row r=\"1\"><c r=\"A1\"><v>1</v></row>" SHEET_TAIL,
              NULL, NULL);
    hand_book("badnum.xlsx", SHEET_HEAD "<row r=\"1\"><c r=\"A1\"><v>12abc</v></c></row>"
              SHEET_TAIL, NULL, NULL);
    hand_book("badsst.xlsx", SHEET_HEAD "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>5</v></c></row>"
              SHEET_TAIL, "<sst><si><t>only</t></si></sst>", NULL);
    hand_book("nosheet.xlsx", NULL, NULL, NULL);
    hand_book("rich.xlsx",
              SHEET_HEAD "<row r=\"2\"><c r=\"B2\" t=\"s\"><v>0</v></c>"
              "<c r=\"C2\" t=\"s\"><v>1</v></c><c t=\"inlineStr\"><is><t>in_x000D_line</t>"
              "</is></c><c r=\"F2\" t=\"e\"><v>#DIV/0!</v></c><c r=\"G2\" t=\"str\">"
              "<f>A1</f><v>txt</v></c><c r=\"H2\"><f>1+1</f></c></row><row><c><v>1.5E-3</v></c></row>" SHEET_TAIL,
              "<sst count=\"2\" uniqueCount=\"2\"><si><r><t>东京</t></r><r><t xml:space="
              "\"preserve\"> tower</t></r><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh></si>"
              "<si><t>a_x000D_b_x005F_x0041_</t></si></sst>",
              NULL);
    char *deep = repeat_sheet(SHEET_HEAD "<row r=\"1\"><c r=\"A1\"><v>1</v>", "<x>", 100,
                              "</c></row>" SHEET_TAIL);
    hand_book("deep.xlsx", deep, NULL, NULL);
    free(deep);
    /* a 4 MiB attribute of random letters (so no bomb: it does not compress) */
    char *fat = repeat_sheet(SHEET_HEAD "<row r=\"1\" x=\"", "................", 1 << 18,
                             "\"><c r=\"A1\"><v>1</v></c></row>" SHEET_TAIL);
    uint32_t seed = 12345;
    for (char *p = strstr(fat, "x=\"") + 3; *p == '.'; p++) {
        seed = seed * 1103515245u + 12345u;
        *p = (char)('a' + (seed >> 16) % 26);
    }
    hand_book("fatattr.xlsx", fat, NULL, NULL);
    free(fat);
    FILE *f = fopen(path_of("text.xlsx"), "w");
    fputs("name,id\nzhang,1\n", f);
    fclose(f);
    f = fopen(path_of("old.xls"), "wb"); /* an OLE compound file's signature */
    fwrite("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0\0\0\0\0", 1, 16, f);
    fclose(f);
}

static int setup(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gg_xlsx_XXXXXX");
    if (!mkdtemp(tmpdir)) return -1;
    make_good();
    long n = file_size(path_of("good.xlsx"));
    copy_prefix(path_of("good.xlsx"), path_of("trunc_half.xlsx"), n / 2);
    copy_prefix(path_of("good.xlsx"), path_of("trunc_tail.xlsx"), n - 10);
    make_damaged();
    make_bomb();
    make_wide();
    make_hand_books();
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- good files ---------------------------------------------------------- */

static void test_good_values(void **state)
{
    struct got g = {0};
    gg_error e = {0};
    gg_xlsx *x = NULL;
    assert_int_equal(gg_xlsx_open(path_of("good.xlsx"), NULL, &x, &e), 0);
    assert_int_equal(gg_xlsx_read_sheet(x, NULL, collect, &g, &e), 0);
    assert_int_equal(g.rows, 3); /* rows 1, 2, 4 */

    const struct got_cell *c = cell_at(&g, 1, 1);
    assert_non_null(c);
    assert_int_equal(c->type, GG_XLSX_STRING);
    assert_string_equal(c->value, "姓名");
    /* an ID typed as a number: a NUMBER with the digits Excel kept, never a
     * string the importer might take for the real ID */
    c = cell_at(&g, 2, 2);
    assert_int_equal(c->type, GG_XLSX_NUMBER);
    assert_non_null(strstr(c->value, "E+17"));
    assert_memory_equal(c->value, "6.30102199001011", 16);
    c = cell_at(&g, 2, 9);
    assert_int_equal(c->type, GG_XLSX_STRING);
    assert_string_equal(c->value, "630102199001011234");
    /* dates: serial numbers with a date style */
    c = cell_at(&g, 2, 3);
    assert_int_equal(c->type, GG_XLSX_NUMBER);
    assert_string_equal(c->value, "45366");
    assert_true(gg_xlsx_style_is_date(x, c->style));
    c = cell_at(&g, 4, 3);
    assert_true(gg_xlsx_style_is_date(x, c->style)); /* built-in 14 */
    c = cell_at(&g, 4, 4);
    assert_string_equal(c->value, "45366");
    assert_false(gg_xlsx_style_is_date(x, c->style)); /* same number, no date style */
    c = cell_at(&g, 2, 4);
    assert_string_equal(c->value, "3.25");
    assert_false(gg_xlsx_style_is_date(x, c->style)); /* [Red] and "Dm" are not codes */
    assert_false(gg_xlsx_style_is_date(x, 9999));
    /* booleans */
    assert_int_equal(cell_at(&g, 2, 5)->type, GG_XLSX_BOOL);
    assert_string_equal(cell_at(&g, 2, 5)->value, "1");
    assert_string_equal(cell_at(&g, 2, 28)->value, "0");
    /* libxlsxwriter 1.1.4 stores <v>0</v> as the "result" of a formula it never
     * computed: the flag is what tells an importer not to trust it */
    c = cell_at(&g, 2, 6);
    assert_true(c->formula);
    assert_int_equal(c->type, GG_XLSX_NUMBER);
    assert_string_equal(c->value, "0");
    c = cell_at(&g, 2, 7);
    assert_true(c->formula);
    assert_int_equal(c->type, GG_XLSX_NUMBER);
    assert_string_equal(c->value, "42");
    assert_false(cell_at(&g, 2, 4)->formula);
    /* the formatted blank cell is not reported; column AA is 27 */
    assert_null(cell_at(&g, 2, 8));
    assert_string_equal(cell_at(&g, 2, 27)->value, "-7");
    assert_null(cell_at(&g, 3, 1));
    gg_xlsx_close(x);
}

static void test_two_sheets(void **state)
{
    gg_error e = {0};
    gg_xlsx *x = NULL;
    struct got g = {0};
    assert_int_equal(gg_xlsx_open(path_of("good.xlsx"), NULL, &x, &e), 0);
    assert_int_equal(gg_xlsx_sheet_count(x), 2);
    assert_string_equal(gg_xlsx_sheet_name(x, 0), "居民");
    assert_string_equal(gg_xlsx_sheet_name(x, 1), "第二页");
    assert_null(gg_xlsx_sheet_name(x, 2));
    assert_false(gg_xlsx_date1904(x));
    assert_int_equal(gg_xlsx_read_sheet(x, "第二页", collect, &g, &e), 0);
    assert_int_equal(g.rows, 1);
    assert_string_equal(cell_at(&g, 1, 1)->value, "second");
    assert_string_equal(cell_at(&g, 1, 2)->value, "2");
    assert_int_equal(gg_xlsx_read_sheet(x, "nope", collect, &g, &e), GG_ENOTFOUND);
    assert_string_equal(e.code, "xlsx_no_sheet");
    /* the first sheet can still be read after the second */
    memset(&g, 0, sizeof g);
    assert_int_equal(gg_xlsx_read_sheet(x, "居民", collect, &g, &e), 0);
    assert_int_equal(g.rows, 3);
    gg_xlsx_close(x);
}

static void test_callback_stops(void **state)
{
    struct got g = {.stop_after = 2};
    gg_error e = {.code = "untouched"};
    assert_int_equal(read_all(path_of("good.xlsx"), NULL, NULL, &g, &e), 7);
    assert_int_equal(g.rows, 2);
    assert_string_equal(e.code, "untouched");
}

static void test_rich_and_inline(void **state)
{
    struct got g = {0};
    gg_error e = {0};
    assert_int_equal(read_all(path_of("rich.xlsx"), NULL, NULL, &g, &e), 0);
    assert_string_equal(cell_at(&g, 2, 2)->value, "东京 tower"); /* runs joined, no rPh */
    assert_string_equal(cell_at(&g, 2, 3)->value, "a\rb_x0041_");
    assert_string_equal(cell_at(&g, 2, 4)->value, "in\rline"); /* no r: after C */
    assert_int_equal(cell_at(&g, 2, 6)->type, GG_XLSX_ERROR);
    assert_string_equal(cell_at(&g, 2, 6)->value, "#DIV/0!");
    assert_int_equal(cell_at(&g, 2, 7)->type, GG_XLSX_STRING);
    assert_true(cell_at(&g, 2, 7)->formula);
    /* a formula with no cached value: EMPTY, flagged */
    assert_int_equal(cell_at(&g, 2, 8)->type, GG_XLSX_EMPTY);
    assert_true(cell_at(&g, 2, 8)->formula);
    assert_string_equal(cell_at(&g, 2, 8)->value, "");
    assert_string_equal(cell_at(&g, 3, 1)->value, "1.5E-3"); /* row 3: after row 2 */
}

static void test_serial_date(void **state)
{
    gg_xlsx_date d;
    static const struct {
        const char *s;
        bool d1904;
        int y, m, day, secs;
    } ok[] = {
        {"45366", false, 2024, 3, 15, 0},   {"1", false, 1900, 1, 1, 0},
        {"59", false, 1900, 2, 28, 0},      {"61", false, 1900, 3, 1, 0},
        {"45366.5", false, 2024, 3, 15, 43200}, {"0", true, 1904, 1, 1, 0},
        {"2958465", false, 9999, 12, 31, 0}, {"4.5366E4", false, 2024, 3, 15, 0},
        {"45366.99999999", false, 2024, 3, 16, 0},
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(ok); i++) {
        assert_int_equal(gg_xlsx_serial_date(ok[i].s, strlen(ok[i].s), ok[i].d1904, &d), 0);
        assert_int_equal(d.year, ok[i].y);
        assert_int_equal(d.month, ok[i].m);
        assert_int_equal(d.day, ok[i].day);
        assert_int_equal(d.seconds, ok[i].secs);
    }
    static const char *bad[] = {"60", "0", "-1", "abc", "", "2958466", "1e400", "NaN", "45366x"};
    for (size_t i = 0; i < GG_ARRAY_LEN(bad); i++)
        assert_int_equal(gg_xlsx_serial_date(bad[i], strlen(bad[i]), false, &d), GG_EINVAL);
}

/* ---- broken and hostile files -------------------------------------------- */

static void expect_fail(const char *file, const gg_xlsx_limits *lim, int rc, const char *code)
{
    struct got g = {0};
    gg_error e = {0};
    int got = read_all(path_of(file), lim, NULL, &g, &e);
    if (got != rc || !e.code || strcmp(e.code, code) != 0)
        print_message("%s: %d %s: %s\n", file, got, e.code ? e.code : "-", e.message);
    assert_int_equal(got, rc);
    assert_non_null(e.code);
    assert_string_equal(e.code, code);
    assert_true(e.message[0] != '\0');
    assert_true(e.status == 422 || e.status == 413 || e.status == 404 || e.status == 500);
}

static void test_truncated_and_damaged(void **state)
{
    expect_fail("trunc_half.xlsx", NULL, GG_EINVAL, "xlsx_corrupt");
    expect_fail("trunc_tail.xlsx", NULL, GG_EINVAL, "xlsx_corrupt");
    expect_fail("damaged.xlsx", NULL, GG_EINVAL, "xlsx_corrupt");
    expect_fail("text.xlsx", NULL, GG_EINVAL, "xlsx_corrupt");
    expect_fail("old.xls", NULL, GG_EINVAL, "xlsx_unsupported");
    expect_fail("missing.xlsx", NULL, GG_EIO, "internal");
    expect_fail("nosheet.xlsx", NULL, GG_EINVAL, "xlsx_not_workbook");
    expect_fail("badxml.xlsx", NULL, GG_EINVAL, "xlsx_corrupt");
    expect_fail("badnum.xlsx", NULL, GG_EINVAL, "xlsx_corrupt");
    expect_fail("badsst.xlsx", NULL, GG_EINVAL, "xlsx_corrupt");
    expect_fail("deep.xlsx", NULL, GG_EINVAL, "xlsx_corrupt");
}

static void test_bomb(void **state)
{
    expect_fail("bomb.xlsx", NULL, GG_ETOOBIG, "xlsx_bomb");
    /* the same entry under a ratio limit it passes still meets the total */
    gg_xlsx_limits l;
    gg_xlsx_limits_default(&l);
    l.max_ratio = 100000;
    l.max_total_bytes = 8u << 20;
    expect_fail("bomb.xlsx", &l, GG_ETOOBIG, "xlsx_too_large");
}

static void test_dtd_refused(void **state)
{
    expect_fail("dtd.xlsx", NULL, GG_EINVAL, "xlsx_dtd");
    expect_fail("dtd_book.xlsx", NULL, GG_EINVAL, "xlsx_dtd");
}

static void test_limits(void **state)
{
    gg_xlsx_limits l;
    expect_fail("wide.xlsx", NULL, GG_ETOOBIG, "xlsx_too_large"); /* 20,000 columns */
    gg_xlsx_limits_default(&l);
    l.max_xml_memory = 1u << 20;
    expect_fail("fatattr.xlsx", &l, GG_ETOOBIG, "xlsx_too_large");
    gg_xlsx_limits_default(&l);
    l.max_rows = 2;
    expect_fail("good.xlsx", &l, GG_ETOOBIG, "xlsx_too_large");
    gg_xlsx_limits_default(&l);
    l.max_cols = 20;
    expect_fail("good.xlsx", &l, GG_ETOOBIG, "xlsx_too_large"); /* column AA */
    gg_xlsx_limits_default(&l);
    l.max_cell_bytes = 4;
    expect_fail("good.xlsx", &l, GG_ETOOBIG, "xlsx_too_large");
    gg_xlsx_limits_default(&l);
    l.max_shared_count = 3;
    expect_fail("good.xlsx", &l, GG_ETOOBIG, "xlsx_too_large");
    gg_xlsx_limits_default(&l);
    l.max_shared_bytes = 16;
    expect_fail("good.xlsx", &l, GG_ETOOBIG, "xlsx_too_large");
    gg_xlsx_limits_default(&l);
    l.max_total_bytes = 1000;
    expect_fail("good.xlsx", &l, GG_ETOOBIG, "xlsx_too_large");
}

/* ---- a million rows ------------------------------------------------------ */

struct counter {
    size_t rows;
    uint32_t last;
    bool ok;
};

static int count_rows(void *ctx, const gg_xlsx_row *row)
{
    struct counter *k = ctx;
    k->ok = k->ok && row->row == k->last + 1 && row->ncells == 2 &&
            row->cells[1].type == GG_XLSX_STRING;
    k->last = row->row;
    k->rows++;
    return 0;
}

static long max_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void test_million_rows(void **state)
{
    make_big();
    gg_error e = {0};
    gg_xlsx *x = NULL;
    struct counter k = {0, 0, true};
    long before = max_rss_kib();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(gg_xlsx_open(path_of("big.xlsx"), NULL, &x, &e), 0);
    assert_int_equal(gg_xlsx_read_sheet(x, NULL, count_rows, &k, &e), 0);
    gg_xlsx_close(x);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(k.rows, BIG_ROWS);
    assert_true(k.ok);
    /* the sheet part inflates to about 117 MB (11 MB compressed) and the
     * writer peaks near 4 MB: a reader holding the sheet would blow this */
    long grew = max_rss_kib() - before;
    print_message("1,000,000 rows read in %.2f s; peak RSS grew %ld KiB\n",
                  (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, grew);
    assert_true(grew < 32 * 1024);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_values),
        cmocka_unit_test(test_two_sheets),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_rich_and_inline),
        cmocka_unit_test(test_serial_date),
        cmocka_unit_test(test_truncated_and_damaged),
        cmocka_unit_test(test_bomb),
        cmocka_unit_test(test_dtd_refused),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_million_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
