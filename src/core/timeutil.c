/*
 * timeutil.c — clocks and ISO 8601 text for UTC microsecond timestamps.
 *
 * Zones are fixed offsets in minutes (the display zone, Asia/Shanghai, has
 * no DST), so nothing here reads TZ or calls localtime: civil dates come
 * from the days-from-civil arithmetic of the proleptic Gregorian calendar
 * (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"), which is
 * exact for every int64 day count we can meet and thread-safe.
 */
#include "core/timeutil.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/gg.h"
#include "core/str.h"

#define US_PER_SEC INT64_C(1000000)
#define SEC_PER_DAY INT64_C(86400)

/* Set once from configuration at start-up; atomic so a later change (tests)
 * is never a data race with request threads formatting times. */
static atomic_int display_offset_min = 480;

int gg_display_offset_min(void)
{
    return atomic_load_explicit(&display_offset_min, memory_order_relaxed);
}

void gg_set_display_offset_min(int minutes)
{
    atomic_store_explicit(&display_offset_min, minutes, memory_order_relaxed);
}

static int64_t clock_us(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}

int64_t gg_now_us(void)
{
    return clock_us(CLOCK_REALTIME);
}

int64_t gg_mono_us(void)
{
    return clock_us(CLOCK_MONOTONIC);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 of the civil date y-m-d (m 1..12, d 1..31). */
int64_t gg_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                                /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;        /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void gg_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

bool gg_date_valid(int64_t y, int m, int d)
{
    return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* Length of the separator at s[0..n) that may follow part np (1..3) of a
 * date, 0 when there is none. */
static size_t date_sep(const char *s, size_t n, int np, unsigned flags)
{
    if (n && (s[0] == '-' || s[0] == '/' || s[0] == '.')) return 1;
    if (!(flags & GG_DATE_SHEET) || n < 3) return 0;
    if (memcmp(s, "年", 3) == 0 || memcmp(s, "月", 3) == 0) return 3;
    return np == 3 && memcmp(s, "日", 3) == 0 ? 3 : 0;
}

int gg_date_scan(const char *s, size_t n, unsigned flags, int *y, int *m, int *d)
{
    int part[3] = {0, 0, 0}, np = 0;
    size_t i = 0;
    if (n == 8 && gg_all_digits(s, 8)) {
        part[0] = gg_digits_value(s, 4);
        part[1] = gg_digits_value(s + 4, 2);
        part[2] = gg_digits_value(s + 6, 2);
        np = 3, i = n;
    }
    while (np < 3) {
        size_t j = i;
        while (j < n && s[j] >= '0' && s[j] <= '9') j++;
        if (j == i || j - i > 4) return GG_EINVAL;
        part[np++] = gg_digits_value(s + i, j - i);
        i = j;
        size_t k = date_sep(s + i, n - i, np, flags);
        if (np < 3 && !k) return GG_EINVAL;
        if (np < 3 || (flags & GG_DATE_SHEET)) i += k;
    }
    if (i != n) return GG_EINVAL;
    *y = part[0], *m = part[1], *d = part[2];
    return 0;
}

void gg_date_format(int y, int m, int d, char out[11])
{
    out[0] = (char)('0' + y / 1000 % 10);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10 % 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10 % 10);
    out[9] = (char)('0' + d % 10);
    out[10] = 0;
}

void gg_time_format(int64_t t_us, int offset_min, char *dst, size_t cap)
{
    if (cap == 0)
        return;
    int64_t secs = floor_div(t_us, US_PER_SEC) + (int64_t)offset_min * 60;
    int64_t days = floor_div(secs, SEC_PER_DAY);
    int64_t sod = secs - days * SEC_PER_DAY;
    int64_t y;
    int m, d;
    gg_civil_from_days(days, &y, &m, &d);

    char zone[8] = "Z";
    if (offset_min != 0) {
        long long a = offset_min < 0 ? -(long long)offset_min : offset_min;
        snprintf(zone, sizeof zone, "%c%02d:%02d", offset_min < 0 ? '-' : '+',
                 (int)(a / 60 % 100), (int)(a % 60));
    }
    snprintf(dst, cap, "%04lld-%02d-%02dT%02d:%02d:%02d%s", (long long)y, m, d,
             (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), zone);
}

/* Exactly k ASCII digits at p, as a number. */
static bool digits(const char *p, int k, int *out)
{
    int v = 0;
    for (int i = 0; i < k; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DD" at p (10 bytes available), validated against the calendar. */
static bool parse_date(const char *p, int *y, int *m, int *d)
{
    if (!digits(p, 4, y) || p[4] != '-' || !digits(p + 5, 2, m) || p[7] != '-' ||
        !digits(p + 8, 2, d))
        return false;
    return *m >= 1 && *m <= 12 && *d >= 1 && *d <= days_in_month(*y, *m);
}

/* "Z", "+hh:mm" or "-hh:mm" filling exactly the n bytes left. */
static bool parse_offset(const char *p, size_t n, int *off_min)
{
    if (n == 1 && p[0] == 'Z') {
        *off_min = 0;
        return true;
    }
    int hh, mm;
    if (n != 6 || (p[0] != '+' && p[0] != '-') || !digits(p + 1, 2, &hh) || p[3] != ':' ||
        !digits(p + 4, 2, &mm) || hh > 23 || mm > 59)
        return false;
    *off_min = (p[0] == '-' ? -1 : 1) * (hh * 60 + mm);
    return true;
}

int gg_time_parse(const char *p, size_t n, int offset_min, int64_t *out_us)
{
    int y, mo, d, hh, mi, ss, off;
    if (n < 10 || !parse_date(p, &y, &mo, &d))
        return GG_EINVAL;
    int64_t days = gg_days_from_civil(y, mo, d);
    if (n == 10) {
        *out_us = (days * SEC_PER_DAY - (int64_t)offset_min * 60) * US_PER_SEC;
        return 0;
    }
    /* The shortest datetime: "YYYY-MM-DDTHH:MM:SSZ". */
    if (n < 20 || p[10] != 'T' || !digits(p + 11, 2, &hh) || p[13] != ':' ||
        !digits(p + 14, 2, &mi) || p[16] != ':' || !digits(p + 17, 2, &ss))
        return GG_EINVAL;
    if (hh > 23 || mi > 59 || ss > 59)
        return GG_EINVAL;
    size_t i = 19;
    int64_t frac_us = 0;
    if (p[i] == '.') {
        int nd = 0;
        for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++, nd++) {
            if (nd == 6)
                return GG_EINVAL;
            frac_us = frac_us * 10 + (p[i] - '0');
        }
        if (nd == 0)
            return GG_EINVAL;
        for (; nd < 6; nd++)
            frac_us *= 10;
    }
    if (i >= n || !parse_offset(p + i, n - i, &off))
        return GG_EINVAL;
    int64_t secs = days * SEC_PER_DAY + hh * 3600 + mi * 60 + ss - (int64_t)off * 60;
    *out_us = secs * US_PER_SEC + frac_us;
    return 0;
}
