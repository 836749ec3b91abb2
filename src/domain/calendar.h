/*
 * calendar.h — the working calendar and the stage clocks of the case engine,
 * as pure functions over plain values (no I/O, no SQL, no allocation).
 *
 * Instants are UTC microseconds (core/timeutil.h). A calendar sees them in
 * its own fixed zone (minutes east of UTC, default +08:00, no DST). A local
 * day is a working day when its weekday is in the weekly pattern (Mon–Fri by
 * default) unless a special date says otherwise: a holiday 放假 (off) or an
 * adjusted workday 调休 (work). Inside a working day only the working
 * segments count (default 09:00–12:00 and 13:30–17:30: 7 hours).
 *
 * Durations are microseconds as well: working time when measured on the
 * calendar, wall-clock time when natural. One working day is the calendar's
 * working time per day, so "2 working days" from Friday 10:00 ends on the
 * next Tuesday 10:00 when Monday is a workday.
 *
 * Days are counted since 1970-01-01 (local dates, no zone). Every instant
 * taken as input must lie in (0, GG_CAL_T_MAX]; amounts and limits are at
 * most GG_CAL_MAX_DAYS (working or natural) days. Every search is bounded:
 * the arithmetic is closed-form over days with a binary search over the
 * sorted special dates, never a walk in seconds or minutes.
 */
#ifndef GG_DOMAIN_CALENDAR_H
#define GG_DOMAIN_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/gg.h"

#define GG_CAL_SEG_MAX 8          /* working segments per day */
#define GG_CAL_SPECIAL_MAX 4096   /* special dates (holidays, adjusted workdays) */
#define GG_CAL_MAX_DAYS 3650      /* longest amount, limit or extension */
#define GG_CAL_DAY_MAX 2932896    /* 9999-12-31 */
#define GG_CAL_T_MAX (INT64_C(2932896) * 86400 * 1000000) /* 9999-12-31T00:00Z */

#define GG_US_PER_SEC INT64_C(1000000)
#define GG_US_PER_HOUR (INT64_C(3600) * GG_US_PER_SEC)
#define GG_US_PER_DAY (INT64_C(86400) * GG_US_PER_SEC)

/* Units of a time limit. Working units count only working time on the
 * calendar; natural units count wall-clock time and ignore it. */
enum gg_cal_unit {
    GG_CAL_WORK_HOURS = 1,
    GG_CAL_WORK_DAYS,
    GG_CAL_NATURAL_HOURS,
    GG_CAL_NATURAL_DAYS,
    GG_CAL_UNIT__END
};

/* What a special date says about its day. */
enum gg_cal_day_kind {
    GG_CAL_NORMAL = 0, /* no special date: the weekly pattern decides */
    GG_CAL_OFF = 1,    /* official holiday: off */
    GG_CAL_WORK = 2,   /* adjusted workday 调休: working */
};

enum gg_light {
    GG_LIGHT_GREEN = 1,  /* elapsed < 80 % of the limit */
    GG_LIGHT_YELLOW,     /* 80 % <= elapsed <= 100 % */
    GG_LIGHT_RED,        /* elapsed > 100 % */
};

/* A working segment, seconds since local midnight: [start_s, end_s). */
typedef struct gg_cal_segment {
    int32_t start_s;
    int32_t end_s;
} gg_cal_segment;

/*
 * A working calendar, a plain value (about 36 KB: keep it static or on the
 * heap when many exist). Read and change it only through the functions
 * below: the fields derived from others (day_work_us, sp_pre) must stay in
 * step. A calendar is never changed by the arithmetic, so many threads may
 * read one that nobody is changing.
 */
typedef struct gg_cal {
    int offset_min;      /* local = UTC + offset_min */
    unsigned weekly;     /* bit 0 Monday ... bit 6 Sunday: working weekdays */
    int nseg;
    gg_cal_segment seg[GG_CAL_SEG_MAX];
    int64_t day_work_us; /* sum of the segments */
    int nspecial;
    int32_t sp_day[GG_CAL_SPECIAL_MAX];     /* ascending, unique */
    int8_t sp_kind[GG_CAL_SPECIAL_MAX];     /* GG_CAL_OFF or GG_CAL_WORK */
    int32_t sp_pre[GG_CAL_SPECIAL_MAX + 1]; /* prefix sums of the workday deltas */
} gg_cal;

/* ---- the calendar -------------------------------------------------------- */

/* Mon–Fri, 09:00–12:00 and 13:30–17:30, +08:00, no special dates. */
void gg_cal_init(gg_cal *cal);
/* gg_cal_init plus China's official 2026 holidays and adjusted workdays
 * (国务院办公厅 2025-11-04). */
int gg_cal_load_defaults(gg_cal *cal, gg_error *e);

/* Offset in minutes east of UTC, -840..840. */
int gg_cal_set_offset(gg_cal *cal, int offset_min, gg_error *e);
/* Working weekdays as a mask (bit 0 Monday ... bit 6 Sunday), at least one. */
int gg_cal_set_weekly(gg_cal *cal, unsigned mask, gg_error *e);
/* Replace the working segments: 1..GG_CAL_SEG_MAX, each non-empty, inside
 * 0..86400 s, in ascending order, not overlapping (touching is fine). On
 * refusal the calendar is unchanged. */
int gg_cal_set_segments(gg_cal *cal, const gg_cal_segment *seg, int n, gg_error *e);
/* Working time of one working day, microseconds. */
int64_t gg_cal_day_work_us(const gg_cal *cal);

/* Mark day as GG_CAL_OFF or GG_CAL_WORK, replacing what was there.
 * GG_EINVAL for a bad day or kind, GG_ETOOBIG when the list is full. */
int gg_cal_set_special(gg_cal *cal, int32_t day, int kind, gg_error *e);
/* Forget the special date; GG_ENOTFOUND if there was none. */
int gg_cal_remove_special(gg_cal *cal, int32_t day, gg_error *e);
/* GG_CAL_NORMAL, GG_CAL_OFF or GG_CAL_WORK. */
int gg_cal_special_kind(const gg_cal *cal, int32_t day);

/* ---- days ---------------------------------------------------------------- */

/* "YYYY-MM-DD" (exactly n = 10 bytes) to days since 1970-01-01, within
 * 0..GG_CAL_DAY_MAX. GG_EINVAL otherwise. */
int gg_cal_day_parse(const char *s, size_t n, int32_t *day);
/* Day to "YYYY-MM-DD"; dst must hold 11 bytes. */
void gg_cal_day_format(int32_t day, char *dst, size_t cap);
/* The local day holding instant t, and the instant a local day begins
 * (values far outside 1970..9999 are clamped to ±9999 years). */
int32_t gg_cal_day_of(const gg_cal *cal, int64_t t_us);
int64_t gg_cal_day_start(const gg_cal *cal, int32_t day);

bool gg_cal_is_workday(const gg_cal *cal, int32_t day);
/* Is t inside a working segment of a working day? */
bool gg_cal_is_working_time(const gg_cal *cal, int64_t t_us);
/* Working days in [from, to), from <= to. */
int gg_cal_workdays(const gg_cal *cal, int32_t from, int32_t to, int64_t *out, gg_error *e);

/* ---- arithmetic ---------------------------------------------------------- */

/* Working time between two instants, from <= to. */
int gg_cal_working_us(const gg_cal *cal, int64_t from, int64_t to, int64_t *out, gg_error *e);
/* The earliest instant at which work_us of working time has passed since
 * start. Counting begins at the next working segment when start is outside
 * working time; an amount that ends a segment ends at that segment's end
 * (Friday 17:00 + 30 min = Friday 17:30, not Monday 09:00). 0 gives start. */
int gg_cal_add_working(const gg_cal *cal, int64_t start, int64_t work_us, int64_t *out,
                       gg_error *e);
/* amount units as microseconds to count; *natural tells whether they count
 * wall-clock time (else working time). Refuses amount < 0 and amounts over
 * GG_CAL_MAX_DAYS days (working days for working units). */
int gg_cal_amount_us(const gg_cal *cal, int64_t amount, int unit, int64_t *out_us,
                     bool *natural, gg_error *e);
/* The instant amount units after start. */
int gg_cal_deadline(const gg_cal *cal, int64_t start, int64_t amount, int unit, int64_t *out,
                    gg_error *e);

/* "work_hours", "work_days", "natural_hours", "natural_days"; NULL if
 * unknown. Parse returns 0 for an unknown name. */
const char *gg_cal_unit_name(int unit);
int gg_cal_unit_parse(const char *name);

/* ---- stage clocks -------------------------------------------------------- */

/*
 * A clock counts time (working or natural) from its start, except while
 * paused (waiting on the resident or a third party). Its limit grows with
 * approved extensions 延期. A plain value the store can keep column by
 * column; change it only through the functions below. Instants given to a
 * clock are expected never to go back in time: pause and resume refuse an
 * instant before the clock's last event; the read-only queries count nothing
 * of the current stretch before its beginning.
 */
typedef struct gg_clock {
    int64_t started;      /* when the clock started */
    int64_t run_from;     /* start of the current running stretch */
    int64_t accumulated;  /* counted time of the closed stretches, us */
    int64_t paused_since; /* 0 while running */
    int64_t limit;        /* counted time allowed, us */
    int64_t extension;    /* counted time added by extensions, us */
    bool natural;         /* counts wall-clock time, not working time */
} gg_clock;

/* Start a clock at `at` with a limit of amount units (amount > 0). The unit
 * decides for good whether the clock counts working or natural time. */
int gg_clock_start(gg_clock *c, const gg_cal *cal, int64_t at, int64_t amount, int unit,
                   gg_error *e);
/* GG_ECONFLICT if already paused (pause) or running (resume). */
int gg_clock_pause(gg_clock *c, const gg_cal *cal, int64_t at, gg_error *e);
int gg_clock_resume(gg_clock *c, int64_t at, gg_error *e);
/* Add amount > 0 units to the limit. The unit must count the clock's kind
 * of time (working units for a working clock); limit plus extensions stay
 * within GG_CAL_MAX_DAYS days. */
int gg_clock_extend(gg_clock *c, const gg_cal *cal, int64_t amount, int unit, gg_error *e);
/* Counted time at `at`: a paused clock does not advance. */
int gg_clock_elapsed(const gg_clock *c, const gg_cal *cal, int64_t at, int64_t *out,
                     gg_error *e);
/* The projected deadline given the pauses so far: when the clock would use
 * up limit + extension if it ran on without another pause. A paused clock
 * is assumed to resume at `at` (or at its pause, if later). When the limit
 * was already used up before the current stretch, the exact instant is not
 * kept: *out is that stretch's start (the pause, for a paused clock), an
 * instant at which the clock was already over its limit. */
int gg_clock_deadline(const gg_clock *c, const gg_cal *cal, int64_t at, int64_t *out,
                      gg_error *e);
/* Traffic light at `at`: green < 80 % of the limit <= yellow <= 100 % < red
 * (limit = limit + extension). */
int gg_clock_light(const gg_clock *c, const gg_cal *cal, int64_t at, int *light, gg_error *e);
/* "green", "yellow", "red"; NULL if unknown. */
const char *gg_light_name(int light);

#endif
