/*
 * metrics.c — see metrics.h. Status codes are folded into a fixed set of
 * columns so the counters are a flat array of atomics.
 */
#include <stdatomic.h>
#include <stdio.h>

#include "http/metrics.h"

static const int statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 408, 409,
                               413, 414, 415, 422, 429, 431, 500, 503, 507, 0};
#define NSTAT ((int)(sizeof statuses / sizeof statuses[0]))
static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
#define NB ((int)(sizeof bounds / sizeof bounds[0]))

/* row GG_METRICS_MAX_ROUTES: requests that matched no route */
static atomic_uint_fast64_t req_count[GG_METRICS_MAX_ROUTES + 1][NSTAT];
static atomic_uint_fast64_t lat_bucket[NB + 1];
static atomic_uint_fast64_t lat_sum_us, lat_count, errors_5xx;
static atomic_int conns;

static int stat_col(int status)
{
    for (int i = 0; i < NSTAT - 1; i++)
        if (statuses[i] == status) return i;
    return NSTAT - 1;
}

void gg_metrics_request(int route_index, int status, int64_t micros)
{
    int row = route_index >= 0 && route_index < GG_METRICS_MAX_ROUTES ? route_index
                                                                       : GG_METRICS_MAX_ROUTES;
    atomic_fetch_add(&req_count[row][stat_col(status)], 1);
    double s = (double)micros / 1e6;
    int b = 0;
    while (b < NB && s > bounds[b]) b++;
    atomic_fetch_add(&lat_bucket[b], 1);
    atomic_fetch_add(&lat_sum_us, (uint64_t)(micros > 0 ? micros : 0));
    atomic_fetch_add(&lat_count, 1);
    if (status >= 500) atomic_fetch_add(&errors_5xx, 1);
}

void gg_metrics_conn(int delta) { atomic_fetch_add(&conns, delta); }
int gg_metrics_conns(void) { return atomic_load(&conns); }

int gg_metrics_render(gg_buf *b, const gg_route *routes, size_t n, gg_store *store)
{
    gg_buf_puts(b, "# HELP gridgov_http_requests_total HTTP requests by route and status.\n"
                   "# TYPE gridgov_http_requests_total counter\n");
    for (size_t r = 0; r <= GG_METRICS_MAX_ROUTES; r++) {
        if (r < GG_METRICS_MAX_ROUTES && r >= n) continue;
        for (int c = 0; c < NSTAT; c++) {
            uint64_t v = atomic_load(&req_count[r][c]);
            if (!v) continue;
            const char *m = r < n ? routes[r].method : "";
            const char *p = r < n ? routes[r].pattern : "unmatched";
            char st[8];
            if (statuses[c]) snprintf(st, sizeof st, "%d", statuses[c]);
            else snprintf(st, sizeof st, "other");
            gg_buf_printf(b, "gridgov_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} %llu\n",
                          m, p, st, (unsigned long long)v);
        }
    }
    gg_buf_puts(b, "# HELP gridgov_http_request_duration_seconds Request latency.\n"
                   "# TYPE gridgov_http_request_duration_seconds histogram\n");
    uint64_t cum = 0;
    for (int i = 0; i <= NB; i++) {
        cum += atomic_load(&lat_bucket[i]);
        if (i < NB)
            gg_buf_printf(b, "gridgov_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                          bounds[i], (unsigned long long)cum);
        else
            gg_buf_printf(b, "gridgov_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                          (unsigned long long)cum);
    }
    gg_buf_printf(b, "gridgov_http_request_duration_seconds_sum %.6f\n",
                  (double)atomic_load(&lat_sum_us) / 1e6);
    gg_buf_printf(b, "gridgov_http_request_duration_seconds_count %llu\n",
                  (unsigned long long)atomic_load(&lat_count));
    gg_buf_printf(b, "# TYPE gridgov_http_errors_total counter\ngridgov_http_errors_total %llu\n",
                  (unsigned long long)atomic_load(&errors_5xx));
    gg_buf_printf(b, "# TYPE gridgov_http_connections gauge\ngridgov_http_connections %d\n",
                  atomic_load(&conns));
    if (store) {
        gg_store_stats s;
        gg_store_get_stats(store, &s);
        static const char *const le[] = {"1", "3", "7", "15", "31", "63", "127", "+Inf"};
        gg_buf_printf(b,
                      "# HELP gridgov_store_queue_depth Writes waiting for the writer.\n"
                      "# TYPE gridgov_store_queue_depth gauge\ngridgov_store_queue_depth %d\n"
                      "# TYPE gridgov_store_commits_total counter\ngridgov_store_commits_total %llu\n"
                      "# TYPE gridgov_store_failed_commits_total counter\n"
                      "gridgov_store_failed_commits_total %llu\n"
                      "# TYPE gridgov_store_writes_total counter\ngridgov_store_writes_total %llu\n"
                      "# HELP gridgov_store_transaction_writes Writes per group commit.\n"
                      "# TYPE gridgov_store_transaction_writes histogram\n",
                      s.queue_depth, (unsigned long long)s.commits,
                      (unsigned long long)s.failed_commits, (unsigned long long)s.writes);
        uint64_t c2 = 0;
        for (int i = 0; i < 8; i++) {
            c2 += s.batch_hist[i];
            gg_buf_printf(b, "gridgov_store_transaction_writes_bucket{le=\"%s\"} %llu\n", le[i],
                          (unsigned long long)c2);
        }
        gg_buf_printf(b, "gridgov_store_transaction_writes_sum %llu\n"
                         "gridgov_store_transaction_writes_count %llu\n",
                      (unsigned long long)s.writes, (unsigned long long)(s.commits + s.failed_commits));
    }
    return 0;
}
