/*
 * test_import.c — unit tests for src/io/import.c: header recognition
 * (Chinese, English, notes in brackets), explicit mapping, text dates,
 * row records (formulas, error cells, ID numbers Excel turned into numbers,
 * serial dates, blank rows, required values), file sniffing and streaming
 * of CSV (UTF-8 and GBK), and the duplicate set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/gg.h"
#include "domain/registry.h"
#include "io/export.h"
#include "io/import.h"

static void test_guess_headers(void **st)
{
    (void)st;
    assert_int_equal(gg_imp_col_guess("姓名", strlen("姓名")), GG_IC_NAME);
    assert_int_equal(gg_imp_col_guess(" 公民身份号码 ", strlen(" 公民身份号码 ")), GG_IC_ID_NUMBER);
    assert_int_equal(gg_imp_col_guess("*身份证号（必填）", strlen("*身份证号（必填）")), GG_IC_ID_NUMBER);
    assert_int_equal(gg_imp_col_guess("证件号码(18位)", strlen("证件号码(18位)")), GG_IC_ID_NUMBER);
    assert_int_equal(gg_imp_col_guess("手机号", strlen("手机号")), GG_IC_PHONE);
    assert_int_equal(gg_imp_col_guess("ID Number", 9), GG_IC_ID_NUMBER);
    assert_int_equal(gg_imp_col_guess("birth_date", 10), GG_IC_BIRTH_DATE);
    assert_int_equal(gg_imp_col_guess("网格编码", strlen("网格编码")), GG_IC_GRID);
    assert_int_equal(gg_imp_col_guess("户主身份证号", strlen("户主身份证号")), GG_IC_HOUSEHOLD);
    assert_int_equal(gg_imp_col_guess("重点人群", strlen("重点人群")), GG_IC_TAGS);
    assert_int_equal(gg_imp_col_guess("爱好", strlen("爱好")), -1);
    assert_int_equal(gg_imp_col_guess("", 0), -1);
    for (int i = 0; i < GG_IC_COUNT; i++) {
        const char *k = gg_imp_col_name(i);
        assert_int_equal(gg_imp_col_by_name(k), i);
        /* the export's Chinese headers map back to their columns */
        const char *zh = gg_imp_col_label(i);
        assert_int_equal(gg_imp_col_guess(zh, strlen(zh)), i);
    }
}

static gg_imp_cell T(const char *s) { return (gg_imp_cell){s, strlen(s), GG_CELL_TEXT, false}; }

static void header_map(gg_imp_map *m, const gg_imp_cell *h, size_t n)
{
    memset(m, 0, sizeof *m);
    gg_imp_row row = {1, n, h};
    gg_imp_map_guess(m, &row);
}

static void test_mapping(void **st)
{
    (void)st;
    gg_imp_cell h[] = {T("序号"), T("姓名"), T("备用号码"), T("性别")};
    gg_imp_map m;
    header_map(&m, h, 4);
    gg_error e = {0};
    assert_int_equal(m.col[GG_IC_NAME], 1);
    assert_int_equal(m.col[GG_IC_SEX], 3);
    assert_int_equal(m.col[GG_IC_ID_NUMBER], -1);
    assert_int_equal(gg_imp_map_check(&m, &e), GG_EINVAL);
    assert_string_equal(e.code, "missing_columns");
    assert_non_null(strstr(e.message, "身份证号"));
    assert_non_null(strstr(e.message, "id_number"));
    assert_int_equal(gg_imp_map_set(&m, "id_number", "备用号码", &e), 0);
    assert_int_equal(m.col[GG_IC_ID_NUMBER], 2);
    assert_int_equal(gg_imp_map_check(&m, &e), 0);
    assert_int_equal(gg_imp_map_set(&m, "sex", "A", &e), 0);   /* by letter */
    assert_int_equal(m.col[GG_IC_SEX], 0);
    assert_int_equal(gg_imp_map_set(&m, "sex", "4", &e), 0);   /* by number */
    assert_int_equal(m.col[GG_IC_SEX], 3);
    assert_int_equal(gg_imp_map_set(&m, "sex", "", &e), 0);
    assert_int_equal(m.col[GG_IC_SEX], -1);
    assert_int_equal(gg_imp_map_set(&m, "shoe_size", "姓名", &e), GG_EINVAL);
    assert_int_equal(gg_imp_map_set(&m, "name", "不存在", &e), GG_EINVAL);
    assert_int_equal(gg_imp_map_set(&m, "name", "Z", &e), GG_EINVAL);
}

static void test_text_dates(void **st)
{
    (void)st;
    char o[11];
    const char *good[][2] = {{"1990-01-02", "1990-01-02"}, {"1990/1/2", "1990-01-02"},
                             {"1990.12.31", "1990-12-31"}, {"19900102", "1990-01-02"},
                             {"1990年1月2日", "1990-01-02"}, {"2000年2月29日", "2000-02-29"},
                             {"1990-01-02 00:00:00", "1990-01-02"}, {"1990/1/2 0:00", "1990-01-02"},
                             {"1990-01-02T00:00:00.000", "1990-01-02"}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(gg_imp_text_date(good[i][0], strlen(good[i][0]), o), 0);
        assert_string_equal(o, good[i][1]);
    }
    const char *bad[] = {"1990-02-30", "1899-12-31", "1990-1", "abc", "1990--01-02", "1990-01-02x",
                         "1900年2月29日", "", "99999-01-01", "1990-01-02 08:30:00",
                         "1990-01-02 "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(gg_imp_text_date(bad[i], strlen(bad[i]), o), GG_EINVAL);
}

static gg_imp_map std_map(void)
{
    gg_imp_cell h[] = {T("姓名"), T("身份证号"), T("出生日期"), T("联系电话")};
    gg_imp_map m;
    header_map(&m, h, 4);
    return m;
}

static int rec(const gg_imp_map *m, gg_imp_cell *c, size_t n, gg_imp_rec *r, char *buf,
               gg_imp_reject *rj)
{
    gg_imp_row row = {7, n, c};
    return gg_imp_record(m, &row, r, buf, 16, rj);
}

static void test_records(void **st)
{
    (void)st;
    gg_imp_map m = std_map();
    gg_imp_rec r;
    gg_imp_reject rj;
    char buf[16];
    gg_imp_cell ok[] = {T(" 张三 "), T("11010519491231002X"), T("1949/12/31"), T("13812345678")};
    assert_int_equal(rec(&m, ok, 4, &r, buf, &rj), 0);
    assert_int_equal(r.row, 7);
    assert_int_equal(r.len[GG_IC_NAME], strlen("张三"));
    assert_memory_equal(r.v[GG_IC_NAME], "张三", strlen("张三"));
    assert_string_equal(r.v[GG_IC_BIRTH_DATE], "1949-12-31");
    assert_int_equal(r.len[GG_IC_PHONE], 11);

    /* an Excel serial date: 18264 is 1950-01-01 */
    gg_imp_cell serial[] = {T("李四"), T("11010519491231002X"),
                            {"18264", 5, GG_CELL_DATE, false}};
    assert_int_equal(rec(&m, serial, 3, &r, buf, &rj), 0);
    assert_string_equal(r.v[GG_IC_BIRTH_DATE], "1950-01-01");

    gg_imp_cell formula[] = {T("王五"), T("11010519491231002X"), T(""),
                             {"13812345678", 11, GG_CELL_TEXT, true}};
    assert_int_equal(rec(&m, formula, 4, &r, buf, &rj), 1);
    assert_string_equal(rj.code, "formula");
    assert_string_equal(rj.column, "联系电话");
    assert_string_equal(rj.field, "phone");
    assert_int_equal(rj.row, 7);

    gg_imp_cell mangled[] = {T("赵六"), {"1.10105194912310E+17", 20, GG_CELL_NUMBER, false}};
    assert_int_equal(rec(&m, mangled, 2, &r, buf, &rj), 1);
    assert_string_equal(rj.code, "id_number_as_number");
    assert_string_equal(rj.column, "身份证号");
    assert_non_null(strstr(rj.zh, "文本"));
    gg_imp_cell zeros[] = {T("赵六"), T("110105194912310000")};
    assert_int_equal(rec(&m, zeros, 2, &r, buf, &rj), 1);
    assert_string_equal(rj.code, "id_number_as_number");

    gg_imp_cell err[] = {T("钱七"), T("11010519491231002X"), {"#N/A", 4, GG_CELL_ERROR, false}};
    assert_int_equal(rec(&m, err, 3, &r, buf, &rj), 1);
    assert_string_equal(rj.code, "cell_error");

    gg_imp_cell baddate[] = {T("孙八"), T("11010519491231002X"), T("1949-13-01")};
    assert_int_equal(rec(&m, baddate, 3, &r, buf, &rj), 1);
    assert_string_equal(rj.code, "invalid_date");
    assert_string_equal(rj.column, "出生日期");

    gg_imp_cell noname[] = {T(""), T("11010519491231002X")};
    assert_int_equal(rec(&m, noname, 2, &r, buf, &rj), 1);
    assert_string_equal(rj.code, "missing_value");
    assert_string_equal(rj.column, "姓名");

    gg_imp_cell blank[] = {T(" "), T(""), T("")};
    assert_int_equal(rec(&m, blank, 3, &r, buf, &rj), 2);
    assert_int_equal(rec(&m, blank, 0, &r, buf, &rj), 2);
}

static void test_dupset(void **st)
{
    (void)st;
    gg_imp_dupset *d = gg_imp_dupset_new();
    assert_non_null(d);
    char k[32];
    for (uint64_t i = 1; i <= 100000; i++) {
        int n = snprintf(k, sizeof k, "1:%018llu", (unsigned long long)i);
        assert_int_equal(gg_imp_dupset_add(d, k, (size_t)n, i + 1), 0);
    }
    int n = snprintf(k, sizeof k, "1:%018llu", 777ull);
    assert_int_equal(gg_imp_dupset_add(d, k, (size_t)n, 5), 778);
    assert_true(gg_imp_dupset_memory(d) <= 100000 * 12 * 3);
    gg_imp_dupset_free(d);
}

typedef struct collect {
    char text[4096];
    int rows;
} collect;

static int collect_row(void *ud, const gg_imp_row *row)
{
    collect *c = ud;
    size_t have = strlen(c->text);
    snprintf(c->text + have, sizeof c->text - have, "%llu:", (unsigned long long)row->row);
    for (size_t i = 0; i < row->n; i++) {
        have = strlen(c->text);
        snprintf(c->text + have, sizeof c->text - have, "%s|", row->cell[i].s);
    }
    have = strlen(c->text);
    snprintf(c->text + have, sizeof c->text - have, "\n");
    c->rows++;
    return 0;
}

static char *write_tmp(const void *data, size_t n)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/gg_test_import_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
    return path;
}

/* data as a .csv file scans to want ("row:cell|cell|" lines) in encoding enc. */
static void scan_csv_ok(const char *data, size_t n, const char *want, const char *enc)
{
    char *p = write_tmp(data, n);
    gg_import *im;
    gg_error e = {0};
    assert_int_equal(gg_imp_open(p, &im, &e), 0);
    assert_string_equal(gg_imp_format_name(im), "csv");
    collect c = {{0}, 0};
    assert_int_equal(gg_imp_scan(im, collect_row, &c, &e), 0);
    assert_string_equal(c.text, want);
    assert_string_equal(gg_imp_encoding(im), enc);
    gg_imp_close(im);
    unlink(p);
}

static void test_scan_csv_utf8_gbk(void **st)
{
    (void)st;
    const char utf8[] = "\xEF\xBB\xBF姓名,身份证号\r\n张三,11010519491231002X\r\n";
    scan_csv_ok(utf8, sizeof utf8 - 1, "1:姓名|身份证号|\n2:张三|11010519491231002X|\n", "utf-8");

    /* 姓名,身份证号 / 张三 in GBK */
    const char gbk[] = "\xD0\xD5\xC3\xFB,\xC9\xED\xB7\xDD\xD6\xA4\xBA\xC5\n\xD5\xC5\xC8\xFD,1\n";
    scan_csv_ok(gbk, sizeof gbk - 1, "1:姓名|身份证号|\n2:张三|1|\n", "gb18030");

    /* neither UTF-8 nor GB18030 */
    const char bad[] = "name,id\n\xFF\xFE\xFF,1\n";
    char *p = write_tmp(bad, sizeof bad - 1);
    gg_import *im;
    gg_error e = {0};
    assert_int_equal(gg_imp_open(p, &im, &e), 0);
    collect c = {{0}, 0};
    assert_true(gg_imp_scan(im, collect_row, &c, &e) < 0);
    assert_string_equal(e.code, "csv_encoding");
    assert_int_equal(e.status, 422);
    gg_imp_close(im);
    unlink(p);
}

static void test_sniff(void **st)
{
    (void)st;
    gg_import *im;
    gg_error e = {0};
    const char ole[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest";
    char *p = write_tmp(ole, sizeof ole - 1);
    assert_int_equal(gg_imp_open(p, &im, &e), GG_EINVAL);
    assert_string_equal(e.code, "xlsx_unsupported");
    unlink(p);
    p = write_tmp("", 0);
    assert_int_equal(gg_imp_open(p, &im, &e), GG_EINVAL);
    assert_string_equal(e.code, "empty_file");
    unlink(p);
    /* a zip cut short: sniffed as xlsx, refused when read */
    const char zip[] = "PK\x03\x04\x14\x00\x00\x00\x08\x00";
    p = write_tmp(zip, sizeof zip - 1);
    assert_int_equal(gg_imp_open(p, &im, &e), 0);
    assert_string_equal(gg_imp_format_name(im), "xlsx");
    collect c = {{0}, 0};
    assert_true(gg_imp_scan(im, collect_row, &c, &e) < 0);
    assert_string_equal(e.code, "xlsx_corrupt");
    assert_int_equal(c.rows, 0);
    gg_imp_close(im);
    unlink(p);
}

static void test_export_csv(void **st)
{
    (void)st;
    gg_resident r;
    memset(&r, 0, sizeof r);
    r.name = "=HYPERLINK(\"x\")";
    r.sex = GG_SEX_FEMALE;
    memcpy(r.birth_date, "1949-12-31", 11);
    r.id_type = GG_IDT_RESIDENT_ID;
    r.id_number = "11010519491231002X";
    r.phone = "13812345678";
    r.residence = GG_RES_REGISTERED;
    r.tags = GG_TAG_BIT(GG_TAG_DISABLED) | GG_TAG_BIT(GG_TAG_DIBAO);
    r.note = "a \"quoted\", comma";
    gg_export_row row;
    gg_export_row_fill(&row, &r, "630105001001001");
    gg_buf b;
    gg_buf_init(&b, 1u << 20);
    assert_int_equal(gg_export_csv_header(&b), 0);
    assert_memory_equal(b.data, "\xEF\xBB\xBF姓名,性别,出生日期", strlen("\xEF\xBB\xBF姓名,性别,出生日期"));
    gg_buf_reset(&b);
    assert_int_equal(gg_export_csv_row(&b, &row), 0);
    /* formulas and numbers kept as text by a TAB; quotes doubled; labels in Chinese */
    assert_non_null(strstr(b.data, "\"\t=HYPERLINK(\"\"x\"\")\",\"女\",\"1949-12-31\""));
    assert_non_null(strstr(b.data, "\"\t11010519491231002X\",\"\t13812345678\""));
    assert_non_null(strstr(b.data, "\"户籍\",\"630105001001001\""));
    assert_non_null(strstr(b.data, "\"a \"\"quoted\"\", comma\"\r\n"));
    /* the tags as labels, which the importer reads back */
    const char *t = row.v[GG_IC_TAGS];
    assert_non_null(strstr(t, "、"));
    assert_int_equal(gg_imp_col_guess("重点人群", strlen("重点人群")), GG_IC_TAGS);
    gg_buf_free(&b);
    /* a full buffer is an error, not a cut line */
    gg_buf_init(&b, 16);
    assert_int_equal(gg_export_csv_row(&b, &row), GG_ETOOBIG);
    gg_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guess_headers),
        cmocka_unit_test(test_mapping),
        cmocka_unit_test(test_text_dates),
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_dupset),
        cmocka_unit_test(test_scan_csv_utf8_gbk),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_export_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
