/*
 * str.h — bounded helpers for bytes that came from outside: pointer + length,
 * never trusted to be NUL-terminated. No atoi/sscanf anywhere.
 */
#ifndef GG_STR_H
#define GG_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gg_str {
    const char *p;
    size_t n;
} gg_str;

#define GG_STR(lit) ((gg_str){(lit), sizeof(lit) - 1})

bool gg_str_eq(gg_str a, const char *z);           /* a equals NUL-terminated z */
bool gg_str_has_prefix(gg_str a, const char *z);

/* Parse a whole decimal integer (optional leading '-', digits only, no
 * spaces) within [min, max]. GG_EINVAL on any other byte, overflow or range. */
int gg_parse_i64(const char *p, size_t n, int64_t min, int64_t max, int64_t *out);

/* All n bytes are ASCII digits (true for n == 0). */
bool gg_all_digits(const char *p, size_t n);
/* The value of n <= 9 bytes already known to be digits (codes, dates). */
int gg_digits_value(const char *p, size_t n);

/* Valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). NUL bytes are
 * rejected too when allow_nul is false. */
bool gg_utf8_valid(const char *p, size_t n, bool allow_nul);
/* The one valid UTF-8 sequence at p: its length (1-4) with the code point
 * in *cp, or 0 when the bytes there are not a valid sequence (also when
 * n == 0). Same rules as gg_utf8_valid; NUL decodes as U+0000. */
size_t gg_utf8_decode(const char *p, size_t n, uint32_t *cp);
/* Number of code points in valid UTF-8. */
size_t gg_utf8_len(const char *p, size_t n);

/* URL-safe base64 without padding. dst must hold gg_b64url_enc_len(n)+1;
 * the result is NUL-terminated. decode returns GG_EINVAL on bad input and
 * writes at most dst_cap bytes, the length in *out_len. */
size_t gg_b64url_enc_len(size_t n);
void gg_b64url_encode(const unsigned char *src, size_t n, char *dst);
int gg_b64url_decode(const char *src, size_t n, unsigned char *dst, size_t dst_cap, size_t *out_len);

/* Lower-case hex, dst must hold 2n+1. */
void gg_hex_encode(const unsigned char *src, size_t n, char *dst);

/* Percent-decoding of a URL query component ('+' is a space). In place
 * allowed (dst == src). Returns decoded length or -1 on a bad escape. */
long gg_url_decode(const char *src, size_t n, char *dst);

/* Copy at most cap-1 bytes and NUL-terminate; returns bytes copied. */
size_t gg_strlcpy(char *dst, const char *src, size_t cap);

#endif
