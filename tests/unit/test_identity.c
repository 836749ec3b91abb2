/*
 * test_identity.c — unit tests for src/domain/identity.c: GB 11643 ID
 * numbers (every allowed province, every kind of refusal, the 15-digit form),
 * spreadsheet damage detection, mainland phone numbers and display masks.
 * Valid ID numbers are built here, their check digit computed by a separate
 * implementation of ISO 7064 MOD 11-2, so the module is not its own oracle.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "domain/identity.h"

/* ---- helpers ------------------------------------------------------------ */

/* Days since 1970-01-01, counted the slow way (independent of the module). */
static int64_t day_number(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t n = 0;
    for (int yy = 1970; yy < y; yy++)
        n += ((yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0) ? 366 : 365;
    for (int yy = y; yy < 1970; yy++)
        n -= ((yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0) ? 366 : 365;
    for (int mm = 1; mm < m; mm++)
        n += mdays[mm - 1] + (mm == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return n + d - 1;
}

static int64_t today(void)
{
    return day_number(2026, 3, 15);
}

/* Check character by the definition: sum a_i * (2^(17-i) mod 11), then the
 * character c with (sum + c) mod 11 == 1, where X stands for 10. */
static char ref_check(const char *d17)
{
    int sum = 0, w = 1;
    for (int i = 16; i >= 0; i--) {
        w = (w * 2) % 11;
        sum += (d17[i] - '0') * w;
    }
    for (int c = 0; c <= 10; c++)
        if ((sum + c) % 11 == 1)
            return c == 10 ? 'X' : (char)('0' + c);
    return '?';
}

/* An ID number with a correct check digit: region6 + yyyymmdd + seq3. */
static void make_id(char out[19], const char *region, const char *date, const char *seq)
{
    snprintf(out, 19, "%.6s%.8s%.3s", region, date, seq);
    out[17] = ref_check(out);
    out[18] = '\0';
}

static int parse(const char *s, gg_id_info *info, gg_error *e)
{
    memset(e, 0, sizeof *e);
    return gg_id_parse(s, s ? strlen(s) : 0, today(), info, e);
}

static void id_ok_at(const char *s, int line)
{
    gg_id_info info;
    gg_error e;
    int rc = parse(s, &info, &e);
    if (rc != GG_OK)
        print_error("line %d: %s refused: %s\n", line, s, e.message);
    assert_int_equal(rc, GG_OK);
}

/* Refused with 422 / invalid_id_number / id_number, message containing want. */
static void id_bad_at(const char *s, const char *want, int line)
{
    gg_id_info info;
    gg_error e;
    int rc = parse(s, &info, &e);
    if (rc != GG_EINVAL || strstr(e.message, want) == NULL)
        print_error("line %d: %s: rc %d, message \"%s\", wanted \"%s\"\n", line,
                    s ? s : "(null)", rc, e.message, want);
    assert_int_equal(rc, GG_EINVAL);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.code, "invalid_id_number");
    assert_string_equal(e.field, "id_number");
    assert_non_null(strstr(e.message, want));
    assert_string_equal(info.number, ""); /* nothing half-filled */
}

#define ID_OK(s) id_ok_at((s), __LINE__)
#define ID_BAD(s, want) id_bad_at((s), (want), __LINE__)

static void phone_ok_at(const char *s, int kind, const char *canon, int line)
{
    gg_phone p;
    gg_error e = {0};
    int rc = gg_phone_parse(s, strlen(s), &p, &e);
    if (rc != GG_OK || strcmp(p.number, canon) != 0)
        print_error("line %d: \"%s\": rc %d \"%s\", got \"%s\", wanted \"%s\"\n", line, s, rc,
                    e.message, p.number, canon);
    assert_int_equal(rc, GG_OK);
    assert_int_equal(p.kind, kind);
    assert_string_equal(p.number, canon);
}

static void phone_bad_at(const char *s, const char *want, int line)
{
    gg_phone p;
    gg_error e = {0};
    int rc = gg_phone_parse(s, strlen(s), &p, &e);
    if (rc != GG_EINVAL || strstr(e.message, want) == NULL)
        print_error("line %d: \"%s\": rc %d, message \"%s\", wanted \"%s\"\n", line, s, rc,
                    e.message, want);
    assert_int_equal(rc, GG_EINVAL);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.code, "invalid_phone");
    assert_string_equal(e.field, "phone");
    assert_non_null(strstr(e.message, want));
    assert_int_equal(p.kind, GG_PHONE_NONE);
    assert_string_equal(p.number, "");
}

#define PHONE_OK(s, k, c) phone_ok_at((s), (k), (c), __LINE__)
#define PHONE_BAD(s, want) phone_bad_at((s), (want), __LINE__)

static void mask_is_at(int rc, const char *got, const char *want, int line)
{
    if (rc != GG_OK || strcmp(got, want) != 0)
        print_error("line %d: rc %d, got \"%s\", wanted \"%s\"\n", line, rc, got, want);
    assert_int_equal(rc, GG_OK);
    assert_string_equal(got, want);
}

#define MASK_IS(call, buf, want) mask_is_at((call), (buf), (want), __LINE__)

/* Every province prefix the module allows (place.c's list). */
static const char *const provinces[] = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
    "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
    "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
};

/* ---- ID numbers: valid -------------------------------------------------- */

static void test_check_digit(void **state)
{
    /* The sample number of GB 11643-1999 and a few built ones. */
    assert_int_equal(gg_id_check_digit("11010519491231002"), 'X');
    assert_int_equal(gg_id_check_digit("44052418800101001"), '4');
    char d[64];
    for (int i = 0; i < 2000; i++) {
        snprintf(d, sizeof d, "%06d%08d%03d", 110101 + i * 37, 19800101 + i, i % 1000);
        assert_int_equal(gg_id_check_digit(d), ref_check(d));
    }
    assert_int_equal(gg_id_check_digit("1101051949123100"), 0);  /* 16 digits */
    assert_int_equal(gg_id_check_digit("1101051949123100X"), 0); /* not a digit */
    assert_int_equal(gg_id_check_digit(NULL), 0);
}

static void test_valid_every_province(void **state)
{
    static const char *const suffixes[] = {"0102", "0100", "2301", "9001"};
    char id[19], region[7];
    gg_id_info info;
    gg_error e;

    for (size_t p = 0; p < GG_ARRAY_LEN(provinces); p++) {
        for (size_t s = 0; s < GG_ARRAY_LEN(suffixes); s++) {
            snprintf(region, sizeof region, "%s%s", provinces[p], suffixes[s]);
            make_id(id, region, "19900101", "122");
            ID_OK(id);
            assert_int_equal(parse(id, &info, &e), GG_OK);
            assert_string_equal(info.number, id);
            assert_string_equal(info.region, region);
            assert_int_equal(info.sex, GG_SEX_FEMALE); /* 17th digit 2 */
            assert_false(info.legacy);
            make_id(id, region, "20000229", "071");
            assert_int_equal(parse(id, &info, &e), GG_OK);
            assert_int_equal(info.sex, GG_SEX_MALE); /* 17th digit 7 */
            assert_int_equal(info.year, 2000);
            assert_int_equal(info.month, 2);
            assert_int_equal(info.day, 29);
            assert_int_equal(info.birth_day, day_number(2000, 2, 29));
        }
    }
    /* The residence permits of Hong Kong and Macao residents. */
    make_id(id, "810000", "19850612", "005");
    ID_OK(id);
    make_id(id, "820000", "19850612", "004");
    ID_OK(id);
    /* The standard's own sample. */
    assert_int_equal(parse("11010519491231002X", &info, &e), GG_OK);
    assert_int_equal(info.birth_day, day_number(1949, 12, 31));
    assert_int_equal(info.sex, GG_SEX_FEMALE);
}

static void test_valid_sex_and_dates(void **state)
{
    char id[19], seq[12];
    gg_id_info info;
    gg_error e;

    for (int d = 0; d <= 9; d++) {
        snprintf(seq, sizeof seq, "00%d", d);
        make_id(id, "630102", "19700101", seq);
        assert_int_equal(parse(id, &info, &e), GG_OK);
        assert_int_equal(info.sex, d % 2 == 1 ? GG_SEX_MALE : GG_SEX_FEMALE);
        assert_int_equal(info.birth_day, 0);
    }
    make_id(id, "630102", "19000101", "001"); /* the earliest allowed */
    assert_int_equal(parse(id, &info, &e), GG_OK);
    assert_int_equal(info.birth_day, day_number(1900, 1, 1));
    make_id(id, "630102", "20260315", "001"); /* born today */
    ID_OK(id);
    make_id(id, "630102", "20240229", "001"); /* leap year */
    ID_OK(id);
    make_id(id, "630102", "19961231", "001");
    ID_OK(id);
    make_id(id, "630102", "19960430", "001");
    ID_OK(id);
    /* out and e may be NULL */
    make_id(id, "630102", "19900101", "001");
    assert_int_equal(gg_id_parse(id, strlen(id), today(), NULL, NULL), GG_OK);
}

static void test_lower_x_and_blanks(void **state)
{
    char id[19], seq[12];
    gg_id_info info;
    gg_error e;
    int found = 0;

    /* Find numbers whose check digit is X, then write it in lower case. */
    for (int s = 0; s < 1000 && found < 5; s++) {
        snprintf(seq, sizeof seq, "%03d", s);
        make_id(id, "630102", "19900101", seq);
        if (id[17] != 'X')
            continue;
        found++;
        char lower[19];
        memcpy(lower, id, sizeof lower);
        lower[17] = 'x';
        assert_int_equal(parse(lower, &info, &e), GG_OK);
        assert_string_equal(info.number, id);
        assert_int_equal(info.number[17], 'X');
    }
    assert_int_equal(found, 5);

    assert_int_equal(parse(" \t11010519491231002X \r\n", &info, &e), GG_OK);
    assert_string_equal(info.number, "11010519491231002X");
    /* Only the bytes given count: the rest of the buffer is not read. */
    const char *buf = "11010519491231002Xgarbage";
    assert_int_equal(gg_id_parse(buf, 18, today(), &info, &e), GG_OK);
    assert_string_equal(info.number, "11010519491231002X");
}

/* ---- ID numbers: refused ------------------------------------------------ */

static void test_bad_check_digit(void **state)
{
    static const char all[] = "0123456789X";
    char id[19], bad[19], want[64];

    make_id(id, "630102", "19900101", "123");
    for (size_t i = 0; i < 11; i++) {
        if (all[i] == id[17])
            continue;
        memcpy(bad, id, sizeof bad);
        bad[17] = all[i];
        snprintf(want, sizeof want, "the check digit should be %c, not %c", id[17], all[i]);
        ID_BAD(bad, want);
    }
    /* A transposition of two body digits is caught too. */
    memcpy(bad, id, sizeof bad);
    bad[14] = id[15];
    bad[15] = id[14];
    if (bad[14] != bad[15]) {
        snprintf(want, sizeof want, "the check digit should be %c", ref_check(bad));
        ID_BAD(bad, want);
    }
    ID_BAD("110105194912310021", "the check digit should be X, not 1");
}

static void test_bad_dates(void **state)
{
    char id[19];

    static const struct {
        const char *region, *birth, *want;
    } bad[] = {
        {"630102", "20260230", "birth date 2026-02-30 does not exist"},
        {"630102", "20230229", "birth date 2023-02-29 does not exist"}, /* not a leap year */
        {"630102", "19000229", "birth date 1900-02-29 does not exist"}, /* 1900 is not a leap year */
        {"630102", "21000229", "birth date 2100-02-29 does not exist"}, /* nor is 2100 (and it is future) */
        {"630102", "19901301", "birth date 1990-13-01 does not exist"},
        {"630102", "19900001", "birth date 1990-00-01 does not exist"},
        {"630102", "19900100", "birth date 1990-01-00 does not exist"},
        {"630102", "19900431", "birth date 1990-04-31 does not exist"},
        {"630102", "19900132", "birth date 1990-01-32 does not exist"},
        {"630102", "18991231", "birth date 1899-12-31 is before 1900"},
        {"440524", "18800101", "birth date 1880-01-01 is before 1900"},
        {"630102", "20260316", "birth date 2026-03-16 is in the future"}, /* tomorrow */
        {"630102", "20990101", "birth date 2099-01-01 is in the future"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        make_id(id, bad[i].region, bad[i].birth, "001");
        ID_BAD(id, bad[i].want);
    }
    /* A date error wins over the check digit: it says more. */
    make_id(id, "630102", "20260230", "001");
    id[17] = id[17] == '0' ? '1' : '0';
    ID_BAD(id, "birth date 2026-02-30 does not exist");

    /* today moves the limit */
    gg_error e;
    make_id(id, "630102", "20260316", "001");
    assert_int_equal(gg_id_parse(id, 18, day_number(2026, 3, 16), NULL, &e), GG_OK);
    assert_int_equal(gg_id_parse(id, 18, day_number(2026, 3, 15), NULL, &e), GG_EINVAL);
}

static void test_bad_region(void **state)
{
    char id[19];

    make_id(id, "990101", "19900101", "001");
    ID_BAD(id, "region 990101 is not a Chinese region code");
    make_id(id, "000000", "19900101", "001");
    ID_BAD(id, "region 000000 is not a Chinese region code");
    make_id(id, "100101", "19900101", "001");
    ID_BAD(id, "region 100101 is not a Chinese region code");
    make_id(id, "830000", "19900101", "001"); /* 83 is not in the list */
    ID_BAD(id, "region 830000 is not a Chinese region code");
    make_id(id, "720101", "19900101", "001");
    ID_BAD(id, "region 720101 is not a Chinese region code");
    make_id(id, "110001", "19900101", "001");
    ID_BAD(id, "region 110001 is not a Chinese region code");
    make_id(id, "630000", "19900101", "001");
    ID_BAD(id, "region 630000 names a whole province");
    make_id(id, "110000", "19900101", "001"); /* municipalities too */
    ID_BAD(id, "region 110000 names a whole province");
    make_id(id, "710000", "19900101", "001");
    ID_BAD(id, "region 710000 names a whole province");
    /* Every known prefix with 0000 is refused except 81 and 82. */
    for (size_t p = 0; p < GG_ARRAY_LEN(provinces); p++) {
        char region[7];
        gg_error e;
        snprintf(region, sizeof region, "%s0000", provinces[p]);
        make_id(id, region, "19900101", "001");
        bool hk_mo = strcmp(provinces[p], "81") == 0 || strcmp(provinces[p], "82") == 0;
        assert_int_equal(gg_id_parse(id, 18, today(), NULL, &e), hk_mo ? GG_OK : GG_EINVAL);
    }
    /* A region error wins over date and check digit. */
    ID_BAD("990101202602301234", "region 990101 is not a Chinese region code");
}

static void test_bad_length(void **state)
{
    ID_BAD("", "an ID number is required");
    ID_BAD("   ", "an ID number is required");
    ID_BAD(NULL, "an ID number is required");
    ID_BAD("11010519491231002", "an ID number has 18 characters (or 15 digits in the old "
                                "form), not 17");
    ID_BAD("11010519491231002X1", "an ID number has 18 characters");
    ID_BAD("1101051949123100", "not 16");
    ID_BAD("1", "not 1");
    ID_BAD("6.30102E+17", "an ID number has 18 characters");
    ID_BAD("1101 0519 4912 3100 2X", "an ID number has 18 characters");
    char longer[200];
    memset(longer, '1', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    ID_BAD(longer, "far longer");
    /* Counted in characters: 17 digits and a Chinese character are 18. */
    ID_BAD("11010519491231002号", "character 18 is not a digit");
    ID_BAD("张三", "not 2");
}

static void test_bad_characters(void **state)
{
    ID_BAD("1101051949123100X2", "only the last character of an ID number may be X; "
                                 "character 17 is X");
    ID_BAD("x10105194912310021", "character 1 is X");
    ID_BAD("11010519491231002Y", "character 18, \"Y\", is not a digit");
    ID_BAD("110105-94912310021", "character 7, \"-\", is not a digit");
    ID_BAD("110105 94912310021", "character 7 is not a digit");
    ID_BAD("11010519491231002\x01", "character 18 is not a digit");
    /* Full-width digits (what a Chinese input method types) are not digits. */
    ID_BAD("\xef\xbc\x91" "10105194912310021", "character 1 is not a digit");
    /* The old form has no X at all. */
    ID_BAD("63010290010112X", "an old 15-digit ID number has only digits; character 15 is X");
    ID_BAD("6301029001011a3", "character 14, \"a\", is not a digit");
}

/* ---- the 15-digit form -------------------------------------------------- */

static void test_legacy(void **state)
{
    char out[19], want[19];
    gg_id_info info;
    gg_error e;

    make_id(want, "630102", "19900101", "123");
    assert_int_equal(gg_id_upgrade_legacy("630102900101123", out), GG_OK);
    assert_string_equal(out, want);
    assert_int_equal(parse("630102900101123", &info, &e), GG_OK);
    assert_string_equal(info.number, want);
    assert_true(info.legacy);
    assert_int_equal(info.year, 1990);
    assert_int_equal(info.sex, GG_SEX_MALE);
    assert_string_equal(info.region, "630102");

    make_id(want, "110105", "19491231", "002");
    assert_int_equal(parse(" 110105491231002 ", &info, &e), GG_OK);
    assert_string_equal(info.number, want);
    assert_string_equal(info.number, "11010519491231002X");
    assert_int_equal(info.sex, GG_SEX_FEMALE);

    make_id(want, "320102", "19000101", "010"); /* 00 → 1900 */
    assert_int_equal(parse("320102000101010", &info, &e), GG_OK);
    assert_string_equal(info.number, want);

    ID_BAD("630102900230123", "birth date 1990-02-30 does not exist");
    ID_BAD("630102000229123", "birth date 1900-02-29 does not exist");
    ID_BAD("990102900101123", "region 990102 is not a Chinese region code");
    ID_BAD("630000900101123", "region 630000 names a whole province");

    assert_int_equal(gg_id_upgrade_legacy("63010290010112", out), GG_EINVAL);
    assert_string_equal(out, "");
    assert_int_equal(gg_id_upgrade_legacy("6301029001011234", out), GG_EINVAL);
    assert_int_equal(gg_id_upgrade_legacy("63010290010112X", out), GG_EINVAL);
    assert_int_equal(gg_id_upgrade_legacy(NULL, out), GG_EINVAL);
    assert_int_equal(gg_id_upgrade_legacy("630102900101123", NULL), GG_EINVAL);
}

/* ---- spreadsheet damage ------------------------------------------------- */

static void test_mangled(void **state)
{
    char id[19], t[19], seq[12];

    /* Scientific notation of an 18- or 15-digit number. */
    assert_true(gg_id_looks_mangled("6.30102E+17"));
    assert_true(gg_id_looks_mangled("6.30102e+17"));
    assert_true(gg_id_looks_mangled("6.30102E17"));
    assert_true(gg_id_looks_mangled(" 6.30102E+17 "));
    assert_true(gg_id_looks_mangled("6.30102199001011E+17"));
    assert_true(gg_id_looks_mangled("6.30102E+14"));
    assert_true(gg_id_looks_mangled("1.1E+14"));
    assert_true(gg_id_looks_mangled("6E+17"));
    assert_false(gg_id_looks_mangled("6.301021990010112E+17")); /* 16 significant digits */
    assert_false(gg_id_looks_mangled("6.30102E+13"));
    assert_false(gg_id_looks_mangled("6.30102E+18"));
    assert_false(gg_id_looks_mangled("6.30102E-17"));
    assert_false(gg_id_looks_mangled("0.630102E+18"));
    assert_false(gg_id_looks_mangled("6.30102E+"));
    assert_false(gg_id_looks_mangled("6.30102E+170"));
    assert_false(gg_id_looks_mangled("6.30102"));
    assert_false(gg_id_looks_mangled("E+17"));

    /* 15 significant digits kept, the last three zeroed. */
    make_id(id, "630102", "19900101", "123");
    memcpy(t, id, sizeof t);
    memcpy(t + 15, "000", 3);
    assert_true(gg_id_looks_mangled(t));
    assert_true(gg_id_looks_mangled("630102199001011000") ==
                (ref_check("63010219900101100") != '0'));
    /* A valid number that happens to end in 000 is not reported. */
    int found = 0;
    for (int r = 0; r < 99 && !found; r++) {
        char region[16];
        snprintf(region, sizeof region, "6301%02d", r + 1);
        for (int s = 0; s < 10 && !found; s++) {
            snprintf(seq, sizeof seq, "%d00", s);
            make_id(id, region, "19900101", seq);
            if (id[17] != '0')
                continue;
            found = 1;
            assert_false(gg_id_looks_mangled(id));
            ID_OK(id);
        }
    }
    assert_true(found);
    /* Zeroed, but the front is not an ID number: not ours to report. */
    assert_false(gg_id_looks_mangled("990102199001011000")); /* no such province */
    assert_false(gg_id_looks_mangled("630102199013011000")); /* month 13 */
    assert_false(gg_id_looks_mangled("630102189901011000")); /* 1899 */
    assert_false(gg_id_looks_mangled("630102199001011200")); /* not 000 */
    assert_false(gg_id_looks_mangled("63010219900101100"));  /* 17 digits */

    /* Through a number format: a decimal point and zeros. */
    assert_true(gg_id_looks_mangled("630102199001011234.0"));
    assert_true(gg_id_looks_mangled("630102900101123.00"));
    assert_false(gg_id_looks_mangled("630102199001011234."));
    assert_false(gg_id_looks_mangled("630102199001011234.5"));
    assert_false(gg_id_looks_mangled("12.0"));

    /* Valid numbers and non-numbers are never reported. */
    assert_false(gg_id_looks_mangled("11010519491231002X"));
    assert_false(gg_id_looks_mangled("630102900101123"));
    make_id(id, "630102", "19900101", "123");
    assert_false(gg_id_looks_mangled(id));
    assert_false(gg_id_looks_mangled(""));
    assert_false(gg_id_looks_mangled("   "));
    assert_false(gg_id_looks_mangled(NULL));
    assert_false(gg_id_looks_mangled("张三"));
    assert_false(gg_id_looks_mangled("abc"));
}

/* ---- phone numbers ------------------------------------------------------ */

static void test_phone_mobile(void **state)
{
    for (char c = '3'; c <= '9'; c++) {
        char num[12];
        snprintf(num, sizeof num, "1%c012345678", c);
        PHONE_OK(num, GG_PHONE_MOBILE, num);
    }
    PHONE_OK("13812345678", GG_PHONE_MOBILE, "13812345678");
    PHONE_OK(" 13812345678\t", GG_PHONE_MOBILE, "13812345678");
    PHONE_OK("138 1234 5678", GG_PHONE_MOBILE, "13812345678");
    PHONE_OK("138-1234-5678", GG_PHONE_MOBILE, "13812345678");
    PHONE_OK("+8613812345678", GG_PHONE_MOBILE, "13812345678");
    PHONE_OK("+86 138 1234 5678", GG_PHONE_MOBILE, "13812345678");
    PHONE_OK("+86-138-1234-5678", GG_PHONE_MOBILE, "13812345678");
    PHONE_OK("(+86) 13812345678", GG_PHONE_MOBILE, "13812345678");
    PHONE_OK("008613812345678", GG_PHONE_MOBILE, "13812345678");
    PHONE_OK("0086 138 1234 5678", GG_PHONE_MOBILE, "13812345678");
    PHONE_OK("86 13812345678", GG_PHONE_MOBILE, "13812345678");

    gg_phone p;
    assert_int_equal(gg_phone_parse("13812345678", 11, &p, NULL), GG_OK);
    assert_string_equal(p.area, "");
    assert_string_equal(p.local, "");
    assert_string_equal(p.ext, "");
    assert_int_equal(gg_phone_parse("13812345678999", 11, NULL, NULL), GG_OK);

    PHONE_BAD("12812345678", "mobile numbers begin with 13 to 19; 12 is not a mobile prefix");
    PHONE_BAD("10012345678", "10 is not a mobile prefix");
    PHONE_BAD("1381234567", "a mobile number has 11 digits, not 10");
    PHONE_BAD("138123456789", "a mobile number has 11 digits, not 12");
    PHONE_BAD("+86 1381234567", "a mobile number has 11 digits, not 10");
    PHONE_BAD("13812345678转12", "a mobile number has no extension");
    PHONE_BAD("+852 91234567", "only mainland China numbers (+86) are accepted");
    PHONE_BAD("+1 2025550123", "only mainland China numbers (+86) are accepted");
    PHONE_BAD("00852 91234567", "only mainland China numbers (+86) are accepted");
    PHONE_BAD("138a1234567", "character 4 is none of these");
    PHONE_BAD("138.1234.5678", "character 4 is none of these");
    PHONE_BAD("1381234567８", "character 11 is none of these"); /* full-width 8 */
    PHONE_BAD("138+12345678", "character 4 is none of these");
    PHONE_BAD("", "a phone number is required");
    PHONE_BAD("  ", "a phone number is required");
    PHONE_BAD("--", "a phone number needs digits");
    PHONE_BAD("123456789012345678901", "at most 20 digits");
    char longer[100];
    memset(longer, '1', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    PHONE_BAD(longer, "at most 64 characters");
}

static void test_phone_landline(void **state)
{
    gg_phone p;

    PHONE_OK("010-62345678", GG_PHONE_LANDLINE, "010-62345678");
    assert_int_equal(gg_phone_parse("010-62345678", 12, &p, NULL), GG_OK);
    assert_string_equal(p.area, "010");
    assert_string_equal(p.local, "62345678");
    assert_string_equal(p.ext, "");
    PHONE_OK("(010)62345678", GG_PHONE_LANDLINE, "010-62345678");
    PHONE_OK("(010) 6234 5678", GG_PHONE_LANDLINE, "010-62345678");
    PHONE_OK("01062345678", GG_PHONE_LANDLINE, "010-62345678");
    PHONE_OK("021-52345678", GG_PHONE_LANDLINE, "021-52345678");
    PHONE_OK("029 8234 5678", GG_PHONE_LANDLINE, "029-82345678");
    PHONE_OK("0631-5201234", GG_PHONE_LANDLINE, "0631-5201234");
    PHONE_OK("06315201234", GG_PHONE_LANDLINE, "0631-5201234");
    PHONE_OK("0631 520 1234", GG_PHONE_LANDLINE, "0631-5201234");
    PHONE_OK("0971-82345678", GG_PHONE_LANDLINE, "0971-82345678");
    PHONE_OK("+86 10 62345678", GG_PHONE_LANDLINE, "010-62345678");
    PHONE_OK("+86 010 62345678", GG_PHONE_LANDLINE, "010-62345678");
    PHONE_OK("+86-971-8234567", GG_PHONE_LANDLINE, "0971-8234567");
    PHONE_OK("0086 631 5201234", GG_PHONE_LANDLINE, "0631-5201234");
    /* Extensions */
    PHONE_OK("010-62345678-123", GG_PHONE_LANDLINE, "010-62345678-123");
    assert_int_equal(gg_phone_parse("010-62345678-123", 16, &p, NULL), GG_OK);
    assert_string_equal(p.ext, "123");
    assert_string_equal(p.local, "62345678");
    PHONE_OK("0631-5201234-88", GG_PHONE_LANDLINE, "0631-5201234-88");
    PHONE_OK("010 62345678 8001", GG_PHONE_LANDLINE, "010-62345678-8001");
    PHONE_OK("010-62345678转8001", GG_PHONE_LANDLINE, "010-62345678-8001");
    PHONE_OK("010-62345678 转 8001", GG_PHONE_LANDLINE, "010-62345678-8001");
    PHONE_OK("010-62345678分机8001", GG_PHONE_LANDLINE, "010-62345678-8001");
    PHONE_OK("010-62345678 ext. 12", GG_PHONE_LANDLINE, "010-62345678-12");
    PHONE_OK("010-62345678 EXT 12", GG_PHONE_LANDLINE, "010-62345678-12");
    PHONE_OK("010-62345678x12", GG_PHONE_LANDLINE, "010-62345678-12");
    PHONE_OK("010-62345678#12", GG_PHONE_LANDLINE, "010-62345678-12");
    PHONE_OK("+86 10 62345678 ext 5", GG_PHONE_LANDLINE, "010-62345678-5");
    /* A split that reads either way keeps the whole number. */
    PHONE_OK("0631-523-1234", GG_PHONE_LANDLINE, "0631-5231234");
    PHONE_OK("0631-5231234-5678", GG_PHONE_LANDLINE, "0631-5231234-5678");
    /* The canonical form parses to itself. */
    PHONE_OK("0631-5201234-88", GG_PHONE_LANDLINE, "0631-5201234-88");

    PHONE_BAD("62345678", "a landline number needs its area code");
    PHONE_BAD("6234567", "a landline number needs its area code");
    PHONE_BAD("623456", "not a mainland phone number");
    PHONE_BAD("011-62345678", "area code 011 does not exist; Beijing's is 010");
    PHONE_BAD("01", "a landline number needs an area code and a local number");
    PHONE_BAD("0", "a landline number needs an area code and a local number");
    PHONE_BAD("00", "a landline number needs an area code and a local number");
    PHONE_BAD("001", "an area code cannot begin with 00");
    PHONE_BAD("010-02345678", "a local number cannot begin with 0 or 1");
    PHONE_BAD("0631-1201234", "a local number cannot begin with 0 or 1");
    PHONE_BAD("010-623456", "a local number has 7 or 8 digits after area code 010, not 6");
    PHONE_BAD("010-623456789", "a local number has 7 or 8 digits after area code 010, not 9");
    PHONE_BAD("0631", "a landline number needs a local number");
    PHONE_BAD("010-62345678转", "an extension needs 1 to 6 digits");
    PHONE_BAD("010-62345678转1234567", "an extension has at most 6 digits");
    PHONE_BAD("010-62345678转1转2", "at most one extension");
    PHONE_BAD("转123", "an extension must follow the phone number");
    PHONE_BAD("010-62345678-1234567", "not 15");
    PHONE_BAD("0010 62345678", "only mainland China numbers");
    PHONE_BAD("+86", "not a mainland phone number");
}

/* ---- masks -------------------------------------------------------------- */

static void test_mask_generic(void **state)
{
    char out[64];

    MASK_IS(gg_mask("abcdef", 1, 1, out, sizeof out), out, "a****f");
    MASK_IS(gg_mask("abcdef", 0, 0, out, sizeof out), out, "******");
    MASK_IS(gg_mask("abcdef", 2, 0, out, sizeof out), out, "ab****");
    MASK_IS(gg_mask("abcdef", 0, 3, out, sizeof out), out, "***def");
    MASK_IS(gg_mask("中华人民共和国", 2, 2, out, sizeof out), out, "中华***和国");
    MASK_IS(gg_mask("a中b", 1, 1, out, sizeof out), out, "a*b");
    MASK_IS(gg_mask("😀x😀", 0, 1, out, sizeof out), out, "**😀");
    /* Never everything shown: the tail shrinks first, then the head. */
    MASK_IS(gg_mask("abc", 1, 5, out, sizeof out), out, "a*c");
    MASK_IS(gg_mask("abc", 2, 1, out, sizeof out), out, "ab*");
    MASK_IS(gg_mask("abc", 3, 0, out, sizeof out), out, "ab*");
    MASK_IS(gg_mask("abc", 9, 9, out, sizeof out), out, "ab*");
    MASK_IS(gg_mask("A", 6, 4, out, sizeof out), out, "*");
    MASK_IS(gg_mask("张", 1, 0, out, sizeof out), out, "*");
    MASK_IS(gg_mask("", 1, 1, out, sizeof out), out, "");
    MASK_IS(gg_mask("abc", SIZE_MAX, SIZE_MAX, out, sizeof out), out, "ab*");

    /* Refusals leave "" behind. */
    snprintf(out, sizeof out, "junk");
    assert_int_equal(gg_mask("ab\xff", 1, 0, out, sizeof out), GG_EINVAL);
    assert_string_equal(out, "");
    assert_int_equal(gg_mask("\xc0\xaf", 0, 0, out, sizeof out), GG_EINVAL);        /* overlong */
    assert_int_equal(gg_mask("\xed\xa0\x80", 0, 0, out, sizeof out), GG_EINVAL);    /* surrogate */
    assert_int_equal(gg_mask("\xe4\xb8", 0, 0, out, sizeof out), GG_EINVAL);        /* truncated */
    assert_int_equal(gg_mask(NULL, 0, 0, out, sizeof out), GG_EINVAL);
    assert_int_equal(gg_mask("abc", 0, 0, NULL, 8), GG_EINVAL);
    assert_int_equal(gg_mask("abc", 0, 0, out, 0), GG_EINVAL);
    snprintf(out, sizeof out, "junk");
    assert_int_equal(gg_mask("abcdef", 1, 1, out, 6), GG_ETOOBIG);
    assert_string_equal(out, "");
    MASK_IS(gg_mask("abcdef", 1, 1, out, 7), out, "a****f"); /* exactly fits */
    /* "中" is 3 bytes: kept characters never get cut in half. */
    assert_int_equal(gg_mask("中国人", 1, 1, out, 5), GG_ETOOBIG);
    assert_string_equal(out, "");
    MASK_IS(gg_mask("中国人", 1, 1, out, 8), out, "中*人");
}

static void test_mask_id_phone_name(void **state)
{
    char out[64], id[19];

    make_id(id, "630102", "19900101", "123");
    char want[32];
    snprintf(want, sizeof want, "630102********%.4s", id + 14);
    MASK_IS(gg_mask_id(id, out, sizeof out), out, want);
    MASK_IS(gg_mask_id("11010519491231002X", out, sizeof out), out, "110105********002X");
    MASK_IS(gg_mask_id("630102900101123", out, sizeof out), out, "630102*****1123");
    assert_int_equal(gg_mask_id("630102900101123", out, 15), GG_ETOOBIG);

    MASK_IS(gg_mask_phone("13812345678", out, sizeof out), out, "138****5678");
    MASK_IS(gg_mask_phone("010-62345678", out, sizeof out), out, "010-****5678");
    MASK_IS(gg_mask_phone("0631-5201234", out, sizeof out), out, "0631-***1234");
    MASK_IS(gg_mask_phone("0631-5201234-88", out, sizeof out), out, "0631-***1234");
    MASK_IS(gg_mask_phone("12345", out, sizeof out), out, "123*5"); /* not canonical */
    assert_int_equal(gg_mask_phone("010-62345678", out, 12), GG_ETOOBIG);
    assert_string_equal(out, "");
    MASK_IS(gg_mask_phone("010-62345678", out, 13), out, "010-****5678");
    assert_int_equal(gg_mask_phone(NULL, out, sizeof out), GG_EINVAL);

    MASK_IS(gg_mask_name("张三", out, sizeof out), out, "张*");
    MASK_IS(gg_mask_name("张三丰", out, sizeof out), out, "张**");
    MASK_IS(gg_mask_name("欧阳娜娜", out, sizeof out), out, "欧阳**");
    MASK_IS(gg_mask_name("欧阳修", out, sizeof out), out, "欧阳*");
    MASK_IS(gg_mask_name("司马相如", out, sizeof out), out, "司马**");
    MASK_IS(gg_mask_name("欧阳", out, sizeof out), out, "欧*");
    MASK_IS(gg_mask_name("夏侯杰", out, sizeof out), out, "夏**"); /* ambiguous: 1 kept */
    MASK_IS(gg_mask_name("张", out, sizeof out), out, "*");
    MASK_IS(gg_mask_name("阿依古丽·买买提", out, sizeof out), out, "阿*******");
    MASK_IS(gg_mask_name("John", out, sizeof out), out, "J***");
    MASK_IS(gg_mask_name("", out, sizeof out), out, "");
    assert_int_equal(gg_mask_name("\xff\xfe", out, sizeof out), GG_EINVAL);
    assert_int_equal(gg_mask_name(NULL, out, sizeof out), GG_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_digit),
        cmocka_unit_test(test_valid_every_province),
        cmocka_unit_test(test_valid_sex_and_dates),
        cmocka_unit_test(test_lower_x_and_blanks),
        cmocka_unit_test(test_bad_check_digit),
        cmocka_unit_test(test_bad_dates),
        cmocka_unit_test(test_bad_region),
        cmocka_unit_test(test_bad_length),
        cmocka_unit_test(test_bad_characters),
        cmocka_unit_test(test_legacy),
        cmocka_unit_test(test_mangled),
        cmocka_unit_test(test_phone_mobile),
        cmocka_unit_test(test_phone_landline),
        cmocka_unit_test(test_mask_generic),
        cmocka_unit_test(test_mask_id_phone_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
