/*
 * timeutil.h — time is kept in UTC internally as microseconds since the
 * epoch (int64). On the wire it is ISO 8601 with an offset; the display zone
 * is configuration (default Asia/Shanghai, +08:00, no DST).
 */
#ifndef GG_TIMEUTIL_H
#define GG_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int64_t gg_now_us(void);        /* wall clock, UTC, microseconds */
int64_t gg_mono_us(void);       /* monotonic clock, microseconds */

/* Format t (UTC us) as e.g. "2026-11-21T19:30:05+08:00" in the zone with the
 * given fixed offset in minutes. dst must hold at least 32 bytes. */
void gg_time_format(int64_t t_us, int offset_min, char *dst, size_t cap);
/* Parse ISO 8601 "YYYY-MM-DDTHH:MM:SS[.fff](Z|+hh:mm|-hh:mm)" or a date
 * "YYYY-MM-DD" (taken at 00:00 in the zone with offset_min). GG_EINVAL if bad. */
int gg_time_parse(const char *p, size_t n, int offset_min, int64_t *out_us);

/* Proleptic Gregorian calendar arithmetic (H. Hinnant's algorithms), shared
 * by every module that reads dates: days since 1970-01-01 of y-m-d and back,
 * and whether y-m-d exists. */
int64_t gg_days_from_civil(int64_t y, int m, int d);
void gg_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
bool gg_date_valid(int64_t y, int m, int d);

/* The date a person types or a spreadsheet holds, s[0..n) as is (no
 * trimming): YYYYMMDD, or three runs of 1-4 digits parted by '-', '/' or
 * '.'. GG_DATE_SHEET also takes what spreadsheet text holds: 年 or 月 as
 * separators, and one separator or 日 after the day ("1990年1月2日",
 * "1990.1.2."). Only the shape is checked: the parts land in *y, *m, *d
 * and the caller asks gg_date_valid and its own year range. Returns 0, or
 * GG_EINVAL when the text has another shape. */
#define GG_DATE_SHEET 1u
int gg_date_scan(const char *s, size_t n, unsigned flags, int *y, int *m, int *d);
/* "YYYY-MM-DD" of a date with 0 <= y <= 9999 into out (11 bytes). */
void gg_date_format(int y, int m, int d, char out[11]);

/* Offset of the configured display zone, minutes east of UTC. */
int gg_display_offset_min(void);
void gg_set_display_offset_min(int minutes);

#endif
