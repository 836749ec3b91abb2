/*
 * calendar.h — the server's one working calendar: China's 2026 defaults
 * overlaid with the special days stored in the database. Readers hold a
 * read lock while they compute; an edit reloads it under the write lock.
 */
#ifndef GG_API_CALENDAR_H
#define GG_API_CALENDAR_H

#include "domain/calendar.h"
#include "store/store.h"

int gg_calendar_load(gg_conn *c, gg_error *e);     /* at start and after an edit */
const gg_cal *gg_calendar_acquire(void);          /* read-locked; pair with release */
void gg_calendar_release(void);

#endif
