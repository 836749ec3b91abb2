/*
 * jw.c — streaming JSON writer onto a gg_buf.
 *
 * The writer tracks, per nesting level, whether a comma is due and whether
 * the level is an object (so a value there must follow a key). Misuse (a
 * key in an array, a value without a key, a mismatched close, a second
 * top-level value) sets GG_EINVAL; nesting past GG_JW_MAX_DEPTH sets
 * GG_ETOOBIG; a full buffer sets what gg_buf answered. The first error
 * sticks and every later call is a no-op, so callers check once at the end.
 *
 * Strings are always emitted as valid JSON text: invalid UTF-8 bytes become
 * U+FFFD, and U+2028/U+2029 are escaped because they end a line in
 * JavaScript source (the output may be embedded in a script).
 */
#include "json/jw.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gg.h"
#include "core/str.h"
#include "core/timeutil.h"

#define BIT(d) ((uint64_t)1 << (d))

void gg_jw_init(gg_jw *w, gg_buf *b)
{
    w->b = b;
    w->depth = 0;
    w->err = 0;
    w->first = BIT(0);
    w->after_key = false;
    w->in_obj = 0;
}

int gg_jw_status(const gg_jw *w)
{
    return w->err;
}

static void jw_fail(gg_jw *w, int rc)
{
    if (!w->err)
        w->err = rc;
}

static void put(gg_jw *w, const char *s, size_t n)
{
    if (w->err)
        return;
    int rc = gg_buf_append(w->b, s, n);
    if (rc)
        jw_fail(w, rc);
}

#define PUT_LIT(w, lit) put((w), (lit), sizeof(lit) - 1)

/* Everything a value needs before its first byte: the comma, or the check
 * that a key came first inside an object. false when the value must not be
 * written. */
static bool value_begin(gg_jw *w)
{
    if (w->err)
        return false;
    if (w->after_key) {
        w->after_key = false;
        return true;
    }
    if (w->in_obj & BIT(w->depth)) {
        jw_fail(w, GG_EINVAL);
        return false;
    }
    if (!(w->first & BIT(w->depth))) {
        if (w->depth == 0) {
            jw_fail(w, GG_EINVAL); /* a second top-level value */
            return false;
        }
        PUT_LIT(w, ",");
    }
    w->first &= ~BIT(w->depth);
    return !w->err;
}

static void put_escaped(gg_jw *w, const char *s, size_t n)
{
    PUT_LIT(w, "\"");
    size_t run = 0; /* start of the pending run of bytes copied verbatim */
    size_t i = 0;
    while (i < n && !w->err) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char ubuf[8];
        size_t skip = 1;
        if (c >= 0x80) {
            uint32_t cp;
            size_t k = gg_utf8_decode(s + i, n - i, &cp);
            if (k == 0)
                esc = "\xEF\xBF\xBD"; /* U+FFFD for the one bad byte */
            else if (cp == 0x2028)
                esc = "\\u2028";
            else if (cp == 0x2029)
                esc = "\\u2029";
            if (k > 0)
                skip = k;
        } else if (c == '"') {
            esc = "\\\"";
        } else if (c == '\\') {
            esc = "\\\\";
        } else if (c < 0x20) {
            switch (c) {
            case '\n': esc = "\\n"; break;
            case '\r': esc = "\\r"; break;
            case '\t': esc = "\\t"; break;
            case '\b': esc = "\\b"; break;
            case '\f': esc = "\\f"; break;
            default:
                snprintf(ubuf, sizeof ubuf, "\\u%04x", c);
                esc = ubuf;
            }
        }
        if (esc) {
            put(w, s + run, i - run);
            put(w, esc, strlen(esc));
            run = i + skip;
        }
        i += skip;
    }
    put(w, s + run, n - run);
    PUT_LIT(w, "\"");
}

static void open_container(gg_jw *w, const char *ch, bool obj)
{
    if (!value_begin(w))
        return;
    if (w->depth >= GG_JW_MAX_DEPTH) {
        jw_fail(w, GG_ETOOBIG);
        return;
    }
    put(w, ch, 1);
    w->depth++;
    w->first |= BIT(w->depth);
    if (obj)
        w->in_obj |= BIT(w->depth);
    else
        w->in_obj &= ~BIT(w->depth);
}

static void close_container(gg_jw *w, const char *ch, bool obj)
{
    if (w->err)
        return;
    if (w->depth == 0 || w->after_key || ((w->in_obj & BIT(w->depth)) != 0) != obj) {
        jw_fail(w, GG_EINVAL);
        return;
    }
    put(w, ch, 1);
    w->in_obj &= ~BIT(w->depth);
    w->depth--;
}

void gg_jw_obj(gg_jw *w)
{
    open_container(w, "{", true);
}

void gg_jw_obj_end(gg_jw *w)
{
    close_container(w, "}", true);
}

void gg_jw_arr(gg_jw *w)
{
    open_container(w, "[", false);
}

void gg_jw_arr_end(gg_jw *w)
{
    close_container(w, "]", false);
}

void gg_jw_key(gg_jw *w, const char *key)
{
    if (w->err)
        return;
    if (!(w->in_obj & BIT(w->depth)) || w->after_key) {
        jw_fail(w, GG_EINVAL);
        return;
    }
    if (!(w->first & BIT(w->depth)))
        PUT_LIT(w, ",");
    w->first &= ~BIT(w->depth);
    put_escaped(w, key, strlen(key));
    PUT_LIT(w, ":");
    w->after_key = true;
}

void gg_jw_strn(gg_jw *w, const char *s, size_t n)
{
    if (!s) {
        gg_jw_null(w);
        return;
    }
    if (value_begin(w))
        put_escaped(w, s, n);
}

void gg_jw_str(gg_jw *w, const char *s)
{
    gg_jw_strn(w, s, s ? strlen(s) : 0);
}

void gg_jw_int(gg_jw *w, int64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%" PRId64, v);
    if (value_begin(w))
        put(w, tmp, (size_t)n);
}

/* The shortest of %.15g/%.16g/%.17g that reads back as the same double:
 * 0.1 stays "0.1" instead of "0.10000000000000001". */
void gg_jw_double(gg_jw *w, double v)
{
    if (!isfinite(v)) {
        gg_jw_null(w);
        return;
    }
    char tmp[32];
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    if (value_begin(w))
        put(w, tmp, (size_t)n);
}

void gg_jw_bool(gg_jw *w, bool v)
{
    if (value_begin(w))
        put(w, v ? "true" : "false", v ? 4 : 5);
}

void gg_jw_null(gg_jw *w)
{
    if (value_begin(w))
        PUT_LIT(w, "null");
}

void gg_jw_raw(gg_jw *w, const char *json, size_t n)
{
    if (value_begin(w))
        put(w, json, n);
}

void gg_jw_kstr(gg_jw *w, const char *key, const char *s)
{
    gg_jw_key(w, key);
    gg_jw_str(w, s);
}

void gg_jw_kint(gg_jw *w, const char *key, int64_t v)
{
    gg_jw_key(w, key);
    gg_jw_int(w, v);
}

void gg_jw_kbool(gg_jw *w, const char *key, bool v)
{
    gg_jw_key(w, key);
    gg_jw_bool(w, v);
}

void gg_jw_knull(gg_jw *w, const char *key)
{
    gg_jw_key(w, key);
    gg_jw_null(w);
}

void gg_jw_kid(gg_jw *w, const char *key, int64_t id)
{
    gg_jw_key(w, key);
    if (id <= 0) {
        gg_jw_null(w);
        return;
    }
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%" PRId64, id);
    gg_jw_str(w, tmp);
}

void gg_jw_ktime(gg_jw *w, const char *key, int64_t t_us)
{
    gg_jw_key(w, key);
    if (t_us == 0) {
        gg_jw_null(w);
        return;
    }
    char tmp[40];
    gg_time_format(t_us, gg_display_offset_min(), tmp, sizeof tmp);
    gg_jw_str(w, tmp);
}

void gg_jw_kint_or_null(gg_jw *w, const char *key, int64_t v)
{
    gg_jw_key(w, key);
    if (v) gg_jw_int(w, v);
    else gg_jw_null(w);
}
