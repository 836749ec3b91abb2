/*
 * commands.c — serve, init, migrate, version, routes and option parsing.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "api/api.h"
#include "api/registry_io.h" /* gg_imports_stop (#5) */
#include "api/calendar.h"
#include "api/scheduler.h"
#include "cli/cli.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "core/version.h"
#include "domain/account.h"
#include "domain/authz.h"
#include "http/server.h"
#include "http/static.h"
#include "notify/webhook.h"
#include "store/files.h"
#include "store/store.h"

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

int gg_cli_parse(int argc, char **argv, int first, gg_cli_opts *o)
{
    memset(o, 0, sizeof *o);
    o->db = env_or("GG_DB", "data/gridgov.db");
    o->listen = env_or("GG_LISTEN", "127.0.0.1:8080");
    o->admin_user = "admin";
    o->web_dir = env_or("GG_WEB_DIR", NULL);
    o->admin_password = env_or("GG_ADMIN_PASSWORD", NULL);
    const char *th = env_or("GG_THREADS", NULL);
    int64_t v = 0;
    if (th && gg_parse_i64(th, strlen(th), 1, 256, &v) == 0) o->threads = (int)v;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            o->help = true;
            continue;
        }
        if (a[0] != '-') { /* positional: the sub-command decides what it takes */
            if (o->nargs >= (int)GG_ARRAY_LEN(o->args)) {
                fprintf(stderr, "gridgov: too many arguments (see --help)\n");
                return 2;
            }
            o->args[o->nargs++] = a;
            continue;
        }
        if (strcmp(a, "--force") == 0) { /* the one flag without a value */
            o->force = true;
            continue;
        }
        if (!val) {
            fprintf(stderr, "gridgov: %s needs a value (see --help)\n", a);
            return 2;
        }
        if (strcmp(a, "--db") == 0) o->db = val;
        else if (strcmp(a, "--listen") == 0) o->listen = val;
        else if (strcmp(a, "--admin-user") == 0) o->admin_user = val;
        else if (strcmp(a, "--admin-password") == 0) o->admin_password = val;
        else if (strcmp(a, "--now") == 0) o->now = val;
        else if (strcmp(a, "--secret") == 0) o->secret = val;
        else if (strcmp(a, "--events") == 0) o->events = val;
        else if (strcmp(a, "--web-dir") == 0) o->web_dir = val;
        else if (strcmp(a, "--threads") == 0) {
            if (gg_parse_i64(val, strlen(val), 1, 256, &v)) {
                fprintf(stderr, "gridgov: --threads takes a number from 1 to 256\n");
                return 2;
            }
            o->threads = (int)v;
        } else {
            fprintf(stderr, "gridgov: unknown option %s (see --help)\n", a);
            return 2;
        }
        i++;
    }
    return 0;
}

static int open_store(const char *db, bool migrate, gg_store **s)
{
    gg_error e = {0};
    gg_store_opts so = {.migrate = migrate};
    if (gg_store_open(db, &so, s, &e)) {
        fprintf(stderr, "gridgov: %s\n", e.message);
        return 1;
    }
    return 0;
}

static int parse_listen(const char *l, char *addr, size_t cap, int *port)
{
    const char *colon = strrchr(l, ':');
    int64_t p;
    if (!colon || (size_t)(colon - l) >= cap ||
        gg_parse_i64(colon + 1, strlen(colon + 1), 0, 65535, &p))
        return -1;
    memcpy(addr, l, (size_t)(colon - l));
    addr[colon - l] = 0;
    *port = (int)p;
    return 0;
}

static double env_num(const char *name, double dflt)
{
    const char *v = getenv(name);
    int64_t n;
    if (v && gg_parse_i64(v, strlen(v), 0, INT32_MAX, &n) == 0) return (double)n;
    return dflt;
}

int gg_cmd_serve(const gg_cli_opts *o)
{
    gg_store *store = NULL;
    gg_server *srv = NULL;
    gg_error e = {0};
    char addr[64];
    int port, rc = 1;
    if (parse_listen(o->listen, addr, sizeof addr, &port)) {
        fprintf(stderr, "gridgov: --listen wants ADDR:PORT, e.g. 127.0.0.1:8080\n");
        return 2;
    }
    if (gg_crypto_init()) return 1;
    if (gg_router_check(gg_routes, gg_nroutes, &e)) {
        fprintf(stderr, "gridgov: %s\n", e.message);
        return 1;
    }
    /* signals are taken by sigwait below, in this thread only */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (open_store(o->db, true, &store)) return 1;
    /* photos live beside the database unless GG_FILES_DIR says otherwise */
    char files[512];
    const char *slash = strrchr(o->db, '/');
    if (slash) snprintf(files, sizeof files, "%.*s/files", (int)(slash - o->db), o->db);
    else snprintf(files, sizeof files, "files");
    gg_files_set_dir(env_or("GG_FILES_DIR", files));
    const char *web = gg_static_init(o->web_dir);
    gg_server_opts so;
    gg_server_opts_default(&so);
    so.addr = addr;
    so.port = port;
    so.threads = o->threads;
    so.store = store;
    so.routes = gg_routes;
    so.nroutes = gg_nroutes;
    so.rate_per_ip = env_num("GG_RATE_LIMIT", so.rate_per_ip);
    so.rate_burst = so.rate_per_ip * 2;
    so.max_body = (size_t)env_num("GG_MAX_BODY", (double)so.max_body);
    so.access_log = env_num("GG_ACCESS_LOG", 1) != 0;
    so.login_per_min = env_num("GG_LOGIN_PER_MIN", so.login_per_min);
    so.session_idle_s = (int)env_num("GG_SESSION_IDLE", so.session_idle_s);
    so.session_max_s = (int)env_num("GG_SESSION_MAX", so.session_max_s);
    so.idle_timeout_s = (int)env_num("GG_IDLE_TIMEOUT", so.idle_timeout_s);
    so.body_timeout_s = (int)env_num("GG_BODY_TIMEOUT", so.body_timeout_s);
    so.max_conns = (int)env_num("GG_MAX_CONNS", so.max_conns);
    gg_conn *rc0 = gg_store_reader(store);
    if (!rc0 || gg_calendar_load(rc0, &e)) {
        fprintf(stderr, "gridgov: cannot load the working calendar: %s\n", e.message);
        goto out;
    }
    if (gg_server_start(&so, &srv, &e)) {
        fprintf(stderr, "gridgov: %s\n", e.message);
        goto out;
    }
    if (gg_scheduler_start(store, (int)env_num("GG_SCHEDULER_INTERVAL", 30), &e)) {
        fprintf(stderr, "gridgov: %s\n", e.message);
        gg_server_stop(srv, 1);
        goto out;
    }
    gg_webhook_opts wo = {.interval_s = (int)env_num("GG_WEBHOOK_INTERVAL", 2),
                          .retry_base_ms = (int64_t)env_num("GG_WEBHOOK_RETRY_BASE_MS", 5000),
                          .max_attempts = (int)env_num("GG_WEBHOOK_MAX_ATTEMPTS", 20)};
    if (gg_webhook_start(store, &wo, &e)) {
        fprintf(stderr, "gridgov: %s\n", e.message);
        gg_scheduler_stop();
        gg_server_stop(srv, 1);
        goto out;
    }
    gg_info("gridgov %s serving http://%s:%d (db %s, schema %d, web UI %s)", GG_VERSION, addr,
            gg_server_port(srv), o->db, gg_store_schema_version(store), web ? web : "not built");
    int sig = 0;
    sigwait(&set, &sig);
    gg_info("received %s: draining requests in flight", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    gg_server_stop(srv, 15);
    gg_scheduler_stop();
    gg_webhook_stop(); /* records the outcomes of its last pass through the writer */
    gg_imports_stop(30); /* registry imports (#5): before the store closes under them */
    rc = 0;
out:
    gg_store_close(store); /* finishes every queued write, then closes */
    if (!rc) gg_info("stopped cleanly");
    return rc;
}

typedef struct admin_job {
    gg_account a;
    const char *hash;
} admin_job;

static int admin_fn(gg_conn *w, void *arg, gg_error *e)
{
    admin_job *j = arg;
    int rc = gg_account_insert(w, &j->a, j->hash, e);
    if (!rc) gg_audit(w, 0, "account_created", "account", j->a.id, "cli", "first administrator");
    return rc;
}

int gg_cmd_init(const gg_cli_opts *o)
{
    gg_store *s = NULL;
    gg_error e = {0};
    char pw[GG_TOKEN_CHARS], hash[GG_PW_HASH_MAX];
    if (gg_crypto_init()) return 1;
    if (open_store(o->db, true, &s)) return 1;
    chmod(o->db, 0600);
    int rc = 1;
    gg_conn *c = gg_store_reader(s);
    if (!c || gg_account_count(c) > 0) {
        fprintf(stderr, "gridgov: %s already has accounts; init does nothing\n", o->db);
        rc = c ? 0 : 1;
        goto out;
    }
    if (gg_username_check(o->admin_user, &e)) {
        fprintf(stderr, "gridgov: %s\n", e.message);
        goto out;
    }
    if (o->admin_password) {
        if (gg_password_check(o->admin_password, o->admin_user, "password", &e)) {
            fprintf(stderr, "gridgov: %s\n", e.message);
            goto out;
        }
        gg_strlcpy(pw, o->admin_password, sizeof pw);
    } else {
        gg_random_token(pw, 17);
    }
    if (gg_pw_hash(o->admin_password ? o->admin_password : pw, hash)) goto out;
    admin_job j = {.a = {.username = o->admin_user, .display_name = "系统管理员",
                         .role = GG_ROLE_ADMIN, .global_scope = true},
                   .hash = hash};
    if (gg_store_write_sync(s, admin_fn, &j, &e)) {
        fprintf(stderr, "gridgov: %s\n", e.message);
        goto out;
    }
    printf("database %s ready (schema %d); administrator '%s'", o->db,
           gg_store_schema_version(s), o->admin_user);
    if (!o->admin_password) printf(" with password %s (change it after signing in)", pw);
    printf("\n");
    rc = 0;
out:
    gg_store_close(s);
    return rc;
}

int gg_cmd_migrate(const gg_cli_opts *o)
{
    gg_store *s = NULL;
    if (open_store(o->db, true, &s)) return 1;
    printf("%s: schema %d (this binary carries %d)\n", o->db, gg_store_schema_version(s),
           gg_store_schema_latest());
    gg_store_close(s);
    return 0;
}

int gg_cmd_version(const gg_cli_opts *o)
{
    printf("gridgov %s, schema %d", GG_VERSION, gg_store_schema_latest());
    struct stat st;
    if (o->db && stat(o->db, &st) == 0) {
        gg_store *s = NULL;
        gg_error e = {0};
        gg_store_opts so = {.migrate = false};
        if (gg_store_open(o->db, &so, &s, &e) == 0) {
            printf(", database %s at schema %d", o->db, gg_store_schema_version(s));
            gg_store_close(s);
        } else {
            printf(", database %s: %s", o->db, e.message);
        }
    }
    printf("\n");
    return 0;
}

static void roles_str(unsigned mask, int flags, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = 0;
    if (flags & GG_RF_PUBLIC) {
        gg_strlcpy(out, "public", cap);
        return;
    }
    for (int r = 1; r < GG_ROLE__COUNT; r++) {
        if (!(mask & GG_R(r))) continue;
        int k = snprintf(out + n, cap - n, "%s%s", n ? "," : "", gg_role_name(r));
        if (k < 0 || (size_t)k >= cap - n) break;
        n += (size_t)k;
    }
    if (flags & GG_RF_LOOPBACK) snprintf(out + n, cap - n, "%sloopback", n ? "," : "");
}

/* method, pattern, roles, scope rule, flags (no_csrf, raw or "-"), tab-separated */
int gg_cmd_routes(const gg_cli_opts *o)
{
    for (size_t i = 0; i < gg_nroutes; i++) {
        const gg_route *rt = &gg_routes[i];
        char roles[160];
        roles_str(rt->roles, rt->flags, roles, sizeof roles);
        const char *flags = (rt->flags & GG_RF_NO_CSRF) && (rt->flags & GG_RF_RAW) ? "no_csrf,raw"
                            : (rt->flags & GG_RF_NO_CSRF)                         ? "no_csrf"
                            : (rt->flags & GG_RF_RAW)                             ? "raw"
                                                                                  : "-";
        printf("%s\t%s\t%s\t%s\t%s\n", rt->method, rt->pattern, roles, rt->scope_rule, flags);
    }
    return 0;
}

int gg_cmd_scheduler_run(const gg_cli_opts *o)
{
    int64_t now = gg_now_us();
    if (o->now && gg_time_parse(o->now, strlen(o->now), gg_display_offset_min(), &now)) {
        fprintf(stderr, "gridgov: --now wants an ISO 8601 time, e.g. 2026-12-01T09:00:00+08:00\n");
        return 2;
    }
    gg_store *s = NULL;
    gg_error e = {0};
    if (open_store(o->db, false, &s)) return 1;
    gg_conn *c = gg_store_reader(s);
    int n = c && gg_calendar_load(c, &e) == 0 ? gg_scheduler_run_once(s, now, &e) : -1;
    gg_store_close(s);
    if (n < 0) {
        fprintf(stderr, "gridgov: %s\n", e.message);
        return 1;
    }
    printf("%d cases became overdue\n", n);
    return 0;
}
