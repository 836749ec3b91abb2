/*
 * events.h — live case events for the web UI (#4): GET /api/v1/events
 * (server-sent events), fed by the store after each COMMIT.
 */
#ifndef GG_HTTP_EVENTS_H
#define GG_HTTP_EVENTS_H

#include <stdint.h>

#include "store/store.h"

/* Subscribe to the store's case events and start the heartbeat. */
void gg_events_start(gg_store *store);
/* Bumped by every published batch of case events: a reader that saw the
 * same value before and after has seen no case change in between. */
uint64_t gg_events_generation(void);
/* End every stream (they finish at once) and stop the heartbeat. */
void gg_events_stop(void);

#endif
