/*
 * webhook.c — the outbox delivery thread (see webhook.h).
 *
 * A pass reads up to BATCH due rows (the reader connection of this thread),
 * posts them one by one (in id order within a webhook) with one reused curl
 * handle, then writes all outcomes in one write through the writer. Within
 * a pass, a failed row holds back the later rows of its (webhook, case)
 * queue, so a case's notifications never overtake each other; a webhook that
 * cannot be reached at all (connection refused, timeout) is not tried again
 * in the same pass. A full batch in which something was delivered is
 * followed at once by the next pass; else the thread sleeps for the interval
 * on a condition that shutdown signals, and a transfer in flight is aborted
 * from curl's progress callback.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/crypto.h"
#include "core/log.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "core/version.h"
#include "notify/webhook.h"

#define BATCH 32
#define URL_MAX 2000
#define ERR_MAX 320
#define BODY_KEEP 120 /* bytes of a failed answer kept in last_error */
#define CONNECT_TIMEOUT_MS 2000L
#define TOTAL_TIMEOUT_MS 10000L
#define CAP_MAX_MS (7LL * 24 * 3600 * 1000)

static pthread_t thread;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool running;
static atomic_bool stopping;
static gg_store *store;
static gg_webhook_opts opts;

/* ---- checks, signature, backoff ---- */

int gg_webhook_url_check(const char *url, gg_error *e)
{
    int rc = GG_EINVAL;
    CURLU *u = NULL;
    char *scheme = NULL, *host = NULL, *user = NULL;
    size_t n = url ? strlen(url) : 0;
    if (n == 0 || n > URL_MAX) {
        gg_fail(e, rc, 422, "invalid_url", "url", "a URL of 1 to %d bytes is needed", URL_MAX);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)url[i];
        if (ch <= 0x20 || ch >= 0x7f) {
            gg_fail(e, rc, 422, "invalid_url", "url", "the URL has spaces or non-ASCII bytes");
            goto out;
        }
    }
    if (!(u = curl_url())) {
        rc = gg_fail(e, GG_ENOMEM, 503, "out_of_memory", "", "out of memory");
        goto out;
    }
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
        gg_fail(e, rc, 422, "invalid_url", "url", "only absolute http:// or https:// URLs");
        goto out;
    }
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !*host) {
        gg_fail(e, rc, 422, "invalid_url", "url", "the URL names no host");
        goto out;
    }
    if (curl_url_get(u, CURLUPART_USER, &user, 0) != CURLUE_NO_USER) {
        gg_fail(e, rc, 422, "invalid_url", "url",
                "no credentials in the URL; sign with the secret");
        goto out;
    }
    rc = 0;
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(user);
    curl_url_cleanup(u);
    return rc;
}

int gg_webhook_events_check(const char *pattern, gg_error *e)
{
    size_t n = pattern ? strlen(pattern) : 0;
    if (n == 0 || n > 64)
        return gg_fail(e, GG_EINVAL, 422, "invalid_value", "events",
                       "an event pattern of 1 to 64 characters");
    for (size_t i = 0; i < n; i++) {
        char ch = pattern[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
              ch == '*'))
            return gg_fail(e, GG_EINVAL, 422, "invalid_value", "events",
                           "an event pattern is made of a-z, 0-9, '.', '_' and '*' (e.g. case.*)");
    }
    return 0;
}

int gg_webhook_secret_check(const char *secret, gg_error *e)
{
    size_t n = secret ? strlen(secret) : 0;
    if (n < 16 || n > 256)
        return gg_fail(e, GG_EINVAL, 422, "invalid_value", "secret",
                       "a secret of 16 to 256 characters");
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)secret[i];
        if (ch <= 0x20 || ch >= 0x7f)
            return gg_fail(e, GG_EINVAL, 422, "invalid_value", "secret",
                           "a secret is printable ASCII without spaces");
    }
    return 0;
}

int gg_webhook_secret_new(char *out, size_t cap)
{
    if (sodium_init() < 0) return GG_EIO;
    gg_random_token(out, cap);
    return 0;
}

void gg_webhook_sign(const char *secret, const void *body, size_t n, char out[GG_WEBHOOK_SIG_LEN])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, body, n);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(&st, sizeof st);
    memcpy(out, "sha256=", 7);
    gg_hex_encode(mac, sizeof mac, out + 7);
}

static void opts_resolve(const gg_webhook_opts *in, gg_webhook_opts *o)
{
    *o = in ? *in : (gg_webhook_opts){0};
    if (o->interval_s <= 0) o->interval_s = 2;
    if (o->retry_base_ms <= 0) o->retry_base_ms = 5000;
    if (o->retry_cap_ms <= 0) o->retry_cap_ms = 3600 * 1000;
    if (o->retry_cap_ms > CAP_MAX_MS) o->retry_cap_ms = CAP_MAX_MS;
    if (o->retry_base_ms > o->retry_cap_ms) o->retry_base_ms = o->retry_cap_ms;
    if (o->max_attempts <= 0) o->max_attempts = 20;
}

int64_t gg_webhook_backoff_ms(const gg_webhook_opts *in, int failures, uint32_t rnd)
{
    gg_webhook_opts o;
    opts_resolve(in, &o);
    int64_t d = o.retry_base_ms;
    for (int i = 1; i < failures && d < o.retry_cap_ms; i++)
        d *= 2;
    if (d > o.retry_cap_ms) d = o.retry_cap_ms;
    /* d <= 7 days in ms < 2^30, so d/2 * rnd fits in 64 bits */
    int64_t j = d * 3 / 4 + (int64_t)(((uint64_t)(d / 2) * rnd) >> 32);
    return j > o.retry_cap_ms ? o.retry_cap_ms : j;
}

/* ---- one delivery ---- */

enum { SENT, REFUSED_BY_RECEIVER, UNREACHABLE, ABORTED };

typedef struct outcome {
    int64_t id;
    bool ok;
    int64_t next_at; /* failed: when to try again, 0 = dead */
    char error[ERR_MAX];
} outcome;

typedef struct answer {
    char head[BODY_KEEP + 1];
    size_t n;
} answer;

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    answer *a = arg;
    size_t n = size * nmemb, room = BODY_KEEP - a->n, k = n < room ? n : room;
    memcpy(a->head + a->n, data, k);
    a->n += k;
    a->head[a->n] = 0;
    return n;
}

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    return atomic_load(&stopping) ? 1 : 0;
}

/* Printable ASCII only: last_error is for people reading the table. */
static void printable(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f) *s = ' ';
}

static int post(CURL *h, const gg_outbox_item *it, outcome *out)
{
    char ev[128], dl[64], sig[GG_WEBHOOK_SIG_LEN], sigh[96], errbuf[CURL_ERROR_SIZE] = "";
    gg_error e = {0};
    answer a = {.n = 0};
    if (gg_webhook_url_check(it->url, &e)) {
        snprintf(out->error, sizeof out->error, "refused URL: %s", e.message);
        return REFUSED_BY_RECEIVER;
    }
    size_t n = strlen(it->payload);
    gg_webhook_sign(it->secret, it->payload, n, sig);
    snprintf(ev, sizeof ev, "X-Gridgov-Event: %s", it->event);
    snprintf(dl, sizeof dl, "X-Gridgov-Delivery: %lld", (long long)it->id);
    snprintf(sigh, sizeof sigh, "X-Gridgov-Signature: %s", sig);
    struct curl_slist *hd = NULL, *t;
    const char *lines[] = {"Content-Type: application/json", "Expect:", ev, dl, sigh};
    for (size_t i = 0; i < GG_ARRAY_LEN(lines); i++) {
        if (!(t = curl_slist_append(hd, lines[i]))) {
            curl_slist_free_all(hd);
            snprintf(out->error, sizeof out->error, "out of memory");
            return UNREACHABLE;
        }
        hd = t;
    }
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, it->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "127.0.0.1,localhost,::1");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, TOTAL_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "gridgov/" GG_VERSION);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, it->payload);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode cc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(hd);
    if (cc == CURLE_ABORTED_BY_CALLBACK) return ABORTED;
    if (cc != CURLE_OK) {
        snprintf(out->error, sizeof out->error, "%s", *errbuf ? errbuf : curl_easy_strerror(cc));
        printable(out->error);
        return UNREACHABLE;
    }
    if (status < 200 || status > 299) {
        snprintf(out->error, sizeof out->error, "HTTP %ld: %s", status, a.head);
        printable(out->error);
        return REFUSED_BY_RECEIVER;
    }
    out->ok = true;
    return SENT;
}

/* ---- a pass ---- */

typedef struct record_job {
    const outcome *o;
    int n;
    int64_t now;
} record_job;

static int record_fn(gg_conn *w, void *arg, gg_error *e)
{
    const record_job *j = arg;
    int rc = 0;
    for (int i = 0; i < j->n && !rc; i++) {
        const outcome *o = &j->o[i];
        rc = o->ok ? gg_outbox_delivered(w, o->id, j->now, e)
                   : gg_outbox_failed(w, o->id, o->next_at, o->error, e);
    }
    return rc;
}

typedef struct held {
    int64_t webhook_id, case_id; /* case_id 0: the whole webhook (unreachable) */
} held;

static bool is_held(const held *hs, int n, const gg_outbox_item *it)
{
    for (int i = 0; i < n; i++)
        if (hs[i].webhook_id == it->webhook_id && (!hs[i].case_id || hs[i].case_id == it->case_id))
            return true;
    return false;
}

/* One pass; true when it should be followed at once by another. */
static bool pass(CURL *h)
{
    gg_pool *p = gg_pool_new(8u << 20);
    gg_conn *c = gg_store_reader(store);
    gg_outbox_item *rows = NULL;
    int n = 0, k = 0, nheld = 0, failed = 0, sent = 0;
    const char *last_err = "";
    outcome *out = p ? gg_pcalloc(p, sizeof *out * BATCH) : NULL;
    held hs[BATCH];
    if (!out || !c || gg_outbox_due(c, p, gg_now_us(), BATCH, &rows, &n)) {
        gg_warn("webhook: cannot read the outbox");
        gg_pool_free(p);
        return false;
    }
    for (int i = 0; i < n && !atomic_load(&stopping); i++) {
        const gg_outbox_item *it = &rows[i];
        if (is_held(hs, nheld, it)) continue;
        outcome *o = &out[k];
        o->id = it->id;
        int r = post(h, it, o);
        if (r == ABORTED) break;
        k++;
        if (r == SENT) {
            sent++;
            continue;
        }
        failed++;
        last_err = o->error;
        int failures = it->attempts + 1;
        o->next_at =
            failures >= opts.max_attempts
                ? 0
                : gg_now_us() + 1000 * gg_webhook_backoff_ms(&opts, failures, randombytes_random());
        hs[nheld++] = (held){it->webhook_id, r == UNREACHABLE ? 0 : it->case_id};
        if (o->next_at == 0)
            gg_warn("webhook: delivery %lld to webhook %lld is dead after %d attempts: %s",
                    (long long)it->id, (long long)it->webhook_id, failures, o->error);
    }
    bool more = false;
    if (k) {
        record_job j = {.o = out, .n = k, .now = gg_now_us()};
        gg_error e = {0};
        if (gg_store_write_sync(store, record_fn, &j, &e))
            gg_warn("webhook: cannot record %d outcomes: %s", k, e.message);
        else
            more = n == BATCH && sent > 0; /* a backlog that moves: go on at once */
        if (failed) gg_warn("webhook: %d of %d deliveries failed (last: %s)", failed, k, last_err);
    }
    gg_pool_free(p);
    return more;
}

static void *loop(void *arg)
{
    CURL *h = curl_easy_init();
    if (!h) {
        gg_error_log("webhook: cannot create a curl handle; no deliveries");
        return NULL;
    }
    pthread_mutex_lock(&mu);
    while (!atomic_load(&stopping)) {
        pthread_mutex_unlock(&mu);
        bool more = pass(h);
        pthread_mutex_lock(&mu);
        if (more || atomic_load(&stopping)) continue;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += opts.interval_s;
        pthread_cond_timedwait(&cv, &mu, &ts);
    }
    pthread_mutex_unlock(&mu);
    curl_easy_cleanup(h);
    return NULL;
}

int gg_webhook_start(gg_store *s, const gg_webhook_opts *o, gg_error *e)
{
    if (running) return 0;
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return gg_fail(e, GG_EIO, 500, "internal", "", "cannot initialise libcurl/libsodium");
    store = s;
    opts_resolve(o, &opts);
    atomic_store(&stopping, false);
    if (pthread_create(&thread, NULL, loop, NULL)) {
        curl_global_cleanup();
        return gg_fail(e, GG_EIO, 500, "internal", "", "cannot start the webhook worker");
    }
    running = true;
    return 0;
}

void gg_webhook_stop(void)
{
    if (!running) return;
    pthread_mutex_lock(&mu);
    atomic_store(&stopping, true);
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    pthread_join(thread, NULL);
    curl_global_cleanup();
    running = false;
}
