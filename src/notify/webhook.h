/*
 * webhook.h — delivery of the outbox (store.h, "webhooks and the outbox")
 * to the webhooks registered with 'gridgov webhook add'.
 *
 * One background thread wakes every interval, fetches the rows due, and
 * POSTs each row's JSON payload to its webhook's URL with
 *     Content-Type: application/json
 *     X-Gridgov-Event: case.<action>
 *     X-Gridgov-Delivery: <outbox id>        (receivers deduplicate on it)
 *     X-Gridgov-Signature: sha256=<hex HMAC-SHA256 of the body, keyed by the secret>
 * A 2xx answer marks the row delivered; anything else (including a refused
 * connection or a timeout: connect 2 s, whole request 10 s) schedules a
 * retry with exponential backoff and jitter, until max_attempts, after which
 * the row is kept as 'dead'. Outcomes are written through the store's
 * writer like any other write.
 *
 * Delivery is at least once: a crash between a receiver's 2xx and the
 * commit of "delivered" sends that row again after restart, with the same
 * X-Gridgov-Delivery. A case's notifications go out in order.
 */
#ifndef GG_NOTIFY_WEBHOOK_H
#define GG_NOTIFY_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct gg_webhook_opts {
    int interval_s;        /* between passes; default 2 */
    int64_t retry_base_ms; /* delay after the first failure; default 5000 */
    int64_t retry_cap_ms;  /* longest delay; default 3600000 (1 h) */
    int max_attempts;      /* attempts before 'dead'; default 20 */
} gg_webhook_opts;

/* Start the delivery thread (once per process); calls curl_global_init, so
 * call it from the main thread. Missing or zero opts fields take defaults. */
int gg_webhook_start(gg_store *s, const gg_webhook_opts *o, gg_error *e);
/* Abort a transfer in flight, record what was done, join. Safe if not started. */
void gg_webhook_stop(void);

/* Accept only absolute http:// or https:// URLs with a host (parsed by
 * libcurl's URL parser), without credentials, at most 2000 bytes. */
int gg_webhook_url_check(const char *url, gg_error *e);
/* An event pattern: 1-64 of [a-z0-9._*], e.g. 'case.*' or 'case.close'. */
int gg_webhook_events_check(const char *pattern, gg_error *e);
/* A secret given by an operator: 16-256 printable ASCII characters. */
int gg_webhook_secret_check(const char *secret, gg_error *e);
/* A new random secret (base64url of 32 bytes) into out (cap >= 44). */
int gg_webhook_secret_new(char *out, size_t cap);

/* "sha256=" + 64 hex digits + NUL */
#define GG_WEBHOOK_SIG_LEN 72
void gg_webhook_sign(const char *secret, const void *body, size_t n, char out[GG_WEBHOOK_SIG_LEN]);

/* Delay before the next attempt after `failures` failed attempts (>= 1):
 * base * 2^(failures-1), capped, then scaled by a jitter factor in
 * [0.75, 1.25) taken from rnd (uniform 32 bits) and capped again. */
int64_t gg_webhook_backoff_ms(const gg_webhook_opts *o, int failures, uint32_t rnd);

#endif
