/*
 * fuzz_query.c — libFuzzer harness for the small parsers of query strings
 * and path parameters: URL decoding, base64url, the pagination cursor,
 * bounded integers, ISO 8601 times and calendar days.
 *
 * The first byte picks nothing: every parser sees every input, and each
 * checks a property that must hold for all bytes (round trips, bounds),
 * aborting when it does not. Buffers are heap copies sized exactly, so
 * ASan sees any read past the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gg.h"
#include "core/mem.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/calendar.h"
#include "http/req.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void url_decode(const char *p, size_t n)
{
    char *dst = malloc(n ? n : 1);
    long k = gg_url_decode(p, n, dst);
    if (k > (long)n) abort();
    /* in place gives the same answer */
    char *inplace = malloc(n ? n : 1);
    memcpy(inplace, p, n);
    long k2 = gg_url_decode(inplace, n, inplace);
    if (k2 != k || (k > 0 && memcmp(dst, inplace, (size_t)k) != 0)) abort();
    free(inplace);
    free(dst);
}

static void base64url(const unsigned char *p, size_t n)
{
    /* encode then decode is the identity */
    size_t el = gg_b64url_enc_len(n);
    char *enc = malloc(el + 1);
    gg_b64url_encode(p, n, enc);
    if (strlen(enc) != el) abort();
    unsigned char *dec = malloc(n ? n : 1);
    size_t dl = 0;
    if (gg_b64url_decode(enc, el, dec, n, &dl) != 0 || dl != n || memcmp(dec, p, n) != 0) abort();
    free(dec);
    free(enc);
    /* decoding arbitrary text: within the cap, and canonical (re-encodes to itself) */
    unsigned char *out = malloc(n ? n : 1);
    size_t ol = 0;
    if (gg_b64url_decode((const char *)p, n, out, n, &ol) == 0) {
        if (ol > n) abort();
        char *re = malloc(gg_b64url_enc_len(ol) + 1);
        gg_b64url_encode(out, ol, re);
        if (strlen(re) != n || memcmp(re, p, n) != 0) abort();
        free(re);
    }
    free(out);
}

static void cursor(const char *z, size_t n)
{
    /* decode what came in (as MHD hands it: NUL-terminated) */
    char after[GG_CURSOR_MAX + 1];
    if (gg_cursor_decode(z, after, sizeof after) == 0) {
        size_t an = strnlen(after, sizeof after);
        if (an >= sizeof after || an == 0 || !gg_utf8_valid(after, an, false)) abort();
    }
    /* encode the input as a key and decode it back */
    if (n == 0 || n + 1 > GG_CURSOR_MAX || memchr(z, 0, n) || !gg_utf8_valid(z, n, false)) return;
    gg_pool *p = gg_pool_new(1u << 16);
    if (!p) return;
    const char *c = gg_cursor_encode(p, z);
    if (!c || gg_cursor_decode(c, after, sizeof after) != 0 || strcmp(after, z) != 0) abort();
    gg_pool_free(p);
}

static void integers(const char *p, size_t n)
{
    int64_t v;
    if (gg_parse_i64(p, n, INT64_MIN, INT64_MAX, &v) == 0) {
        char tmp[32];
        int k = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
        /* the only accepted spellings beyond the canonical one: leading
         * zeros and "-0" */
        if ((size_t)k == n && memcmp(tmp, p, n) != 0) abort();
        int64_t w;
        if (gg_parse_i64(tmp, (size_t)k, INT64_MIN, INT64_MAX, &w) != 0 || w != v) abort();
    }
    if (gg_parse_i64(p, n, 1, 200, &v) == 0 && (v < 1 || v > 200)) abort();
}

static void times(const char *p, size_t n)
{
    int64_t t;
    for (int off = -720; off <= 840; off += 780) {
        if (gg_time_parse(p, n, off, &t) != 0) continue;
        /* format and parse back: the same instant to the second */
        char buf[64];
        gg_time_format(t, off, buf, sizeof buf);
        if (buf[0] == '-' || buf[4] != '-')
            continue; /* a year outside 0000-9999 in this zone: not ISO text */
        int64_t t2;
        if (gg_time_parse(buf, strlen(buf), 0, &t2) != 0) {
            fprintf(stderr, "formatted time does not parse: %s\n", buf);
            abort();
        }
        int64_t secs = t >= 0 ? t / 1000000 : -((-t + 999999) / 1000000);
        if (t2 != secs * 1000000) {
            fprintf(stderr, "time round trip: %.*s -> %s\n", (int)n, p, buf);
            abort();
        }
    }
    int32_t day;
    if (gg_cal_day_parse(p, n, &day) == 0) {
        char d[11];
        gg_cal_day_format(day, d, sizeof d);
        if (n != 10 || memcmp(d, p, 10) != 0) {
            fprintf(stderr, "day round trip: %.*s -> %s\n", (int)n, p, d);
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size > 4096) return 0;
    char *p = malloc(size ? size : 1);
    memcpy(p, data, size);
    url_decode(p, size);
    base64url((const unsigned char *)p, size);
    integers(p, size);
    times(p, size);
    free(p);
    char *z = malloc(size + 1);
    memcpy(z, data, size);
    z[size] = 0;
    cursor(z, size);
    free(z);
    return 0;
}
