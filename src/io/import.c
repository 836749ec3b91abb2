/*
 * import.c — file sniffing, row streaming over csv.c / xlsx.c, header
 * mapping and per-row normalisation for imports (see import.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/mem.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/identity.h" /* gg_id_looks_mangled */
#include "io/csv.h"
#include "io/import.h"
#include "io/xlsx.h"

/* ---- columns and their headers ----------------------------------------- */

static const char *const col_key[GG_IC_COUNT] = {
    "name", "sex", "birth_date", "ethnicity", "id_type", "id_number", "phone",
    "education", "political_status", "employer", "registered_address", "current_address",
    "resident_type", "grid_code", "relation_to_head", "household_no", "tags", "room", "note",
};

static const char *const col_zh[GG_IC_COUNT] = {
    "姓名", "性别", "出生日期", "民族", "证件类型", "身份证号", "联系电话", "文化程度",
    "政治面貌", "工作单位", "户籍地址", "现住址", "人员类型", "所属网格", "与户主关系",
    "户号", "重点人群", "房号", "备注",
};

/* Recognised headers, after normalisation (English: lower case, no blanks,
 * '_' or '-'). The first entry of a column is also its key's spelling. */
static const struct alias {
    int col;
    const char *h;
} aliases[] = {
    {GG_IC_NAME, "姓名"}, {GG_IC_NAME, "名字"}, {GG_IC_NAME, "居民姓名"},
    {GG_IC_NAME, "人员姓名"}, {GG_IC_NAME, "name"}, {GG_IC_NAME, "fullname"},
    {GG_IC_SEX, "性别"}, {GG_IC_SEX, "sex"}, {GG_IC_SEX, "gender"},
    {GG_IC_BIRTH_DATE, "出生日期"}, {GG_IC_BIRTH_DATE, "出生年月"},
    {GG_IC_BIRTH_DATE, "出生年月日"}, {GG_IC_BIRTH_DATE, "生日"},
    {GG_IC_BIRTH_DATE, "birthdate"}, {GG_IC_BIRTH_DATE, "dateofbirth"}, {GG_IC_BIRTH_DATE, "dob"},
    {GG_IC_ETHNICITY, "民族"}, {GG_IC_ETHNICITY, "ethnicity"}, {GG_IC_ETHNICITY, "nation"},
    {GG_IC_ID_TYPE, "证件类型"}, {GG_IC_ID_TYPE, "证件种类"}, {GG_IC_ID_TYPE, "idtype"},
    {GG_IC_ID_NUMBER, "身份证号"}, {GG_IC_ID_NUMBER, "身份证号码"},
    {GG_IC_ID_NUMBER, "公民身份号码"}, {GG_IC_ID_NUMBER, "证件号码"},
    {GG_IC_ID_NUMBER, "证件号"}, {GG_IC_ID_NUMBER, "身份证"}, {GG_IC_ID_NUMBER, "idnumber"},
    {GG_IC_ID_NUMBER, "idno"}, {GG_IC_ID_NUMBER, "idcard"},
    {GG_IC_PHONE, "联系电话"}, {GG_IC_PHONE, "手机号"}, {GG_IC_PHONE, "手机号码"},
    {GG_IC_PHONE, "电话"}, {GG_IC_PHONE, "电话号码"}, {GG_IC_PHONE, "联系方式"},
    {GG_IC_PHONE, "phone"}, {GG_IC_PHONE, "mobile"}, {GG_IC_PHONE, "tel"},
    {GG_IC_EDUCATION, "文化程度"}, {GG_IC_EDUCATION, "学历"}, {GG_IC_EDUCATION, "education"},
    {GG_IC_POLITICAL, "政治面貌"}, {GG_IC_POLITICAL, "politicalstatus"},
    {GG_IC_POLITICAL, "political"},
    {GG_IC_EMPLOYER, "工作单位"}, {GG_IC_EMPLOYER, "服务处所"}, {GG_IC_EMPLOYER, "employer"},
    {GG_IC_EMPLOYER, "workplace"},
    {GG_IC_REG_ADDRESS, "户籍地址"}, {GG_IC_REG_ADDRESS, "户籍地"},
    {GG_IC_REG_ADDRESS, "户籍地详址"}, {GG_IC_REG_ADDRESS, "户籍所在地"},
    {GG_IC_REG_ADDRESS, "registeredaddress"}, {GG_IC_REG_ADDRESS, "hukouaddress"},
    {GG_IC_ADDRESS, "现住址"}, {GG_IC_ADDRESS, "现居住地址"}, {GG_IC_ADDRESS, "居住地址"},
    {GG_IC_ADDRESS, "现住地址"}, {GG_IC_ADDRESS, "实际居住地址"},
    {GG_IC_ADDRESS, "currentaddress"}, {GG_IC_ADDRESS, "address"},
    {GG_IC_KIND, "人员类型"}, {GG_IC_KIND, "人口类型"}, {GG_IC_KIND, "人员类别"},
    {GG_IC_KIND, "residenttype"}, {GG_IC_KIND, "type"}, {GG_IC_KIND, "kind"},
    {GG_IC_GRID, "所属网格"}, {GG_IC_GRID, "网格编码"}, {GG_IC_GRID, "网格"},
    {GG_IC_GRID, "网格编号"}, {GG_IC_GRID, "gridcode"}, {GG_IC_GRID, "grid"},
    {GG_IC_RELATION, "与户主关系"}, {GG_IC_RELATION, "relationtohead"},
    {GG_IC_RELATION, "relation"},
    {GG_IC_HOUSEHOLD, "户号"}, {GG_IC_HOUSEHOLD, "户编号"}, {GG_IC_HOUSEHOLD, "户主身份证号"},
    {GG_IC_HOUSEHOLD, "householdno"}, {GG_IC_HOUSEHOLD, "household"},
    {GG_IC_TAGS, "重点人群"}, {GG_IC_TAGS, "标签"}, {GG_IC_TAGS, "人员标签"},
    {GG_IC_TAGS, "重点人员类别"}, {GG_IC_TAGS, "tags"}, {GG_IC_TAGS, "keygroups"},
    {GG_IC_ROOM, "房号"}, {GG_IC_ROOM, "房间号"}, {GG_IC_ROOM, "门牌号"}, {GG_IC_ROOM, "室号"},
    {GG_IC_ROOM, "room"},
    {GG_IC_NOTE, "备注"}, {GG_IC_NOTE, "note"}, {GG_IC_NOTE, "notes"}, {GG_IC_NOTE, "remark"},
};

const char *gg_imp_col_name(int col)
{
    return col >= 0 && col < GG_IC_COUNT ? col_key[col] : NULL;
}

const char *gg_imp_col_label(int col)
{
    return col >= 0 && col < GG_IC_COUNT ? col_zh[col] : NULL;
}

int gg_imp_col_by_name(const char *s)
{
    for (int i = 0; s && i < GG_IC_COUNT; i++)
        if (strcmp(s, col_key[i]) == 0) return i;
    return -1;
}

bool gg_imp_col_required(int col)
{
    return col == GG_IC_NAME || col == GG_IC_ID_NUMBER;
}

static bool is_blank_at(const char *p, size_t n, size_t *w)
{
    if (n >= 1 && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n')) {
        *w = 1;
        return true;
    }
    if (n >= 3 && memcmp(p, "\xE3\x80\x80", 3) == 0) { /* U+3000 ideographic space */
        *w = 3;
        return true;
    }
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) { /* a stray BOM */
        *w = 3;
        return true;
    }
    return false;
}

/* Trim blanks (ASCII and U+3000) at both ends. */
static void trim(const char **p, size_t *n)
{
    size_t w;
    while (*n && is_blank_at(*p, *n, &w)) {
        *p += w;
        *n -= w;
    }
    while (*n) {
        if ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t' || (*p)[*n - 1] == '\r' ||
            (*p)[*n - 1] == '\n')
            (*n)--;
        else if (*n >= 3 && memcmp(*p + *n - 3, "\xE3\x80\x80", 3) == 0)
            *n -= 3;
        else
            break;
    }
}

/* Normalised header into out: no blanks, '_', '-', '*' or bracketed notes;
 * ASCII lower-cased. */
static void header_norm(const char *p, size_t n, char *out, size_t cap)
{
    size_t o = 0, w;
    int depth = 0;
    for (size_t i = 0; i < n && o + 1 < cap;) {
        unsigned char c = (unsigned char)p[i];
        if (c == '(' || c == '[') { depth++; i++; continue; }
        if (c == ')' || c == ']') { if (depth) depth--; i++; continue; }
        if (n - i >= 3 && memcmp(p + i, "\xEF\xBC\x88", 3) == 0) { depth++; i += 3; continue; } /* （ */
        if (n - i >= 3 && memcmp(p + i, "\xEF\xBC\x89", 3) == 0) { if (depth) depth--; i += 3; continue; }
        if (depth || c == '_' || c == '-' || c == '*' || c == '.' || c == ':') { i++; continue; }
        if (is_blank_at(p + i, n - i, &w)) { i += w; continue; }
        if (n - i >= 3 && memcmp(p + i, "\xEF\xBC\x9A", 3) == 0) { i += 3; continue; } /* ： */
        out[o++] = (char)tolower(c);
        i++;
    }
    out[o] = 0;
}

int gg_imp_col_guess(const char *header, size_t n)
{
    char h[GG_IMP_MAX_HEADER];
    header_norm(header, n, h, sizeof h);
    if (!h[0]) return -1;
    for (size_t i = 0; i < GG_ARRAY_LEN(aliases); i++)
        if (strcmp(h, aliases[i].h) == 0) return aliases[i].col;
    return -1;
}

/* ---- opening and streaming ----------------------------------------------- */

struct gg_import {
    char *path;
    gg_imp_format fmt;
    gg_csv_encoding enc;
    uint64_t size, done;  /* CSV: file bytes, and bytes handed to the reader by this scan */
};

int gg_imp_open(const char *path, gg_import **out, gg_error *e)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return gg_fail(e, GG_EIO, 500, "import_io", "", "cannot open the uploaded file");
    unsigned char m[8] = {0};
    size_t n = fread(m, 1, sizeof m, f);
    fclose(f);
    if (n == 0) return gg_fail(e, GG_EINVAL, 422, "empty_file", "file", "the file is empty");
    if (n >= 8 && memcmp(m, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return gg_fail(e, GG_EINVAL, 422, "xlsx_unsupported", "file",
                       "an old .xls or a password-protected workbook: save it as .xlsx");
    gg_import *im = gg_calloc(1, sizeof *im);
    if (!im || !(im->path = gg_strndup(path, strlen(path)))) {
        gg_free(im);
        return GG_ENOMEM;
    }
    im->fmt = n >= 4 && memcmp(m, "PK\x03\x04", 4) == 0 ? GG_IMP_XLSX : GG_IMP_CSV;
    *out = im;
    return 0;
}

void gg_imp_close(gg_import *im)
{
    if (!im) return;
    gg_free(im->path);
    gg_free(im);
}

const char *gg_imp_format_name(const gg_import *im) { return im->fmt == GG_IMP_XLSX ? "xlsx" : "csv"; }

double gg_imp_scan_fraction(const gg_import *im)
{
    if (im->fmt != GG_IMP_CSV || im->size == 0) return -1;
    return im->done >= im->size ? 1.0 : (double)im->done / (double)im->size;
}

const char *gg_imp_encoding(const gg_import *im)
{
    if (im->fmt == GG_IMP_XLSX) return "";
    return im->enc == GG_CSV_ENC_GB18030 ? "gb18030" : "utf-8";
}

typedef struct scan_ctx {
    gg_imp_row_fn fn;
    void *ud;
    gg_imp_cell cells[GG_IMP_MAX_COLS];
    int stop;
    const gg_xlsx *x;
} scan_ctx;

static int csv_row(void *ud, const gg_csv_row *row, gg_error *e)
{
    scan_ctx *s = ud;
    size_t n = row->nfields < GG_IMP_MAX_COLS ? row->nfields : GG_IMP_MAX_COLS;
    for (size_t i = 0; i < n; i++)
        s->cells[i] = (gg_imp_cell){row->field[i], row->len[i], GG_CELL_TEXT, false};
    gg_imp_row r = {row->record, n, s->cells};
    return s->stop = s->fn(s->ud, &r);
}

static int scan_csv(gg_import *im, scan_ctx *s, gg_error *e)
{
    FILE *f = fopen(im->path, "rb");
    if (!f) return gg_fail(e, GG_EIO, 500, "import_io", "", "cannot open the uploaded file");
    gg_csv *p;
    int rc = gg_csv_new(&p, NULL, csv_row, s);
    if (rc) {
        fclose(f);
        return rc;
    }
    static const size_t chunk = 64u << 10;
    char *buf = gg_malloc(chunk);
    if (!buf) rc = GG_ENOMEM;
    struct stat sb;
    im->size = fstat(fileno(f), &sb) == 0 && sb.st_size > 0 ? (uint64_t)sb.st_size : 0;
    im->done = 0;
    while (!rc) {
        size_t n = fread(buf, 1, chunk, f);
        if (n == 0) break;
        im->done += n;
        rc = gg_csv_feed(p, buf, n, e);
    }
    if (!rc && ferror(f)) rc = gg_fail(e, GG_EIO, 500, "import_io", "", "cannot read the file");
    if (!rc) rc = gg_csv_finish(p, e);
    im->enc = gg_csv_encoding_of(p);
    if (rc < 0 && !s->stop && e && e->status == 0)
        e->status = rc == GG_ETOOBIG ? 413 : rc == GG_ENOMEM ? 503 : 422;
    gg_free(buf);
    gg_csv_free(p);
    fclose(f);
    return s->stop ? s->stop : rc;
}

static uint8_t xlsx_kind(const gg_xlsx *x, const gg_xlsx_cell *c)
{
    switch (c->type) {
    case GG_XLSX_NUMBER: return gg_xlsx_style_is_date(x, c->style) ? GG_CELL_DATE : GG_CELL_NUMBER;
    case GG_XLSX_ERROR: return GG_CELL_ERROR;
    case GG_XLSX_ISODATE: return GG_CELL_ISODATE;
    default: return GG_CELL_TEXT;
    }
}

static int xlsx_row(void *ctx, const gg_xlsx_row *row)
{
    scan_ctx *s = ctx;
    size_t n = 0;
    for (size_t i = 0; i < row->ncells; i++) {
        const gg_xlsx_cell *c = &row->cells[i];
        if (c->col == 0 || c->col > GG_IMP_MAX_COLS) continue;
        while (n < c->col - 1) s->cells[n++] = (gg_imp_cell){"", 0, GG_CELL_TEXT, false};
        if (n == c->col - 1)
            s->cells[n++] = (gg_imp_cell){c->value, c->len, xlsx_kind(s->x, c), c->formula};
    }
    gg_imp_row r = {row->row, n, s->cells};
    return s->stop = s->fn(s->ud, &r);
}

/* xlsx.h's defaults, but a sheet of a million rows written with inline
 * strings (libxlsxwriter's constant-memory mode, our own export) inflates
 * to more than their 512 MiB: allow 4 GiB in all. The ratio check, which is
 * what stops a bomb, is unchanged. */
static void import_limits(gg_xlsx_limits *lim)
{
    gg_xlsx_limits_default(lim);
    lim->max_total_bytes = 4ull << 30;
}

static int scan_xlsx(gg_import *im, scan_ctx *s, gg_error *e)
{
    gg_xlsx *x;
    gg_xlsx_limits lim;
    import_limits(&lim);
    int rc = gg_xlsx_open(im->path, &lim, &x, e);
    if (rc) return rc;
    s->x = x;
    rc = gg_xlsx_read_sheet(x, NULL, xlsx_row, s, e);
    gg_xlsx_close(x);
    return rc;
}

int gg_imp_scan(gg_import *im, gg_imp_row_fn fn, void *ud, gg_error *e)
{
    scan_ctx *s = gg_calloc(1, sizeof *s);
    if (!s) return GG_ENOMEM;
    s->fn = fn;
    s->ud = ud;
    int rc = im->fmt == GG_IMP_XLSX ? scan_xlsx(im, s, e) : scan_csv(im, s, e);
    gg_free(s);
    return rc;
}

bool gg_imp_date1904(gg_import *im)
{
    if (im->fmt != GG_IMP_XLSX) return false;
    gg_xlsx *x;
    gg_error e = {0};
    gg_xlsx_limits lim;
    import_limits(&lim);
    if (gg_xlsx_open(im->path, &lim, &x, &e)) return false;
    bool v = gg_xlsx_date1904(x);
    gg_xlsx_close(x);
    return v;
}

/* ---- mapping ------------------------------------------------------------- */

void gg_imp_map_guess(gg_imp_map *m, const gg_imp_row *header)
{
    for (int i = 0; i < GG_IC_COUNT; i++) m->col[i] = -1;
    m->header_row = header->row;
    m->nheaders = header->n;
    for (size_t i = 0; i < header->n; i++) {
        const char *p = header->cell[i].s;
        size_t n = header->cell[i].len;
        trim(&p, &n);
        size_t k = n < GG_IMP_MAX_HEADER - 1 ? n : GG_IMP_MAX_HEADER - 1;
        while (k > 0 && k < n && ((unsigned char)p[k] & 0xC0) == 0x80) k--; /* whole code points */
        memcpy(m->header[i], p, k);
        m->header[i][k] = 0;
        int c = gg_imp_col_guess(p, n);
        if (c >= 0 && m->col[c] < 0) m->col[c] = (int)i;
    }
}

/* "C" or "AB" → 0-based column, -1 if not letters. */
static int col_letters(const char *s)
{
    int v = 0;
    size_t n = strlen(s);
    if (n == 0 || n > 3) return -1;
    for (size_t i = 0; i < n; i++) {
        char c = (char)toupper((unsigned char)s[i]);
        if (c < 'A' || c > 'Z') return -1;
        v = v * 26 + (c - 'A' + 1);
    }
    return v - 1;
}

int gg_imp_map_set(gg_imp_map *m, const char *key, const char *header, gg_error *e)
{
    int c = gg_imp_col_by_name(key);
    if (c < 0)
        return gg_fail(e, GG_EINVAL, 422, "invalid_mapping", "mapping",
                       "unknown registry column %.60s", key);
    if (!header[0]) {
        m->col[c] = -1;
        return 0;
    }
    for (size_t i = 0; i < m->nheaders; i++)
        if (strcmp(m->header[i], header) == 0) {
            m->col[c] = (int)i;
            return 0;
        }
    int64_t num;
    int idx = gg_parse_i64(header, strlen(header), 1, GG_IMP_MAX_COLS, &num) == 0 ? (int)num - 1
                                                                                  : col_letters(header);
    if (idx >= 0 && (size_t)idx < m->nheaders) {
        m->col[c] = idx;
        return 0;
    }
    return gg_fail(e, GG_EINVAL, 422, "invalid_mapping", "mapping",
                   "%s: the file has no column %.60s", key, header);
}

int gg_imp_map_check(const gg_imp_map *m, gg_error *e)
{
    char zh[128] = "", en[128] = "";
    for (int i = 0; i < GG_IC_COUNT; i++) {
        if (!gg_imp_col_required(i) || m->col[i] >= 0) continue;
        size_t z = strlen(zh), n = strlen(en);
        snprintf(zh + z, sizeof zh - z, "%s%s", z ? "、" : "", col_zh[i]);
        snprintf(en + n, sizeof en - n, "%s%s", n ? ", " : "", col_key[i]);
    }
    if (!en[0]) return 0;
    return gg_fail(e, GG_EINVAL, 422, "missing_columns", "mapping",
                   "缺少必需的列：%s / required columns missing: %s", zh, en);
}

/* ---- rejections ------------------------------------------------------------ */

static const struct reason {
    const char *code, *zh, *en;
} reasons[] = {
    {"missing_value", "必填项为空", "a required value is empty"},
    {"formula", "单元格是公式，请复制后“粘贴为数值”再导入",
     "the cell holds a formula; paste it as values and import again"},
    {"cell_error", "单元格是错误值（如 #N/A）", "the cell holds an error value (#N/A, ...)"},
    {"id_number_as_number", "身份证号被 Excel 存成了数字，末几位已丢失：请把该列设为文本后重新录入",
     "Excel stored the ID number as a number and lost its last digits: format the column as text and enter it again"},
    {"invalid_id_number", "身份证号无效", "invalid ID number"},
    {"invalid_date", "日期无效（可用 1990-01-02、1990/1/2、1990年1月2日 或 Excel 日期）",
     "not a date (1990-01-02, 1990/1/2, 1990年1月2日 or an Excel date)"},
    {"too_long", "内容过长", "the value is too long"},
    {"duplicate_row", "文件中身份证号重复", "the same ID number appears earlier in the file"},
    {"invalid_value", "值无效", "invalid value"},
};

void gg_imp_reject_set(gg_imp_reject *rj, const gg_imp_map *m, int col, const char *code,
                       const char *detail)
{
    const struct reason *r = NULL;
    for (size_t i = 0; i < GG_ARRAY_LEN(reasons); i++)
        if (strcmp(reasons[i].code, code) == 0) r = &reasons[i];
    rj->code = code;
    rj->field = col >= 0 && col < GG_IC_COUNT ? col_key[col] : "";
    rj->column = col >= 0 && col < GG_IC_COUNT && m->col[col] >= 0 ? m->header[m->col[col]] : "";
    const char *zh = r ? r->zh : "值无效", *en = r ? r->en : "invalid value";
    bool d = detail && detail[0];
    snprintf(rj->zh, sizeof rj->zh, "%s%s%s", zh, d ? "：" : "", d ? detail : "");
    snprintf(rj->en, sizeof rj->en, "%s%s%s", en, d ? ": " : "", d ? detail : "");
}

/* ---- duplicate set: open addressing over 64-bit hashes -------------------- */

typedef struct dup_slot {
    uint64_t h;   /* 0: empty */
    uint32_t row;
} __attribute__((packed)) dup_slot;

struct gg_imp_dupset {
    dup_slot *t;
    size_t cap, n;
};

gg_imp_dupset *gg_imp_dupset_new(void)
{
    gg_imp_dupset *d = gg_calloc(1, sizeof *d);
    if (!d) return NULL;
    d->cap = 1024;
    d->t = gg_calloc(d->cap, sizeof *d->t);
    if (!d->t) {
        gg_free(d);
        return NULL;
    }
    return d;
}

void gg_imp_dupset_free(gg_imp_dupset *d)
{
    if (!d) return;
    gg_free(d->t);
    gg_free(d);
}

size_t gg_imp_dupset_memory(const gg_imp_dupset *d) { return d->cap * sizeof *d->t + sizeof *d; }

static uint64_t hash64(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a, then a mixer against clustering */
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h ? h : 1;
}

static void dup_put(dup_slot *t, size_t cap, uint64_t h, uint32_t row)
{
    size_t i = h & (cap - 1);
    while (t[i].h) i = (i + 1) & (cap - 1);
    t[i].h = h;
    t[i].row = row;
}

uint64_t gg_imp_dupset_add(gg_imp_dupset *d, const char *key, size_t n, uint64_t row)
{
    uint64_t h = hash64(key, n);
    for (size_t i = h & (d->cap - 1); d->t[i].h; i = (i + 1) & (d->cap - 1))
        if (d->t[i].h == h) return d->t[i].row;
    if ((d->n + 1) * 4 > d->cap * 3) { /* grow at 75 % */
        dup_slot *nt = gg_calloc(d->cap * 2, sizeof *nt);
        if (!nt) return 0; /* out of memory: the check weakens, the import goes on */
        for (size_t i = 0; i < d->cap; i++)
            if (d->t[i].h) dup_put(nt, d->cap * 2, d->t[i].h, d->t[i].row);
        gg_free(d->t);
        d->t = nt;
        d->cap *= 2;
    }
    dup_put(d->t, d->cap, h, (uint32_t)row);
    d->n++;
    return 0;
}

/* ---- records --------------------------------------------------------------- */

int gg_imp_text_date(const char *s, size_t n, char out[11])
{
    /* a midnight time after the date, as spreadsheets export dates to CSV
     * ("1990-01-02 00:00:00"), is dropped */
    for (size_t k = 8; k < n; k++) {
        if (s[k] != ' ' && s[k] != 'T') continue;
        size_t t = k + 1;
        while (t < n && (s[t] == '0' || s[t] == ':' || s[t] == '.')) t++;
        if (t == n && t > k + 1) n = k;
        break;
    }
    int y, m, d;
    if (gg_date_scan(s, n, GG_DATE_SHEET, &y, &m, &d) || y < 1900 || !gg_date_valid(y, m, d))
        return GG_EINVAL;
    gg_date_format(y, m, d, out);
    return 0;
}

/* At most 64 bytes of a value, NUL-terminated, for a message. */
static const char *detail_of(const char *p, size_t n, char out[68])
{
    size_t k = n < 64 ? n : 64;
    while (k > 0 && k < n && ((unsigned char)p[k] & 0xC0) == 0x80) k--;
    memcpy(out, p, k);
    out[k] = 0;
    return out;
}

static int date_cell(const gg_imp_map *m, const gg_imp_cell *c, const char *p, size_t n, char out[11])
{
    if (c->kind == GG_CELL_DATE || c->kind == GG_CELL_NUMBER) {
        gg_xlsx_date d;
        if (gg_xlsx_serial_date(p, n, m->date1904, &d)) return GG_EINVAL;
        if (d.year < 1900) return GG_EINVAL;
        gg_date_format(d.year, d.month, d.day, out);
        return 0;
    }
    if (c->kind == GG_CELL_ISODATE && n >= 10) return gg_imp_text_date(p, 10, out);
    return gg_imp_text_date(p, n, out);
}

/* An ID number Excel turned into a number has lost digits for good: report
 * it, never pass it on (gg_resident_validate would only call it invalid). */
static int id_cell(const gg_imp_map *m, const gg_imp_cell *c, const gg_imp_rec *rec,
                   gg_imp_reject *rj)
{
    const char *p = rec->v[GG_IC_ID_NUMBER];
    size_t n = rec->len[GG_IC_ID_NUMBER];
    char d[68];
    detail_of(p, n, d);
    if (gg_id_looks_mangled(d) || (c->kind == GG_CELL_NUMBER && n != GG_ID_LEGACY_LEN)) {
        gg_imp_reject_set(rj, m, GG_IC_ID_NUMBER, "id_number_as_number", d);
        return 1;
    }
    return 0;
}

/* Copy the cells into rec; 2 for a blank row, 1 for a bad cell. */
static int take_cells(const gg_imp_map *m, const gg_imp_row *row, gg_imp_rec *rec,
                      gg_imp_reject *rj)
{
    bool any = false;
    for (int c = 0; c < GG_IC_COUNT; c++) {
        rec->v[c] = "";
        rec->len[c] = 0;
        int fc = m->col[c];
        if (fc < 0 || (size_t)fc >= row->n) continue;
        const gg_imp_cell *cell = &row->cell[fc];
        const char *p = cell->s;
        size_t n = cell->len;
        trim(&p, &n);
        if (n == 0 && !cell->formula) continue;
        any = true;
        const char *code = cell->formula ? "formula" : cell->kind == GG_CELL_ERROR ? "cell_error"
                                                     : n > GG_IMP_MAX_VALUE ? "too_long" : NULL;
        if (code) {
            gg_imp_reject_set(rj, m, c, code, NULL);
            return 1;
        }
        rec->v[c] = p;
        rec->len[c] = n;
    }
    return any ? 0 : 2;
}

int gg_imp_record(const gg_imp_map *m, const gg_imp_row *row, gg_imp_rec *rec,
                  char *buf, size_t cap, gg_imp_reject *rj)
{
    memset(rj, 0, sizeof *rj);
    rj->row = rec->row = row->row;
    int rc = take_cells(m, row, rec, rj);
    if (rc == 1) {
        /* the blank-row rule must not hide a formula: rc 1 stands */
        return 1;
    }
    if (rc == 2) return 2;
    for (int c = 0; c < GG_IC_COUNT; c++)
        if (gg_imp_col_required(c) && rec->len[c] == 0) {
            gg_imp_reject_set(rj, m, c, "missing_value", NULL);
            if (m->col[c] < 0) rj->column = col_zh[c];
            return 1;
        }
    int fc = m->col[GG_IC_ID_NUMBER];
    if (id_cell(m, &row->cell[fc], rec, rj)) return 1;
    if (rec->len[GG_IC_BIRTH_DATE]) {
        if (cap < 11) return GG_ETOOBIG;
        const gg_imp_cell *cell = &row->cell[m->col[GG_IC_BIRTH_DATE]];
        if (date_cell(m, cell, rec->v[GG_IC_BIRTH_DATE], rec->len[GG_IC_BIRTH_DATE], buf)) {
            char d[68];
            gg_imp_reject_set(rj, m, GG_IC_BIRTH_DATE, "invalid_date",
                              detail_of(rec->v[GG_IC_BIRTH_DATE], rec->len[GG_IC_BIRTH_DATE], d));
            return 1;
        }
        rec->v[GG_IC_BIRTH_DATE] = buf;
        rec->len[GG_IC_BIRTH_DATE] = 10;
    }
    return 0;
}
