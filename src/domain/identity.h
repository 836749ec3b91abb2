/*
 * identity.h — citizen ID numbers, phone numbers and display masks, as pure
 * functions (no I/O, no SQL, no allocation).
 *
 * ID numbers follow GB 11643-1999: 6 digits region (GB/T 2260), 8 digits
 * birth date YYYYMMDD, 3 digits sequence (the last of them odd for men, even
 * for women), 1 check digit (ISO 7064 MOD 11-2, 0-9 or X). The 15-digit
 * form of before 1999 (YYMMDD, no check digit) is accepted and converted.
 *
 * Region rule: the first two digits are a province-level prefix of GB/T 2260
 * (the list place.c uses: 31 mainland provinces, 71, 81, 82). Refused:
 *   PP0000  a whole province or municipality (北京 110000 included), except
 *           810000 and 820000, the codes of the residence permits for Hong
 *           Kong and Macao residents (港澳居民居住证), which follow GB 11643;
 *   PP00nn  (nn != 00) a level GB/T 2260 does not have.
 * Prefecture-level codes PPCC00 (e.g. 110100, 630100) are accepted: early
 * numbers were issued with them. Whether a county code still exists is not
 * checked; codes are retired and people keep their numbers for life.
 *
 * Birth date rule: a real Gregorian date, not before 1900-01-01 and not
 * after `today`, a local day number (days since 1970-01-01, as calendar.h
 * counts days) the caller passes, so the module never reads a clock.
 *
 * Every refusal fills the caller's gg_error with status 422, code
 * "invalid_id_number" / field "id_number" or "invalid_phone" / "phone", and
 * a reason a clerk can act on.
 */
#ifndef GG_DOMAIN_IDENTITY_H
#define GG_DOMAIN_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/gg.h"

#define GG_ID_LEN 18          /* characters of a GB 11643-1999 number */
#define GG_ID_LEGACY_LEN 15   /* digits of the pre-1999 form */
#define GG_ID_INPUT_MAX 64    /* longest input (bytes, after trimming) looked at */

/* Sex as GB/T 2261.1 codes it. */
enum gg_sex {
    GG_SEX_UNKNOWN = 0,
    GG_SEX_MALE = 1,
    GG_SEX_FEMALE = 2,
};

/* What a valid ID number says. */
typedef struct gg_id_info {
    char number[GG_ID_LEN + 1]; /* normalised: 18 characters, check digit X upper-case */
    char region[7];             /* the 6-digit region code */
    int year, month, day;       /* birth date */
    int64_t birth_day;          /* birth date as days since 1970-01-01 */
    int sex;                    /* GG_SEX_MALE or GG_SEX_FEMALE */
    bool legacy;                /* the input was the 15-digit form */
} gg_id_info;

/* The check digit ('0'-'9' or 'X') of the first 17 characters of d, which
 * must be digits; 0 if they are not. */
char gg_id_check_digit(const char *d);

/* Validate an ID number given as n bytes at s (leading and trailing ASCII
 * blanks ignored; a lower-case x check digit is accepted). A 15-digit number
 * is converted to 18 digits. today: days since 1970-01-01.
 * GG_OK and *out filled (out may be NULL), or GG_EINVAL with the reason in e
 * (checked in this order: length, characters, region, birth date, check
 * digit). */
int gg_id_parse(const char *s, size_t n, int64_t today, gg_id_info *out, gg_error *e);

/* Convert a 15-digit number to 18: "19" inserted before the year, the check
 * digit appended. Only the shape is checked (15 ASCII digits), not region
 * or date: gg_id_parse does both. out holds at least GG_ID_LEN + 1 bytes. */
int gg_id_upgrade_legacy(const char *s15, char out[GG_ID_LEN + 1]);

/*
 * Whether s (NUL-terminated, a spreadsheet cell as text) looks like an ID
 * number a spreadsheet stored as a number, which loses it for good:
 *   - scientific notation with 1 to 15 significant digits and exponent
 *     +14 to +17 ("6.30102E+17", "6.30102199001011e17", "1.1E+14");
 *   - 18 digits ending in "000" whose first 15 look like the start of an ID
 *     number (known province, real date 1900-2099) but whose check digit is
 *     wrong: Excel keeps 15 significant digits and zeroes the rest;
 *   - 15 or 18 digits followed by a decimal point and only zeros
 *     ("630102199001011234.0"): the value went through a number format.
 * Leading and trailing ASCII blanks are ignored. A valid ID number is never
 * reported, nor is anything else that is not a number.
 */
bool gg_id_looks_mangled(const char *s);

/* ---- phone numbers ------------------------------------------------------ */

enum gg_phone_kind {
    GG_PHONE_NONE = 0,
    GG_PHONE_MOBILE = 1,
    GG_PHONE_LANDLINE = 2,
};

#define GG_PHONE_INPUT_MAX 64 /* longest input (bytes, after trimming) looked at */

typedef struct gg_phone {
    int kind;
    /* Canonical form, the one to store and index:
     *   mobile    "13812345678"
     *   landline  "010-12345678", "0631-5201234-88" (area-local[-extension]) */
    char number[24];
    char area[5];  /* landline: "010", "0631"; mobile: "" */
    char local[9]; /* landline: 7 or 8 digits; mobile: "" */
    char ext[7];   /* landline extension, 1-6 digits, or "" */
} gg_phone;

/*
 * Validate a mainland phone number given as n bytes at s.
 *   mobile    1[3-9] + 9 digits, optionally after +86, 0086 or a bare 86
 *   landline  area code 010, 02X or 0XXX (the trunk 0 may be left out after
 *             +86), then a local number of 7-8 digits not starting with 0 or
 *             1, then optionally an extension of 1-6 digits after 转, ext,
 *             x, # or a third dash/space-separated group
 * Spaces, dashes and parentheses may separate groups of digits.
 * GG_OK and *out filled (out may be NULL), or GG_EINVAL with the reason in e.
 */
int gg_phone_parse(const char *s, size_t n, gg_phone *out, gg_error *e);

/* ---- display masks ------------------------------------------------------ */

/*
 * All masks write a NUL-terminated string to out (cap bytes) and return
 * GG_OK, GG_EINVAL for NULL or invalid UTF-8 input, or GG_ETOOBIG when out
 * is too small; on failure out holds "" (when cap > 0). Each masked code
 * point becomes one '*'.
 */

/* Keep the first keep_head and last keep_tail code points of s, mask the
 * rest. At least one code point of a non-empty s is always masked: when
 * head + tail would show everything, the tail shrinks first, then the head
 * ("A" → "*", "ab" with 1,1 → "a*"). */
int gg_mask(const char *s, size_t keep_head, size_t keep_tail, char *out, size_t cap);

/* ID number: first 6 and last 4 kept, "630102********1234". */
int gg_mask_id(const char *id, char *out, size_t cap);

/* Phone in canonical form (gg_phone.number): a mobile keeps its first 3 and
 * last 4 digits, "138****5678"; a landline keeps its area code and the last
 * 4 digits of its local number and drops the extension, "010-****5678".
 * Anything else is masked as a mobile would be. */
int gg_mask_phone(const char *phone, char *out, size_t cap);

/* Personal name: the surname is kept, the rest masked: "张*", "张**",
 * "欧阳**" (a two-character compound surname 复姓 from a fixed table is kept
 * whole when at least one character follows it), "J***". */
int gg_mask_name(const char *name, char *out, size_t cap);

#endif
