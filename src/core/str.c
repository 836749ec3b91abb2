/*
 * str.c — bounded helpers for bytes from outside: integer parsing without
 * atoi, a strict UTF-8 validator (RFC 3629: no overlongs, no surrogates,
 * nothing past U+10FFFF), base64url, hex, and query-string decoding.
 * Nothing here reads past p + n or assumes a NUL terminator.
 */
#include <assert.h>
#include "core/str.h"

#include <string.h>

#include "core/gg.h"

bool gg_str_eq(gg_str a, const char *z)
{
    size_t zn = strlen(z);
    return a.n == zn && (zn == 0 || memcmp(a.p, z, zn) == 0);
}

bool gg_str_has_prefix(gg_str a, const char *z)
{
    size_t zn = strlen(z);
    return a.n >= zn && (zn == 0 || memcmp(a.p, z, zn) == 0);
}

int gg_parse_i64(const char *p, size_t n, int64_t min, int64_t max, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (n > 0 && p[0] == '-') {
        neg = true;
        i = 1;
    }
    if (i == n)
        return GG_EINVAL;
    /* Accumulate as a negative number: its range includes INT64_MIN. */
    int64_t v = 0;
    for (; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return GG_EINVAL;
        int d = p[i] - '0';
        if (v < (INT64_MIN + d) / 10)
            return GG_EINVAL;
        v = v * 10 - d;
    }
    if (!neg) {
        if (v == INT64_MIN)
            return GG_EINVAL;
        v = -v;
    }
    if (v < min || v > max)
        return GG_EINVAL;
    *out = v;
    return 0;
}

size_t gg_utf8_decode(const char *p, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    const unsigned char *s = (const unsigned char *)p;
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v;
    /* Bounds of the second byte per Unicode Table 3-7: they exclude the
     * overlong forms (E0 80..9F, F0 80..8F), the surrogates (ED A0..BF)
     * and everything above U+10FFFF (F4 90..BF). */
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0; /* continuation byte, C0/C1 overlong lead, F5..FF */
    }
    if (n < len)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    v = (v << 6) | (s[1] & 0x3F);
    for (size_t i = 2; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

bool gg_utf8_valid(const char *p, size_t n, bool allow_nul)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x80) {
            if (c == 0 && !allow_nul)
                return false;
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = gg_utf8_decode(p + i, n - i, &cp);
        if (k == 0)
            return false;
        i += k;
    }
    return true;
}

size_t gg_utf8_len(const char *p, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80)
            count++;
    return count;
}

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t gg_b64url_enc_len(size_t n)
{
    return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

void gg_b64url_encode(const unsigned char *src, size_t n, char *dst)
{
    size_t i = 0, o = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8 | src[i + 2];
        dst[o++] = b64url_alphabet[(v >> 18) & 63];
        dst[o++] = b64url_alphabet[(v >> 12) & 63];
        dst[o++] = b64url_alphabet[(v >> 6) & 63];
        dst[o++] = b64url_alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)src[i] << 16;
        dst[o++] = b64url_alphabet[(v >> 18) & 63];
        dst[o++] = b64url_alphabet[(v >> 12) & 63];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8;
        dst[o++] = b64url_alphabet[(v >> 18) & 63];
        dst[o++] = b64url_alphabet[(v >> 12) & 63];
        dst[o++] = b64url_alphabet[(v >> 6) & 63];
    }
    dst[o] = '\0';
}

static int b64url_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

/* Strict: no padding, no whitespace, and the unused low bits of the last
 * character must be zero, so every byte string has exactly one encoding
 * (tokens are compared after decoding). */
int gg_b64url_decode(const char *src, size_t n, unsigned char *dst, size_t dst_cap, size_t *out_len)
{
    if (n % 4 == 1)
        return GG_EINVAL;
    size_t need = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
    if (need > dst_cap)
        return GG_EINVAL;
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64url_value(src[i]);
        if (v < 0)
            return GG_EINVAL;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            dst[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0)
        return GG_EINVAL;
    *out_len = o;
    return 0;
}

void gg_hex_encode(const unsigned char *src, size_t n, char *dst)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        dst[2 * i] = digits[src[i] >> 4];
        dst[2 * i + 1] = digits[src[i] & 15];
    }
    dst[2 * n] = '\0';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The write index never passes the read index, which is what makes the
 * in-place call safe. The result is not NUL-terminated: dst may be exactly
 * n bytes long. */
long gg_url_decode(const char *src, size_t n, char *dst)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = src[i];
        if (c == '+') {
            dst[o++] = ' ';
        } else if (c == '%') {
            if (n - i < 3)
                return -1;
            int hi = hex_value(src[i + 1]), lo = hex_value(src[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            dst[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            dst[o++] = c;
        }
    }
    return (long)o;
}

size_t gg_strlcpy(char *dst, const char *src, size_t cap)
{
    if (cap == 0)
        return 0;
    size_t len = strnlen(src, cap - 1);
    memcpy(dst, src, len);
    dst[len] = '\0';
    return len;
}

bool gg_all_digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9') return false;
    return true;
}

int gg_digits_value(const char *p, size_t n)
{
    assert(n <= 9);
    int v = 0;
    for (size_t i = 0; i < n; i++) v = v * 10 + (p[i] - '0');
    return v;
}
