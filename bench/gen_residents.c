/*
 * gen_residents.c — synthetic residents for bench/import.sh, and the raw
 * SQLite floor to compare the import with.
 *
 *   gen_residents csv  FILE N          N residents as CSV (UTF-8, Chinese headers)
 *   gen_residents xlsx FILE N          the same rows as .xlsx (libxlsxwriter,
 *                                      constant_memory: rows stream to disk)
 *   gen_residents sqlite DB N BATCH    the same rows as plain INSERTs into a fresh
 *                                      table (WAL, synchronous=FULL, BATCH rows a
 *                                      transaction); prints "rows N seconds S rows_per_s R"
 *
 * Every ID number is a valid, distinct GB 11643 number (region 632524, outside the demo city, birth
 * dates over 60 years, sequence numbers matching the sex); phones are
 * distinct; every third person heads a household of three; about 5 % carry
 * a key-group tag. The same N always gives the same rows.
 * Built by bench/import.sh: cc -O2 ... -lsqlite3 -lxlsxwriter.
 */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#define NCOL 14
static const char *const head[NCOL] = {"姓名", "性别", "出生日期", "身份证号", "联系电话",
                                       "人员类型", "民族", "文化程度", "政治面貌", "工作单位",
                                       "现住址", "与户主关系", "户号", "重点人群"};
static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                       "马", "韩", "冶", "祁", "鲁", "欧阳"};
static const char *const given[] = {"建国", "秀英", "海霞", "志强", "玉兰", "明", "丽", "伟",
                                    "静", "军", "晓燕", "国平", "桂兰", "德福", "春花", "文"};
static const char *const edu[] = {"小学", "初中", "高中", "大专", "本科", "硕士研究生"};
static const char *const pol[] = {"群众", "群众", "群众", "中共党员", "共青团员"};
static const char *const tags[] = {"独居老人", "残疾人", "低保对象", "失业人员", "流动人口"};

typedef struct person {
    char f[NCOL][96];
} person;

static void civil(long days, int *y, int *m, int *d) /* days since 1970-01-01 */
{
    long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static void make(long i, person *p)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    long day = -10957 + i % 21900; /* 1940-01-01 + up to 60 years */
    long seq = i / 21900;          /* < 1000 for 21.9 million rows */
    int male = (int)(i % 2), y, m, d;
    civil(day, &y, &m, &d);
    char id[32];
    snprintf(id, sizeof id, "632524%04d%02d%02d%02ld%d", y, m, d, seq % 100, (int)((seq / 100 % 5) * 2 + male));
    int sum = 0;
    for (int k = 0; k < 17; k++) sum += (id[k] - '0') * w[k];
    id[17] = "10X98765432"[sum % 11];
    id[18] = 0;
    snprintf(p->f[0], 96, "%s%s", surnames[i % 16], given[(i / 16) % 16]);
    snprintf(p->f[1], 96, "%s", male ? "男" : "女");
    snprintf(p->f[2], 96, "%04d-%02d-%02d", y, m, d);
    snprintf(p->f[3], 96, "%s", id);
    snprintf(p->f[4], 96, "1%d%09ld", 3 + (int)(i % 7), i);
    snprintf(p->f[5], 96, "%s", i % 10 == 0 ? "流动人口" : "户籍");
    snprintf(p->f[6], 96, "%s", i % 9 == 0 ? "回族" : "汉族");
    snprintf(p->f[7], 96, "%s", edu[i % 6]);
    snprintf(p->f[8], 96, "%s", pol[i % 5]);
    snprintf(p->f[9], 96, "西宁市第%ld工厂", i % 500);
    snprintf(p->f[10], 96, "西宁市城北区朝阳西路%ld号%ld室", i / 3 % 2000, i / 3 % 97);
    snprintf(p->f[11], 96, "%s", i % 3 == 0 ? "户主" : i % 3 == 1 ? "配偶" : "子女");
    snprintf(p->f[12], 96, "H%08ld", i / 3);
    snprintf(p->f[13], 96, "%s", i % 20 == 0 ? tags[i / 20 % 5] : "");
}

static int gen_csv(const char *path, long n)
{
    FILE *f = fopen(path, "w");
    if (!f) return 1;
    fputs("\xEF\xBB\xBF", f);
    for (int c = 0; c < NCOL; c++) fprintf(f, "%s%s", head[c], c + 1 < NCOL ? "," : "\r\n");
    person p;
    for (long i = 0; i < n; i++) {
        make(i, &p);
        for (int c = 0; c < NCOL; c++) fprintf(f, "%s%s", p.f[c], c + 1 < NCOL ? "," : "\r\n");
    }
    return fclose(f) ? 1 : 0;
}

static int gen_xlsx(const char *path, long n)
{
    lxw_workbook_options o = {.constant_memory = LXW_TRUE, .use_zip64 = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(path, &o);
    if (!wb) return 1;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "居民");
    for (int c = 0; c < NCOL; c++) worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], NULL);
    person p;
    for (long i = 0; i < n; i++) {
        make(i, &p);
        for (int c = 0; c < NCOL; c++)
            if (p.f[c][0]) worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)c, p.f[c], NULL);
    }
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int gen_sqlite(const char *path, long n, long batch)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    if (sqlite3_open(path, &db) != SQLITE_OK) return 1;
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "CREATE TABLE r(id INTEGER PRIMARY KEY, name, sex, birth, idn UNIQUE, phone, kind,"
                     " eth, edu, pol, employer, addr, rel, hh, tags)", NULL, NULL, NULL);
    if (sqlite3_prepare_v2(db, "INSERT INTO r(name, sex, birth, idn, phone, kind, eth, edu, pol,"
                               " employer, addr, rel, hh, tags) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return 1;
    person p;
    double t0 = mono();
    for (long i = 0; i < n; i++) {
        if (i % batch == 0) sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
        make(i, &p);
        for (int c = 0; c < NCOL; c++) sqlite3_bind_text(st, c + 1, p.f[c], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) return 1;
        sqlite3_reset(st);
        if (i % batch == batch - 1 || i == n - 1) sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    double s = mono() - t0;
    printf("rows %ld seconds %.2f rows_per_s %.0f\n", n, s, (double)n / s);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: gen_residents csv|xlsx FILE N | sqlite DB N BATCH\n");
        return 2;
    }
    long n = strtol(argv[3], NULL, 10);
    if (n < 0 || n > 20000000) return 2;
    if (strcmp(argv[1], "csv") == 0) return gen_csv(argv[2], n);
    if (strcmp(argv[1], "xlsx") == 0) return gen_xlsx(argv[2], n);
    if (strcmp(argv[1], "sqlite") == 0 && argc == 5) {
        long b = strtol(argv[4], NULL, 10);
        return b > 0 ? gen_sqlite(argv[2], n, b) : 2;
    }
    return 2;
}
