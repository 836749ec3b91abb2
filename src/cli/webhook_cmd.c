/*
 * webhook_cmd.c — 'gridgov webhook add|list|disable': the operator's way to
 * register the receivers of case notifications (there are no HTTP routes
 * for webhooks yet). Writes go through the store's writer; SQLite makes it
 * safe to run while a server serves the same database file.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/crypto.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "notify/webhook.h"
#include "store/store.h"

static int open_db(const char *db, gg_store **s)
{
    gg_error e = {0};
    gg_store_opts so = {.migrate = false};
    if (gg_store_open(db, &so, s, &e)) {
        fprintf(stderr, "gridgov: %s\n", e.message);
        return 1;
    }
    return 0;
}

static int add_fn(gg_conn *w, void *arg, gg_error *e)
{
    gg_webhook *h = arg;
    int rc = gg_webhook_insert(w, h, e);
    if (!rc) gg_audit(w, 0, "webhook_added", "webhook", h->id, "cli", h->url);
    return rc;
}

static int cmd_add(const gg_cli_opts *o)
{
    char secret[GG_TOKEN_CHARS];
    gg_error e = {0};
    gg_webhook h = {.url = o->nargs > 1 ? o->args[1] : NULL,
                    .events = o->events ? o->events : "case.*",
                    .secret = o->secret};
    if (!h.url) {
        fprintf(stderr, "gridgov webhook add: which URL? (see --help)\n");
        return 2;
    }
    if (gg_webhook_url_check(h.url, &e) || gg_webhook_events_check(h.events, &e) ||
        (h.secret && gg_webhook_secret_check(h.secret, &e))) {
        fprintf(stderr, "gridgov webhook add: %s\n", e.message);
        return 2;
    }
    if (!h.secret) {
        if (gg_webhook_secret_new(secret, sizeof secret)) return 1;
        h.secret = secret;
    }
    gg_store *s = NULL;
    if (open_db(o->db, &s)) return 1;
    int rc = gg_store_write_sync(s, add_fn, &h, &e);
    gg_store_close(s);
    if (rc) {
        fprintf(stderr, "gridgov webhook add: %s\n", e.message);
        return 1;
    }
    printf("webhook %lld added: %s (events %s)\n", (long long)h.id, h.url, h.events);
    if (!o->secret)
        printf("secret: %s\n(shown once: the receiver checks X-Gridgov-Signature with it)\n",
               h.secret);
    return 0;
}

static int cmd_list(const gg_cli_opts *o)
{
    gg_store *s = NULL;
    if (open_db(o->db, &s)) return 1;
    gg_pool *p = gg_pool_new(16u << 20);
    gg_conn *c = gg_store_reader(s);
    gg_webhook *rows = NULL;
    int n = 0, rc = 1;
    if (!p || !c || gg_webhook_list(c, p, &rows, &n)) {
        fprintf(stderr, "gridgov webhook list: cannot read the webhooks\n");
        goto out;
    }
    printf("id\tstate\tevents\tpending\tdelivered\tdead\tcreated\turl\n");
    for (int i = 0; i < n; i++) {
        char at[40];
        gg_time_format(rows[i].created_at, gg_display_offset_min(), at, sizeof at);
        printf("%lld\t%s\t%s\t%lld\t%lld\t%lld\t%s\t%s\n", (long long)rows[i].id,
               rows[i].active ? "active" : "disabled", rows[i].events, (long long)rows[i].pending,
               (long long)rows[i].delivered, (long long)rows[i].dead, at, rows[i].url);
    }
    rc = 0;
out:
    gg_pool_free(p);
    gg_store_close(s);
    return rc;
}

typedef struct disable_job {
    int64_t id;
} disable_job;

static int disable_fn(gg_conn *w, void *arg, gg_error *e)
{
    disable_job *j = arg;
    int rc = gg_webhook_set_active(w, j->id, false, e);
    if (!rc) gg_audit(w, 0, "webhook_disabled", "webhook", j->id, "cli", NULL);
    return rc;
}

static int cmd_disable(const gg_cli_opts *o)
{
    int64_t id = 0;
    const char *a = o->nargs > 1 ? o->args[1] : "";
    if (gg_parse_i64(a, strlen(a), 1, INT64_MAX, &id)) {
        fprintf(stderr,
                "gridgov webhook disable: which webhook id? (see 'gridgov webhook list')\n");
        return 2;
    }
    gg_store *s = NULL;
    gg_error e = {0};
    disable_job j = {.id = id};
    if (open_db(o->db, &s)) return 1;
    int rc = gg_store_write_sync(s, disable_fn, &j, &e);
    gg_store_close(s);
    if (rc) {
        fprintf(stderr, "gridgov webhook disable: %s\n", e.message);
        return 1;
    }
    printf("webhook %lld disabled\n", (long long)id);
    return 0;
}

int gg_cmd_webhook(const gg_cli_opts *o)
{
    static const struct {
        const char *name;
        int (*fn)(const gg_cli_opts *);
        int nargs;
    } subs[] = {{"add", cmd_add, 2}, {"list", cmd_list, 1}, {"disable", cmd_disable, 2}};
    const char *sub = o->nargs ? o->args[0] : "";
    for (size_t i = 0; i < GG_ARRAY_LEN(subs); i++) {
        if (strcmp(sub, subs[i].name) != 0) continue;
        if (o->nargs > subs[i].nargs) {
            fprintf(stderr, "gridgov webhook %s: unexpected argument '%s'\n", sub,
                    o->args[subs[i].nargs]);
            return 2;
        }
        if ((o->secret || o->events) && subs[i].fn != cmd_add) {
            fprintf(stderr, "gridgov webhook %s: --secret and --events belong to 'add'\n", sub);
            return 2;
        }
        return subs[i].fn(o);
    }
    fprintf(stderr, "gridgov webhook: add, list or disable (see 'gridgov webhook --help')\n");
    return 2;
}
