/*
 * metrics.h — process counters exposed at GET /metrics in the Prometheus
 * text format: requests by route and status, a latency histogram, errors,
 * open connections; the store's writer figures are read at scrape time.
 * Lock-free (atomic adds); routes are counted by their table index.
 */
#ifndef GG_HTTP_METRICS_H
#define GG_HTTP_METRICS_H

#include <stdint.h>

#include "core/buf.h"
#include "http/router.h"

#define GG_METRICS_MAX_ROUTES 128

void gg_metrics_request(int route_index, int status, int64_t micros);
void gg_metrics_conn(int delta);
int gg_metrics_conns(void);
/* Append the exposition text for routes[0..n) and the store's stats. */
int gg_metrics_render(gg_buf *b, const gg_route *routes, size_t n, gg_store *store);

#endif
