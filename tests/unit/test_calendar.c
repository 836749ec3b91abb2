/*
 * test_calendar.c — unit tests for the working calendar and the stage clocks
 * in src/domain/calendar.c: weekends, every 2026 holiday and adjusted
 * workday, deadlines in working hours / working days / natural hours across
 * nights, lunch breaks, weekends and the Spring Festival, working time
 * between instants, clocks with pauses and extensions, the traffic light at
 * its edges, custom segments and special dates, refusals, and a randomized
 * check against a day-by-day oracle. Times are written as local (+08:00)
 * ISO strings so the expectations read like a clerk's calendar.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "domain/calendar.h"

#define H(n) ((int64_t)(n) * GG_US_PER_HOUR)
#define MIN(n) ((int64_t)(n) * 60 * GG_US_PER_SEC)

static gg_cal g_cal; /* 36 KB: static, not on the stack */

static gg_cal *defaults(void)
{
    gg_error e = {0};
    assert_int_equal(gg_cal_load_defaults(&g_cal, &e), GG_OK);
    return &g_cal;
}

/* ---- helpers ------------------------------------------------------------ */

/* "YYYY-MM-DDTHH:MM", "YYYY-MM-DDTHH:MM:SS" (both +08:00), a date (local
 * midnight) or any full ISO 8601 instant. */
static int64_t at_line(const char *s, int line)
{
    char buf[48];
    size_t n = strlen(s);
    const char *tail = n == 16 ? ":00+08:00" : n == 19 ? "+08:00" : "";
    int64_t t = 0;
    snprintf(buf, sizeof buf, "%s%s", s, tail);
    int rc = gg_time_parse(buf, strlen(buf), 480, &t);
    if (rc != GG_OK)
        print_error("line %d: cannot parse \"%s\"\n", line, s);
    assert_int_equal(rc, GG_OK);
    return t;
}
#define T(s) at_line((s), __LINE__)

static int32_t day_line(const char *s, int line)
{
    int32_t d = 0;
    int rc = gg_cal_day_parse(s, strlen(s), &d);
    if (rc != GG_OK)
        print_error("line %d: cannot parse day \"%s\"\n", line, s);
    assert_int_equal(rc, GG_OK);
    return d;
}
#define D(s) day_line((s), __LINE__)

static void time_eq(int64_t got, const char *want, int line)
{
    int64_t w = at_line(want, line);
    if (got != w) {
        char g[40];
        gg_time_format(got, 480, g, sizeof g);
        print_error("line %d: got %s (+%lld us), want %s\n", line, g,
                    (long long)(got % GG_US_PER_SEC), want);
    }
    assert_int_equal(got, w);
}

static int64_t deadline_line(const gg_cal *c, const char *start, int64_t amount, int unit,
                             int line)
{
    int64_t out = 0;
    gg_error e = {0};
    int rc = gg_cal_deadline(c, at_line(start, line), amount, unit, &out, &e);
    if (rc != GG_OK)
        print_error("line %d: deadline refused: %s\n", line, e.message);
    assert_int_equal(rc, GG_OK);
    return out;
}
#define DEADLINE(c, start, amount, unit, want)                                                 \
    time_eq(deadline_line((c), (start), (amount), (unit), __LINE__), (want), __LINE__)

static int64_t working(const gg_cal *c, int64_t from, int64_t to)
{
    int64_t out = -1;
    assert_int_equal(gg_cal_working_us(c, from, to, &out, NULL), GG_OK);
    return out;
}
#define WORKING(c, from, to) working((c), T(from), T(to))

static int64_t elapsed(const gg_clock *k, const gg_cal *c, int64_t at)
{
    int64_t out = -1;
    assert_int_equal(gg_clock_elapsed(k, c, at, &out, NULL), GG_OK);
    return out;
}

static int light(const gg_clock *k, const gg_cal *c, int64_t at)
{
    int l = 0;
    assert_int_equal(gg_clock_light(k, c, at, &l, NULL), GG_OK);
    return l;
}

static int64_t clock_deadline(const gg_clock *k, const gg_cal *c, int64_t at)
{
    int64_t out = 0;
    assert_int_equal(gg_clock_deadline(k, c, at, &out, NULL), GG_OK);
    return out;
}

static void refused(int rc, const gg_error *e, int want_rc, const char *field)
{
    if (rc != want_rc)
        print_error("rc %d (%s), wanted %d\n", rc, e->message, want_rc);
    assert_int_equal(rc, want_rc);
    assert_string_equal(e->field, field);
    assert_true(e->message[0] != '\0');
}

/* ---- days, weekends, holidays ------------------------------------------- */

static void test_days_and_weekends(void **state)
{
    gg_cal *c = defaults();
    char buf[16];

    assert_int_equal(D("1970-01-01"), 0);
    assert_int_equal(D("2026-01-01"), 20454);
    gg_cal_day_format(D("2026-02-28"), buf, sizeof buf);
    assert_string_equal(buf, "2026-02-28");
    int32_t d;
    assert_int_equal(gg_cal_day_parse("1969-12-31", 10, &d), GG_EINVAL);
    assert_int_equal(gg_cal_day_parse("2026-02-29", 10, &d), GG_EINVAL);
    assert_int_equal(gg_cal_day_parse("2026-03-01T", 11, &d), GG_EINVAL);
    assert_int_equal(gg_cal_day_parse("2026-03-0", 9, &d), GG_EINVAL);

    /* A local day begins at 16:00 UTC the day before. */
    assert_int_equal(gg_cal_day_of(c, T("2026-03-09T00:30")), D("2026-03-09"));
    assert_int_equal(gg_cal_day_of(c, T("2026-03-08T23:59:59")), D("2026-03-08"));
    assert_int_equal(gg_cal_day_start(c, D("2026-03-09")), T("2026-03-08T16:00:00Z"));

    /* An ordinary March week: Mon–Fri work, Sat–Sun off. */
    const char *work[] = {"2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"};
    for (size_t i = 0; i < GG_ARRAY_LEN(work); i++)
        assert_true(gg_cal_is_workday(c, D(work[i])));
    assert_false(gg_cal_is_workday(c, D("2026-03-07")));
    assert_false(gg_cal_is_workday(c, D("2026-03-08")));
    assert_false(gg_cal_is_workday(c, D("2027-01-02"))); /* a Saturday, no data for 2027 */

    assert_true(gg_cal_is_working_time(c, T("2026-03-02T09:00")));
    assert_true(gg_cal_is_working_time(c, T("2026-03-02T11:59:59")));
    assert_false(gg_cal_is_working_time(c, T("2026-03-02T12:00")));
    assert_false(gg_cal_is_working_time(c, T("2026-03-02T13:29:59")));
    assert_true(gg_cal_is_working_time(c, T("2026-03-02T13:30")));
    assert_false(gg_cal_is_working_time(c, T("2026-03-02T17:30")));
    assert_false(gg_cal_is_working_time(c, T("2026-03-07T10:00")));
}

/* Every day the 2026 notice gives off, and every adjusted workday. */
static const char *const off_2026[] = {
    "2026-01-01", "2026-01-02", "2026-01-03",                                 /* 元旦 */
    "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",     /* 春节 */
    "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
    "2026-04-04", "2026-04-05", "2026-04-06",                                 /* 清明 */
    "2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05",     /* 劳动节 */
    "2026-06-19", "2026-06-20", "2026-06-21",                                 /* 端午 */
    "2026-09-25", "2026-09-26", "2026-09-27",                                 /* 中秋 */
    "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05",     /* 国庆 */
    "2026-10-06", "2026-10-07",
};
static const char *const work_2026[] = {
    "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
};
/* Ordinary workdays right next to the blocks. */
static const char *const near_2026[] = {
    "2025-12-31", "2026-01-05", "2026-02-13", "2026-02-24", "2026-04-03", "2026-04-07",
    "2026-04-30", "2026-05-06", "2026-06-18", "2026-06-22", "2026-09-24", "2026-09-28",
    "2026-09-30", "2026-10-08", "2026-10-09",
};

static void test_holidays_2026(void **state)
{
    gg_cal *c = defaults();
    for (size_t i = 0; i < GG_ARRAY_LEN(off_2026); i++) {
        if (gg_cal_is_workday(c, D(off_2026[i])))
            print_error("%s should be off\n", off_2026[i]);
        assert_false(gg_cal_is_workday(c, D(off_2026[i])));
        assert_int_equal(gg_cal_special_kind(c, D(off_2026[i])), GG_CAL_OFF);
    }
    for (size_t i = 0; i < GG_ARRAY_LEN(work_2026); i++) {
        if (!gg_cal_is_workday(c, D(work_2026[i])))
            print_error("%s should be a workday\n", work_2026[i]);
        assert_true(gg_cal_is_workday(c, D(work_2026[i])));
        assert_int_equal(gg_cal_special_kind(c, D(work_2026[i])), GG_CAL_WORK);
    }
    for (size_t i = 0; i < GG_ARRAY_LEN(near_2026); i++) {
        assert_true(gg_cal_is_workday(c, D(near_2026[i])));
        assert_int_equal(gg_cal_special_kind(c, D(near_2026[i])), GG_CAL_NORMAL);
    }
    assert_int_equal(c->nspecial, GG_ARRAY_LEN(off_2026) + GG_ARRAY_LEN(work_2026));

    /* 261 weekdays in 2026, 19 of them holidays, 6 adjusted workdays. */
    int64_t n = 0;
    assert_int_equal(gg_cal_workdays(c, D("2026-01-01"), D("2027-01-01"), &n, NULL), GG_OK);
    assert_int_equal(n, 248);
    assert_int_equal(WORKING(c, "2026-01-01", "2027-01-01"), 248 * H(7));

    /* Without the defaults New Year's Day is an ordinary Thursday. */
    gg_cal_init(c);
    assert_true(gg_cal_is_workday(c, D("2026-01-01")));
    assert_false(gg_cal_is_workday(c, D("2026-01-04")));
}

/* ---- deadlines ---------------------------------------------------------- */

static void test_hours_within_a_day(void **state)
{
    gg_cal *c = defaults();
    DEADLINE(c, "2026-03-02T10:00", 1, GG_CAL_WORK_HOURS, "2026-03-02T11:00");
    DEADLINE(c, "2026-03-02T11:00", 2, GG_CAL_WORK_HOURS, "2026-03-02T14:30");
    DEADLINE(c, "2026-03-02T09:00", 7, GG_CAL_WORK_HOURS, "2026-03-02T17:30");
    DEADLINE(c, "2026-03-02T10:15", 0, GG_CAL_WORK_HOURS, "2026-03-02T10:15");
    /* An amount that ends with a segment ends at its end, not the next start. */
    DEADLINE(c, "2026-03-02T09:00", 3, GG_CAL_WORK_HOURS, "2026-03-02T12:00");
    int64_t out = 0;
    assert_int_equal(gg_cal_add_working(c, T("2026-03-06T17:00"), MIN(30), &out, NULL), GG_OK);
    time_eq(out, "2026-03-06T17:30", __LINE__);
}

static void test_overnight_and_weekend(void **state)
{
    gg_cal *c = defaults();
    /* Friday 17:00 has 30 minutes left; the other 90 fall on Monday. */
    DEADLINE(c, "2026-03-06T17:00", 2, GG_CAL_WORK_HOURS, "2026-03-09T10:30");
    DEADLINE(c, "2026-03-06T17:30", 2, GG_CAL_WORK_HOURS, "2026-03-09T11:00");
    DEADLINE(c, "2026-03-06T18:00", 1, GG_CAL_WORK_HOURS, "2026-03-09T10:00");
    DEADLINE(c, "2026-03-07T10:00", 1, GG_CAL_WORK_HOURS, "2026-03-09T10:00"); /* Saturday */
    DEADLINE(c, "2026-03-03T17:00", 2, GG_CAL_WORK_HOURS, "2026-03-04T10:30"); /* Tue→Wed */
    /* Unless Monday is a holiday: 清明 takes Monday 6 April. */
    DEADLINE(c, "2026-04-03T17:00", 2, GG_CAL_WORK_HOURS, "2026-04-07T10:30");
    /* 端午 takes Friday 19 June: Thursday evening runs on to Monday. */
    DEADLINE(c, "2026-06-18T17:00", 2, GG_CAL_WORK_HOURS, "2026-06-22T10:30");
    /* An adjusted Sunday works: 4 January after 元旦. */
    DEADLINE(c, "2025-12-31T17:00", 2, GG_CAL_WORK_HOURS, "2026-01-04T10:30");
}

static void test_lunch_and_off_hours(void **state)
{
    gg_cal *c = defaults();
    DEADLINE(c, "2026-03-02T12:30", 1, GG_CAL_WORK_HOURS, "2026-03-02T14:30");
    DEADLINE(c, "2026-03-02T12:00", 1, GG_CAL_WORK_HOURS, "2026-03-02T14:30");
    DEADLINE(c, "2026-03-02T11:30", 1, GG_CAL_WORK_HOURS, "2026-03-02T14:00");
    DEADLINE(c, "2026-03-02T08:00", 1, GG_CAL_WORK_HOURS, "2026-03-02T10:00");
    DEADLINE(c, "2026-03-02T00:00", 7, GG_CAL_WORK_HOURS, "2026-03-02T17:30");
    DEADLINE(c, "2026-03-02T17:45", 1, GG_CAL_WORK_HOURS, "2026-03-03T10:00");
    DEADLINE(c, "2026-03-02T23:59:59", 4, GG_CAL_WORK_HOURS, "2026-03-03T14:30");
    assert_int_equal(WORKING(c, "2026-03-02T12:00", "2026-03-02T13:30"), 0);
    assert_int_equal(WORKING(c, "2026-03-02T08:00", "2026-03-02T09:30"), MIN(30));
    assert_int_equal(WORKING(c, "2026-03-02T17:00", "2026-03-02T23:00"), MIN(30));
}

static void test_work_days(void **state)
{
    gg_cal *c = defaults();
    DEADLINE(c, "2026-03-06T10:00", 2, GG_CAL_WORK_DAYS, "2026-03-10T10:00");
    DEADLINE(c, "2026-03-02T09:00", 1, GG_CAL_WORK_DAYS, "2026-03-02T17:30");
    DEADLINE(c, "2026-03-02T12:30", 1, GG_CAL_WORK_DAYS, "2026-03-03T12:00");
    /* Spring Festival: Sat 14 Feb works, 15–23 Feb off. */
    DEADLINE(c, "2026-02-13T10:00", 1, GG_CAL_WORK_DAYS, "2026-02-14T10:00");
    DEADLINE(c, "2026-02-13T10:00", 2, GG_CAL_WORK_DAYS, "2026-02-24T10:00");
    DEADLINE(c, "2026-02-12T09:00", 5, GG_CAL_WORK_DAYS, "2026-02-25T17:30");
    DEADLINE(c, "2026-02-16T10:00", 1, GG_CAL_WORK_DAYS, "2026-02-24T17:30");
    DEADLINE(c, "2026-02-14T09:00", 1, GG_CAL_WORK_DAYS, "2026-02-14T17:30");
    /* National Day: 1–7 Oct off, Sat 10 Oct works. */
    DEADLINE(c, "2026-09-30T10:00", 1, GG_CAL_WORK_DAYS, "2026-10-08T10:00");
    DEADLINE(c, "2026-09-30T10:00", 3, GG_CAL_WORK_DAYS, "2026-10-10T10:00");
    DEADLINE(c, "2026-09-30T10:00", 4, GG_CAL_WORK_DAYS, "2026-10-12T10:00");
    /* 10 working days over 劳动节 (1–5 May off, Sat 9 May works). */
    DEADLINE(c, "2026-04-28T10:00", 10, GG_CAL_WORK_DAYS, "2026-05-14T10:00");
    /* A year of working days lands a year later (248 in 2026). */
    DEADLINE(c, "2026-01-01T00:00", 248, GG_CAL_WORK_DAYS, "2026-12-31T17:30");
}

static void test_natural_units(void **state)
{
    gg_cal *c = defaults();
    DEADLINE(c, "2026-03-06T17:00", 24, GG_CAL_NATURAL_HOURS, "2026-03-07T17:00");
    DEADLINE(c, "2026-02-14T10:00", 72, GG_CAL_NATURAL_HOURS, "2026-02-17T10:00");
    DEADLINE(c, "2026-02-14T10:00", 7, GG_CAL_NATURAL_DAYS, "2026-02-21T10:00");
    DEADLINE(c, "2026-03-02T12:30", 0, GG_CAL_NATURAL_HOURS, "2026-03-02T12:30");
}

static void test_working_between(void **state)
{
    gg_cal *c = defaults();
    assert_int_equal(WORKING(c, "2026-03-02T09:00", "2026-03-02T17:30"), H(7));
    assert_int_equal(WORKING(c, "2026-03-06T17:00", "2026-03-09T10:00"), MIN(90));
    assert_int_equal(WORKING(c, "2026-03-02T10:00", "2026-03-02T10:00"), 0);
    /* 13 Feb, 14 Feb (adjusted), then 24 Feb: 3 days across the festival. */
    assert_int_equal(WORKING(c, "2026-02-13T09:00", "2026-02-25T09:00"), H(21));
    assert_int_equal(WORKING(c, "2026-09-30T17:00", "2026-10-08T09:30"), MIN(60));
    assert_int_equal(WORKING(c, "2026-10-01", "2026-10-08"), 0);
    /* Additive: a→b plus b→c is a→c. */
    int64_t a = T("2026-02-10T11:11:11"), b = T("2026-02-24T15:00"), d = T("2026-03-03T08:00");
    assert_int_equal(working(c, a, b) + working(c, b, d), working(c, a, d));

    int64_t out = 0;
    gg_error e = {0};
    refused(gg_cal_working_us(c, b, a, &out, &e), &e, GG_EINVAL, "to");
}

/* ---- clocks ------------------------------------------------------------- */

static void test_clock_runs(void **state)
{
    gg_cal *c = defaults();
    gg_clock k;
    assert_int_equal(gg_clock_start(&k, c, T("2026-03-02T09:00"), 10, GG_CAL_WORK_HOURS, NULL),
                     GG_OK);
    assert_int_equal(elapsed(&k, c, T("2026-03-02T09:00")), 0);
    assert_int_equal(elapsed(&k, c, T("2026-03-02T17:30")), H(7));
    assert_int_equal(elapsed(&k, c, T("2026-03-01T10:00")), 0); /* before the start */
    time_eq(clock_deadline(&k, c, T("2026-03-02T10:00")), "2026-03-03T12:00", __LINE__);
    assert_int_equal(light(&k, c, T("2026-03-02T16:00")), GG_LIGHT_GREEN);
}

static void test_traffic_light_edges(void **state)
{
    gg_cal *c = defaults();
    gg_clock k;
    /* 10 working hours from Monday 09:00: 80 % is Tuesday 10:00, 100 % is
     * Tuesday 12:00, and the lunch break after it still counts as 100 %. */
    assert_int_equal(gg_clock_start(&k, c, T("2026-03-02T09:00"), 10, GG_CAL_WORK_HOURS, NULL),
                     GG_OK);
    int64_t y = T("2026-03-03T10:00"), r = T("2026-03-03T12:00");
    assert_int_equal(light(&k, c, y - 1), GG_LIGHT_GREEN);
    assert_int_equal(light(&k, c, y), GG_LIGHT_YELLOW);
    assert_int_equal(light(&k, c, r - 1), GG_LIGHT_YELLOW);
    assert_int_equal(light(&k, c, r), GG_LIGHT_YELLOW);
    assert_int_equal(light(&k, c, T("2026-03-03T13:30")), GG_LIGHT_YELLOW);
    assert_int_equal(light(&k, c, T("2026-03-03T13:30") + 1), GG_LIGHT_RED);

    /* Natural time: 10 hours from Saturday noon. */
    assert_int_equal(gg_clock_start(&k, c, T("2026-03-07T12:00"), 10, GG_CAL_NATURAL_HOURS, NULL),
                     GG_OK);
    assert_int_equal(light(&k, c, T("2026-03-07T20:00") - 1), GG_LIGHT_GREEN);
    assert_int_equal(light(&k, c, T("2026-03-07T20:00")), GG_LIGHT_YELLOW);
    assert_int_equal(light(&k, c, T("2026-03-07T22:00")), GG_LIGHT_YELLOW);
    assert_int_equal(light(&k, c, T("2026-03-07T22:00") + 1), GG_LIGHT_RED);
    time_eq(clock_deadline(&k, c, T("2026-03-07T13:00")), "2026-03-07T22:00", __LINE__);

    assert_string_equal(gg_light_name(GG_LIGHT_GREEN), "green");
    assert_string_equal(gg_light_name(GG_LIGHT_YELLOW), "yellow");
    assert_string_equal(gg_light_name(GG_LIGHT_RED), "red");
    assert_null(gg_light_name(0));
    assert_null(gg_light_name(4));
}

static void test_clock_pauses(void **state)
{
    gg_cal *c = defaults();
    gg_clock k, plain;
    gg_error e = {0};

    /* A pause over the weekend changes nothing on a working clock. */
    assert_int_equal(gg_clock_start(&k, c, T("2026-03-06T09:00"), 2, GG_CAL_WORK_DAYS, NULL), 0);
    plain = k;
    assert_int_equal(gg_clock_pause(&k, c, T("2026-03-06T17:30"), NULL), GG_OK);
    assert_int_equal(gg_clock_resume(&k, T("2026-03-09T09:00"), NULL), GG_OK);
    assert_int_equal(elapsed(&k, c, T("2026-03-09T10:00")), H(8));
    assert_int_equal(elapsed(&plain, c, T("2026-03-09T10:00")), H(8));
    assert_int_equal(clock_deadline(&k, c, 1), clock_deadline(&plain, c, 1));

    /* A pause inside working time removes that time. */
    assert_int_equal(gg_clock_start(&k, c, T("2026-03-02T09:00"), 7, GG_CAL_WORK_HOURS, NULL), 0);
    assert_int_equal(gg_clock_pause(&k, c, T("2026-03-02T10:00"), NULL), GG_OK);
    assert_int_equal(elapsed(&k, c, T("2026-03-02T10:30")), H(1));
    assert_int_equal(elapsed(&k, c, T("2026-03-04T10:30")), H(1)); /* paused: no advance */
    assert_int_equal(light(&k, c, T("2026-03-20T10:30")), GG_LIGHT_GREEN);
    /* Paused, the projection assumes resumption at `at`. */
    time_eq(clock_deadline(&k, c, T("2026-03-02T10:30")), "2026-03-03T09:30", __LINE__);
    time_eq(clock_deadline(&k, c, T("2026-03-02T09:30")), "2026-03-02T17:30", __LINE__);
    refused(gg_clock_pause(&k, c, T("2026-03-02T10:40"), &e), &e, GG_ECONFLICT, "clock");
    refused(gg_clock_resume(&k, T("2026-03-02T09:59"), &e), &e, GG_EINVAL, "at");
    assert_int_equal(gg_clock_resume(&k, T("2026-03-02T11:00"), NULL), GG_OK);
    refused(gg_clock_resume(&k, T("2026-03-02T11:30"), &e), &e, GG_ECONFLICT, "clock");
    refused(gg_clock_pause(&k, c, T("2026-03-02T10:59"), &e), &e, GG_EINVAL, "at");
    assert_int_equal(elapsed(&k, c, T("2026-03-02T12:00")), H(2));
    time_eq(clock_deadline(&k, c, T("2026-03-02T12:00")), "2026-03-03T10:00", __LINE__);

    /* A natural clock stops for its pause, whatever the calendar says. */
    assert_int_equal(gg_clock_start(&k, c, T("2026-03-07T10:00"), 24, GG_CAL_NATURAL_HOURS, NULL),
                     0);
    assert_int_equal(gg_clock_pause(&k, c, T("2026-03-07T12:00"), NULL), GG_OK);
    assert_int_equal(gg_clock_resume(&k, T("2026-03-08T12:00"), NULL), GG_OK);
    assert_int_equal(elapsed(&k, c, T("2026-03-08T13:00")), H(3));
    time_eq(clock_deadline(&k, c, T("2026-03-08T13:00")), "2026-03-09T10:00", __LINE__);
}

static void test_clock_extensions(void **state)
{
    gg_cal *c = defaults();
    gg_clock k;
    gg_error e = {0};

    assert_int_equal(gg_clock_start(&k, c, T("2026-03-02T09:00"), 7, GG_CAL_WORK_HOURS, NULL), 0);
    assert_int_equal(light(&k, c, T("2026-03-03T09:00")), GG_LIGHT_YELLOW); /* exactly 100 % */
    assert_int_equal(light(&k, c, T("2026-03-03T10:00")), GG_LIGHT_RED);
    assert_int_equal(gg_clock_extend(&k, c, 1, GG_CAL_WORK_DAYS, NULL), GG_OK);
    assert_int_equal(k.extension, H(7));
    assert_int_equal(light(&k, c, T("2026-03-03T10:00")), GG_LIGHT_GREEN); /* 8 of 14 h */
    assert_int_equal(light(&k, c, T("2026-03-03T15:00")), GG_LIGHT_YELLOW); /* 11.5 of 14 */
    time_eq(clock_deadline(&k, c, T("2026-03-03T10:00")), "2026-03-03T17:30", __LINE__);
    assert_int_equal(gg_clock_extend(&k, c, 2, GG_CAL_WORK_HOURS, NULL), GG_OK);
    time_eq(clock_deadline(&k, c, T("2026-03-03T10:00")), "2026-03-04T11:00", __LINE__);

    refused(gg_clock_extend(&k, c, 1, GG_CAL_NATURAL_DAYS, &e), &e, GG_EINVAL, "unit");
    refused(gg_clock_extend(&k, c, 0, GG_CAL_WORK_DAYS, &e), &e, GG_EINVAL, "amount");
    refused(gg_clock_extend(&k, c, -1, GG_CAL_WORK_DAYS, &e), &e, GG_EINVAL, "amount");
    refused(gg_clock_extend(&k, c, GG_CAL_MAX_DAYS - 1, GG_CAL_WORK_DAYS, &e), &e, GG_EINVAL,
            "amount");
    assert_int_equal(gg_clock_extend(&k, c, GG_CAL_MAX_DAYS - 3, GG_CAL_WORK_DAYS, NULL), 0);
    assert_int_equal(k.limit + k.extension, GG_CAL_MAX_DAYS * H(7) - H(5));

    /* A natural clock takes natural extensions only. */
    assert_int_equal(gg_clock_start(&k, c, T("2026-03-02T09:00"), 24, GG_CAL_NATURAL_HOURS, NULL),
                     0);
    refused(gg_clock_extend(&k, c, 1, GG_CAL_WORK_HOURS, &e), &e, GG_EINVAL, "unit");
    assert_int_equal(gg_clock_extend(&k, c, 1, GG_CAL_NATURAL_DAYS, NULL), GG_OK);
    time_eq(clock_deadline(&k, c, T("2026-03-02T10:00")), "2026-03-04T09:00", __LINE__);
}

static void test_clock_overdue_deadline(void **state)
{
    gg_cal *c = defaults();
    gg_clock k;
    /* Overdue in the current stretch: the deadline is the exact past instant. */
    assert_int_equal(gg_clock_start(&k, c, T("2026-03-02T09:00"), 2, GG_CAL_WORK_HOURS, NULL), 0);
    time_eq(clock_deadline(&k, c, T("2026-03-05T10:00")), "2026-03-02T11:00", __LINE__);
    /* Used up before a pause: the pause is the instant reported (over by then). */
    assert_int_equal(gg_clock_pause(&k, c, T("2026-03-02T15:00"), NULL), GG_OK);
    time_eq(clock_deadline(&k, c, T("2026-03-05T10:00")), "2026-03-02T15:00", __LINE__);
    assert_int_equal(gg_clock_resume(&k, T("2026-03-03T09:00"), NULL), GG_OK);
    time_eq(clock_deadline(&k, c, T("2026-03-05T10:00")), "2026-03-03T09:00", __LINE__);
    assert_int_equal(light(&k, c, T("2026-03-03T09:00")), GG_LIGHT_RED);
}

/* ---- configuration ------------------------------------------------------ */

static void test_custom_segments(void **state)
{
    gg_cal *c = defaults();
    gg_error e = {0};
    const gg_cal_segment eight[] = {{8 * 3600, 12 * 3600}, {14 * 3600, 18 * 3600}};
    assert_int_equal(gg_cal_set_segments(c, eight, 2, &e), GG_OK);
    assert_int_equal(gg_cal_day_work_us(c), H(8));
    DEADLINE(c, "2026-03-06T17:00", 2, GG_CAL_WORK_HOURS, "2026-03-09T09:00");
    DEADLINE(c, "2026-03-06T10:00", 2, GG_CAL_WORK_DAYS, "2026-03-10T10:00");
    DEADLINE(c, "2026-03-06T12:30", 1, GG_CAL_WORK_HOURS, "2026-03-06T15:00");

    /* Touching segments are fine; a whole-day segment makes working days 24 h. */
    const gg_cal_segment touch[] = {{0, 12 * 3600}, {12 * 3600, 86400}};
    assert_int_equal(gg_cal_set_segments(c, touch, 2, &e), GG_OK);
    DEADLINE(c, "2026-03-06T23:00", 2, GG_CAL_WORK_HOURS, "2026-03-09T01:00");

    const struct {
        gg_cal_segment s[3];
        int n;
    } bad[] = {
        {{{9 * 3600, 12 * 3600}, {11 * 3600, 17 * 3600}}, 2},  /* overlapping */
        {{{13 * 3600, 17 * 3600}, {9 * 3600, 12 * 3600}}, 2},  /* unordered */
        {{{9 * 3600, 9 * 3600}}, 1},                            /* empty */
        {{{12 * 3600, 9 * 3600}}, 1},                           /* reversed */
        {{{-1, 9 * 3600}}, 1},                                  /* before midnight */
        {{{20 * 3600, 86401}}, 1},                              /* past the day */
        {{{9 * 3600, 12 * 3600}}, 0},                           /* none */
        {{{9 * 3600, 12 * 3600}}, GG_CAL_SEG_MAX + 1},          /* too many */
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(bad); i++) {
        refused(gg_cal_set_segments(c, bad[i].s, bad[i].n, &e), &e, GG_EINVAL, "segments");
        assert_int_equal(gg_cal_day_work_us(c), H(24)); /* unchanged */
    }
    refused(gg_cal_set_segments(c, NULL, 1, &e), &e, GG_EINVAL, "segments");

    /* A six-day week, and a calendar kept in UTC. */
    defaults();
    assert_int_equal(gg_cal_set_weekly(c, 0x3F, &e), GG_OK);
    DEADLINE(c, "2026-03-06T17:00", 2, GG_CAL_WORK_HOURS, "2026-03-07T10:30");
    assert_false(gg_cal_is_workday(c, D("2026-04-04"))); /* a holiday stays off */
    refused(gg_cal_set_weekly(c, 0, &e), &e, GG_EINVAL, "weekly");
    refused(gg_cal_set_weekly(c, 0x80, &e), &e, GG_EINVAL, "weekly");
    assert_int_equal(gg_cal_set_weekly(c, 0x1F, &e), GG_OK);
    assert_int_equal(gg_cal_set_offset(c, 0, &e), GG_OK);
    DEADLINE(c, "2026-03-02T09:00:00Z", 1, GG_CAL_WORK_HOURS, "2026-03-02T10:00:00Z");
    DEADLINE(c, "2026-03-02T09:00", 1, GG_CAL_WORK_HOURS, "2026-03-02T10:00:00Z");
    refused(gg_cal_set_offset(c, 841, &e), &e, GG_EINVAL, "offset");
    refused(gg_cal_set_offset(c, -841, &e), &e, GG_EINVAL, "offset");
}

static void test_special_dates_edit(void **state)
{
    gg_cal *c = defaults();
    gg_error e = {0};
    int32_t wed = D("2026-03-04");

    /* A new holiday on a Wednesday, then made a workday, then removed. */
    assert_int_equal(gg_cal_set_special(c, wed, GG_CAL_OFF, &e), GG_OK);
    assert_false(gg_cal_is_workday(c, wed));
    assert_int_equal(WORKING(c, "2026-03-02", "2026-03-09"), H(28));
    DEADLINE(c, "2026-03-03T17:00", 2, GG_CAL_WORK_HOURS, "2026-03-05T10:30");
    assert_int_equal(gg_cal_set_special(c, wed, GG_CAL_WORK, &e), GG_OK);
    assert_int_equal(gg_cal_special_kind(c, wed), GG_CAL_WORK);
    assert_int_equal(WORKING(c, "2026-03-02", "2026-03-09"), H(35));
    assert_int_equal(gg_cal_remove_special(c, wed, &e), GG_OK);
    assert_int_equal(gg_cal_special_kind(c, wed), GG_CAL_NORMAL);
    refused(gg_cal_remove_special(c, wed, &e), &e, GG_ENOTFOUND, "day");

    /* Removing an official date restores the weekly pattern. */
    assert_int_equal(gg_cal_remove_special(c, D("2026-10-10"), &e), GG_OK);
    assert_false(gg_cal_is_workday(c, D("2026-10-10")));
    assert_int_equal(gg_cal_remove_special(c, D("2026-10-01"), &e), GG_OK);
    assert_true(gg_cal_is_workday(c, D("2026-10-01")));
    DEADLINE(c, "2026-09-30T10:00", 1, GG_CAL_WORK_DAYS, "2026-10-01T10:00");

    refused(gg_cal_set_special(c, wed, 3, &e), &e, GG_EINVAL, "kind");
    refused(gg_cal_set_special(c, -1, GG_CAL_OFF, &e), &e, GG_EINVAL, "day");
    refused(gg_cal_set_special(c, GG_CAL_DAY_MAX + 1, GG_CAL_OFF, &e), &e, GG_EINVAL, "day");
    refused(gg_cal_remove_special(c, -5, &e), &e, GG_EINVAL, "day");

    /* Fill to the limit: every Monday from 2030 on becomes a holiday. */
    gg_cal_init(c);
    int32_t mon = D("2030-01-07");
    for (int i = 0; i < GG_CAL_SPECIAL_MAX; i++)
        assert_int_equal(gg_cal_set_special(c, mon + 7 * i, GG_CAL_OFF, &e), GG_OK);
    refused(gg_cal_set_special(c, mon - 7, GG_CAL_OFF, &e), &e, GG_ETOOBIG, "day");
    assert_int_equal(gg_cal_set_special(c, mon, GG_CAL_WORK, &e), GG_OK); /* replace: fits */
    int64_t n = 0;
    assert_int_equal(gg_cal_workdays(c, mon, mon + 7 * 100, &n, NULL), GG_OK);
    assert_int_equal(n, 100 * 4 + 1);
    DEADLINE(c, "2030-01-11T17:30", 1, GG_CAL_WORK_HOURS, "2030-01-15T10:00");
    DEADLINE(c, "2030-01-07T09:00", 3650, GG_CAL_WORK_DAYS, "2047-07-02T17:30");
}

static void test_refusals(void **state)
{
    gg_cal *c = defaults();
    gg_error e = {0};
    int64_t out, start = T("2026-03-02T09:00");

    refused(gg_cal_deadline(c, start, -1, GG_CAL_WORK_HOURS, &out, &e), &e, GG_EINVAL, "amount");
    refused(gg_cal_deadline(c, start, 1, 0, &out, &e), &e, GG_EINVAL, "unit");
    refused(gg_cal_deadline(c, start, 1, GG_CAL_UNIT__END, &out, &e), &e, GG_EINVAL, "unit");
    assert_int_equal(gg_cal_deadline(c, start, 3650, GG_CAL_WORK_DAYS, &out, NULL), GG_OK);
    refused(gg_cal_deadline(c, start, 3651, GG_CAL_WORK_DAYS, &out, &e), &e, GG_EINVAL, "amount");
    assert_int_equal(gg_cal_deadline(c, start, 3650 * 7, GG_CAL_WORK_HOURS, &out, NULL), 0);
    refused(gg_cal_deadline(c, start, 3650 * 7 + 1, GG_CAL_WORK_HOURS, &out, &e), &e, GG_EINVAL,
            "amount");
    assert_int_equal(gg_cal_deadline(c, start, 3650 * 24, GG_CAL_NATURAL_HOURS, &out, NULL), 0);
    refused(gg_cal_deadline(c, start, 3650 * 24 + 1, GG_CAL_NATURAL_HOURS, &out, &e), &e,
            GG_EINVAL, "amount");
    refused(gg_cal_deadline(c, start, INT64_MAX, GG_CAL_NATURAL_DAYS, &out, &e), &e, GG_EINVAL,
            "amount");
    refused(gg_cal_deadline(c, 0, 1, GG_CAL_WORK_HOURS, &out, &e), &e, GG_EINVAL, "start");
    refused(gg_cal_deadline(c, -5, 1, GG_CAL_WORK_HOURS, &out, &e), &e, GG_EINVAL, "start");
    refused(gg_cal_deadline(c, GG_CAL_T_MAX + 1, 1, GG_CAL_WORK_HOURS, &out, &e), &e, GG_EINVAL,
            "start");
    refused(gg_cal_add_working(c, start, -1, &out, &e), &e, GG_EINVAL, "amount");
    refused(gg_cal_add_working(c, start, 3650 * H(7) + 1, &out, &e), &e, GG_EINVAL, "amount");
    refused(gg_cal_working_us(c, INT64_MIN, start, &out, &e), &e, GG_EINVAL, "from");
    refused(gg_cal_working_us(c, start, INT64_MAX, &out, &e), &e, GG_EINVAL, "to");
    refused(gg_cal_workdays(c, 10, 5, &out, &e), &e, GG_EINVAL, "to");
    refused(gg_cal_workdays(c, -1, 5, &out, &e), &e, GG_EINVAL, "day");

    /* Near the end of time a deadline that would pass 9999 is refused. */
    refused(gg_cal_deadline(c, GG_CAL_T_MAX, 30, GG_CAL_WORK_DAYS, &out, &e), &e, GG_EINVAL,
            "amount");

    gg_clock k = {0};
    refused(gg_clock_elapsed(&k, c, start, &out, &e), &e, GG_EINVAL, "clock");
    refused(gg_clock_pause(&k, c, start, &e), &e, GG_EINVAL, "clock");
    refused(gg_clock_resume(&k, start, &e), &e, GG_EINVAL, "clock");
    refused(gg_clock_extend(&k, c, 1, GG_CAL_WORK_HOURS, &e), &e, GG_EINVAL, "clock");
    refused(gg_clock_start(&k, c, start, 0, GG_CAL_WORK_HOURS, &e), &e, GG_EINVAL, "amount");
    refused(gg_clock_start(&k, c, start, 3651, GG_CAL_WORK_DAYS, &e), &e, GG_EINVAL, "amount");
    refused(gg_clock_start(&k, c, start, 1, 99, &e), &e, GG_EINVAL, "unit");
    refused(gg_clock_start(&k, c, -1, 1, GG_CAL_WORK_HOURS, &e), &e, GG_EINVAL, "at");
    assert_int_equal(k.started, 0); /* refusals leave the clock alone */
    assert_int_equal(gg_clock_start(&k, c, start, 1, GG_CAL_WORK_HOURS, NULL), GG_OK);
    refused(gg_clock_elapsed(&k, c, 0, &out, &e), &e, GG_EINVAL, "at");
    int l = 0;
    refused(gg_clock_light(&k, c, INT64_MAX, &l, &e), &e, GG_EINVAL, "at");

    /* Units by name, both ways. */
    for (int u = GG_CAL_WORK_HOURS; u < GG_CAL_UNIT__END; u++)
        assert_int_equal(gg_cal_unit_parse(gg_cal_unit_name(u)), u);
    assert_string_equal(gg_cal_unit_name(GG_CAL_WORK_DAYS), "work_days");
    assert_null(gg_cal_unit_name(0));
    assert_int_equal(gg_cal_unit_parse("fortnights"), 0);
    assert_int_equal(gg_cal_unit_parse(NULL), 0);
}

/* ---- randomized property check ------------------------------------------ */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rnd(uint64_t n) /* uniform enough in [0, n) */
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state % n;
}

/* Working time in [a, b] walked day by day: the slow, obvious reference. */
static int64_t oracle_working(const gg_cal *c, int64_t a, int64_t b)
{
    int64_t sum = 0;
    for (int32_t d = gg_cal_day_of(c, a); d <= gg_cal_day_of(c, b); d++) {
        if (!gg_cal_is_workday(c, d))
            continue;
        int64_t ds = gg_cal_day_start(c, d);
        for (int i = 0; i < c->nseg; i++) {
            int64_t lo = ds + c->seg[i].start_s * GG_US_PER_SEC;
            int64_t hi = ds + c->seg[i].end_s * GG_US_PER_SEC;
            lo = lo > a ? lo : a;
            hi = hi < b ? hi : b;
            sum += hi > lo ? hi - lo : 0;
        }
    }
    return sum;
}

static void check_random(const gg_cal *c, int rounds)
{
    int64_t base = T("2025-11-01"), span = T("2027-03-01") - base;
    for (int i = 0; i < rounds; i++) {
        int64_t start = base + (int64_t)rnd((uint64_t)span);
        int64_t x = (int64_t)rnd((uint64_t)(40 * c->day_work_us));
        if (i % 5 == 0) /* whole hours too: ends that fall on segment edges */
            x = x / GG_US_PER_HOUR * GG_US_PER_HOUR;
        int64_t d = 0;
        assert_int_equal(gg_cal_add_working(c, start, x, &d, NULL), GG_OK);
        assert_true(d >= start);
        if (working(c, start, d) != x)
            print_error("round %d: start %lld x %lld\n", i, (long long)start, (long long)x);
        assert_int_equal(working(c, start, d), x);
        if (x > 0) { /* the earliest such instant, inside working time */
            assert_int_equal(working(c, start, d - 1), x - 1);
            assert_true(gg_cal_is_working_time(c, d - 1));
        }
        int64_t b = start + (int64_t)rnd((uint64_t)(60 * GG_US_PER_DAY));
        assert_int_equal(working(c, start, b), oracle_working(c, start, b));
    }
}

static void test_random_property(void **state)
{
    gg_error e = {0};
    check_random(defaults(), 20000);

    /* An odd calendar: three segments, UTC−05:00, Tue–Sat, random dates. */
    gg_cal *c = defaults();
    const gg_cal_segment odd[] = {{7 * 3600 + 17, 8 * 3600}, {10 * 3600, 15 * 3600 + 59},
                                  {22 * 3600, 86400}};
    assert_int_equal(gg_cal_set_segments(c, odd, 3, &e), GG_OK);
    assert_int_equal(gg_cal_set_offset(c, -300, &e), GG_OK);
    assert_int_equal(gg_cal_set_weekly(c, 0x3E, &e), GG_OK);
    int32_t first = D("2025-11-01");
    for (int i = 0; i < 300; i++)
        assert_int_equal(gg_cal_set_special(c, first + (int32_t)rnd(500),
                                            rnd(2) ? GG_CAL_OFF : GG_CAL_WORK, &e),
                         GG_OK);
    check_random(c, 20000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_and_weekends),
        cmocka_unit_test(test_holidays_2026),
        cmocka_unit_test(test_hours_within_a_day),
        cmocka_unit_test(test_overnight_and_weekend),
        cmocka_unit_test(test_lunch_and_off_hours),
        cmocka_unit_test(test_work_days),
        cmocka_unit_test(test_natural_units),
        cmocka_unit_test(test_working_between),
        cmocka_unit_test(test_clock_runs),
        cmocka_unit_test(test_traffic_light_edges),
        cmocka_unit_test(test_clock_pauses),
        cmocka_unit_test(test_clock_extensions),
        cmocka_unit_test(test_clock_overdue_deadline),
        cmocka_unit_test(test_custom_segments),
        cmocka_unit_test(test_special_dates_edit),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_random_property),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
