/*
 * identity.c — ID numbers, phone numbers and display masks (see identity.h
 * for the contract and the rules chosen).
 *
 * Pure decisions over plain values: no I/O, no clock (the caller passes
 * today), no allocation. The tables below hold the rules (check-digit
 * weights, province prefixes, extension markers, compound surnames); the
 * functions walk them. Input is pointer + length and is never assumed to be
 * NUL-terminated, except where the header says so.
 */
#include "domain/identity.h"

#include "core/str.h"
#include "core/timeutil.h"
#include "domain/place.h"

#include <string.h>

/* ---- tables ------------------------------------------------------------- */

/* ISO 7064 MOD 11-2: weight of position i is 2^(17-i) mod 11. */
static const int id_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char id_check_chars[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

/* Whole-province codes that still stand for a place of issue: the residence
 * permits of Hong Kong and Macao residents carry them. */
static const char *const province_wide_regions[] = {"810000", "820000"};

/* What may introduce a phone extension (matched case-insensitively for
 * ASCII). Longer markers first so "ext" wins over "x". */
static const char *const ext_markers[] = {"\xe5\x88\x86\xe6\x9c\xba" /* 分机 */,
                                          "\xe8\xbd\xac" /* 转 */, "ext.", "ext", "x", "#"};

/*
 * Two-character compound surnames (复姓) kept whole by gg_mask_name. Left
 * out on purpose: those whose first character is also a common single
 * surname (夏侯, 钟离, 单于, ...), where reading the name as compound would
 * show a character of the given name.
 */
static const char *const compound_surnames[] = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
    "宇文", "司徒", "司空", "令狐", "轩辕", "南宫", "西门", "端木", "澹台", "独孤",
    "呼延", "赫连", "拓跋", "万俟", "闻人", "公羊", "濮阳", "淳于", "申屠", "太史",
    "第五", "百里", "东郭", "公冶", "宗政", "漆雕", "乐正", "壤驷", "公良", "谷梁",
    "羊舌", "微生", "梁丘", "左丘", "闾丘", "亓官", "司寇", "巫马", "颛孙", "鲜于",
};

/* ---- small helpers ------------------------------------------------------ */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Drop leading and trailing ASCII blanks from the n bytes at *s. */
static void trim(const char **s, size_t *n)
{
    while (*n > 0 && is_blank((*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_blank((*s)[*n - 1]))
        (*n)--;
}

/* strlen that stops looking at max. */
static size_t len_upto(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0')
        n++;
    return n;
}

/* Characters (code points, counted by lead bytes) in n bytes: for messages. */
static size_t char_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

/*
 * Length of the UTF-8 sequence starting at s (NUL-terminated), or 0 when it
 * is invalid: overlong, surrogate, above U+10FFFF or truncated.
 */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    size_t need;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        lo = c == 0xE0 ? 0xA0 : lo;
        hi = c == 0xED ? 0x9F : hi;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        lo = c == 0xF0 ? 0x90 : lo;
        hi = c == 0xF4 ? 0x8F : hi;
    } else {
        return 0;
    }
    for (size_t i = 1; i <= need; i++) {
        unsigned b = s[i]; /* a NUL fails the range test: no overrun */
        if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF))
            return 0;
    }
    return need + 1;
}

/* Code points of a NUL-terminated UTF-8 string, or -1 if it is invalid. */
static long utf8_count(const char *z)
{
    const unsigned char *s = (const unsigned char *)z;
    long count = 0;

    while (*s != 0) {
        size_t l = utf8_len(s);
        if (l == 0)
            return -1;
        s += l;
        count++;
    }
    return count;
}

/* ---- ID numbers --------------------------------------------------------- */

#define FAIL_ID(e, ...) \
    gg_fail((e), GG_EINVAL, 422, "invalid_id_number", "id_number", __VA_ARGS__)

char gg_id_check_digit(const char *d)
{
    int sum = 0;

    if (d == NULL)
        return 0;
    for (size_t i = 0; i < 17; i++) {
        if (!is_digit(d[i])) /* stops at a NUL: no overrun */
            return 0;
        sum += (d[i] - '0') * id_weights[i];
    }
    return id_check_chars[sum % 11];
}

int gg_id_upgrade_legacy(const char *s15, char out[GG_ID_LEN + 1])
{
    if (out == NULL)
        return GG_EINVAL;
    out[0] = '\0';
    if (s15 == NULL || len_upto(s15, GG_ID_LEGACY_LEN + 1) != GG_ID_LEGACY_LEN ||
        !gg_all_digits(s15, GG_ID_LEGACY_LEN))
        return GG_EINVAL;
    memcpy(out, s15, 6);
    out[6] = '1';
    out[7] = '9';
    memcpy(out + 8, s15 + 6, 9);
    out[17] = gg_id_check_digit(out);
    out[18] = '\0';
    return GG_OK;
}

/*
 * Every character of a 15- or 18-character candidate in the right class:
 * digits, and X/x as the last of 18. Reports the first offender by its
 * 1-based character position.
 */
static int id_chars_check(const char *s, size_t n, size_t chars, gg_error *e)
{
    size_t pos = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        /* A continuation byte here is a stray one: a lead byte before it
         * would have been refused as not a digit already. Skipping it let
         * n and chars disagree and the copy below overread. */
        if ((c & 0xC0) == 0x80)
            return FAIL_ID(e, "an ID number has only digits (and X as its last character); "
                              "byte %zu is not valid UTF-8", i + 1);
        pos++;
        if (is_digit((char)c))
            continue;
        bool x = c == 'X' || c == 'x';
        if (x && pos == GG_ID_LEN && chars == GG_ID_LEN)
            continue;
        if (x && chars == GG_ID_LEGACY_LEN)
            return FAIL_ID(e, "an old 15-digit ID number has only digits; character %zu is X",
                           pos);
        if (x)
            return FAIL_ID(e, "only the last character of an ID number may be X; "
                              "character %zu is X", pos);
        if (c > 0x20 && c < 0x7F)
            return FAIL_ID(e, "an ID number has only digits (and X as its last character); "
                              "character %zu, \"%c\", is not a digit", pos, (char)c);
        return FAIL_ID(e, "an ID number has only digits (and X as its last character); "
                          "character %zu is not a digit", pos);
    }
    return GG_OK;
}

static int id_region_check(const char *d, gg_error *e)
{
    if (!gg_place_province_known(gg_digits_value(d, 2)))
        return FAIL_ID(e, "region %.6s is not a Chinese region code", d);
    if (memcmp(d + 2, "0000", 4) == 0) {
        for (size_t i = 0; i < GG_ARRAY_LEN(province_wide_regions); i++)
            if (memcmp(d, province_wide_regions[i], 6) == 0)
                return GG_OK;
        return FAIL_ID(e, "region %.6s names a whole province, not the county or city "
                          "where the number was issued", d);
    }
    if (d[2] == '0' && d[3] == '0')
        return FAIL_ID(e, "region %.6s is not a Chinese region code", d);
    return GG_OK;
}

static int id_birth_check(const char *d, int64_t today, gg_id_info *info, gg_error *e)
{
    int y = gg_digits_value(d + 6, 4), m = gg_digits_value(d + 10, 2), day = gg_digits_value(d + 12, 2);

    if (y < 1900)
        return FAIL_ID(e, "birth date %04d-%02d-%02d is before 1900", y, m, day);
    if (!gg_date_valid(y, m, day))
        return FAIL_ID(e, "birth date %04d-%02d-%02d does not exist", y, m, day);
    int64_t bd = gg_days_from_civil(y, m, day);
    if (bd > today)
        return FAIL_ID(e, "birth date %04d-%02d-%02d is in the future", y, m, day);
    info->year = y;
    info->month = m;
    info->day = day;
    info->birth_day = bd;
    return GG_OK;
}

int gg_id_parse(const char *s, size_t n, int64_t today, gg_id_info *out, gg_error *e)
{
    gg_id_info info;
    int rc;

    memset(&info, 0, sizeof info);
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (s == NULL)
        n = 0;
    trim(&s, &n);
    if (n == 0)
        return FAIL_ID(e, "an ID number is required");
    if (n > GG_ID_INPUT_MAX)
        return FAIL_ID(e, "an ID number has 18 characters; this value is far longer");
    size_t chars = char_count(s, n);
    if (chars != GG_ID_LEN && chars != GG_ID_LEGACY_LEN)
        return FAIL_ID(e, "an ID number has 18 characters (or 15 digits in the old form), "
                          "not %zu", chars);
    if ((rc = id_chars_check(s, n, chars, e)) != GG_OK)
        return rc;
    /* Every character is ASCII now, so n == chars. */
    if (n == GG_ID_LEGACY_LEN) {
        char legacy[GG_ID_LEGACY_LEN + 1];
        memcpy(legacy, s, GG_ID_LEGACY_LEN);
        legacy[GG_ID_LEGACY_LEN] = '\0';
        rc = gg_id_upgrade_legacy(legacy, info.number);
        if (rc != GG_OK)
            return FAIL_ID(e, "an old 15-digit ID number has only digits");
        info.legacy = true;
    } else {
        memcpy(info.number, s, GG_ID_LEN);
        if (info.number[17] == 'x')
            info.number[17] = 'X';
        info.number[GG_ID_LEN] = '\0';
    }
    if ((rc = id_region_check(info.number, e)) != GG_OK)
        return rc;
    if ((rc = id_birth_check(info.number, today, &info, e)) != GG_OK)
        return rc;
    char want = gg_id_check_digit(info.number);
    if (info.number[17] != want)
        return FAIL_ID(e, "the check digit should be %c, not %c; a digit was probably mistyped",
                       want, info.number[17]);
    memcpy(info.region, info.number, 6);
    info.region[6] = '\0';
    info.sex = (info.number[16] - '0') % 2 == 1 ? GG_SEX_MALE : GG_SEX_FEMALE;
    if (out != NULL)
        *out = info;
    return GG_OK;
}

/* ---- spreadsheet damage ------------------------------------------------- */

/* d[.ddd](e|E)[+]xx with at most 15 significant digits and exponent 14-17:
 * what a 15- or 18-digit number becomes in a General-format cell. */
static bool looks_scientific(const char *s, size_t n)
{
    size_t i = 0, sig = 0;

    if (n == 0 || s[0] < '1' || s[0] > '9')
        return false;
    i = 1;
    sig = 1;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && is_digit(s[i])) {
            i++;
            sig++;
        }
    }
    if (sig > 15 || i >= n || (s[i] != 'e' && s[i] != 'E'))
        return false;
    i++;
    if (i < n && s[i] == '+')
        i++;
    size_t en = n - i;
    if (en < 1 || en > 2 || !gg_all_digits(s + i, en))
        return false;
    int exp = gg_digits_value(s + i, en);
    return exp >= 14 && exp <= 17;
}

/* 18 digits, the last three zeroed by a 15-significant-digit store, the
 * first 15 shaped like an ID number, the check digit not matching. */
static bool looks_truncated(const char *s, size_t n)
{
    if (n != GG_ID_LEN || !gg_all_digits(s, n) || memcmp(s + 15, "000", 3) != 0)
        return false;
    if (!gg_place_province_known(gg_digits_value(s, 2)))
        return false;
    int y = gg_digits_value(s + 6, 4), m = gg_digits_value(s + 10, 2), d = gg_digits_value(s + 12, 2);
    if (y < 1900 || y > 2099 || !gg_date_valid(y, m, d))
        return false;
    return gg_id_check_digit(s) != s[17];
}

/* 15 or 18 digits, a decimal point, and nothing but zeros after it. */
static bool looks_decimal(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && is_digit(s[i]))
        i++;
    if ((i != GG_ID_LEN && i != GG_ID_LEGACY_LEN) || i + 1 >= n || s[i] != '.')
        return false;
    for (i++; i < n; i++)
        if (s[i] != '0')
            return false;
    return true;
}

bool gg_id_looks_mangled(const char *s)
{
    if (s == NULL)
        return false;
    size_t n = len_upto(s, GG_ID_INPUT_MAX + 1);
    trim(&s, &n);
    if (n == 0 || n > GG_ID_INPUT_MAX)
        return false;
    return looks_scientific(s, n) || looks_truncated(s, n) || looks_decimal(s, n);
}

/* ---- phone numbers ------------------------------------------------------ */

#define FAIL_PHONE(e, ...) gg_fail((e), GG_EINVAL, 422, "invalid_phone", "phone", __VA_ARGS__)

#define PHONE_DIGITS_MAX 20
#define PHONE_EXT_MAX 6

/* What the scanner found: the digits of the number (groups remembered for
 * the "third group is an extension" reading) and an explicit extension. */
struct phone_scan {
    char digits[PHONE_DIGITS_MAX + 2]; /* room for a re-added trunk 0 */
    size_t nd;
    size_t ngroups;
    size_t last_group; /* index in digits where the last group starts */
    char ext[PHONE_EXT_MAX + 1];
    size_t next;
    bool has_marker;
    bool plus;
};

/* Length of the extension marker at s (n bytes left), 0 if none. */
static size_t ext_marker_at(const char *s, size_t n)
{
    for (size_t i = 0; i < GG_ARRAY_LEN(ext_markers); i++) {
        const char *m = ext_markers[i];
        size_t ml = strlen(m), j = 0;
        if (ml > n)
            continue;
        for (; j < ml; j++) {
            char c = s[j];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != m[j])
                break;
        }
        if (j == ml)
            return ml;
    }
    return 0;
}

static int phone_scan(const char *s, size_t n, struct phone_scan *ps, gg_error *e)
{
    bool in_group = false;
    size_t pos = 0; /* 1-based character position, for messages */

    for (size_t i = 0; i < n;) {
        char c = s[i];
        size_t ml;
        pos++;
        if (is_digit(c)) {
            if (ps->has_marker) {
                if (ps->next == PHONE_EXT_MAX)
                    return FAIL_PHONE(e, "an extension has at most %d digits", PHONE_EXT_MAX);
                ps->ext[ps->next++] = c;
            } else {
                if (ps->nd == PHONE_DIGITS_MAX)
                    return FAIL_PHONE(e, "a phone number has at most %d digits",
                                      PHONE_DIGITS_MAX);
                if (!in_group) {
                    ps->ngroups++;
                    ps->last_group = ps->nd;
                }
                ps->digits[ps->nd++] = c;
            }
            in_group = true;
            i++;
        } else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '\t') {
            in_group = false;
            i++;
        } else if (c == '+' && ps->nd == 0 && !ps->plus) {
            ps->plus = true;
            i++;
        } else if ((ml = ext_marker_at(s + i, n - i)) > 0) {
            if (ps->has_marker)
                return FAIL_PHONE(e, "a phone number has at most one extension");
            if (ps->nd == 0)
                return FAIL_PHONE(e, "an extension must follow the phone number");
            ps->has_marker = true;
            in_group = false;
            i += ml;
        } else {
            return FAIL_PHONE(e, "a phone number has only digits, spaces, dashes, parentheses, "
                                 "a leading + and an extension after 转, ext, x or #; "
                                 "character %zu is none of these", pos);
        }
    }
    if (ps->has_marker && ps->next == 0)
        return FAIL_PHONE(e, "an extension needs 1 to %d digits after its marker",
                          PHONE_EXT_MAX);
    if (ps->nd == 0)
        return FAIL_PHONE(e, "a phone number needs digits");
    return GG_OK;
}

/* Remove k leading digits (a country code), keeping the group index honest. */
static void drop_prefix(struct phone_scan *ps, size_t k)
{
    memmove(ps->digits, ps->digits + k, ps->nd - k);
    ps->nd -= k;
    if (ps->last_group < k) {
        ps->last_group = 0;
        ps->ngroups = 1; /* the last group held the prefix: no group split left */
    } else {
        ps->last_group -= k;
    }
}

static int country_code_strip(struct phone_scan *ps, gg_error *e)
{
    const char *d = ps->digits;

    if (ps->plus) {
        if (ps->nd < 2 || d[0] != '8' || d[1] != '6')
            return FAIL_PHONE(e, "only mainland China numbers (+86) are accepted");
        drop_prefix(ps, 2);
    } else if (ps->nd >= 4 && memcmp(d, "00", 2) == 0) {
        if (memcmp(d, "0086", 4) != 0)
            return FAIL_PHONE(e, "only mainland China numbers (+86) are accepted");
        drop_prefix(ps, 4);
    } else if (ps->nd == 13 && memcmp(d, "861", 3) == 0) {
        drop_prefix(ps, 2); /* "86 138 ..." written without its + */
    } else {
        return GG_OK;
    }
    /* After a country code a landline drops its trunk 0; put it back. A
     * leading 1 is a mobile, except 10: Beijing. */
    bool trunkless = ps->nd > 0 && d[0] != '0' && (d[0] != '1' || (ps->nd > 1 && d[1] == '0'));
    if (trunkless) {
        memmove(ps->digits + 1, ps->digits, ps->nd);
        ps->digits[0] = '0';
        ps->nd++;
        ps->last_group++;
    }
    return GG_OK;
}

static int mobile_check(const struct phone_scan *ps, gg_phone *p, gg_error *e)
{
    const char *d = ps->digits;

    if (ps->has_marker)
        return FAIL_PHONE(e, "a mobile number has no extension");
    if (ps->nd != 11)
        return FAIL_PHONE(e, "a mobile number has 11 digits, not %zu", ps->nd);
    if (d[1] < '3')
        return FAIL_PHONE(e, "mobile numbers begin with 13 to 19; 1%c is not a mobile prefix",
                          d[1]);
    p->kind = GG_PHONE_MOBILE;
    memcpy(p->number, d, 11);
    p->number[11] = '\0';
    return GG_OK;
}

/* The m digits at d as area code + local number, ext (may be "") appended. */
static int landline_check(const char *d, size_t m, const char *ext, size_t next, gg_phone *p,
                          gg_error *e)
{
    size_t alen;

    if (m == 0 || d[0] != '0') {
        if (m >= 7 && m <= 8)
            return FAIL_PHONE(e, "a landline number needs its area code, e.g. 010-12345678 "
                                 "or 0631-5201234");
        return FAIL_PHONE(e, "not a mainland phone number: a mobile number begins with 1, "
                             "a landline with its area code 0");
    }
    if (m < 3)
        return FAIL_PHONE(e, "a landline number needs an area code and a local number of "
                             "7 or 8 digits");
    if (d[1] == '0')
        return FAIL_PHONE(e, "an area code cannot begin with 00");
    if (d[1] == '1') {
        if (d[2] != '0')
            return FAIL_PHONE(e, "area code 01%c does not exist; Beijing's is 010", d[2]);
        alen = 3;
    } else {
        alen = d[1] == '2' ? 3 : 4;
    }
    if (m <= alen)
        return FAIL_PHONE(e, "a landline number needs a local number of 7 or 8 digits "
                             "after its area code");
    size_t llen = m - alen;
    if (llen < 7 || llen > 8)
        return FAIL_PHONE(e, "a local number has 7 or 8 digits after area code %.*s, not %zu",
                          (int)alen, d, llen);
    if (d[alen] == '0' || d[alen] == '1')
        return FAIL_PHONE(e, "a local number cannot begin with 0 or 1");

    p->kind = GG_PHONE_LANDLINE;
    memcpy(p->area, d, alen);
    p->area[alen] = '\0';
    memcpy(p->local, d + alen, llen);
    p->local[llen] = '\0';
    memcpy(p->ext, ext, next);
    p->ext[next] = '\0';
    /* area (<=4) + '-' + local (<=8) + '-' + ext (<=6) < sizeof p->number */
    size_t k = 0;
    memcpy(p->number + k, p->area, alen);
    k += alen;
    p->number[k++] = '-';
    memcpy(p->number + k, p->local, llen);
    k += llen;
    if (next > 0) {
        p->number[k++] = '-';
        memcpy(p->number + k, ext, next);
        k += next;
    }
    p->number[k] = '\0';
    return GG_OK;
}

int gg_phone_parse(const char *s, size_t n, gg_phone *out, gg_error *e)
{
    struct phone_scan ps;
    gg_phone p;
    int rc;

    memset(&ps, 0, sizeof ps);
    memset(&p, 0, sizeof p);
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (s == NULL)
        n = 0;
    trim(&s, &n);
    if (n == 0)
        return FAIL_PHONE(e, "a phone number is required");
    if (n > GG_PHONE_INPUT_MAX)
        return FAIL_PHONE(e, "a phone number is at most %d characters long",
                          GG_PHONE_INPUT_MAX);
    if ((rc = phone_scan(s, n, &ps, e)) != GG_OK)
        return rc;
    if ((rc = country_code_strip(&ps, e)) != GG_OK)
        return rc;

    if (ps.nd > 0 && ps.digits[0] == '1') {
        rc = mobile_check(&ps, &p, e);
    } else {
        rc = landline_check(ps.digits, ps.nd, ps.ext, ps.next, &p, e);
        /* "010-12345678-123": a third group may be the extension. */
        size_t tail = ps.nd - ps.last_group;
        if (rc != GG_OK && !ps.has_marker && ps.ngroups >= 3 && tail <= PHONE_EXT_MAX) {
            gg_error scratch = {0};
            memset(&p, 0, sizeof p);
            if (landline_check(ps.digits, ps.last_group, ps.digits + ps.last_group, tail, &p,
                               &scratch) == GG_OK)
                rc = GG_OK;
        }
    }
    if (rc != GG_OK)
        return rc;
    if (out != NULL)
        *out = p;
    return GG_OK;
}

/* ---- masks -------------------------------------------------------------- */

/* Append len bytes to out at *k, keeping room for the NUL. */
static bool put(char *out, size_t cap, size_t *k, const char *src, size_t len)
{
    if (len >= cap - *k)
        return false;
    memcpy(out + *k, src, len);
    *k += len;
    return true;
}

int gg_mask(const char *s, size_t keep_head, size_t keep_tail, char *out, size_t cap)
{
    if (out == NULL || cap == 0)
        return GG_EINVAL;
    out[0] = '\0';
    if (s == NULL)
        return GG_EINVAL;
    long count = utf8_count(s);
    if (count < 0)
        return GG_EINVAL;
    size_t n = (size_t)count;
    if (n == 0)
        return GG_OK;
    /* At least one code point stays hidden: shrink the tail, then the head. */
    if (keep_head >= n) {
        keep_head = n - 1;
        keep_tail = 0;
    } else if (keep_tail >= n - keep_head) {
        keep_tail = n - keep_head - 1;
    }

    const unsigned char *p = (const unsigned char *)s;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = utf8_len(p); /* valid: checked by utf8_count */
        bool shown = i < keep_head || i >= n - keep_tail;
        if (!put(out, cap, &k, shown ? (const char *)p : "*", shown ? l : 1)) {
            out[0] = '\0';
            return GG_ETOOBIG;
        }
        p += l;
    }
    out[k] = '\0';
    return GG_OK;
}

int gg_mask_id(const char *id, char *out, size_t cap)
{
    return gg_mask(id, 6, 4, out, cap);
}

/* A canonical landline "area-local[-ext]": area 3-4 digits from 0, local
 * 7-8 digits. Fills the lengths; false for anything else. */
static bool landline_shape(const char *s, size_t *alen, size_t *llen)
{
    size_t a = 0, l = 0;

    while (is_digit(s[a]))
        a++;
    if (s[0] != '0' || a < 3 || a > 4 || s[a] != '-')
        return false;
    while (is_digit(s[a + 1 + l]))
        l++;
    if (l < 7 || l > 8 || (s[a + 1 + l] != '\0' && s[a + 1 + l] != '-'))
        return false;
    *alen = a;
    *llen = l;
    return true;
}

int gg_mask_phone(const char *phone, char *out, size_t cap)
{
    size_t alen = 0, llen = 0;

    if (phone == NULL || out == NULL || cap == 0 || !landline_shape(phone, &alen, &llen))
        return gg_mask(phone, 3, 4, out, cap);
    out[0] = '\0';
    size_t need = alen + 1 + llen; /* same length as area-local */
    if (need >= cap)
        return GG_ETOOBIG;
    memcpy(out, phone, alen + 1);
    memset(out + alen + 1, '*', llen - 4);
    memcpy(out + alen + 1 + llen - 4, phone + alen + 1 + llen - 4, 4);
    out[need] = '\0';
    return GG_OK;
}

int gg_mask_name(const char *name, char *out, size_t cap)
{
    size_t keep = 1;

    if (name != NULL && utf8_count(name) > 2) {
        for (size_t i = 0; i < GG_ARRAY_LEN(compound_surnames); i++) {
            const char *cs = compound_surnames[i];
            if (strncmp(name, cs, strlen(cs)) == 0) {
                keep = 2;
                break;
            }
        }
    }
    return gg_mask(name, keep, 0, out, cap);
}
