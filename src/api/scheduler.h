/*
 * scheduler.h — the server's clock-driven work: every interval it marks open
 * cases past their deadline as overdue (counted as due on the deadline's
 * day) and urges them, through the writer like any other write.
 */
#ifndef GG_API_SCHEDULER_H
#define GG_API_SCHEDULER_H

#include "store/store.h"

int gg_scheduler_start(gg_store *s, int interval_s, gg_error *e);
void gg_scheduler_stop(void);
/* One pass now (tests, CLI); returns how many cases it marked. */
int gg_scheduler_run_once(gg_store *s, int64_t now, gg_error *e);

#endif
