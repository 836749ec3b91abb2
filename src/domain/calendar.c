/*
 * calendar.c — working-time arithmetic for the case engine's clocks (see
 * calendar.h for the contract).
 *
 * Everything reduces to one monotone function, cumulative(t): the working
 * time from a fixed origin (Monday 1969-12-29, local) up to instant t. It is
 * closed-form: the working days before t's local day, counted as whole weeks
 * of the weekly pattern plus the prefix sum of the special dates' deltas
 * (one binary search), times the working time per day, plus the part of t's
 * own day. Working time between two instants is a difference of it; adding
 * working time inverts it with a binary search over days. No loop here runs
 * longer than the number of segments, special dates or log2 of a bounded
 * day range. No I/O, no allocation.
 */
#include "domain/calendar.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"

#define REF_MONDAY (-3)    /* 1969-12-29, a Monday: origin of the weekly count */
#define OFFSET_MAX_MIN 840 /* ±14:00, the widest zones in use */
#define WEEK_ALL 0x7Fu

/* China's official 2026 holidays and adjusted workdays, 国务院办公厅
 * 《关于2026年部分节假日安排的通知》 (2025-11-04). Ranges are inclusive;
 * weekend days inside a holiday block are listed too: they are part of the
 * official holiday even though the weekly pattern has them off already. */
static const struct special_range {
    const char *from;
    const char *to;
    int kind;
} china_2026[] = {
    {"2026-01-01", "2026-01-03", GG_CAL_OFF},  /* 元旦 */
    {"2026-01-04", "2026-01-04", GG_CAL_WORK}, /* 元旦调休 (Sun) */
    {"2026-02-14", "2026-02-14", GG_CAL_WORK}, /* 春节调休 (Sat) */
    {"2026-02-15", "2026-02-23", GG_CAL_OFF},  /* 春节 */
    {"2026-02-28", "2026-02-28", GG_CAL_WORK}, /* 春节调休 (Sat) */
    {"2026-04-04", "2026-04-06", GG_CAL_OFF},  /* 清明节 */
    {"2026-05-01", "2026-05-05", GG_CAL_OFF},  /* 劳动节 */
    {"2026-05-09", "2026-05-09", GG_CAL_WORK}, /* 劳动节调休 (Sat) */
    {"2026-06-19", "2026-06-21", GG_CAL_OFF},  /* 端午节 */
    {"2026-09-20", "2026-09-20", GG_CAL_WORK}, /* 国庆节调休 (Sun) */
    {"2026-09-25", "2026-09-27", GG_CAL_OFF},  /* 中秋节 */
    {"2026-10-01", "2026-10-07", GG_CAL_OFF},  /* 国庆节 */
    {"2026-10-10", "2026-10-10", GG_CAL_WORK}, /* 国庆节调休 (Sat) */
};

static const gg_cal_segment default_segments[] = {
    {9 * 3600, 12 * 3600},
    {13 * 3600 + 1800, 17 * 3600 + 1800},
};

/* The units of a limit: how long one unit is (0: one working day of the
 * calendar) and whether it counts wall-clock time. */
static const struct unit_def {
    int unit;
    const char *name;
    int64_t us;
    bool natural;
} units[] = {
    {GG_CAL_WORK_HOURS, "work_hours", GG_US_PER_HOUR, false},
    {GG_CAL_WORK_DAYS, "work_days", 0, false},
    {GG_CAL_NATURAL_HOURS, "natural_hours", GG_US_PER_HOUR, true},
    {GG_CAL_NATURAL_DAYS, "natural_days", GG_US_PER_DAY, true},
};

static const char *const light_names[] = {
    [GG_LIGHT_GREEN] = "green",
    [GG_LIGHT_YELLOW] = "yellow",
    [GG_LIGHT_RED] = "red",
};

/* ---- small helpers ------------------------------------------------------ */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int bit_count(unsigned v)
{
    int n = 0;
    for (; v != 0; v &= v - 1)
        n++;
    return n;
}

/* Monday 0 ... Sunday 6. */
static int weekday(int64_t day)
{
    return (int)(day - REF_MONDAY - floor_div(day - REF_MONDAY, 7) * 7);
}

static bool weekly_works(const gg_cal *cal, int64_t day)
{
    return (cal->weekly >> weekday(day)) & 1u;
}

static int64_t local_us(const gg_cal *cal, int64_t t)
{
    return t + (int64_t)cal->offset_min * 60 * GG_US_PER_SEC;
}

/* Public helpers that accept any value clamp it to ±9999 years first, so no
 * arithmetic on it can overflow (callers are told to stay inside). */
static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int64_t day_start(const gg_cal *cal, int64_t day)
{
    return day * GG_US_PER_DAY - (int64_t)cal->offset_min * 60 * GG_US_PER_SEC;
}

static bool instant_ok(int64_t t)
{
    return t > 0 && t <= GG_CAL_T_MAX;
}

static bool day_ok(int64_t day)
{
    return day >= 0 && day <= GG_CAL_DAY_MAX;
}

static int bad_instant(gg_error *e, const char *field)
{
    return gg_fail(e, GG_EINVAL, 422, "invalid_instant", field,
                   "%s must be an instant between 1970 and 9999", field);
}

static int bad_day(gg_error *e, int64_t day)
{
    return gg_fail(e, GG_EINVAL, 422, "invalid_day", "day",
                   "day %lld is outside 1970-01-01..9999-12-31", (long long)day);
}

/* ---- special dates ------------------------------------------------------ */

/* Index of the first special date >= day. */
static int sp_lower(const gg_cal *cal, int64_t day)
{
    int lo = 0, hi = cal->nspecial;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (cal->sp_day[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* How special date i changes the weekly pattern's count: -1, 0 or +1. */
static int sp_delta(const gg_cal *cal, int i)
{
    return (cal->sp_kind[i] == GG_CAL_WORK) - (int)weekly_works(cal, cal->sp_day[i]);
}

/* Recompute the prefix sums from entry i on (after a change at i). */
static void sp_rebuild(gg_cal *cal, int i)
{
    cal->sp_pre[0] = 0;
    for (; i < cal->nspecial; i++)
        cal->sp_pre[i + 1] = cal->sp_pre[i] + sp_delta(cal, i);
}

static int special_of(const gg_cal *cal, int64_t day)
{
    int i = sp_lower(cal, day);
    return i < cal->nspecial && cal->sp_day[i] == day ? cal->sp_kind[i] : GG_CAL_NORMAL;
}

/* ---- the closed forms --------------------------------------------------- */

static bool workday(const gg_cal *cal, int64_t day)
{
    int kind = special_of(cal, day);
    return kind == GG_CAL_NORMAL ? weekly_works(cal, day) : kind == GG_CAL_WORK;
}

/* Working days in [REF_MONDAY, day): whole weeks of the pattern, the
 * pattern's first days of the last week, then the special dates' deltas. */
static int64_t workdays_before(const gg_cal *cal, int64_t day)
{
    int64_t weeks = floor_div(day - REF_MONDAY, 7);
    int rest = (int)(day - REF_MONDAY - weeks * 7);
    int64_t n = weeks * bit_count(cal->weekly) + bit_count(cal->weekly & ((1u << rest) - 1));
    return n + cal->sp_pre[sp_lower(cal, day)];
}

/* Working time in a working day from midnight to sod (us since midnight). */
static int64_t in_day_us(const gg_cal *cal, int64_t sod)
{
    int64_t sum = 0;
    for (int i = 0; i < cal->nseg; i++) {
        int64_t a = cal->seg[i].start_s * GG_US_PER_SEC, b = cal->seg[i].end_s * GG_US_PER_SEC;
        if (sod > a)
            sum += (sod < b ? sod : b) - a;
    }
    return sum;
}

/* The time of day at which r (0 < r <= day_work_us) of working time has
 * passed in a working day: inside a segment or at its end, never at the
 * start of the next one. */
static int64_t sod_after(const gg_cal *cal, int64_t r)
{
    int64_t done = 0;
    for (int i = 0; i < cal->nseg; i++) {
        int64_t a = cal->seg[i].start_s * GG_US_PER_SEC, b = cal->seg[i].end_s * GG_US_PER_SEC;
        if (r <= done + (b - a))
            return a + (r - done);
        done += b - a;
    }
    assert(!"r beyond the working day");
    return cal->seg[cal->nseg - 1].end_s * GG_US_PER_SEC;
}

/* Working time from the origin to t: monotone, non-decreasing, continuous. */
static int64_t cumulative(const gg_cal *cal, int64_t t)
{
    int64_t local = local_us(cal, t);
    int64_t day = floor_div(local, GG_US_PER_DAY);
    int64_t c = workdays_before(cal, day) * cal->day_work_us;
    if (workday(cal, day))
        c += in_day_us(cal, local - day * GG_US_PER_DAY);
    return c;
}

/*
 * The working day D >= from with workdays_before(D) == q (the (q+1)-th
 * working day from the origin). Binary search over a range that surely
 * holds it: every 7 days hold a working day of the weekly pattern and each
 * special date removes at most one, so `need` working days lie within
 * 7 * (need + nspecial) days.
 */
static bool find_workday(const gg_cal *cal, int64_t from, int64_t q, int64_t *out)
{
    int64_t need = q - workdays_before(cal, from) + 1;
    int64_t lo = from, hi = from + 7 * (need + cal->nspecial + 1);
    if (need < 1 || workdays_before(cal, hi + 1) <= q)
        return false;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (workdays_before(cal, mid + 1) > q)
            hi = mid;
        else
            lo = mid + 1;
    }
    *out = lo;
    return true;
}

/* Invert cumulative(): the earliest instant where work (>= 0) has passed. */
static int add_work(const gg_cal *cal, int64_t start, int64_t work, int64_t *out, gg_error *e)
{
    if (work == 0) {
        *out = start;
        return GG_OK;
    }
    int64_t target = cumulative(cal, start) + work; /* >= 1 */
    int64_t q = (target - 1) / cal->day_work_us;
    int64_t day;
    bool found = find_workday(cal, floor_div(local_us(cal, start), GG_US_PER_DAY), q, &day);
    assert(found); /* the range searched provably holds it */
    if (!found || day > GG_CAL_DAY_MAX)
        return gg_fail(e, GG_EINVAL, 422, "invalid_amount", "amount",
                       "the deadline would fall after 9999-12-31");
    *out = day_start(cal, day) + sod_after(cal, target - q * cal->day_work_us);
    return GG_OK;
}

static int64_t max_work_us(const gg_cal *cal)
{
    return GG_CAL_MAX_DAYS * cal->day_work_us;
}

/* ---- the calendar ------------------------------------------------------- */

void gg_cal_init(gg_cal *cal)
{
    memset(cal, 0, sizeof *cal);
    cal->offset_min = 480;
    cal->weekly = 0x1Fu; /* Monday to Friday */
    int rc = gg_cal_set_segments(cal, default_segments, (int)GG_ARRAY_LEN(default_segments), NULL);
    assert(rc == GG_OK);
    (void)rc;
}

int gg_cal_load_defaults(gg_cal *cal, gg_error *e)
{
    gg_cal_init(cal);
    for (size_t i = 0; i < GG_ARRAY_LEN(china_2026); i++) {
        const struct special_range *r = &china_2026[i];
        int32_t from = 0, to = -1;
        int rc = gg_cal_day_parse(r->from, strlen(r->from), &from);
        if (rc == GG_OK)
            rc = gg_cal_day_parse(r->to, strlen(r->to), &to);
        for (int32_t d = from; rc == GG_OK && d <= to; d++)
            rc = gg_cal_set_special(cal, d, r->kind, e);
        if (rc != GG_OK)
            return gg_fail(e, rc, 0, NULL, NULL, "bad default date %s", r->from);
    }
    return GG_OK;
}

int gg_cal_set_offset(gg_cal *cal, int offset_min, gg_error *e)
{
    if (offset_min < -OFFSET_MAX_MIN || offset_min > OFFSET_MAX_MIN)
        return gg_fail(e, GG_EINVAL, 422, "invalid_offset", "offset",
                       "offset must be within -14:00..+14:00, got %d minutes", offset_min);
    cal->offset_min = offset_min;
    return GG_OK;
}

int gg_cal_set_weekly(gg_cal *cal, unsigned mask, gg_error *e)
{
    if (mask == 0 || (mask & ~WEEK_ALL) != 0)
        return gg_fail(e, GG_EINVAL, 422, "invalid_weekly", "weekly",
                       "weekly pattern must name at least one of the 7 weekdays");
    cal->weekly = mask;
    sp_rebuild(cal, 0);
    return GG_OK;
}

#define FAIL_SEG(e, ...) gg_fail((e), GG_EINVAL, 422, "invalid_segments", "segments", __VA_ARGS__)

int gg_cal_set_segments(gg_cal *cal, const gg_cal_segment *seg, int n, gg_error *e)
{
    if (seg == NULL || n < 1 || n > GG_CAL_SEG_MAX)
        return FAIL_SEG(e, "between 1 and %d working segments are needed", GG_CAL_SEG_MAX);
    int64_t sum = 0;
    for (int i = 0; i < n; i++) {
        if (seg[i].start_s < 0 || seg[i].end_s > 86400 || seg[i].start_s >= seg[i].end_s)
            return FAIL_SEG(e, "segment %d must be a non-empty range within the day", i + 1);
        if (i > 0 && seg[i].start_s < seg[i - 1].end_s)
            return FAIL_SEG(e, "segment %d overlaps or precedes segment %d", i + 1, i);
        sum += seg[i].end_s - seg[i].start_s;
    }
    memcpy(cal->seg, seg, (size_t)n * sizeof *seg);
    cal->nseg = n;
    cal->day_work_us = sum * GG_US_PER_SEC;
    return GG_OK;
}

int64_t gg_cal_day_work_us(const gg_cal *cal)
{
    return cal->day_work_us;
}

int gg_cal_set_special(gg_cal *cal, int32_t day, int kind, gg_error *e)
{
    if (!day_ok(day))
        return bad_day(e, day);
    if (kind != GG_CAL_OFF && kind != GG_CAL_WORK)
        return gg_fail(e, GG_EINVAL, 422, "invalid_kind", "kind",
                       "a special date is either off or a workday");
    int i = sp_lower(cal, day);
    if (i >= cal->nspecial || cal->sp_day[i] != day) {
        if (cal->nspecial == GG_CAL_SPECIAL_MAX)
            return gg_fail(e, GG_ETOOBIG, 413, "too_many_dates", "day",
                           "at most %d special dates", GG_CAL_SPECIAL_MAX);
        size_t tail = (size_t)(cal->nspecial - i);
        memmove(&cal->sp_day[i + 1], &cal->sp_day[i], tail * sizeof cal->sp_day[0]);
        memmove(&cal->sp_kind[i + 1], &cal->sp_kind[i], tail * sizeof cal->sp_kind[0]);
        cal->nspecial++;
        cal->sp_day[i] = day;
    }
    cal->sp_kind[i] = (int8_t)kind;
    sp_rebuild(cal, i);
    return GG_OK;
}

int gg_cal_remove_special(gg_cal *cal, int32_t day, gg_error *e)
{
    if (!day_ok(day))
        return bad_day(e, day);
    int i = sp_lower(cal, day);
    if (i >= cal->nspecial || cal->sp_day[i] != day) {
        char d[16];
        gg_cal_day_format(day, d, sizeof d);
        return gg_fail(e, GG_ENOTFOUND, 404, "not_found", "day", "%s is not a special date", d);
    }
    size_t tail = (size_t)(cal->nspecial - i - 1);
    memmove(&cal->sp_day[i], &cal->sp_day[i + 1], tail * sizeof cal->sp_day[0]);
    memmove(&cal->sp_kind[i], &cal->sp_kind[i + 1], tail * sizeof cal->sp_kind[0]);
    cal->nspecial--;
    sp_rebuild(cal, i);
    return GG_OK;
}

int gg_cal_special_kind(const gg_cal *cal, int32_t day)
{
    return special_of(cal, day);
}

/* ---- days --------------------------------------------------------------- */

int gg_cal_day_parse(const char *s, size_t n, int32_t *day)
{
    int64_t t;
    if (s == NULL || n != 10 || gg_time_parse(s, n, 0, &t) != GG_OK)
        return GG_EINVAL;
    int64_t d = floor_div(t, GG_US_PER_DAY);
    if (!day_ok(d))
        return GG_EINVAL;
    *day = (int32_t)d;
    return GG_OK;
}

void gg_cal_day_format(int32_t day, char *dst, size_t cap)
{
    char buf[40];
    gg_time_format(clamp(day, -GG_CAL_DAY_MAX, GG_CAL_DAY_MAX) * GG_US_PER_DAY, 0, buf, sizeof buf);
    snprintf(dst, cap, "%.10s", buf);
}

int32_t gg_cal_day_of(const gg_cal *cal, int64_t t_us)
{
    t_us = clamp(t_us, -GG_CAL_T_MAX, GG_CAL_T_MAX);
    return (int32_t)floor_div(local_us(cal, t_us), GG_US_PER_DAY);
}

int64_t gg_cal_day_start(const gg_cal *cal, int32_t day)
{
    return day_start(cal, clamp(day, -GG_CAL_DAY_MAX, GG_CAL_DAY_MAX));
}

bool gg_cal_is_workday(const gg_cal *cal, int32_t day)
{
    return workday(cal, day);
}

bool gg_cal_is_working_time(const gg_cal *cal, int64_t t_us)
{
    int64_t local = local_us(cal, clamp(t_us, -GG_CAL_T_MAX, GG_CAL_T_MAX));
    int64_t day = floor_div(local, GG_US_PER_DAY);
    int64_t sod = local - day * GG_US_PER_DAY;
    if (!workday(cal, day))
        return false;
    for (int i = 0; i < cal->nseg; i++)
        if (sod >= cal->seg[i].start_s * GG_US_PER_SEC && sod < cal->seg[i].end_s * GG_US_PER_SEC)
            return true;
    return false;
}

int gg_cal_workdays(const gg_cal *cal, int32_t from, int32_t to, int64_t *out, gg_error *e)
{
    if (!day_ok(from))
        return bad_day(e, from);
    if (!day_ok(to))
        return bad_day(e, to);
    if (to < from)
        return gg_fail(e, GG_EINVAL, 422, "invalid_range", "to", "to must not precede from");
    *out = workdays_before(cal, to) - workdays_before(cal, from);
    return GG_OK;
}

/* ---- arithmetic --------------------------------------------------------- */

int gg_cal_working_us(const gg_cal *cal, int64_t from, int64_t to, int64_t *out, gg_error *e)
{
    if (!instant_ok(from))
        return bad_instant(e, "from");
    if (!instant_ok(to))
        return bad_instant(e, "to");
    if (to < from)
        return gg_fail(e, GG_EINVAL, 422, "invalid_range", "to", "to must not precede from");
    *out = cumulative(cal, to) - cumulative(cal, from);
    return GG_OK;
}

int gg_cal_add_working(const gg_cal *cal, int64_t start, int64_t work_us, int64_t *out,
                       gg_error *e)
{
    if (!instant_ok(start))
        return bad_instant(e, "start");
    if (work_us < 0 || work_us > max_work_us(cal))
        return gg_fail(e, GG_EINVAL, 422, "invalid_amount", "amount",
                       "working time must be between 0 and %d working days", GG_CAL_MAX_DAYS);
    return add_work(cal, start, work_us, out, e);
}

static const struct unit_def *unit_find(int unit)
{
    for (size_t i = 0; i < GG_ARRAY_LEN(units); i++)
        if (units[i].unit == unit)
            return &units[i];
    return NULL;
}

int gg_cal_amount_us(const gg_cal *cal, int64_t amount, int unit, int64_t *out_us,
                     bool *natural, gg_error *e)
{
    const struct unit_def *u = unit_find(unit);
    if (u == NULL)
        return gg_fail(e, GG_EINVAL, 422, "invalid_unit", "unit", "unknown time unit %d", unit);
    int64_t per = u->us != 0 ? u->us : cal->day_work_us;
    int64_t max = u->natural ? GG_CAL_MAX_DAYS * GG_US_PER_DAY : max_work_us(cal);
    if (amount < 0 || amount > max / per)
        return gg_fail(e, GG_EINVAL, 422, "invalid_amount", "amount",
                       "amount must be between 0 and %lld %s", (long long)(max / per), u->name);
    *out_us = amount * per;
    *natural = u->natural;
    return GG_OK;
}

int gg_cal_deadline(const gg_cal *cal, int64_t start, int64_t amount, int unit, int64_t *out,
                    gg_error *e)
{
    int64_t us;
    bool natural;
    if (!instant_ok(start))
        return bad_instant(e, "start");
    int rc = gg_cal_amount_us(cal, amount, unit, &us, &natural, e);
    if (rc != GG_OK)
        return rc;
    if (natural) {
        *out = start + us;
        return GG_OK;
    }
    return add_work(cal, start, us, out, e);
}

const char *gg_cal_unit_name(int unit)
{
    const struct unit_def *u = unit_find(unit);
    return u ? u->name : NULL;
}

int gg_cal_unit_parse(const char *name)
{
    for (size_t i = 0; name != NULL && i < GG_ARRAY_LEN(units); i++)
        if (strcmp(units[i].name, name) == 0)
            return units[i].unit;
    return 0;
}

/* ---- stage clocks ------------------------------------------------------- */

static int clock_check(const gg_clock *c, int64_t at, gg_error *e)
{
    if (c->started == 0 || c->limit <= 0)
        return gg_fail(e, GG_EINVAL, 422, "clock_not_started", "clock", "clock was never started");
    if (!instant_ok(at))
        return bad_instant(e, "at");
    return GG_OK;
}

/* Time the clock counts in [from, to] (to clamped up to from). */
static int64_t counted(const gg_clock *c, const gg_cal *cal, int64_t from, int64_t to)
{
    if (to <= from)
        return 0;
    return c->natural ? to - from : cumulative(cal, to) - cumulative(cal, from);
}

/* A positive amount of the clock's kind of time, in microseconds. */
static int clock_amount(const gg_clock *c, const gg_cal *cal, int64_t amount, int unit,
                        int64_t *us, gg_error *e)
{
    bool natural;
    if (amount <= 0)
        return gg_fail(e, GG_EINVAL, 422, "invalid_amount", "amount", "amount must be positive");
    int rc = gg_cal_amount_us(cal, amount, unit, us, &natural, e);
    if (rc == GG_OK && natural != c->natural)
        rc = gg_fail(e, GG_EINVAL, 422, "invalid_unit", "unit",
                     "a %s clock takes %s units", c->natural ? "natural" : "working",
                     c->natural ? "natural" : "working");
    return rc;
}

int gg_clock_start(gg_clock *c, const gg_cal *cal, int64_t at, int64_t amount, int unit,
                   gg_error *e)
{
    const struct unit_def *u = unit_find(unit);
    gg_clock n = {at, at, 0, 0, 0, 0, u != NULL && u->natural};
    if (!instant_ok(at))
        return bad_instant(e, "at");
    int rc = clock_amount(&n, cal, amount, unit, &n.limit, e);
    if (rc == GG_OK)
        *c = n;
    return rc;
}

int gg_clock_pause(gg_clock *c, const gg_cal *cal, int64_t at, gg_error *e)
{
    int rc = clock_check(c, at, e);
    if (rc != GG_OK)
        return rc;
    if (c->paused_since != 0)
        return gg_fail(e, GG_ECONFLICT, 409, "clock_paused", "clock", "clock is already paused");
    if (at < c->run_from)
        return gg_fail(e, GG_EINVAL, 422, "invalid_instant", "at",
                       "a pause cannot precede the clock's last start or resumption");
    c->accumulated += counted(c, cal, c->run_from, at);
    c->paused_since = at;
    return GG_OK;
}

int gg_clock_resume(gg_clock *c, int64_t at, gg_error *e)
{
    int rc = clock_check(c, at, e);
    if (rc != GG_OK)
        return rc;
    if (c->paused_since == 0)
        return gg_fail(e, GG_ECONFLICT, 409, "clock_running", "clock", "clock is not paused");
    if (at < c->paused_since)
        return gg_fail(e, GG_EINVAL, 422, "invalid_instant", "at",
                       "a resumption cannot precede the pause");
    c->run_from = at;
    c->paused_since = 0;
    return GG_OK;
}

int gg_clock_extend(gg_clock *c, const gg_cal *cal, int64_t amount, int unit, gg_error *e)
{
    int64_t us;
    int rc = clock_check(c, c->started, e);
    if (rc == GG_OK)
        rc = clock_amount(c, cal, amount, unit, &us, e);
    if (rc != GG_OK)
        return rc;
    int64_t max = c->natural ? GG_CAL_MAX_DAYS * GG_US_PER_DAY : max_work_us(cal);
    if (us > max - c->limit - c->extension)
        return gg_fail(e, GG_EINVAL, 422, "invalid_amount", "amount",
                       "limit and extensions together may not exceed %d days", GG_CAL_MAX_DAYS);
    c->extension += us;
    return GG_OK;
}

int gg_clock_elapsed(const gg_clock *c, const gg_cal *cal, int64_t at, int64_t *out,
                     gg_error *e)
{
    int rc = clock_check(c, at, e);
    if (rc != GG_OK)
        return rc;
    *out = c->accumulated + (c->paused_since != 0 ? 0 : counted(c, cal, c->run_from, at));
    return GG_OK;
}

int gg_clock_deadline(const gg_clock *c, const gg_cal *cal, int64_t at, int64_t *out,
                      gg_error *e)
{
    int rc = clock_check(c, at, e);
    if (rc != GG_OK)
        return rc;
    bool paused = c->paused_since != 0;
    int64_t remaining = c->limit + c->extension - c->accumulated;
    if (remaining <= 0) {
        *out = paused ? c->paused_since : c->run_from;
        return GG_OK;
    }
    int64_t origin = !paused ? c->run_from : at > c->paused_since ? at : c->paused_since;
    if (c->natural) {
        *out = origin + remaining;
        return GG_OK;
    }
    return add_work(cal, origin, remaining, out, e);
}

int gg_clock_light(const gg_clock *c, const gg_cal *cal, int64_t at, int *light, gg_error *e)
{
    int64_t used;
    int rc = gg_clock_elapsed(c, cal, at, &used, e);
    if (rc != GG_OK)
        return rc;
    int64_t total = c->limit + c->extension;
    /* used < 0.8 * total, in integers: both sides stay far below 2^63. */
    *light = used * 5 < total * 4 ? GG_LIGHT_GREEN : used <= total ? GG_LIGHT_YELLOW : GG_LIGHT_RED;
    return GG_OK;
}

const char *gg_light_name(int light)
{
    return light >= GG_LIGHT_GREEN && light <= GG_LIGHT_RED ? light_names[light] : NULL;
}
