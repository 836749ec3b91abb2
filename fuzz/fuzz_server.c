/*
 * fuzz_server.c — see fuzz_server.h.
 */
#include "fuzz_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/api.h"
#include "api/calendar.h"
#include "core/crypto.h"
#include "core/log.h"
#include "domain/authz.h"
#include "http/server.h"
#include "store/files.h"
#include "store/store.h"

static gg_server *srv;
static gg_store *store;
static int port;
static char tmpdir[] = "/tmp/gg-fuzz-XXXXXX";

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    return remove(path);
}

/* At exit (libFuzzer ends a timed run with exit()) the temp dir goes; the
 * server threads may still run, which Linux allows on unlinked files. An
 * abort leaves it for the crash to be looked at. */
static void remove_tmpdir(void)
{
    nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_server: %s: %s\n", what, detail ? detail : "");
    abort();
}

typedef struct fixture_job {
    const char *admin_hash;
} fixture_job;

static int add_account(gg_conn *w, const char *user, int role, const char *pwhash,
                       const char *key, gg_error *e)
{
    gg_account a = {.username = user, .display_name = user, .role = role, .global_scope = true,
                    .active = true};
    int rc = gg_account_insert(w, &a, pwhash, e);
    if (rc) return rc;
    unsigned char h[32];
    gg_hash32(key, strlen(key), h);
    gg_apikey_rec k = {.user_id = a.id, .name = "fuzz", .prefix = "ggk_fuzz",
                       .created_at = 1};
    return gg_apikey_insert(w, &k, h, e);
}

static int fixture_fn(gg_conn *w, void *arg, gg_error *e)
{
    fixture_job *j = arg;
    int rc = add_account(w, "admin", GG_ROLE_ADMIN, j->admin_hash, FZ_ADMIN_KEY, e);
    if (!rc) rc = add_account(w, "command", GG_ROLE_COMMAND, j->admin_hash, FZ_COMMAND_KEY, e);
    return rc;
}

static int status_of(const char *resp)
{
    /* "HTTP/1.1 200 " */
    if (strncmp(resp, "HTTP/1.", 7) != 0 || strlen(resp) < 12) return 0;
    int s = 0;
    for (int i = 9; i < 12; i++) {
        if (resp[i] < '0' || resp[i] > '9') return 0;
        s = s * 10 + (resp[i] - '0');
    }
    return s;
}

/* Does buf[0..n) end exactly after a whole response (or several)? Every
 * answer of this server carries Content-Length; HEAD answers and oddities
 * just fall back to the silence timeout. */
static int responses_complete(const char *buf, size_t n)
{
    size_t at = 0;
    while (at < n) {
        const char *end = memmem(buf + at, n - at, "\r\n\r\n", 4);
        if (!end) return 0;
        size_t hlen = (size_t)(end - (buf + at)) + 4;
        const char *cl = memmem(buf + at, hlen, "\r\nContent-Length: ", 18);
        if (!cl) return 0;
        size_t body = 0;
        for (cl += 18; *cl >= '0' && *cl <= '9'; cl++) body = body * 10 + (size_t)(*cl - '0');
        at += hlen + body;
    }
    return at == n;
}

long fz_exchange(const void *req, size_t n, int timeout_ms, int *status, char *out, size_t cap)
{
    char local[512];
    if (!out) {
        out = local;
        cap = sizeof local;
    }
    out[0] = 0;
    *status = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    const char *p = req;
    size_t sent = 0;
    while (sent < n) {
        struct pollfd pf = {.fd = fd, .events = POLLOUT};
        if (poll(&pf, 1, timeout_ms) <= 0) break;
        ssize_t k = send(fd, p + sent, n - sent, MSG_NOSIGNAL);
        if (k <= 0) break; /* the server may close early (413, 431...) */
        sent += (size_t)k;
    }
    shutdown(fd, SHUT_WR);
    /* Read until EOF or silence: timeout_ms while an answer is partial or
     * none came yet, 10 ms after whole answers (more may follow a pipeline).
     * libmicrohttpd does not always notice the half-close, so waiting for
     * EOF alone would cost the idle timeout on many inputs. */
    static char seen[1 << 16];
    size_t got = 0, total = 0;
    for (;;) {
        int wait = total > 0 && total <= sizeof seen && responses_complete(seen, total)
                       ? (timeout_ms < 10 ? timeout_ms : 10)
                       : timeout_ms;
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        if (poll(&pf, 1, wait) <= 0) break;
        char tmp[4096];
        ssize_t k = recv(fd, tmp, sizeof tmp, 0);
        if (k <= 0) break;
        if (total + (size_t)k <= sizeof seen) memcpy(seen + total, tmp, (size_t)k);
        total += (size_t)k;
        size_t room = cap - 1 - got;
        size_t c = (size_t)k < room ? (size_t)k : room;
        memcpy(out + got, tmp, c);
        got += c;
        out[got] = 0;
    }
    close(fd);
    *status = status_of(out);
    return (long)total;
}

void fz_check_alive(const char *who)
{
    static const char hz[] = "GET /healthz HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n";
    int st = 0;
    char resp[1024];
    for (int attempt = 0; attempt < 3; attempt++) {
        if (fz_exchange(hz, sizeof hz - 1, 5000, &st, resp, sizeof resp) >= 0 && st == 200) return;
        usleep(200000);
    }
    fprintf(stderr, "%s: the server no longer answers GET /healthz with 200 (got %d):\n%s\n", who,
            st, resp);
    abort();
}

/* One request of the fixture with the admin or command key; want the status. */
static void fixture_req(const char *key, const char *method, const char *path, const char *body,
                        int want)
{
    char req[2048], resp[4096];
    int n = snprintf(req, sizeof req,
                     "%s %s HTTP/1.1\r\nHost: fuzz\r\nAuthorization: Bearer %s\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s",
                     method, path, key, strlen(body), body);
    int st = 0;
    if (fz_exchange(req, (size_t)n, 10000, &st, resp, sizeof resp) < 0 || st != want)
        die("fixture request failed", resp);
}

int fz_server_port(void)
{
    if (srv) return port;
    signal(SIGPIPE, SIG_IGN);
    gg_log_set_level(GG_LOG_ERROR);
    if (!mkdtemp(tmpdir)) die("mkdtemp", strerror(errno));
    atexit(remove_tmpdir);
    const char *dir = tmpdir;
    char db[256], files[256];
    snprintf(db, sizeof db, "%s/fuzz.db", dir);
    snprintf(files, sizeof files, "%s/files", dir);
    gg_files_set_dir(files);
    if (gg_crypto_init()) die("crypto init", NULL);
    gg_error e = {0};
    gg_store_opts so = {.migrate = true};
    if (gg_store_open(db, &so, &store, &e)) die("store open", e.message);
    char hash[GG_PW_HASH_MAX];
    if (gg_pw_hash(FZ_ADMIN_PW, hash)) die("password hash", NULL);
    fixture_job fj = {.admin_hash = hash};
    if (gg_store_write_sync(store, fixture_fn, &fj, &e)) die("fixture accounts", e.message);
    gg_conn *rc0 = gg_store_reader(store);
    if (!rc0 || gg_calendar_load(rc0, &e)) die("calendar", e.message);

    gg_server_opts o;
    gg_server_opts_default(&o);
    o.port = 0;
    o.threads = 2;
    o.store = store;
    o.routes = gg_routes;
    o.nroutes = gg_nroutes;
    o.rate_per_ip = 0;
    o.rate_burst = 0;
    o.login_per_min = 0;
    o.access_log = false;
    o.idle_timeout_s = 3;
    o.body_timeout_s = 5;
    if (gg_server_start(&o, &srv, &e)) die("server start", e.message);
    port = gg_server_port(srv);

    fixture_req(FZ_ADMIN_KEY, "POST", "/api/v1/places",
                "{\"kind\":\"district\",\"code\":\"630102\",\"name\":\"城东区\"}", 201);
    fixture_req(FZ_ADMIN_KEY, "POST", "/api/v1/places",
                "{\"parent_id\":\"1\",\"kind\":\"street\",\"name\":\"东关街道\"}", 201);
    fixture_req(FZ_ADMIN_KEY, "POST", "/api/v1/places",
                "{\"parent_id\":\"2\",\"kind\":\"community\",\"name\":\"社区一\"}", 201);
    fixture_req(FZ_ADMIN_KEY, "POST", "/api/v1/places",
                "{\"parent_id\":\"3\",\"kind\":\"grid\",\"name\":\"网格一\"}", 201);
    fixture_req(FZ_ADMIN_KEY, "POST", "/api/v1/categories",
                "{\"kind\":\"event\",\"code\":\"fuzz\",\"name\":\"模糊\",\"limit_amount\":3,"
                "\"limit_unit\":\"work_days\",\"stage_amount\":1,\"stage_unit\":\"work_days\"}",
                201);
    fixture_req(FZ_COMMAND_KEY, "POST", "/api/v1/cases",
                "{\"kind\":\"event\",\"category_id\":\"1\",\"place_id\":\"4\","
                "\"title\":\"路灯不亮\"}",
                201);
    fz_check_alive("fuzz_server start");
    return port;
}
