/*
 * xlsx.c — the streaming .xlsx sheet reader (see xlsx.h for the contract).
 *
 * Every part is inflated by minizip in CHUNK-sized pieces and fed to a fresh
 * expat parser; nothing is read whole. Opening reads _rels/.rels, the
 * workbook and its relationships (sheet names → part names), the shared
 * strings (kept: cells refer to them by index) and the styles (kept: one
 * "is a date" bit per cell format). Reading a sheet streams its part and
 * calls back once per row; a row's cells and inline text live in buffers
 * reused from row to row, so memory does not grow with the sheet.
 *
 * Defences: sizes declared in the zip directory are checked before inflating
 * (ratio, total) and the bytes actually inflated again while reading; expat
 * refuses any DOCTYPE, so no entity is ever declared, let alone expanded, and
 * its own allocations go through a counting allocator with a ceiling, so a
 * single gigantic tag or attribute cannot make it buffer without bound.
 */
#include "io/xlsx.h"

#include "core/timeutil.h"

#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unzip.h>

#include "core/buf.h"
#include "core/mem.h"

#define CHUNK (64u * 1024u)
#define MAX_DEPTH 64       /* real parts nest about 6 deep */
#define MAX_NAME 1024      /* part names, rel ids, sheet names */
#define MAX_RELS 4096
#define MAX_SHEETS 4096
#define MAX_XFS 65536      /* Excel's own limit is 64,000 cell formats */
#define MAX_NUMFMTS 65536
#define MAX_ENTRIES 100000

void gg_xlsx_limits_default(gg_xlsx_limits *lim)
{
    lim->max_total_bytes = 512ull << 20;
    lim->max_ratio = 100;
    lim->ratio_floor = 4ull << 20;
    lim->max_rows = GG_XLSX_MAX_ROW_NUMBER;
    lim->max_cols = GG_XLSX_MAX_COL_NUMBER;
    lim->max_cell_bytes = 131072;
    lim->max_row_bytes = 8u << 20;
    lim->max_shared_count = 4000000;
    lim->max_shared_bytes = 128u << 20;
    lim->max_xml_memory = 32u << 20;
}

struct sheet {
    char *name;
    char *part; /* resolved zip entry name, NULL when its relationship is missing */
};

struct gg_xlsx {
    unzFile zf;
    gg_xlsx_limits lim;
    uint64_t file_size;
    uint64_t total_read; /* inflated bytes over every part read so far */
    bool date1904;
    struct sheet *sheets;
    size_t nsheets;
    gg_buf sst;          /* shared strings, each NUL-terminated */
    size_t *sst_off;
    size_t nsst, sst_cap;
    uint8_t *xf_date;    /* per cellXfs index: 1 when a date format */
    size_t nxf;
};

/* ---- expat with a ceiling ------------------------------------------------ */

/* expat's memory suite has no user pointer, so the budget is per thread. One
 * parser lives at a time in a thread (they are created and freed within
 * stream_part), so the counter is that parser's. */
static _Thread_local size_t xml_used, xml_max;
#define HDR sizeof(max_align_t)

static void *xml_malloc(size_t n)
{
    if (xml_used > xml_max || n > xml_max - xml_used) return NULL;
    char *p = gg_malloc(n + HDR);
    if (!p) return NULL;
    memcpy(p, &n, sizeof n);
    xml_used += n;
    return p + HDR;
}

static void *xml_realloc(void *q, size_t n)
{
    if (!q) return xml_malloc(n);
    char *base = (char *)q - HDR;
    size_t old;
    memcpy(&old, base, sizeof old);
    if (n > old && (xml_used > xml_max || n - old > xml_max - xml_used)) return NULL;
    char *p = gg_realloc(base, n + HDR);
    if (!p) return NULL;
    memcpy(p, &n, sizeof n);
    xml_used = xml_used - old + n;
    return p + HDR;
}

static void xml_free(void *q)
{
    if (!q) return;
    char *base = (char *)q - HDR;
    size_t old;
    memcpy(&old, base, sizeof old);
    xml_used -= old;
    gg_free(base);
}

static const XML_Memory_Handling_Suite xml_mem = {xml_malloc, xml_realloc, xml_free};

/* ---- one part through one parser ------------------------------------------ */

typedef struct xml_run xml_run;
struct xml_run {
    gg_xlsx *x;
    XML_Parser p;
    gg_error *e;
    int rc;       /* first failure; a callback's own value for the sheet */
    bool own_rc;  /* rc came from the row callback: e is not to be touched */
    unsigned depth;
    const char *part;
    void (*start)(xml_run *r, const char *name, const char **atts);
    void (*end)(xml_run *r, const char *name);
    void (*text)(xml_run *r, const char *s, size_t n);
};

static int fail(gg_error *e, int rc, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(gg_error *e, int rc, const char *code, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return gg_fail(e, rc, 0, code, NULL, "%s", msg);
}

/* Stop the parse with the first failure; later ones are consequences. */
static void run_fail(xml_run *r, int rc, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void run_fail(xml_run *r, int rc, const char *code, const char *fmt, ...)
{
    if (r->rc) return;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->rc = fail(r->e, rc, code, "%s: %s (line %lu)", r->part, msg,
                 (unsigned long)XML_GetCurrentLineNumber(r->p));
    XML_StopParser(r->p, XML_FALSE);
}

static const char *local_name(const char *n)
{
    const char *c = strrchr(n, ':');
    return c ? c + 1 : n;
}

static const char *attr(const char **atts, const char *name)
{
    for (; atts[0]; atts += 2)
        if (strcmp(local_name(atts[0]), name) == 0) return atts[1];
    return NULL;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xml_run *r = ud;
    if (r->rc) return;
    if (++r->depth > MAX_DEPTH) {
        run_fail(r, GG_EINVAL, "xlsx_corrupt", "elements nested deeper than %d", MAX_DEPTH);
        return;
    }
    if (r->start) r->start(r, local_name(name), atts);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    xml_run *r = ud;
    if (r->rc) return;
    r->depth--;
    if (r->end) r->end(r, local_name(name));
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    xml_run *r = ud;
    if (!r->rc && r->text && len > 0) r->text(r, s, (size_t)len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    run_fail(ud, GG_EINVAL, "xlsx_dtd", "a DOCTYPE is not allowed in a workbook");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param,
                              const XML_Char *value, int value_len, const XML_Char *base,
                              const XML_Char *sysid, const XML_Char *pubid,
                              const XML_Char *notation)
{
    run_fail(ud, GG_EINVAL, "xlsx_dtd", "entity declarations are not allowed");
}

/* Check the entry's directory sizes before inflating a byte of it. */
static int entry_check(gg_xlsx *x, const char *name, const unz_file_info64 *fi, gg_error *e)
{
    const gg_xlsx_limits *l = &x->lim;
    if (fi->flag & 1)
        return fail(e, GG_EINVAL, "xlsx_encrypted", "%s is encrypted: save the workbook "
                    "without a password", name);
    if (fi->compression_method != 0 && fi->compression_method != Z_DEFLATED)
        return fail(e, GG_EINVAL, "xlsx_corrupt", "%s: unsupported compression method %lu",
                    name, (unsigned long)fi->compression_method);
    if (fi->compressed_size > x->file_size)
        return fail(e, GG_EINVAL, "xlsx_corrupt", "%s: the file is truncated", name);
    uint64_t c = fi->compressed_size ? fi->compressed_size : 1;
    if (fi->uncompressed_size > l->ratio_floor && fi->uncompressed_size / c >= l->max_ratio)
        return fail(e, GG_ETOOBIG, "xlsx_bomb", "%s would inflate %llu bytes to %llu "
                    "(more than %u:1): refused as a zip bomb", name,
                    (unsigned long long)fi->compressed_size,
                    (unsigned long long)fi->uncompressed_size, l->max_ratio);
    if (fi->uncompressed_size > l->max_total_bytes - x->total_read)
        return fail(e, GG_ETOOBIG, "xlsx_too_large", "%s: the workbook is larger than "
                    "%llu bytes uncompressed", name, (unsigned long long)l->max_total_bytes);
    return 0;
}

/* The same limits on what inflating actually produced so far. */
static int read_check(gg_xlsx *x, const char *name, uint64_t got, uint64_t comp, gg_error *e)
{
    const gg_xlsx_limits *l = &x->lim;
    if (x->total_read > l->max_total_bytes)
        return fail(e, GG_ETOOBIG, "xlsx_too_large", "%s: the workbook is larger than "
                    "%llu bytes uncompressed", name, (unsigned long long)l->max_total_bytes);
    if (got > l->ratio_floor && got / (comp ? comp : 1) >= l->max_ratio)
        return fail(e, GG_ETOOBIG, "xlsx_bomb", "%s inflates more than %u:1: refused as a "
                    "zip bomb", name, l->max_ratio);
    return 0;
}

/* Feed zip entry name through a parser driven by r's handlers. Returns 1
 * (e untouched) when the entry is absent and not required. */
static int stream_part(gg_xlsx *x, const char *name, bool required, xml_run *r, gg_error *e)
{
    int rc = unzLocateFile(x->zf, name, 2 /* case-insensitive, as OPC says */);
    if (rc == UNZ_END_OF_LIST_OF_FILE)
        return required ? fail(e, GG_EINVAL, "xlsx_not_workbook",
                               "not an Excel workbook: %s is missing", name)
                        : 1;
    unz_file_info64 fi;
    if (rc != UNZ_OK || unzGetCurrentFileInfo64(x->zf, &fi, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK)
        return fail(e, GG_EINVAL, "xlsx_corrupt", "%s: damaged zip directory", name);
    if ((rc = entry_check(x, name, &fi, e)) != 0) return rc;
    if (unzOpenCurrentFile(x->zf) != UNZ_OK)
        return fail(e, GG_EINVAL, "xlsx_corrupt", "%s: damaged zip entry", name);

    char *buf = NULL;
    xml_max = x->lim.max_xml_memory;
    XML_Parser p = XML_ParserCreate_MM(NULL, &xml_mem, NULL);
    if (!p || !(buf = gg_malloc(CHUNK))) {
        rc = fail(e, GG_ENOMEM, NULL, "out of memory reading %s", name);
        goto done;
    }
    r->x = x;
    r->p = p;
    r->e = e;
    r->rc = 0;
    r->depth = 0;
    r->part = name;
    XML_SetUserData(p, r);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    XML_SetEntityDeclHandler(p, on_entity);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);

    uint64_t got = 0;
    for (;;) {
        int n = unzReadCurrentFile(x->zf, buf, CHUNK);
        if (n < 0) {
            rc = fail(e, GG_EINVAL, "xlsx_corrupt", "%s: damaged compressed data (%d)", name, n);
            goto done;
        }
        got += (unsigned)n;
        x->total_read += (unsigned)n;
        if ((rc = read_check(x, name, got, fi.compressed_size, e)) != 0) goto done;
        if (XML_Parse(p, buf, n, n == 0) != XML_STATUS_OK) {
            if (r->rc) {
                rc = r->rc;
            } else if (XML_GetErrorCode(p) == XML_ERROR_NO_MEMORY) {
                rc = fail(e, GG_ETOOBIG, "xlsx_too_large", "%s: an XML token is too large "
                          "(line %lu)", name, (unsigned long)XML_GetCurrentLineNumber(p));
            } else {
                rc = fail(e, GG_EINVAL, "xlsx_corrupt", "%s: bad XML at line %lu: %s", name,
                          (unsigned long)XML_GetCurrentLineNumber(p),
                          XML_ErrorString(XML_GetErrorCode(p)));
            }
            goto done;
        }
        if (r->rc) { rc = r->rc; goto done; }
        if (n == 0) break;
    }
    rc = 0;
done:
    /* closing checks the CRC, but only when everything was read */
    if (unzCloseCurrentFile(x->zf) == UNZ_CRCERROR && rc == 0)
        rc = fail(e, GG_EINVAL, "xlsx_corrupt", "%s: CRC mismatch, the file is damaged", name);
    if (p) XML_ParserFree(p);
    gg_free(buf);
    return rc;
}

/* ---- relationships ------------------------------------------------------- */

struct rel {
    char *id, *type, *target;
};

typedef struct {
    xml_run r;
    struct rel *rels;
    size_t n, cap;
} rels_run;

static void rels_start(xml_run *r, const char *name, const char **atts)
{
    rels_run *rr = (rels_run *)r;
    if (strcmp(name, "Relationship") != 0) return;
    const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *t = attr(atts, "Target");
    const char *mode = attr(atts, "TargetMode");
    if (!id || !type || !t || (mode && strcmp(mode, "External") == 0)) return;
    if (rr->n == MAX_RELS) {
        run_fail(r, GG_ETOOBIG, "xlsx_too_large", "more than %d relationships", MAX_RELS);
        return;
    }
    if (rr->n == rr->cap) {
        size_t cap = rr->cap ? rr->cap * 2 : 16;
        struct rel *nr = gg_realloc(rr->rels, cap * sizeof *nr);
        if (!nr) { run_fail(r, GG_ENOMEM, NULL, "out of memory"); return; }
        rr->rels = nr;
        rr->cap = cap;
    }
    struct rel *l = &rr->rels[rr->n];
    l->id = gg_strndup(id, strnlen(id, MAX_NAME));
    l->type = gg_strndup(type, strnlen(type, MAX_NAME));
    l->target = gg_strndup(t, strnlen(t, MAX_NAME));
    rr->n++;
    if (!l->id || !l->type || !l->target) run_fail(r, GG_ENOMEM, NULL, "out of memory");
}

static void rels_free(rels_run *rr)
{
    for (size_t i = 0; i < rr->n; i++) {
        gg_free(rr->rels[i].id);
        gg_free(rr->rels[i].type);
        gg_free(rr->rels[i].target);
    }
    gg_free(rr->rels);
}

static const struct rel *rel_by_type(const rels_run *rr, const char *suffix)
{
    size_t sl = strlen(suffix);
    for (size_t i = 0; i < rr->n; i++) {
        size_t tl = strlen(rr->rels[i].type);
        if (tl >= sl && strcmp(rr->rels[i].type + tl - sl, suffix) == 0) return &rr->rels[i];
    }
    return NULL;
}

/* A relationship target relative to dir (which ends in '/' or is ""), or
 * absolute from the package root, as a zip entry name with "." and ".."
 * folded. out holds MAX_NAME bytes. GG_EINVAL when it cannot be one. */
static int resolve(const char *dir, const char *target, char *out)
{
    char tmp[2 * MAX_NAME];
    int n = target[0] == '/' ? snprintf(tmp, sizeof tmp, "%s", target + 1)
                             : snprintf(tmp, sizeof tmp, "%s%s", dir, target);
    if (n < 0 || (size_t)n >= sizeof tmp) return GG_EINVAL;
    size_t len = 0;
    for (char *seg = tmp; *seg;) {
        char *slash = strchr(seg, '/');
        size_t sl = slash ? (size_t)(slash - seg) : strlen(seg);
        if (sl == 2 && seg[0] == '.' && seg[1] == '.') {
            if (len == 0) return GG_EINVAL;
            len--; /* drop the '/' then the previous segment */
            while (len > 0 && out[len - 1] != '/') len--;
        } else if (sl > 0 && !(sl == 1 && seg[0] == '.')) {
            if (len + sl + 1 >= MAX_NAME) return GG_EINVAL;
            memcpy(out + len, seg, sl);
            len += sl;
            if (slash) out[len++] = '/';
        }
        seg = slash ? slash + 1 : seg + sl;
    }
    out[len] = '\0';
    return len ? 0 : GG_EINVAL;
}

/* ---- workbook ------------------------------------------------------------ */

typedef struct {
    xml_run r;
    char **rids; /* parallel to x->sheets while parsing */
} book_run;

static void book_start(xml_run *r, const char *name, const char **atts)
{
    book_run *br = (book_run *)r;
    gg_xlsx *x = r->x;
    if (strcmp(name, "workbookPr") == 0) {
        const char *v = attr(atts, "date1904");
        x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
        return;
    }
    if (strcmp(name, "sheet") != 0) return;
    const char *sn = attr(atts, "name"), *rid = attr(atts, "id");
    if (!sn || !rid) { run_fail(r, GG_EINVAL, "xlsx_corrupt", "a sheet without name or id"); return; }
    if (x->nsheets == MAX_SHEETS) {
        run_fail(r, GG_ETOOBIG, "xlsx_too_large", "more than %d sheets", MAX_SHEETS);
        return;
    }
    if ((x->nsheets & (x->nsheets - 1)) == 0) { /* grow at powers of two */
        size_t cap = x->nsheets ? x->nsheets * 2 : 4;
        struct sheet *ns = gg_realloc(x->sheets, cap * sizeof *ns);
        if (ns) x->sheets = ns;
        char **nr = ns ? gg_realloc(br->rids, cap * sizeof *nr) : NULL;
        if (nr) br->rids = nr;
        if (!ns || !nr) { run_fail(r, GG_ENOMEM, NULL, "out of memory"); return; }
    }
    struct sheet *s = &x->sheets[x->nsheets];
    s->name = gg_strndup(sn, strnlen(sn, MAX_NAME));
    s->part = NULL;
    br->rids[x->nsheets] = gg_strndup(rid, strnlen(rid, MAX_NAME));
    x->nsheets++;
    if (!s->name || !br->rids[x->nsheets - 1]) run_fail(r, GG_ENOMEM, NULL, "out of memory");
}

/* ---- shared strings ------------------------------------------------------ */

/* Decode OOXML's _xHHHH_ escapes (control characters Excel cannot put in
 * XML) in place; the result is never longer. Returns the new length. */
static size_t unescape_x(char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp = 0;
        bool esc = i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_';
        for (size_t k = 2; esc && k < 6; k++) {
            char c = s[i + k];
            unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                       : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                       : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
            esc = d < 16;
            cp = cp * 16 + d;
        }
        if (!esc || cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
            s[o++] = s[i++];
            continue;
        }
        if (cp < 0x80) {
            s[o++] = (char)cp;
        } else if (cp < 0x800) {
            s[o++] = (char)(0xC0 | (cp >> 6));
            s[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
            s[o++] = (char)(0xE0 | (cp >> 12));
            s[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            s[o++] = (char)(0x80 | (cp & 0x3F));
        }
        i += 7;
    }
    return o;
}

typedef struct {
    xml_run r;
    bool in_si, in_t, in_rph;
    size_t start, len; /* the current string's offset in x->sst and its length */
} sst_run;

static void sst_start(xml_run *r, const char *name, const char **atts)
{
    sst_run *sr = (sst_run *)r;
    if (strcmp(name, "si") == 0) {
        sr->in_si = true;
        sr->start = r->x->sst.len;
        sr->len = 0;
    } else if (strcmp(name, "rPh") == 0) {
        sr->in_rph = true; /* phonetic reading: not part of the text */
    } else if (strcmp(name, "t") == 0) {
        sr->in_t = sr->in_si && !sr->in_rph;
    }
}

static void sst_text(xml_run *r, const char *s, size_t n)
{
    sst_run *sr = (sst_run *)r;
    if (!sr->in_t) return;
    if (n > r->x->lim.max_cell_bytes - sr->len) {
        run_fail(r, GG_ETOOBIG, "xlsx_too_large", "a shared string is longer than %zu bytes",
                 r->x->lim.max_cell_bytes);
        return;
    }
    int rc = gg_buf_append(&r->x->sst, s, n);
    if (rc) run_fail(r, rc, rc == GG_ETOOBIG ? "xlsx_too_large" : NULL,
                     "shared strings exceed %zu bytes", r->x->sst.max);
    sr->len += n;
}

static void sst_end(xml_run *r, const char *name)
{
    sst_run *sr = (sst_run *)r;
    gg_xlsx *x = r->x;
    if (strcmp(name, "t") == 0) { sr->in_t = false; return; }
    if (strcmp(name, "rPh") == 0) { sr->in_rph = false; return; }
    if (strcmp(name, "si") != 0) return;
    sr->in_si = false;
    if (x->nsst == x->lim.max_shared_count) {
        run_fail(r, GG_ETOOBIG, "xlsx_too_large", "more than %u shared strings",
                 x->lim.max_shared_count);
        return;
    }
    if (x->nsst == x->sst_cap) {
        size_t cap = x->sst_cap ? x->sst_cap * 2 : 256;
        if (cap > x->lim.max_shared_count) cap = x->lim.max_shared_count;
        size_t *no = gg_realloc(x->sst_off, cap * sizeof *no);
        if (!no) { run_fail(r, GG_ENOMEM, NULL, "out of memory"); return; }
        x->sst_off = no;
        x->sst_cap = cap;
    }
    size_t n = sr->len ? unescape_x(x->sst.data + sr->start, sr->len) : 0;
    x->sst.len = sr->start + n;
    int rc = gg_buf_putc(&x->sst, '\0');
    if (rc) {
        run_fail(r, rc, rc == GG_ETOOBIG ? "xlsx_too_large" : NULL,
                 "shared strings exceed %zu bytes", x->sst.max);
        return;
    }
    x->sst_off[x->nsst++] = sr->start;
}

/* ---- styles -------------------------------------------------------------- */

struct numfmt {
    uint32_t id;
    bool date;
};

typedef struct {
    xml_run r;
    bool in_xfs;
    struct numfmt *fmts;
    size_t nfmts;
    uint32_t *xf_fmt;
    size_t nxf;
} styles_run;

/* A custom number format shows a date or time when a d, m, y, h or s code
 * stands outside quoted text, escapes and [colour/condition] brackets
 * ([h], [mm], [ss] elapsed time counts as time). */
static bool format_is_date(const char *f)
{
    for (; *f; f++) {
        char c = *f;
        if (c == '"') {
            while (f[1] && f[1] != '"') f++;
            if (f[1]) f++;
        } else if (c == '\\' || c == '_' || c == '*') {
            if (f[1]) f++;
        } else if (c == '[') {
            const char *q = f + 1;
            while (*q == 'h' || *q == 'H' || *q == 'm' || *q == 'M' || *q == 's' || *q == 'S') q++;
            if (*q == ']' && q > f + 1) return true;
            while (f[1] && f[1] != ']') f++;
            if (f[1]) f++;
        } else if (strchr("dDmMyYhHsS", c)) {
            return true;
        } else if (c == ';') {
            return false; /* only the first (positive) section decides */
        }
    }
    return false;
}

static bool builtin_is_date(uint32_t id)
{
    return (id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) ||
           (id >= 50 && id <= 58);
}

static bool parse_u32(const char *s, uint32_t *out)
{
    uint64_t v = 0;
    if (!s || !*s) return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return false;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > UINT32_MAX) return false;
    }
    *out = (uint32_t)v;
    return true;
}

static void styles_start(xml_run *r, const char *name, const char **atts)
{
    styles_run *st = (styles_run *)r;
    uint32_t id = 0;
    if (strcmp(name, "cellXfs") == 0) {
        st->in_xfs = true;
    } else if (strcmp(name, "numFmt") == 0) {
        const char *code = attr(atts, "formatCode");
        if (!parse_u32(attr(atts, "numFmtId"), &id) || !code) return;
        if (st->nfmts == MAX_NUMFMTS) {
            run_fail(r, GG_ETOOBIG, "xlsx_too_large", "more than %d number formats", MAX_NUMFMTS);
            return;
        }
        if ((st->nfmts & (st->nfmts - 1)) == 0) {
            struct numfmt *nf = gg_realloc(st->fmts, (st->nfmts ? st->nfmts * 2 : 8) * sizeof *nf);
            if (!nf) { run_fail(r, GG_ENOMEM, NULL, "out of memory"); return; }
            st->fmts = nf;
        }
        st->fmts[st->nfmts++] = (struct numfmt){id, format_is_date(code)};
    } else if (strcmp(name, "xf") == 0 && st->in_xfs) {
        if (!parse_u32(attr(atts, "numFmtId"), &id)) id = 0;
        if (st->nxf == MAX_XFS) {
            run_fail(r, GG_ETOOBIG, "xlsx_too_large", "more than %d cell formats", MAX_XFS);
            return;
        }
        if ((st->nxf & (st->nxf - 1)) == 0) {
            uint32_t *nx = gg_realloc(st->xf_fmt, (st->nxf ? st->nxf * 2 : 8) * sizeof *nx);
            if (!nx) { run_fail(r, GG_ENOMEM, NULL, "out of memory"); return; }
            st->xf_fmt = nx;
        }
        st->xf_fmt[st->nxf++] = id;
    }
}

static void styles_end(xml_run *r, const char *name)
{
    if (strcmp(name, "cellXfs") == 0) ((styles_run *)r)->in_xfs = false;
}

/* One bit per cell format; a custom format of the same id wins over the
 * built-in one. */
static int styles_resolve(gg_xlsx *x, const styles_run *st)
{
    if (!st->nxf) return 0;
    if (!(x->xf_date = gg_calloc(st->nxf, 1))) return GG_ENOMEM;
    x->nxf = st->nxf;
    for (size_t i = 0; i < st->nxf; i++) {
        bool date = builtin_is_date(st->xf_fmt[i]);
        for (size_t k = 0; k < st->nfmts; k++)
            if (st->fmts[k].id == st->xf_fmt[i]) date = st->fmts[k].date;
        x->xf_date[i] = date;
    }
    return 0;
}

bool gg_xlsx_style_is_date(const gg_xlsx *x, uint32_t style)
{
    return style < x->nxf && x->xf_date[style];
}

bool gg_xlsx_date1904(const gg_xlsx *x)
{
    return x->date1904;
}

/* ---- the sheet ----------------------------------------------------------- */

enum ctype { CT_N, CT_S, CT_INLINE, CT_B, CT_E, CT_STR, CT_D };

typedef struct {
    xml_run r;
    gg_xlsx_row_fn fn;
    void *ctx;
    bool in_row, in_cell, in_v, in_is, in_t, in_rph, has_text, formula;
    uint32_t row, rows_seen, col;
    enum ctype ct;
    uint32_t style;
    size_t off;         /* the current cell's text in rowbuf */
    gg_buf rowbuf;      /* the row's inline text, values NUL-separated */
    gg_xlsx_cell *cells;
    size_t *offs;       /* per cell: offset in rowbuf, or SIZE_MAX when value is set */
    size_t ncells, cap;
} sheet_run;

static const struct { const char *t; enum ctype ct; } cell_types[] = {
    {"n", CT_N}, {"s", CT_S}, {"inlineStr", CT_INLINE}, {"b", CT_B},
    {"e", CT_E}, {"str", CT_STR}, {"d", CT_D},
};

/* "B12" → column 2. Letters only count; a reference past the limit fails. */
static int col_of_ref(const char *ref, uint32_t max, uint32_t *col)
{
    uint32_t c = 0;
    size_t i = 0;
    for (; (ref[i] >= 'A' && ref[i] <= 'Z') || (ref[i] >= 'a' && ref[i] <= 'z'); i++) {
        c = c * 26 + (uint32_t)((ref[i] | 0x20) - 'a' + 1);
        if (c > max) return GG_ETOOBIG;
    }
    if (i == 0) return GG_EINVAL;
    for (; ref[i]; i++)
        if (ref[i] < '0' || ref[i] > '9') return GG_EINVAL;
    *col = c;
    return 0;
}

/* "AA12" for column 27, row 12: how a user finds the cell in Excel. */
static const char *cell_ref(const sheet_run *sh, char out[16])
{
    char tmp[8];
    int n = 0;
    for (uint32_t c = sh->col; c && n < 7; c = (c - 1) / 26) tmp[n++] = (char)('A' + (c - 1) % 26);
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    snprintf(out + n, 16 - (size_t)n, "%u", sh->row);
    return out;
}

static void row_start(xml_run *r, sheet_run *sh, const char **atts)
{
    const gg_xlsx_limits *l = &r->x->lim;
    const char *rs = attr(atts, "r");
    uint32_t n = sh->row + 1;
    if (sh->in_row) { run_fail(r, GG_EINVAL, "xlsx_corrupt", "a row inside a row"); return; }
    if (rs && (!parse_u32(rs, &n) || n == 0 || n > GG_XLSX_MAX_ROW_NUMBER)) {
        run_fail(r, GG_EINVAL, "xlsx_corrupt", "bad row number \"%.20s\"", rs);
        return;
    }
    if (n > GG_XLSX_MAX_ROW_NUMBER || ++sh->rows_seen > l->max_rows) {
        run_fail(r, GG_ETOOBIG, "xlsx_too_large", "more than %u rows", l->max_rows);
        return;
    }
    sh->in_row = true;
    sh->row = n;
    sh->col = 0;
    sh->ncells = 0;
    gg_buf_reset(&sh->rowbuf);
}

static void cell_start(xml_run *r, sheet_run *sh, const char **atts)
{
    const gg_xlsx_limits *l = &r->x->lim;
    const char *ref = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
    uint32_t col = sh->col + 1;
    if (!sh->in_row || sh->in_cell) {
        run_fail(r, GG_EINVAL, "xlsx_corrupt", "a cell outside a row");
        return;
    }
    int rc = ref ? col_of_ref(ref, l->max_cols, &col) : 0;
    if (rc == GG_EINVAL) {
        run_fail(r, rc, "xlsx_corrupt", "bad cell reference \"%.20s\"", ref);
        return;
    }
    if (rc || col > l->max_cols || sh->ncells >= l->max_cols) {
        run_fail(r, GG_ETOOBIG, "xlsx_too_large", "row %u has cells beyond column %u", sh->row,
                 l->max_cols);
        return;
    }
    sh->ct = CT_N;
    if (t) {
        size_t i = 0;
        while (i < GG_ARRAY_LEN(cell_types) && strcmp(cell_types[i].t, t) != 0) i++;
        if (i == GG_ARRAY_LEN(cell_types)) {
            run_fail(r, GG_EINVAL, "xlsx_corrupt", "unknown cell type \"%.20s\"", t);
            return;
        }
        sh->ct = cell_types[i].ct;
    }
    sh->style = 0;
    if (s && !parse_u32(s, &sh->style)) {
        run_fail(r, GG_EINVAL, "xlsx_corrupt", "bad cell style \"%.20s\"", s);
        return;
    }
    sh->in_cell = true;
    sh->col = col;
    sh->has_text = sh->formula = false;
    sh->off = sh->rowbuf.len;
}

static void sheet_start(xml_run *r, const char *name, const char **atts)
{
    sheet_run *sh = (sheet_run *)r;
    if (strcmp(name, "row") == 0) {
        row_start(r, sh, atts);
    } else if (strcmp(name, "c") == 0) {
        cell_start(r, sh, atts);
    } else if (sh->in_cell) {
        if (strcmp(name, "v") == 0) sh->in_v = true;
        else if (strcmp(name, "f") == 0) sh->formula = true;
        else if (strcmp(name, "is") == 0) sh->in_is = true;
        else if (strcmp(name, "rPh") == 0) sh->in_rph = true;
        else if (strcmp(name, "t") == 0) sh->in_t = sh->in_is && !sh->in_rph;
    }
}

static void sheet_text(xml_run *r, const char *s, size_t n)
{
    sheet_run *sh = (sheet_run *)r;
    if (!sh->in_v && !sh->in_t) return;
    if (n > r->x->lim.max_cell_bytes - (sh->rowbuf.len - sh->off)) {
        char ref[16];
        run_fail(r, GG_ETOOBIG, "xlsx_too_large", "cell %s is longer than %zu bytes",
                 cell_ref(sh, ref), r->x->lim.max_cell_bytes);
        return;
    }
    int rc = gg_buf_append(&sh->rowbuf, s, n);
    if (rc) run_fail(r, rc, rc == GG_ETOOBIG ? "xlsx_too_large" : NULL,
                     "row %u holds more than %zu bytes of text", sh->row, sh->rowbuf.max);
    sh->has_text = true;
}

/* A decimal number as OOXML stores it: -?digits[.digits][E[+-]digits]. */
static bool number_ok(const char *s, size_t n)
{
    size_t i = 0, d = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) i++;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) d++;
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) d++;
    if (d == 0) return false;
    if (i < n && (s[i] == 'E' || s[i] == 'e')) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+')) i++;
        size_t e = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == e) return false;
    }
    return i == n;
}

/* Close the current cell: type it, check it, and keep it if it has a value
 * or a formula. Its text stays in rowbuf (NUL-terminated), or is dropped
 * when the value lives in the shared-string table. */
static void cell_end(xml_run *r, sheet_run *sh)
{
    gg_xlsx *x = r->x;
    size_t len = sh->rowbuf.len - sh->off;
    char *txt = sh->rowbuf.data ? sh->rowbuf.data + sh->off : NULL;
    gg_xlsx_cell c = {sh->col, GG_XLSX_EMPTY, NULL, 0, sh->style, sh->formula};
    char ref[16];
    sh->in_cell = sh->in_v = sh->in_is = sh->in_t = sh->in_rph = false;
    if (!sh->has_text) {
        if (!sh->formula) return;
        c.value = "";
    } else if (sh->ct == CT_S) {
        uint32_t i;
        char tmp[12];
        bool ok = len < sizeof tmp;
        if (ok) { memcpy(tmp, txt, len); tmp[len] = '\0'; }
        if (!ok || !parse_u32(tmp, &i) || i >= x->nsst) {
            run_fail(r, GG_EINVAL, "xlsx_corrupt", "cell %s: no shared string %.11s",
                     cell_ref(sh, ref), ok ? tmp : "");
            return;
        }
        sh->rowbuf.len = sh->off; /* the index text is not needed */
        c.type = GG_XLSX_STRING;
        c.value = x->sst.data + x->sst_off[i];
        c.len = (i + 1 < x->nsst ? x->sst_off[i + 1] : x->sst.len) - x->sst_off[i] - 1;
    } else {
        if (sh->ct == CT_INLINE || sh->ct == CT_STR) len = unescape_x(txt, len);
        sh->rowbuf.len = sh->off + len;
        c.len = len;
        c.type = sh->ct == CT_N ? GG_XLSX_NUMBER : sh->ct == CT_B ? GG_XLSX_BOOL
               : sh->ct == CT_E ? GG_XLSX_ERROR : sh->ct == CT_D ? GG_XLSX_ISODATE
               : GG_XLSX_STRING;
        if ((c.type == GG_XLSX_NUMBER && !number_ok(txt, len)) ||
            (c.type == GG_XLSX_BOOL && !(len == 1 && (txt[0] == '0' || txt[0] == '1')))) {
            run_fail(r, GG_EINVAL, "xlsx_corrupt", "cell %s: bad %s \"%.20s\"",
                     cell_ref(sh, ref), c.type == GG_XLSX_BOOL ? "boolean" : "number", txt);
            return;
        }
        int rc = gg_buf_putc(&sh->rowbuf, '\0');
        if (rc) {
            run_fail(r, rc, rc == GG_ETOOBIG ? "xlsx_too_large" : NULL,
                     "row %u holds more than %zu bytes of text", sh->row, sh->rowbuf.max);
            return;
        }
    }
    if (sh->ncells == sh->cap) {
        size_t cap = sh->cap ? sh->cap * 2 : 32;
        gg_xlsx_cell *nc = gg_realloc(sh->cells, cap * sizeof *nc);
        if (nc) sh->cells = nc;
        size_t *no = nc ? gg_realloc(sh->offs, cap * sizeof *no) : NULL;
        if (no) sh->offs = no;
        if (!nc || !no) { run_fail(r, GG_ENOMEM, NULL, "out of memory"); return; }
        sh->cap = cap;
    }
    sh->offs[sh->ncells] = c.value ? SIZE_MAX : sh->off;
    sh->cells[sh->ncells++] = c;
}

static void row_end(xml_run *r, sheet_run *sh)
{
    sh->in_row = false;
    if (!sh->ncells) return;
    for (size_t i = 0; i < sh->ncells; i++) /* rowbuf has stopped moving */
        if (sh->offs[i] != SIZE_MAX) sh->cells[i].value = sh->rowbuf.data + sh->offs[i];
    gg_xlsx_row row = {sh->row, sh->cells, sh->ncells};
    int rc = sh->fn(sh->ctx, &row);
    if (rc && !r->rc) {
        r->rc = rc;
        r->own_rc = true;
        XML_StopParser(r->p, XML_FALSE);
    }
}

static void sheet_end(xml_run *r, const char *name)
{
    sheet_run *sh = (sheet_run *)r;
    if (strcmp(name, "c") == 0 && sh->in_cell) cell_end(r, sh);
    else if (strcmp(name, "row") == 0 && sh->in_row) row_end(r, sh);
    else if (strcmp(name, "v") == 0) sh->in_v = false;
    else if (strcmp(name, "is") == 0) sh->in_is = false;
    else if (strcmp(name, "t") == 0) sh->in_t = false;
    else if (strcmp(name, "rPh") == 0) sh->in_rph = false;
}

int gg_xlsx_read_sheet(gg_xlsx *x, const char *name, gg_xlsx_row_fn fn, void *ctx,
                       gg_error *e)
{
    const struct sheet *s = NULL;
    for (size_t i = 0; i < x->nsheets && !s; i++)
        if (!name || strcmp(x->sheets[i].name, name) == 0) s = &x->sheets[i];
    if (!s)
        return fail(e, GG_ENOTFOUND, "xlsx_no_sheet", name ? "no sheet named \"%.100s\""
                    : "the workbook has no sheet%s", name ? name : "");
    if (!s->part)
        return fail(e, GG_EINVAL, "xlsx_corrupt", "sheet \"%.100s\" has no part", s->name);
    sheet_run sh = {.r = {.start = sheet_start, .end = sheet_end, .text = sheet_text},
                    .fn = fn, .ctx = ctx};
    gg_buf_init(&sh.rowbuf, x->lim.max_row_bytes);
    gg_error mine = {0};
    int rc = stream_part(x, s->part, true, &sh.r, &mine);
    if (rc == 1) rc = 0;
    if (rc && !sh.r.own_rc && e) *e = mine;
    gg_buf_free(&sh.rowbuf);
    gg_free(sh.cells);
    gg_free(sh.offs);
    return rc;
}

/* ---- open and close ------------------------------------------------------ */

/* The directory part of a zip entry name, with its '/', into out. */
static void dir_of(const char *part, char *out)
{
    const char *slash = strrchr(part, '/');
    size_t n = slash ? (size_t)(slash - part + 1) : 0;
    memcpy(out, part, n);
    out[n] = '\0';
}

static int read_rels(gg_xlsx *x, const char *part, rels_run *rr, gg_error *e)
{
    char dir[MAX_NAME], name[2 * MAX_NAME + 16];
    const char *base = strrchr(part, '/');
    dir_of(part, dir);
    snprintf(name, sizeof name, "%s_rels/%s.rels", dir, base ? base + 1 : part);
    rr->r.start = rels_start;
    int rc = stream_part(x, name, false, &rr->r, e);
    return rc == 1 ? 0 : rc;
}

/* The workbook part, from the package relationships (xl/workbook.xml when
 * the file has none, as some writers do). */
static int find_workbook(gg_xlsx *x, char *book, gg_error *e)
{
    rels_run root = {.r = {.start = rels_start}};
    int rc = stream_part(x, "_rels/.rels", false, &root.r, e);
    const struct rel *l = rc == 0 ? rel_by_type(&root, "/officeDocument") : NULL;
    if (rc == 1 || (rc == 0 && !l)) {
        rc = 0;
        snprintf(book, MAX_NAME, "xl/workbook.xml");
    } else if (rc == 0 && resolve("", l->target, book) != 0) {
        rc = fail(e, GG_EINVAL, "xlsx_corrupt", "bad workbook part name");
    }
    rels_free(&root);
    return rc;
}

static int read_book(gg_xlsx *x, gg_error *e)
{
    char book[MAX_NAME], dir[MAX_NAME], part[MAX_NAME + 32];
    rels_run rr = {.r = {.start = rels_start}};
    book_run br = {.r = {.start = book_start}};
    int rc = find_workbook(x, book, e);
    if (rc == 0) rc = stream_part(x, book, true, &br.r, e);
    if (rc == 0) rc = read_rels(x, book, &rr, e);
    if (rc) goto done;
    dir_of(book, dir);
    for (size_t i = 0; i < x->nsheets; i++) {
        for (size_t k = 0; k < rr.n && !x->sheets[i].part; k++)
            if (strcmp(rr.rels[k].id, br.rids[i]) == 0 &&
                resolve(dir, rr.rels[k].target, part) == 0 &&
                !(x->sheets[i].part = gg_strndup(part, strlen(part))))
                rc = GG_ENOMEM;
    }
    const struct rel *l = rel_by_type(&rr, "/sharedStrings");
    if (rc == 0 && (!l || resolve(dir, l->target, part) != 0))
        snprintf(part, sizeof part, "%ssharedStrings.xml", dir);
    sst_run sr = {.r = {.start = sst_start, .end = sst_end, .text = sst_text}};
    if (rc == 0 && (rc = stream_part(x, part, false, &sr.r, e)) == 1) rc = 0;
    l = rel_by_type(&rr, "/styles");
    if (rc == 0 && (!l || resolve(dir, l->target, part) != 0))
        snprintf(part, sizeof part, "%sstyles.xml", dir);
    styles_run st = {.r = {.start = styles_start, .end = styles_end}};
    if (rc == 0 && (rc = stream_part(x, part, false, &st.r, e)) == 1) rc = 0;
    if (rc == 0 && styles_resolve(x, &st) != 0) rc = GG_ENOMEM;
    gg_free(st.fmts);
    gg_free(st.xf_fmt);
    if (rc == GG_ENOMEM) fail(e, rc, NULL, "out of memory opening the workbook");
done:
    for (size_t i = 0; br.rids && i < x->nsheets; i++) gg_free(br.rids[i]);
    gg_free(br.rids);
    rels_free(&rr);
    return rc;
}

/* Excel saves .xls files and password-protected .xlsx files alike as OLE
 * compound documents, not zips: worth telling the user which. */
static bool is_cfb(const char *path)
{
    static const unsigned char magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    unsigned char head[8];
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    bool yes = fread(head, 1, sizeof head, f) == sizeof head && memcmp(head, magic, 8) == 0;
    fclose(f);
    return yes;
}

/* Walk the whole zip directory once: minizip reads a short file as zeros, so
 * a truncated end record or directory is caught here by its entries not
 * adding up, rather than later as a "missing" part. */
static int check_directory(gg_xlsx *x, gg_error *e)
{
    unz_global_info64 gi;
    unz_file_info64 fi;
    uint64_t n = 0;
    if (unzGetGlobalInfo64(x->zf, &gi) != UNZ_OK || gi.number_entry == 0)
        return fail(e, GG_EINVAL, "xlsx_corrupt", "damaged zip directory: the file is "
                    "truncated or not an .xlsx file");
    if (gi.number_entry > MAX_ENTRIES)
        return fail(e, GG_ETOOBIG, "xlsx_too_large", "more than %d zip entries", MAX_ENTRIES);
    int rc = unzGoToFirstFile(x->zf);
    for (; rc == UNZ_OK; rc = unzGoToNextFile(x->zf)) {
        if (unzGetCurrentFileInfo64(x->zf, &fi, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK ||
            fi.compressed_size > x->file_size)
            break;
        n++;
    }
    if (rc != UNZ_END_OF_LIST_OF_FILE || n != gi.number_entry)
        return fail(e, GG_EINVAL, "xlsx_corrupt", "damaged zip directory: the file is "
                    "truncated or not an .xlsx file");
    return 0;
}

int gg_xlsx_open(const char *path, const gg_xlsx_limits *lim, gg_xlsx **out, gg_error *e)
{
    int rc;
    struct stat sb;
    gg_xlsx *x = NULL;
    *out = NULL;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return fail(e, GG_EIO, NULL, "cannot read the uploaded file");
    if (!(x = gg_calloc(1, sizeof *x))) return fail(e, GG_ENOMEM, NULL, "out of memory");
    if (lim) x->lim = *lim;
    else gg_xlsx_limits_default(&x->lim);
    x->file_size = (uint64_t)sb.st_size;
    gg_buf_init(&x->sst, x->lim.max_shared_bytes);
    if (!(x->zf = unzOpen64(path))) {
        rc = is_cfb(path) ? fail(e, GG_EINVAL, "xlsx_unsupported", "an old .xls workbook or "
                                 "a password-protected one: save it as .xlsx without a password")
                          : fail(e, GG_EINVAL, "xlsx_corrupt", "not an .xlsx file, or the file "
                                 "is truncated (no zip directory)");
        goto fail;
    }
    if ((rc = check_directory(x, e)) != 0 || (rc = read_book(x, e)) != 0) goto fail;
    if (x->nsheets == 0) {
        rc = fail(e, GG_EINVAL, "xlsx_not_workbook", "the workbook has no sheets");
        goto fail;
    }
    *out = x;
    return 0;
fail:
    gg_xlsx_close(x);
    return rc;
}

void gg_xlsx_close(gg_xlsx *x)
{
    if (!x) return;
    if (x->zf) unzClose(x->zf);
    for (size_t i = 0; i < x->nsheets; i++) {
        gg_free(x->sheets[i].name);
        gg_free(x->sheets[i].part);
    }
    gg_free(x->sheets);
    gg_buf_free(&x->sst);
    gg_free(x->sst_off);
    gg_free(x->xf_date);
    gg_free(x);
}

size_t gg_xlsx_sheet_count(const gg_xlsx *x)
{
    return x->nsheets;
}

const char *gg_xlsx_sheet_name(const gg_xlsx *x, size_t i)
{
    return i < x->nsheets ? x->sheets[i].name : NULL;
}

/* ---- date serial numbers -------------------------------------------------- */

int gg_xlsx_serial_date(const char *text, size_t len, bool date1904, gg_xlsx_date *out)
{
    char tmp[64];
    if (len >= sizeof tmp || !number_ok(text, len)) return GG_EINVAL;
    memcpy(tmp, text, len);
    tmp[len] = '\0';
    double v = strtod(tmp, NULL);
    if (!(v >= (date1904 ? 0.0 : 1.0)) || v > 2958466.0) return GG_EINVAL;
    int64_t day = (int64_t)floor(v);
    int64_t secs = (int64_t)llround((v - (double)day) * 86400.0);
    if (secs >= 86400) { day++; secs = 0; }
    int64_t epoch;
    if (date1904) epoch = gg_days_from_civil(1904, 1, 1);
    else if (day == 60) return GG_EINVAL; /* 1900-02-29 never was */
    else epoch = day < 60 ? gg_days_from_civil(1899, 12, 31) : gg_days_from_civil(1899, 12, 30);
    int64_t y;
    gg_civil_from_days(epoch + day, &y, &out->month, &out->day);
    out->year = (int)y;
    out->seconds = (int)secs;
    return out->year <= 9999 ? 0 : GG_EINVAL;
}
