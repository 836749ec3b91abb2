/*
 * events.h — live case events for the web UI (#4): GET /api/v1/events
 * (server-sent events), fed by the store after each COMMIT.
 */
#ifndef GG_HTTP_EVENTS_H
#define GG_HTTP_EVENTS_H

#include "store/store.h"

/* Subscribe to the store's case events and start the heartbeat. */
void gg_events_start(gg_store *store);
/* End every stream (they finish at once) and stop the heartbeat. */
void gg_events_stop(void);

#endif
