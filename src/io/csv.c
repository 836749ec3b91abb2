/*
 * csv.c — the streaming CSV reader of csv.h, in two stages.
 *
 * Decoding: raw bytes are copied into a fixed staging buffer (in[]) and
 * drained from there. Undecided, ASCII goes straight through; the first
 * non-ASCII byte waits for a detection window (or the end of input), which
 * picks UTF-8 (validated in place, no copy) or GB18030 (glibc iconv into
 * out[], plus the code page 936 euro byte 0x80). An incomplete multi-byte sequence at the end of a chunk stays in
 * in[] for the next feed, so chunking never changes what is decoded.
 *
 * Parsing: a byte-level state machine over the UTF-8 text that appends
 * runs of ordinary bytes to the one row buffer (a gg_buf whose maximum is
 * the row limit), records field offsets, and hands the row to the callback
 * at its end. Line numbers count CR, LF and CRLF alike, inside quoted
 * fields too, so a record's line is where an editor would show it.
 */
#include "io/csv.h"

#include <assert.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"

#define IN_CAP (64u * 1024)
#define OUT_CAP (16u * 1024)
#define DETECT_WINDOW (16u * 1024)

enum state {
    S_REC,    /* between records: blank lines are skipped here */
    S_FSTART, /* at the first byte of a field */
    S_UNQ,    /* inside an unquoted field */
    S_QUO,    /* inside a quoted field */
    S_QQ,     /* a '"' seen inside a quoted field: escape or close */
};

struct gg_csv {
    gg_csv_limits lim;
    gg_csv_row_fn fn;
    void *ud;

    /* decoding */
    gg_csv_encoding enc;
    iconv_t cd;
    bool cd_open;
    bool bom_done;    /* the first decoded bytes were checked for U+FEFF */
    size_t in_len;
    uint64_t in_off;  /* raw offset of in[0] */
    uint64_t fed;

    /* parsing */
    enum state state;
    bool prev_cr;      /* last byte was CR: a following LF ends no new line */
    uint64_t line;     /* physical line of the next byte */
    uint64_t rec_line, quote_line, records;
    size_t header_n;
    gg_buf row;
    size_t row_bytes, field_len, nfields, cap_fields;
    size_t *off, *len;
    const char **ptr;

    int failed;
    bool finished;
    gg_error err; /* the sticky error */

    unsigned char in[IN_CAP];
    char out[OUT_CAP];
};

static const unsigned char special_unq[256] = {[','] = 1, ['\r'] = 1, ['\n'] = 1};
static const unsigned char special_quo[256] = {['"'] = 1, ['\r'] = 1, ['\n'] = 1};

/* ---- errors ----------------------------------------------------------- */

__attribute__((format(printf, 5, 6)))
static int csv_fail(gg_csv *p, gg_error *e, int rc, const char *code, const char *fmt, ...)
{
    char msg[sizeof p->err.message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    gg_fail(&p->err, rc, 0, code, NULL, "%s", msg);
    p->failed = rc;
    if (e)
        *e = p->err;
    return rc;
}

static int sticky(gg_csv *p, gg_error *e)
{
    if (e)
        *e = p->err;
    return p->failed;
}

/* ---- parsing ------------------------------------------------------------ */

static void line_end(gg_csv *p, unsigned char c)
{
    if (c == '\r' || !p->prev_cr)
        p->line++;
    p->prev_cr = c == '\r';
}

static int field_begin(gg_csv *p, gg_error *e)
{
    if (p->nfields == p->lim.max_fields)
        return csv_fail(p, e, GG_ETOOBIG, "csv_too_many_fields",
                        "line %llu: record has more than %zu fields",
                        (unsigned long long)p->rec_line, p->lim.max_fields);
    if (p->nfields == p->cap_fields) {
        size_t cap = p->cap_fields ? p->cap_fields * 2 : 16;
        if (cap > p->lim.max_fields)
            cap = p->lim.max_fields;
        size_t *off = gg_realloc(p->off, cap * sizeof *off);
        if (off)
            p->off = off;
        size_t *len = off ? gg_realloc(p->len, cap * sizeof *len) : NULL;
        if (len)
            p->len = len;
        const char **ptr = len ? gg_realloc(p->ptr, cap * sizeof *ptr) : NULL;
        if (!ptr)
            return csv_fail(p, e, GG_ENOMEM, NULL, "out of memory");
        p->ptr = ptr;
        p->cap_fields = cap;
    }
    p->off[p->nfields] = p->row.len;
    p->field_len = 0;
    return 0;
}

static int field_add(gg_csv *p, const char *d, size_t n, gg_error *e)
{
    /* which limit breaks first is decided as if bytes came one at a time,
     * so the answer never depends on how the input was chunked */
    size_t room_field = p->lim.max_field - p->field_len;
    size_t room_row = p->lim.max_row - p->row_bytes;
    if (n > room_field && room_field <= room_row)
        return csv_fail(p, e, GG_ETOOBIG, "csv_field_too_long",
                        "line %llu: field %zu is longer than %zu bytes",
                        (unsigned long long)p->rec_line, p->nfields + 1, p->lim.max_field);
    if (n > room_row)
        return csv_fail(p, e, GG_ETOOBIG, "csv_row_too_long",
                        "line %llu: record is longer than %zu bytes",
                        (unsigned long long)p->rec_line, p->lim.max_row);
    if (gg_buf_append(&p->row, d, n) != 0)
        return csv_fail(p, e, GG_ENOMEM, NULL, "out of memory");
    p->field_len += n;
    p->row_bytes += n;
    return 0;
}

static int field_end(gg_csv *p, gg_error *e)
{
    p->len[p->nfields++] = p->field_len;
    /* the NUL terminator: room for one per field is part of row.max */
    if (gg_buf_putc(&p->row, '\0') != 0)
        return csv_fail(p, e, GG_ENOMEM, NULL, "out of memory");
    return 0;
}

static int record_end(gg_csv *p, gg_error *e)
{
    p->records++;
    if (p->records == 1)
        p->header_n = p->nfields;
    for (size_t i = 0; i < p->nfields; i++)
        p->ptr[i] = p->row.data + p->off[i];
    gg_csv_row r = {
        .record = p->records,
        .line = p->rec_line,
        .nfields = p->nfields,
        .ragged = p->nfields != p->header_n,
        .field = p->ptr,
        .len = p->len,
    };
    gg_error ce = {0};
    int rc = p->fn(p->ud, &r, &ce);
    gg_buf_reset(&p->row);
    p->row_bytes = 0;
    p->nfields = 0;
    if (rc) {
        p->err = ce;
        p->failed = rc;
        if (e)
            *e = ce;
    }
    return rc;
}

/* Field and record end on ',', CR or LF (c) outside quotes. */
static int field_sep(gg_csv *p, unsigned char c, gg_error *e)
{
    int rc = field_end(p, e);
    if (rc)
        return rc;
    if (c == ',') {
        p->prev_cr = false;
        p->state = S_FSTART;
        return 0;
    }
    rc = record_end(p, e);
    line_end(p, c);
    p->state = S_REC;
    return rc;
}

static size_t run_len(const unsigned char *tab, const char *d, size_t n)
{
    size_t j = 0;
    while (j < n && !tab[(unsigned char)d[j]])
        j++;
    return j;
}

/* Consume n bytes of UTF-8 text. */
static int parse(gg_csv *p, const char *d, size_t n, gg_error *e)
{
    size_t i = 0;
    int rc = 0;
    while (i < n && !rc) {
        unsigned char c = (unsigned char)d[i];
        switch (p->state) {
        case S_REC:
            if (c == '\r' || c == '\n') {
                line_end(p, c);
                i++;
            } else {
                p->prev_cr = false;
                p->rec_line = p->line;
                p->state = S_FSTART;
            }
            break;
        case S_FSTART:
            rc = field_begin(p, e);
            if (rc)
                break;
            if (c == '"') {
                p->prev_cr = false;
                p->quote_line = p->line;
                p->state = S_QUO;
                i++;
            } else if (c == ',' || c == '\r' || c == '\n') {
                rc = field_sep(p, c, e);
                i++;
            } else {
                p->state = S_UNQ;
            }
            break;
        case S_UNQ: {
            size_t k = run_len(special_unq, d + i, n - i);
            if (k) {
                p->prev_cr = false;
                rc = field_add(p, d + i, k, e);
                i += k;
            } else {
                rc = field_sep(p, c, e);
                i++;
            }
            break;
        }
        case S_QUO: {
            size_t k = run_len(special_quo, d + i, n - i);
            if (k) {
                p->prev_cr = false;
                rc = field_add(p, d + i, k, e);
                i += k;
            } else if (c == '"') {
                p->prev_cr = false;
                p->state = S_QQ;
                i++;
            } else {
                rc = field_add(p, d + i, 1, e);
                line_end(p, c);
                i++;
            }
            break;
        }
        case S_QQ:
            if (c == '"') {
                p->prev_cr = false;
                rc = field_add(p, "\"", 1, e);
                p->state = S_QUO;
            } else if (c == ',' || c == '\r' || c == '\n') {
                rc = field_sep(p, c, e);
            } else {
                rc = csv_fail(p, e, GG_EINVAL, "csv_quote",
                              "line %llu: field %zu has characters after its closing quote",
                              (unsigned long long)p->line, p->nfields + 1);
            }
            i++;
            break;
        }
    }
    return rc;
}

/* Decoded text enters here; a leading U+FEFF (BOM) is dropped. */
static int emit(gg_csv *p, const char *d, size_t n, gg_error *e)
{
    if (!n)
        return 0;
    if (!p->bom_done) {
        p->bom_done = true;
        if (n >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0) {
            d += 3;
            n -= 3;
        }
    }
    return parse(p, d, n, e);
}

/* ---- decoding ----------------------------------------------------------- */

/* Length of the valid UTF-8 prefix of s (NUL is invalid). *cut: it stopped
 * at a sequence that is valid so far but runs past n. */
static size_t utf8_scan(const unsigned char *s, size_t n, bool *cut)
{
    size_t i = 0;
    *cut = false;
    while (i < n) {
        unsigned c = s[i];
        if (c >= 0x01 && c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 3;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 4;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            return i;
        }
        for (size_t k = 1; k < need; k++) {
            if (i + k >= n) {
                *cut = true;
                return i;
            }
            unsigned t = s[i + k];
            if (t < (k == 1 ? lo : 0x80) || t > (k == 1 ? hi : 0xBF))
                return i;
        }
        i += need;
    }
    return i;
}

static int open_gb(gg_csv *p, gg_error *e)
{
    if (p->cd_open)
        return 0;
    p->cd = iconv_open("UTF-8", "GB18030");
    if (p->cd == (iconv_t)-1)
        return csv_fail(p, e, GG_EIO, NULL, "GB18030 conversion is not available (iconv)");
    p->cd_open = true;
    return 0;
}

/* Convert the valid GB18030 prefix of s, passing the text to emit when
 * deliver is set (else only checking). *valid and *cut as utf8_scan. */
static int gb_scan(gg_csv *p, const unsigned char *s, size_t n, bool deliver, size_t *valid,
                   bool *cut, gg_error *e)
{
    const unsigned char *z = memchr(s, 0, n);
    size_t lim = z ? (size_t)(z - s) : n;
    char *ip = (char *)(uintptr_t)s;
    size_t il = lim;
    int rc = 0, err;
    iconv(p->cd, NULL, NULL, NULL, NULL);
    for (;;) {
        char *op = p->out;
        size_t ol = sizeof p->out;
        size_t r = iconv(p->cd, &ip, &il, &op, &ol);
        err = r == (size_t)-1 ? errno : 0;
        if (deliver)
            rc = emit(p, p->out, (size_t)(op - p->out), e);
        if (!rc && err == EILSEQ && *ip == '\x80') {
            /* GB18030 leaves 0x80 out; Windows code page 936 (what Excel
             * writes as "GBK") has it as the euro sign */
            if (deliver)
                rc = emit(p, "\xE2\x82\xAC", 3, e);
            ip++;
            il--;
            err = E2BIG;
        }
        if (rc || err != E2BIG)
            break;
    }
    *valid = (size_t)((const unsigned char *)ip - s);
    /* EINVAL: an incomplete character at the end; EILSEQ or a NUL: invalid */
    *cut = err == EINVAL && lim == n;
    return rc;
}

/* Line of raw offset in[at], where in[from] is on line p->line: CR, LF and
 * CRLF are the same bytes in UTF-8 and GB18030. */
static uint64_t line_at(const gg_csv *p, size_t from, size_t at)
{
    uint64_t line = p->line;
    bool cr = p->prev_cr;
    for (size_t i = from; i < at; i++) {
        unsigned char c = p->in[i];
        if (c == '\r' || (c == '\n' && !cr))
            line++;
        cr = c == '\r';
    }
    return line;
}

/* in[from..at) is raw input the parser has not seen yet. */
static int enc_fail(gg_csv *p, gg_error *e, size_t from, size_t at, bool cut, const char *what)
{
    unsigned long long off = (unsigned long long)(p->in_off + at);
    unsigned long long line = (unsigned long long)line_at(p, from, at);
    if (cut)
        return csv_fail(p, e, GG_EINVAL, "csv_encoding",
                        "line %llu, byte offset %llu: %s character cut by the end of the file",
                        line, off, what);
    if (p->in[at] == 0)
        return csv_fail(p, e, GG_EINVAL, "csv_encoding",
                        "line %llu, byte offset %llu: NUL byte (a UTF-16 or binary file?)", line,
                        off);
    return csv_fail(p, e, GG_EINVAL, "csv_encoding",
                    "line %llu, byte offset %llu: byte 0x%02X is not valid %s", line, off,
                    p->in[at], what);
}

/* Undecided: pass ASCII on, then decide on the window at the first other
 * byte once DETECT_WINDOW bytes (or the end of input) are there. */
static int drain_undecided(gg_csv *p, bool final, size_t *used, gg_error *e)
{
    size_t i = *used;
    while (i < p->in_len && p->in[i] >= 0x01 && p->in[i] < 0x80)
        i++;
    int rc = emit(p, (const char *)p->in + *used, i - *used, e);
    if (rc)
        return rc;
    *used = i;
    size_t avail = p->in_len - i;
    if (!avail)
        return 0;
    if (p->in_off + i == 0 && p->in[0] == 0xEF) {
        size_t k = avail < 3 ? avail : 3;
        if (memcmp(p->in, "\xEF\xBB\xBF", k) == 0) {
            if (k == 3) {
                p->enc = GG_CSV_ENC_UTF8;
                return 0;
            }
            if (!final)
                return 0;
        }
    }
    if (avail < DETECT_WINDOW && !final)
        return 0;
    size_t wl = avail < DETECT_WINDOW ? avail : DETECT_WINDOW;
    bool whole = final && avail <= DETECT_WINDOW; /* the window reaches the end */
    bool ucut, gcut;
    size_t uv = utf8_scan(p->in + i, wl, &ucut);
    if (uv == wl || (ucut && !whole)) {
        p->enc = GG_CSV_ENC_UTF8;
        return 0;
    }
    size_t gv;
    if ((rc = open_gb(p, e)) != 0 || (rc = gb_scan(p, p->in + i, wl, false, &gv, &gcut, e)) != 0)
        return rc;
    if (gv == wl || (gcut && !whole)) {
        p->enc = GG_CSV_ENC_GB18030;
        return 0;
    }
    bool ubest = uv >= gv;
    return enc_fail(p, e, i, i + (ubest ? uv : gv), ubest ? ucut : gcut,
                    "UTF-8 or GBK/GB18030 (the file is neither)");
}

static int drain_decided(gg_csv *p, bool final, size_t *used, gg_error *e)
{
    const unsigned char *s = p->in + *used;
    size_t n = p->in_len - *used, v;
    bool cut;
    int rc;
    const char *what;
    if (p->enc == GG_CSV_ENC_UTF8) {
        what = "UTF-8";
        v = utf8_scan(s, n, &cut);
        rc = emit(p, (const char *)s, v, e);
    } else {
        what = "GBK/GB18030";
        rc = gb_scan(p, s, n, true, &v, &cut, e);
    }
    *used += v;
    if (rc || v == n || (cut && !final))
        return rc;
    return enc_fail(p, e, *used, *used, cut, what);
}

static int drain(gg_csv *p, bool final, gg_error *e)
{
    size_t used = 0;
    int rc = 0;
    if (p->enc == GG_CSV_ENC_UNKNOWN)
        rc = drain_undecided(p, final, &used, e);
    if (!rc && p->enc != GG_CSV_ENC_UNKNOWN)
        rc = drain_decided(p, final, &used, e);
    memmove(p->in, p->in + used, p->in_len - used);
    p->in_len -= used;
    p->in_off += used;
    return rc;
}

/* ---- public ------------------------------------------------------------- */

int gg_csv_new(gg_csv **out, const gg_csv_limits *lim, gg_csv_row_fn fn, void *ud)
{
    assert(out && fn);
    *out = NULL;
    gg_csv *p = gg_calloc(1, sizeof *p);
    if (!p)
        return GG_ENOMEM;
    p->lim.max_field = lim && lim->max_field ? lim->max_field : GG_CSV_DEFAULT_MAX_FIELD;
    p->lim.max_fields = lim && lim->max_fields ? lim->max_fields : GG_CSV_DEFAULT_MAX_FIELDS;
    p->lim.max_row = lim && lim->max_row ? lim->max_row : GG_CSV_DEFAULT_MAX_ROW;
    p->fn = fn;
    p->ud = ud;
    p->line = 1;
    p->state = S_REC;
    gg_buf_init(&p->row, p->lim.max_row + p->lim.max_fields);
    *out = p;
    return 0;
}

void gg_csv_free(gg_csv *p)
{
    if (!p)
        return;
    if (p->cd_open)
        iconv_close(p->cd);
    gg_buf_free(&p->row);
    gg_free(p->off);
    gg_free(p->len);
    gg_free(p->ptr);
    gg_free(p);
}

int gg_csv_feed(gg_csv *p, const void *data, size_t n, gg_error *e)
{
    if (p->failed)
        return sticky(p, e);
    if (p->finished)
        return csv_fail(p, e, GG_EINVAL, "csv_state", "input fed after the end");
    const unsigned char *s = data;
    p->fed += n;
    while (n) {
        size_t k = IN_CAP - p->in_len;
        assert(k > 0); /* drain leaves at most a window or a partial character */
        if (k > n)
            k = n;
        memcpy(p->in + p->in_len, s, k);
        p->in_len += k;
        s += k;
        n -= k;
        int rc = drain(p, false, e);
        if (rc)
            return rc;
    }
    return 0;
}

int gg_csv_finish(gg_csv *p, gg_error *e)
{
    if (p->failed)
        return sticky(p, e);
    if (p->finished)
        return 0;
    p->finished = true;
    int rc = drain(p, true, e);
    if (rc)
        return rc;
    assert(p->in_len == 0);
    if (p->enc == GG_CSV_ENC_UNKNOWN)
        p->enc = GG_CSV_ENC_UTF8; /* nothing but ASCII */
    switch (p->state) {
    case S_REC:
        return 0;
    case S_FSTART: /* after a trailing ',' */
        if ((rc = field_begin(p, e)) != 0)
            return rc;
        /* fall through */
    case S_UNQ:
    case S_QQ:
        if ((rc = field_end(p, e)) != 0)
            return rc;
        return record_end(p, e);
    case S_QUO:
        return csv_fail(p, e, GG_EINVAL, "csv_unclosed_quote",
                        "line %llu: the quoted field opened on line %llu is never closed",
                        (unsigned long long)p->line, (unsigned long long)p->quote_line);
    }
    return 0;
}

gg_csv_encoding gg_csv_encoding_of(const gg_csv *p) { return p->enc; }

const char *gg_csv_encoding_name(gg_csv_encoding enc)
{
    switch (enc) {
    case GG_CSV_ENC_UTF8: return "utf-8";
    case GG_CSV_ENC_GB18030: return "gb18030";
    default: return "unknown";
    }
}

uint64_t gg_csv_records(const gg_csv *p) { return p->records; }
uint64_t gg_csv_bytes_in(const gg_csv *p) { return p->fed; }

size_t gg_csv_memory(const gg_csv *p)
{
    size_t fields = p->cap_fields * (2 * sizeof(size_t) + sizeof(char *));
    return sizeof *p + (p->row.data ? p->row.cap + 1 : 0) + fields;
}
