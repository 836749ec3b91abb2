/*
 * test_core.c — unit tests for src/core: status mapping, the pool and the
 * malloc wrapper, the bounded buffer, string helpers (integers, UTF-8,
 * base64url, hex, query decoding), ISO 8601 time and the log line format.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/gg.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/str.h"
#include "core/timeutil.h"

#define US INT64_C(1000000)

/* ---- gg.h ------------------------------------------------------------ */

static void test_status_map(void **state)
{
    static const struct { int rc, http; const char *code; } want[] = {
        {GG_OK, 200, "ok"},
        {GG_EINVAL, 422, "invalid"},
        {GG_ENOTFOUND, 404, "not_found"},
        {GG_ECONFLICT, 409, "conflict"},
        {GG_EFORBIDDEN, 403, "forbidden"},
        {GG_EUNAUTH, 401, "unauthorized"},
        {GG_ETOOBIG, 413, "too_large"},
        {GG_EIO, 500, "internal"},
        {GG_EBUSY, 503, "unavailable"},
        {GG_ENOMEM, 503, "out_of_memory"},
        {GG_ELIMIT, 429, "too_many_requests"},
        {-99, 500, "internal"},
        {7, 500, "internal"},
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(want); i++) {
        assert_int_equal(gg_status_http(want[i].rc), want[i].http);
        assert_string_equal(gg_status_code(want[i].rc), want[i].code);
    }
}

static void test_fail_fills_error(void **state)
{
    gg_error e;
    memset(&e, 0x55, sizeof e);
    assert_int_equal(gg_fail(&e, GG_ENOTFOUND, 0, NULL, NULL, "no case %d", 42), GG_ENOTFOUND);
    assert_int_equal(e.status, 404);
    assert_string_equal(e.code, "not_found");
    assert_string_equal(e.message, "no case 42");
    assert_string_equal(e.field, "");

    assert_int_equal(gg_fail(&e, GG_EINVAL, 422, "invalid_length", "name", "too long"), GG_EINVAL);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.code, "invalid_length");
    assert_string_equal(e.field, "name");

    assert_int_equal(gg_fail(NULL, GG_EIO, 500, "internal", NULL, "x"), GG_EIO);
}

static void test_fail_truncates_on_code_point(void **state)
{
    /* "a" + 21 x "网" is 64 bytes: a byte cut at 63 would split the last
     * character, which must be dropped whole. */
    char field[80] = "a";
    for (int i = 0; i < 21; i++)
        memcpy(field + 1 + 3 * i, "\xE7\xBD\x91", 4);
    gg_error e;
    gg_fail(&e, GG_EINVAL, 422, "unknown_field", field, "x");
    assert_int_equal(strlen(e.field), 61);
    assert_true(gg_utf8_valid(e.field, strlen(e.field), false));
}

/* ---- mem.h ----------------------------------------------------------- */

static void test_pool_alignment_and_content(void **state)
{
    gg_pool *p = gg_pool_new(1 << 20);
    assert_non_null(p);
    unsigned char *ptrs[200];
    size_t sizes[200];
    for (int i = 0; i < 200; i++) {
        sizes[i] = (size_t)(i * 37 % 300) + 1;
        ptrs[i] = gg_palloc(p, sizes[i]);
        assert_non_null(ptrs[i]);
        assert_int_equal((uintptr_t)ptrs[i] % 16, 0);
        memset(ptrs[i], i & 0xff, sizes[i]);
    }
    /* No two pieces overlap: each still holds its own pattern. */
    for (int i = 0; i < 200; i++)
        for (size_t k = 0; k < sizes[i]; k++)
            assert_int_equal(ptrs[i][k], i & 0xff);
    gg_pool_free(p);
}

static void test_pool_large_alloc_own_block(void **state)
{
    gg_pool *p = gg_pool_new(1 << 20);
    char *small1 = gg_palloc(p, 10);
    char *big = gg_palloc(p, 200000);
    char *small2 = gg_palloc(p, 10);
    assert_non_null(small1);
    assert_non_null(big);
    assert_non_null(small2);
    assert_int_equal((uintptr_t)big % 16, 0);
    memset(big, 'x', 200000);
    /* The small pieces keep sharing the current chunk. */
    assert_int_equal(small2 - small1, 16);
    gg_pool_free(p);
}

static void test_pool_max_exceeded(void **state)
{
    gg_pool *p = gg_pool_new(1000);
    assert_non_null(gg_palloc(p, 900));
    assert_int_equal(gg_pool_used(p), 912);
    assert_null(gg_palloc(p, 100)); /* 912 + 112 > 1000 */
    assert_int_equal(gg_pool_used(p), 912);
    assert_non_null(gg_palloc(p, 80)); /* 992: still fits */
    assert_null(gg_palloc(p, 1));
    assert_null(gg_palloc(p, SIZE_MAX)); /* no overflow in the rounding */
    gg_pool_free(p);

    p = gg_pool_new(0);
    assert_null(gg_palloc(p, 1));
    gg_pool_free(p);
}

static void test_pool_strings(void **state)
{
    gg_pool *p = gg_pool_new(4096);
    char *s = gg_pstrndup(p, "hello world", 5);
    assert_string_equal(s, "hello");
    assert_string_equal(gg_pstrdup(p, "网格"), "网格");
    assert_string_equal(gg_pstrndup(p, "ab\0cd", 5), "ab");
    assert_string_equal(gg_pprintf(p, "%s-%03d", "case", 7), "case-007");
    unsigned char *z = gg_pcalloc(p, 64);
    for (int i = 0; i < 64; i++)
        assert_int_equal(z[i], 0);
    gg_pool_free(p);
    gg_pool_free(NULL);
}

static int order[8];
static int order_n;

static void record(void *arg)
{
    order[order_n++] = (int)(intptr_t)arg;
}

static void test_pool_cleanup_lifo(void **state)
{
    order_n = 0;
    gg_pool *p = gg_pool_new(4096);
    for (intptr_t i = 1; i <= 4; i++)
        assert_int_equal(gg_pool_cleanup(p, record, (void *)i), 0);
    assert_int_equal(order_n, 0);
    gg_pool_free(p);
    assert_int_equal(order_n, 4);
    assert_int_equal(order[0], 4);
    assert_int_equal(order[1], 3);
    assert_int_equal(order[2], 2);
    assert_int_equal(order[3], 1);
}

static void test_pool_cleanup_when_full_runs_now(void **state)
{
    order_n = 0;
    gg_pool *p = gg_pool_new(64);
    assert_non_null(gg_palloc(p, 64));
    assert_int_equal(gg_pool_cleanup(p, record, (void *)(intptr_t)9), GG_ENOMEM);
    assert_int_equal(order_n, 1); /* ran at once */
    gg_pool_free(p);
    assert_int_equal(order_n, 1); /* and not again */
}

static void test_malloc_wrappers(void **state)
{
    char *s = gg_strndup("abcdef", 3);
    assert_string_equal(s, "abc");
    gg_free(s);
    s = gg_xstrdup("网格");
    assert_string_equal(s, "网格");
    gg_free(s);
    void *z = gg_malloc(0);
    assert_non_null(z);
    z = gg_realloc(z, 0);
    assert_non_null(z);
    gg_free(z);
}

/* ---- buf.h ----------------------------------------------------------- */

static void test_buf_grows_by_doubling(void **state)
{
    gg_buf b;
    gg_buf_init(&b, 1 << 20);
    assert_int_equal(gg_buf_puts(&b, "x"), 0);
    size_t cap1 = b.cap;
    for (size_t i = 1; i <= cap1; i++)
        assert_int_equal(gg_buf_putc(&b, 'y'), 0);
    assert_int_equal(b.len, cap1 + 1);
    assert_int_equal(b.cap, cap1 * 2);
    assert_int_equal(b.data[b.len], '\0');
    gg_buf_free(&b);
}

static void test_buf_max(void **state)
{
    gg_buf b;
    gg_buf_init(&b, 10);
    assert_int_equal(gg_buf_append(&b, "0123456789", 10), 0); /* exactly max */
    assert_int_equal(gg_buf_putc(&b, 'x'), GG_ETOOBIG);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.data, "0123456789"); /* unchanged by the refusal */
    gg_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(gg_buf_printf(&b, "%d", 12345), 0);
    assert_int_equal(gg_buf_printf(&b, "%s", "123456"), GG_ETOOBIG);
    assert_string_equal(b.data, "12345");
    assert_int_equal(gg_buf_append(&b, "", SIZE_MAX), GG_ETOOBIG);
    gg_buf_free(&b);
}

static void test_buf_printf_and_steal(void **state)
{
    gg_buf b;
    gg_buf_init(&b, 1 << 16);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(gg_buf_printf(&b, "%04d,", i), 0);
    assert_int_equal(b.len, 5000);
    assert_memory_equal(b.data + 4995, "0999,", 5);
    size_t n = 0;
    char *s = gg_buf_steal(&b, &n);
    assert_int_equal(n, 5000);
    assert_int_equal(s[5000], '\0');
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    gg_free(s);

    s = gg_buf_steal(&b, &n); /* empty buffer: still a string to free */
    assert_non_null(s);
    assert_int_equal(n, 0);
    assert_string_equal(s, "");
    gg_free(s);
    gg_buf_free(&b);
}

/* ---- str.h ----------------------------------------------------------- */

static int parse(const char *s, int64_t min, int64_t max, int64_t *out)
{
    return gg_parse_i64(s, strlen(s), min, max, out);
}

static void test_parse_i64(void **state)
{
    int64_t v = -1;
    assert_int_equal(parse("0", INT64_MIN, INT64_MAX, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(parse("-0", INT64_MIN, INT64_MAX, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(parse("0042", INT64_MIN, INT64_MAX, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(parse("9223372036854775807", INT64_MIN, INT64_MAX, &v), 0);
    assert_true(v == INT64_MAX);
    assert_int_equal(parse("-9223372036854775808", INT64_MIN, INT64_MAX, &v), 0);
    assert_true(v == INT64_MIN);

    v = 7;
    assert_int_equal(parse("9223372036854775808", INT64_MIN, INT64_MAX, &v), GG_EINVAL);
    assert_int_equal(parse("-9223372036854775809", INT64_MIN, INT64_MAX, &v), GG_EINVAL);
    assert_int_equal(parse("99999999999999999999", INT64_MIN, INT64_MAX, &v), GG_EINVAL);
    assert_int_equal(parse("", INT64_MIN, INT64_MAX, &v), GG_EINVAL);
    assert_int_equal(parse("-", INT64_MIN, INT64_MAX, &v), GG_EINVAL);
    assert_int_equal(parse("+1", INT64_MIN, INT64_MAX, &v), GG_EINVAL);
    assert_int_equal(parse(" 1", INT64_MIN, INT64_MAX, &v), GG_EINVAL);
    assert_int_equal(parse("1 ", INT64_MIN, INT64_MAX, &v), GG_EINVAL);
    assert_int_equal(parse("12a", INT64_MIN, INT64_MAX, &v), GG_EINVAL);
    assert_int_equal(parse("0x10", INT64_MIN, INT64_MAX, &v), GG_EINVAL);
    assert_int_equal(parse("--1", INT64_MIN, INT64_MAX, &v), GG_EINVAL);
    assert_int_equal(parse("101", 1, 100, &v), GG_EINVAL);
    assert_int_equal(parse("0", 1, 100, &v), GG_EINVAL);
    assert_int_equal(v, 7); /* untouched on failure */
    assert_int_equal(parse("100", 1, 100, &v), 0);
    assert_int_equal(v, 100);

    /* Only n bytes are read: no terminator needed. */
    assert_int_equal(gg_parse_i64("123456", 3, 0, 1000, &v), 0);
    assert_int_equal(v, 123);
}

static void test_str_eq_prefix(void **state)
{
    gg_str s = {"cases/12", 5};
    assert_true(gg_str_eq(s, "cases"));
    assert_false(gg_str_eq(s, "case"));
    assert_false(gg_str_eq(s, "cases/"));
    assert_true(gg_str_has_prefix(s, "case"));
    assert_true(gg_str_has_prefix(s, ""));
    assert_false(gg_str_has_prefix(s, "cases/1"));
    assert_true(gg_str_eq(GG_STR(""), ""));
}

#define U8(lit) (lit), sizeof(lit) - 1

static void test_utf8_valid(void **state)
{
    assert_true(gg_utf8_valid(U8("plain ascii"), false));
    assert_true(gg_utf8_valid(U8("网格"), false));
    assert_true(gg_utf8_valid(U8("\xC2\x80"), false));         /* U+0080 */
    assert_true(gg_utf8_valid(U8("\xED\x9F\xBF"), false));     /* U+D7FF */
    assert_true(gg_utf8_valid(U8("\xEE\x80\x80"), false));     /* U+E000 */
    assert_true(gg_utf8_valid(U8("\xF0\x9F\x98\x80"), false)); /* emoji */
    assert_true(gg_utf8_valid(U8("\xF4\x8F\xBF\xBF"), false)); /* U+10FFFF */
    assert_true(gg_utf8_valid("", 0, false));

    assert_false(gg_utf8_valid(U8("\xC0\x80"), true));         /* overlong NUL */
    assert_false(gg_utf8_valid(U8("\xC1\xBF"), true));         /* overlong */
    assert_false(gg_utf8_valid(U8("\xE0\x80\x80"), true));     /* overlong */
    assert_false(gg_utf8_valid(U8("\xF0\x80\x80\x80"), true)); /* overlong */
    assert_false(gg_utf8_valid(U8("\xED\xA0\x80"), true));     /* U+D800 */
    assert_false(gg_utf8_valid(U8("\xED\xBF\xBF"), true));     /* U+DFFF */
    assert_false(gg_utf8_valid(U8("\xF4\x90\x80\x80"), true)); /* U+110000 */
    assert_false(gg_utf8_valid(U8("\xF5\x80\x80\x80"), true));
    assert_false(gg_utf8_valid(U8("\xE4\xB8"), true));         /* truncated */
    assert_false(gg_utf8_valid(U8("ok\xE4"), true));           /* truncated at end */
    assert_false(gg_utf8_valid(U8("\x80"), true));             /* lone continuation */
    assert_false(gg_utf8_valid(U8("\xE4\x41\x41"), true));     /* bad continuation */
    assert_false(gg_utf8_valid(U8("\xFF"), true));

    /* A valid 3-byte sequence cut by n is invalid: n is the boundary. */
    assert_false(gg_utf8_valid("\xE7\xBD\x91", 2, true));

    assert_true(gg_utf8_valid(U8("a\0b"), true));
    assert_false(gg_utf8_valid(U8("a\0b"), false));

    assert_int_equal(gg_utf8_len(U8("网格a")), 3);
    assert_int_equal(gg_utf8_len(U8("\xF0\x9F\x98\x80")), 1);

    uint32_t cp = 0;
    assert_int_equal(gg_utf8_decode(U8("网"), &cp), 3);
    assert_int_equal(cp, 0x7F51);
    assert_int_equal(gg_utf8_decode("", 0, &cp), 0);
}

static void test_b64url(void **state)
{
    char enc[64];
    unsigned char dec[64];
    size_t n = 0;

    gg_b64url_encode((const unsigned char *)"hello", 5, enc);
    assert_string_equal(enc, "aGVsbG8");
    assert_int_equal(gg_b64url_enc_len(5), 7);
    const unsigned char odd[] = {0xfb, 0xff};
    gg_b64url_encode(odd, 2, enc);
    assert_string_equal(enc, "-_8"); /* URL alphabet, no padding */

    unsigned char src[40];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (unsigned char)(i * 97 + 13);
    for (size_t len = 0; len <= sizeof src; len++) {
        gg_b64url_encode(src, len, enc);
        assert_int_equal(strlen(enc), gg_b64url_enc_len(len));
        assert_int_equal(gg_b64url_decode(enc, strlen(enc), dec, sizeof dec, &n), 0);
        assert_int_equal(n, len);
        assert_memory_equal(dec, src, len);
    }

    assert_int_equal(gg_b64url_decode(U8("aGVs+G8"), dec, sizeof dec, &n), GG_EINVAL);
    assert_int_equal(gg_b64url_decode(U8("aGVs/G8"), dec, sizeof dec, &n), GG_EINVAL);
    assert_int_equal(gg_b64url_decode(U8("aGVsbG8="), dec, sizeof dec, &n), GG_EINVAL);
    assert_int_equal(gg_b64url_decode(U8("aGVsb"), dec, sizeof dec, &n), GG_EINVAL);
    assert_int_equal(gg_b64url_decode(U8("aGVs bG8"), dec, sizeof dec, &n), GG_EINVAL);
    /* Non-zero unused bits: a second spelling of "hello" is refused. */
    assert_int_equal(gg_b64url_decode(U8("aGVsbG9"), dec, sizeof dec, &n), GG_EINVAL);
    /* dst too small is refused, not overrun. */
    assert_int_equal(gg_b64url_decode(U8("aGVsbG8"), dec, 4, &n), GG_EINVAL);
    assert_int_equal(gg_b64url_decode(U8("aGVsbG8"), dec, 5, &n), 0);
}

static void test_hex(void **state)
{
    const unsigned char src[] = {0x00, 0x0f, 0xab, 0xff};
    char dst[9];
    gg_hex_encode(src, 4, dst);
    assert_string_equal(dst, "000fabff");
}

static void test_url_decode(void **state)
{
    char out[64];
    long n = gg_url_decode(U8("a+b%20c%2Fd%e7%bd%91"), out);
    assert_int_equal(n, 10);
    assert_memory_equal(out, "a b c/d网", 10);

    char inplace[] = "x%41%42+";
    n = gg_url_decode(inplace, strlen(inplace), inplace);
    assert_int_equal(n, 4);
    assert_memory_equal(inplace, "xAB ", 4);

    assert_int_equal(gg_url_decode(U8("%"), out), -1);
    assert_int_equal(gg_url_decode(U8("ab%2"), out), -1);
    assert_int_equal(gg_url_decode(U8("%zz"), out), -1);
    assert_int_equal(gg_url_decode(U8("%g0"), out), -1);
    assert_int_equal(gg_url_decode("", 0, out), 0);
}

static void test_strlcpy(void **state)
{
    char d[6];
    assert_int_equal(gg_strlcpy(d, "abc", sizeof d), 3);
    assert_string_equal(d, "abc");
    assert_int_equal(gg_strlcpy(d, "abcdefgh", sizeof d), 5);
    assert_string_equal(d, "abcde");
    assert_int_equal(gg_strlcpy(d, "abc", 1), 0);
    assert_string_equal(d, "");
    d[0] = 'z';
    assert_int_equal(gg_strlcpy(d, "abc", 0), 0);
    assert_int_equal(d[0], 'z');
}

/* ---- timeutil.h ------------------------------------------------------ */

static int64_t tparse(const char *s, int off, int *rc)
{
    int64_t t = 0;
    *rc = gg_time_parse(s, strlen(s), off, &t);
    return t;
}

static void test_time_format(void **state)
{
    char s[40];
    gg_time_format(0, 480, s, sizeof s);
    assert_string_equal(s, "1970-01-01T08:00:00+08:00");
    gg_time_format(INT64_C(1795260605) * US + 999999, 480, s, sizeof s);
    assert_string_equal(s, "2026-11-21T19:30:05+08:00");
    gg_time_format(INT64_C(1795260605) * US, 0, s, sizeof s);
    assert_string_equal(s, "2026-11-21T11:30:05Z");
    gg_time_format(INT64_C(1709164800) * US, -330, s, sizeof s);
    assert_string_equal(s, "2024-02-28T18:30:00-05:30");
    gg_time_format(-1, 0, s, sizeof s); /* floors, not truncates */
    assert_string_equal(s, "1969-12-31T23:59:59Z");
    gg_time_format(INT64_C(-62135596800) * US, 0, s, sizeof s);
    assert_string_equal(s, "0001-01-01T00:00:00Z");
    gg_time_format(INT64_C(253402300799) * US, 0, s, sizeof s);
    assert_string_equal(s, "9999-12-31T23:59:59Z");
    char small[11];
    gg_time_format(0, 0, small, sizeof small);
    assert_string_equal(small, "1970-01-01");
}

static void test_time_parse(void **state)
{
    int rc;
    int64_t t = tparse("2026-11-21T19:30:05+08:00", 0, &rc);
    assert_int_equal(rc, 0);
    assert_true(t == INT64_C(1795260605) * US);
    assert_true(tparse("2026-11-21T11:30:05Z", 480, &rc) == t);
    assert_true(tparse("2026-11-21T06:00:05-05:30", 480, &rc) == t);
    assert_int_equal(rc, 0);
    assert_true(tparse("2026-11-21T11:30:05.5Z", 0, &rc) == t + 500000);
    assert_true(tparse("2026-11-21T11:30:05.000123Z", 0, &rc) == t + 123);
    assert_true(tparse("1969-07-20T20:17:40Z", 0, &rc) == INT64_C(-14182940) * US);
    assert_int_equal(rc, 0);

    /* A bare date is midnight in the given zone. */
    assert_true(tparse("2024-02-29", 0, &rc) == INT64_C(1709164800) * US);
    assert_int_equal(rc, 0);
    assert_true(tparse("2024-02-29", 480, &rc) == (INT64_C(1709164800) - 8 * 3600) * US);
    assert_true(tparse("2000-02-29", 0, &rc) == (INT64_C(951868800) - 86400) * US);
    assert_int_equal(rc, 0);

    static const char *const bad[] = {
        "2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10",
        "2026-01-00", "2026-1-01", "2026-01-01T00:00:00", "2026-01-01T24:00:00Z",
        "2026-01-01T23:60:00Z", "2026-01-01T23:59:60Z", "2026-01-01T00:00:00.Z",
        "2026-01-01T00:00:00.1234567Z", "2026-01-01T00:00:00+8:00", "2026-01-01T00:00:00+08",
        "2026-01-01T00:00:00+24:00", "2026-01-01T00:00:00+08:60", "2026-01-01T00:00:00Zx",
        "2026-01-01 00:00:00Z", "2026-01-01T00:00Z", "2026-01-01x", "", "20260101",
        "2026-01-01T00:00:00z", "２０２６-01-01",
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(bad); i++) {
        int64_t out = 77;
        assert_int_equal(gg_time_parse(bad[i], strlen(bad[i]), 480, &out), GG_EINVAL);
        assert_true(out == 77);
    }
    /* Only n bytes are read. */
    int64_t out = 0;
    assert_int_equal(gg_time_parse("2026-11-21junk", 10, 0, &out), 0);
}

static void test_time_roundtrip(void **state)
{
    static const int offsets[] = {480, 0, -330, 345, -720};
    char s[40];
    for (int64_t t = INT64_C(-5000000000); t < INT64_C(5000000000); t += INT64_C(123456789)) {
        for (size_t k = 0; k < GG_ARRAY_LEN(offsets); k++) {
            gg_time_format(t * US, offsets[k], s, sizeof s);
            int64_t back = 0;
            assert_int_equal(gg_time_parse(s, strlen(s), 0, &back), 0);
            assert_true(back == t * US);
        }
    }
}

static void test_display_offset(void **state)
{
    assert_int_equal(gg_display_offset_min(), 480);
    gg_set_display_offset_min(-60);
    assert_int_equal(gg_display_offset_min(), -60);
    gg_set_display_offset_min(480);
    int64_t a = gg_mono_us(), b = gg_mono_us();
    assert_true(b >= a);
    assert_true(gg_now_us() > INT64_C(1700000000) * US);
}

/* ---- log.h ----------------------------------------------------------- */

/* Run fn with stderr redirected into a pipe and return what it wrote. */
static size_t capture_stderr(void (*fn)(void), char *out, size_t cap)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    int saved = dup(STDERR_FILENO);
    dup2(fds[1], STDERR_FILENO);
    fn();
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fds[1]);
    size_t n = 0;
    ssize_t r;
    while (n < cap - 1 && (r = read(fds[0], out + n, cap - 1 - n)) > 0)
        n += (size_t)r;
    out[n] = '\0';
    close(fds[0]);
    return n;
}

static void log_two(void)
{
    gg_info("hello %s\nforged 2026-01-01 ERROR x", "网格");
    gg_debug("hidden");
}

static void log_filtered(void)
{
    gg_log_set_level(GG_LOG_WARN);
    gg_info("hidden");
    gg_warn("shown");
    gg_log_set_level(GG_LOG_INFO);
}

static void log_long(void)
{
    char big[5000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    gg_error_log("%s", big);
}

static void test_log_line(void **state)
{
    char out[8192];
    size_t n = capture_stderr(log_two, out, sizeof out);
    /* 2026-11-21T19:30:05.123+08:00 INFO hello 网格 forged ... */
    assert_true(n > 30);
    assert_int_equal(out[4], '-');
    assert_int_equal(out[10], 'T');
    assert_int_equal(out[19], '.');
    static const char rest[] = "+08:00 INFO hello 网格 forged";
    assert_memory_equal(out + 23, rest, sizeof rest - 1);
    assert_int_equal(out[n - 1], '\n');
    assert_null(memchr(out, '\n', n - 1)); /* one line: the \n became a space */

    n = capture_stderr(log_filtered, out, sizeof out);
    assert_non_null(strstr(out, " WARN shown\n"));
    assert_null(strstr(out, "hidden"));

    n = capture_stderr(log_long, out, sizeof out);
    assert_true(n <= 2048);
    assert_memory_equal(out + n - 4, "...\n", 4);
    assert_non_null(strstr(out, " ERROR zzz"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_map),
        cmocka_unit_test(test_fail_fills_error),
        cmocka_unit_test(test_fail_truncates_on_code_point),
        cmocka_unit_test(test_pool_alignment_and_content),
        cmocka_unit_test(test_pool_large_alloc_own_block),
        cmocka_unit_test(test_pool_max_exceeded),
        cmocka_unit_test(test_pool_strings),
        cmocka_unit_test(test_pool_cleanup_lifo),
        cmocka_unit_test(test_pool_cleanup_when_full_runs_now),
        cmocka_unit_test(test_malloc_wrappers),
        cmocka_unit_test(test_buf_grows_by_doubling),
        cmocka_unit_test(test_buf_max),
        cmocka_unit_test(test_buf_printf_and_steal),
        cmocka_unit_test(test_parse_i64),
        cmocka_unit_test(test_str_eq_prefix),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_b64url),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_url_decode),
        cmocka_unit_test(test_strlcpy),
        cmocka_unit_test(test_time_format),
        cmocka_unit_test(test_time_parse),
        cmocka_unit_test(test_time_roundtrip),
        cmocka_unit_test(test_display_offset),
        cmocka_unit_test(test_log_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
